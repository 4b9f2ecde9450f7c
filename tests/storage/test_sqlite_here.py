"""SQLite reads on the event loop's own thread, and when they go to a reader thread instead.

A point read by id, or a small query, is answered on the event loop's thread
(a primary-key lookup costs far less than handing it to a thread); a lock, an
error, a file changed under the store, a statement past its budget of SQLite
steps or a slow disk sends it to the reader threads, which handle each as
before (tests/storage/test_sqlite.py, test_faults.py).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import storage.sqlite as sqlite_module
from storage.backend import Document
from storage.sqlite import SqliteBackend
from tests.storage.faults import UnreadableJson

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"


@pytest.fixture
async def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SqliteBackend]:
    """An open store at ``tmp_path / "okr.sqlite3"`` holding team ``t-0``.

    Its time limits are far off (a test that needs one sets it): on a busy
    machine a statement of a few microseconds can be preempted for milliseconds.
    """
    monkeypatch.setattr(sqlite_module, "_HERE_BUDGET_S", 1.0)
    monkeypatch.setattr(sqlite_module, "_HERE_SLOW_S", 1.0)
    opened = SqliteBackend(tmp_path / "okr.sqlite3")
    await opened.open()
    try:
        await opened.create(TENANT, "team", "t-0", {"id": "t-0", "n": 0})
        yield opened
    finally:
        await opened.close()


def _thread_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls handed to a connection's thread from now on (``read`` or ``write``)."""
    calls: list[str] = []
    real_run = sqlite_module._Connection.run

    async def counting_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append("write" if kwargs.get("write") else "read")
        return await real_run(self, *args, **kwargs)

    monkeypatch.setattr(sqlite_module._Connection, "run", counting_run)
    return calls


async def test_point_reads_are_answered_on_the_event_loops_thread(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    await backend.create(TENANT, "team", "t-1", {"id": "t-1", "unreadable": True})
    calls = _thread_calls(monkeypatch)
    monkeypatch.setattr(sqlite_module, "json", UnreadableJson)

    found = await backend.read(TENANT, "team", "t-0")
    missing = await backend.read(TENANT, "team", "missing")
    other_tenant = await backend.read("another-tenant", "team", "t-0")
    with pytest.raises(ValueError, match="unreadable body"):
        await backend.read(TENANT, "team", "t-1")

    assert found is not None and found.body == {"id": "t-0", "n": 0}
    assert missing is None and other_tenant is None
    assert calls == []
    # A write is still a thread's, and the next read sees it.
    etag = await backend.replace(TENANT, "team", "t-0", {"id": "t-0", "n": 5}, found.etag)
    assert await backend.read(TENANT, "team", "t-0") == Document({"id": "t-0", "n": 5}, etag)
    assert calls == ["write"]


class _LockedConnection:
    """Stands in for the event loop's read connection while another process holds a lock."""

    def __init__(self) -> None:
        self.tried = 0

    def execute(self, *args: Any) -> Any:
        self.tried += 1
        raise sqlite3.OperationalError("database is locked")

    def close(self) -> None:
        pass


async def test_a_point_read_that_would_wait_is_read_in_a_thread(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _thread_calls(monkeypatch)
    files = backend._files
    assert files is not None
    locked = _LockedConnection()
    files.here = locked  # type: ignore[assignment]

    found = await backend.read(TENANT, "team", "t-0")

    assert found is not None and found.body == {"id": "t-0", "n": 0}
    assert locked.tried == 1 and calls == ["read"]


async def test_a_slow_point_read_sends_point_reads_to_threads_for_a_while(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls = _thread_calls(monkeypatch)
    monkeypatch.setattr(sqlite_module, "_HERE_SLOW_S", 0.0)  # every read is "slow"

    with caplog.at_level(logging.WARNING, logger="okr.storage"):
        slow = await backend.read(TENANT, "team", "t-0")
        after = await backend.read(TENANT, "team", "t-0")

    assert slow == after and after is not None and after.body == {"id": "t-0", "n": 0}
    assert calls == ["read"]  # the slow one was answered here, the next one in a thread
    assert "reads go to threads for 60 s" in caplog.text


async def test_a_file_replaced_under_the_store_is_read_through_the_threads(
    backend: SqliteBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another database moved into place: the event loop's connection still has
    # the old one open, so the read must not be answered from it.
    other = SqliteBackend(tmp_path / "other.sqlite3")
    await other.open()
    await other.create(TENANT, "team", "t-0", {"id": "t-0", "n": 9})
    await other.close()
    monkeypatch.setattr(sqlite_module, "_READ_CHECK_S", 0.0)  # check the file every time
    calls = _thread_calls(monkeypatch)
    os.replace(tmp_path / "other.sqlite3", backend.path)

    found = await backend.read(TENANT, "team", "t-0")

    assert found is not None and found.body == {"id": "t-0", "n": 9}
    assert "read" in calls
    # Reopened on the file now at the path: answered on the event loop's thread again.
    calls.clear()
    again = await backend.read(TENANT, "team", "t-0")
    assert again is not None and again.body == {"id": "t-0", "n": 9}
    assert calls == []


async def test_a_small_query_is_answered_on_the_event_loops_thread(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 20):
        await backend.create(TENANT, "team", f"t-{n}", {"id": f"t-{n}", "n": n % 3})
    await backend.create("another-tenant", "team", "t-x", {"id": "t-x", "n": 1})
    calls = _thread_calls(monkeypatch)

    found = await backend.query(TENANT, "team", where={"n": 1}, order_by="id")

    assert [d.body["id"] for d in found] == sorted(f"t-{n}" for n in range(1, 20) if n % 3 == 1)
    assert calls == []


async def test_a_query_of_many_documents_is_run_in_a_thread_with_every_row(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = [("team", f"t-{n:04}", {"id": f"t-{n:04}", "n": n}) for n in range(1, 3000)]
    await backend.create_missing(TENANT, documents)
    calls = _thread_calls(monkeypatch)

    found = await backend.query(TENANT, "team", order_by="id")
    hundred = await backend.query(TENANT, "team", order_by="id", limit=100)
    one_more = await backend.query(TENANT, "team", order_by="id", limit=101)

    assert [d.body["n"] for d in found] == list(range(3000))  # t-0 and 2,999 more
    assert [d.body["n"] for d in hundred] == list(range(100))
    assert [d.body["n"] for d in one_more] == list(range(101))
    assert calls == ["read", "read"]  # the first and the last, decoded in a thread


async def test_a_statement_past_its_time_budget_is_run_in_a_thread(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = [("team", f"t-{n:04}", {"id": f"t-{n:04}", "n": n}) for n in range(1, 3000)]
    await backend.create_missing(TENANT, documents)
    await backend.read(TENANT, "team", "t-0001")  # the first read after a write looks once
    # Past the budget at the first look of the progress handler, every 100 SQLite steps:
    # a scan looks at it often, a point read (some 16 steps) never.
    monkeypatch.setattr(sqlite_module, "_HERE_BUDGET_S", 0.0)
    calls = _thread_calls(monkeypatch)

    # Few rows, but found by scanning every document of the tenant (no index on "n").
    scanned = await backend.query(TENANT, "team", where={"n": 2999})
    looked_up = await backend.read(TENANT, "team", "t-0007")

    assert [d.body["id"] for d in scanned] == ["t-2999"]
    assert looked_up is not None and looked_up.body == {"id": "t-0007", "n": 7}
    assert calls == ["read"]  # the scan, interrupted here; the lookup stays here
