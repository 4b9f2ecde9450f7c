"""On SQLite a check-in card's check-ins and its key results' mirrors are one commit.

The contract suite (test_checkin_cards.py, both backends) says what a card
stores; these say how SQLite does it: one write handed to the writer thread,
all of it or nothing, and the usual way again for what the joint write could
not do (a key result changed meanwhile, a card pressed twice).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import storage.sqlite as sqlite_module
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.storage import samples

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
KRS = ("kr-1", "kr-2", "kr-3")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    """An open SQLite store with an objective of three key results."""
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        await opened.save_objective(samples.objective(A))
        for kr_id in KRS:
            await opened.save_key_result(samples.key_result(A, kr_id))
        yield opened


def _card(prefix: str = "card") -> list[Any]:
    return [
        samples.checkin(A, f"{prefix}|{k}", value=f"1{n}000000", kr_id=k)
        for n, k in enumerate(KRS, start=1)
    ]


def _writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The writes handed to the writer thread from now on."""
    writes: list[str] = []
    real_run = sqlite_module._Connection.run

    async def counting_run(self: Any, job: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("write"):
            writes.append(job.__qualname__.split(".")[-3])
        return await real_run(self, job, *args, **kwargs)

    monkeypatch.setattr(sqlite_module._Connection, "run", counting_run)
    return writes


async def _key_results(store: OkrStore) -> list[Any]:
    return [await store.get_key_result(A, k) for k in KRS]


async def test_a_card_is_one_write_and_every_key_result_shows_its_check_in(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = await _key_results(store)
    writes = _writes(monkeypatch)

    stored = await store.record_checkins(A, _card(), read)

    assert writes == ["create_then_replace"]
    assert [c.id for c in stored] == [f"card|{k}" for k in KRS]
    for n, kr in enumerate(await _key_results(store), start=1):
        assert kr.current == Decimal(f"1{n}000000") and kr.last_checkin_id == f"card|kr-{n}"
        assert kr.etag != read[n - 1].etag
        assert [c.id for c in await store.list_checkins(A, key_result_id=kr.id)] == [f"card|kr-{n}"]


async def test_a_key_result_changed_meanwhile_keeps_that_change_and_shows_the_check_in(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = await _key_results(store)
    # Someone renames kr-2 between the card's read and its record.
    renamed = dataclasses.replace(read[1], title="Doanh thu quý IV")
    await store.save_key_result(renamed)
    writes = _writes(monkeypatch)

    await store.record_checkins(A, _card(), read)

    after = await _key_results(store)
    assert after[1].title == "Doanh thu quý IV"  # the other change stands
    assert [kr.last_checkin_id for kr in after] == [f"card|{k}" for k in KRS]
    assert after[1].current == Decimal("12000000")
    # One joint write, then kr-2 alone, read afresh and written at its new ETag.
    assert writes == ["create_then_replace", "replace"]


async def test_a_card_pressed_twice_keeps_the_first_and_mirrors_nothing_new(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await store.record_checkins(A, _card(), await _key_results(store))
    shown = await _key_results(store)
    replay = [dataclasses.replace(c, value=Decimal("1")) for c in _card()]

    again = await store.record_checkins(A, replay, shown)

    assert [c.value for c in again] == [c.value for c in first]
    assert await _key_results(store) == shown  # nothing written again


async def test_a_failure_inside_the_joint_write_leaves_nothing_and_a_retry_records_the_card(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await _key_results(store)
    # The replaces fail after the check-ins were inserted (a statement SQLite refuses):
    # the check-ins are undone with them.
    real_replace = sqlite_module._REPLACE
    monkeypatch.setattr(sqlite_module, "_REPLACE", real_replace + " AND no_such_column = 1")

    with pytest.raises(Exception, match="no_such_column"):
        await store.record_checkins(A, _card(), before)

    assert all([await store.list_checkins(A, key_result_id=k) == [] for k in KRS])
    assert await _key_results(store) == before
    monkeypatch.setattr(sqlite_module, "_REPLACE", real_replace)
    await store.record_checkins(A, _card(), before)
    assert [kr.last_checkin_id for kr in await _key_results(store)] == [f"card|{k}" for k in KRS]


async def test_a_failed_joint_write_in_a_group_commit_undoes_only_itself(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await _key_results(store)
    monkeypatch.setattr(sqlite_module, "_REPLACE", sqlite_module._REPLACE + " AND nope = 1")
    other = samples.key_result(A, "kr-other")
    groups: list[int] = []
    real_group = sqlite_module._Connection._run_group

    def spying_group(self: Any, jobs: list[Any]) -> None:
        groups.append(len(jobs))
        real_group(self, jobs)

    monkeypatch.setattr(sqlite_module._Connection, "_run_group", spying_group)

    # Queued together behind a slow write, the two writes share one transaction.
    backend = store.backend
    assert isinstance(backend, SqliteBackend)
    slow = asyncio.ensure_future(backend._write(lambda db: time.sleep(0.2)))
    await asyncio.sleep(0.05)
    failed, saved = await asyncio.gather(
        store.record_checkins(A, _card(), before),
        store.save_key_result(other),
        return_exceptions=True,
    )
    await slow

    assert groups == [2]  # the slow write alone, then these two together
    assert isinstance(failed, Exception) and "nope" in str(failed)
    assert not isinstance(saved, BaseException)
    assert await store.get_key_result(A, "kr-other") is not None
    assert all([await store.list_checkins(A, key_result_id=k) == [] for k in KRS])
    assert await _key_results(store) == before
