"""Rules of the SQLite backend beyond the shared contract."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import warnings
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import storage.sqlite as sqlite_module
from storage.backend import Contains, Document, Match
from storage.errors import AlreadyExistsError, StoreError
from storage.sqlite import MIGRATIONS, SqliteBackend, _new_etag, fields_sql, query_sql
from storage.store import OkrStore
from tests.storage import samples
from tests.storage.faults import UnreadableJson
from tests.storage.samples import T0

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
ROOT = Path(__file__).resolve().parents[2]

# A child process that records check-ins on the shared file.
_WRITER = """
import asyncio, sys
from datetime import timedelta
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.storage import samples
from tests.storage.faults import UnreadableJson

async def main(path, prefix, count):
    async with OkrStore(SqliteBackend(path)) as store:
        for i in range(count):
            at = samples.T0 + timedelta(seconds=i)
            await store.record_checkin(samples.checkin(sys.argv[4], f"{prefix}-{i}", at=at))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def test_new_file_is_migrated_to_the_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "nested" / "okr.sqlite3")
    async with OkrStore(backend):
        assert await backend.schema_version() == len(MIGRATIONS)
    with closing(sqlite3.connect(tmp_path / "nested" / "okr.sqlite3")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "okr.sqlite3"
    async with OkrStore(SqliteBackend(path)) as store:
        await store.save_team(samples.team(TENANT))
    async with OkrStore(SqliteBackend(path)) as store:
        assert await store.get_team(TENANT, samples.TEAM_ID) is not None


async def test_file_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "okr.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    backend = SqliteBackend(path)
    with pytest.raises(StoreError, match="newer than this app knows"):
        await backend.open()
    await backend.close()


async def test_using_a_closed_store_says_so(tmp_path: Path) -> None:
    store = OkrStore(SqliteBackend(tmp_path / "okr.sqlite3"))
    with pytest.raises(StoreError, match="not open"):
        await store.get_team(TENANT, "x")


async def test_two_processes_writing_one_file_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "okr.sqlite3"
    async with OkrStore(SqliteBackend(path)) as store:
        await store.save_objective(samples.objective(TENANT))
        await store.save_key_result(samples.key_result(TENANT))
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _WRITER, str(path), prefix, "40", TENANT, cwd=ROOT
        )
        for prefix in ("p1", "p2")
    ]
    codes = await asyncio.gather(*(p.wait() for p in procs))
    assert codes == [0, 0]
    async with OkrStore(SqliteBackend(path)) as store:
        history = await store.list_checkins(TENANT, key_result_id="kr-1")
        assert len(history) == 80
        kr = await store.get_key_result(TENANT, "kr-1")
        assert kr is not None
        # Both writers' newest check-ins share recorded_at; the larger id wins the tie.
        assert kr.last_checkin_id == "p2-39"
        assert kr.last_checkin_at == T0 + timedelta(seconds=39)


@pytest.mark.parametrize("field", ["team_id) OR 1=1 --", "a.b", "", "x" * 100])
async def test_query_refuses_field_names_that_are_not_identifiers(
    tmp_path: Path, field: str
) -> None:
    backend = SqliteBackend(tmp_path / "okr.sqlite3")
    await backend.open()
    try:
        with pytest.raises(ValueError, match="not a field name"):
            await backend.query(TENANT, "team", where={field: "x"})
    finally:
        await backend.close()


async def test_writes_sent_together_are_each_kept_or_refused_on_their_own(
    tmp_path: Path,
) -> None:
    path = tmp_path / "okr.sqlite3"
    backend = SqliteBackend(path)
    async with OkrStore(backend):
        await backend.create(TENANT, "team", "t-0", {"id": "t-0"})
        # Queued together, these share commits; the duplicate must fail alone.
        results = await asyncio.gather(
            *(backend.create(TENANT, "team", f"t-{n}", {"id": f"t-{n}"}) for n in range(40)),
            return_exceptions=True,
        )
    assert isinstance(results[0], AlreadyExistsError)
    assert all(isinstance(etag, str) for etag in results[1:])
    async with OkrStore(SqliteBackend(path)) as store:
        assert len(await store.backend.query(TENANT, "team")) == 40


async def test_a_bulk_create_gets_time_in_proportion_to_its_size(tmp_path: Path) -> None:
    # A deadline far shorter than 20,000 inserts take: only the bulk allowance lets it finish.
    backend = SqliteBackend(tmp_path / "okr.sqlite3", deadline_s=0.05)
    documents = [
        ("objective", f"o-{n}", {"id": f"o-{n}", "title": "x" * 100}) for n in range(20_000)
    ]
    async with OkrStore(backend):
        assert await backend.create_missing(TENANT, documents) == 20_000


@pytest.mark.parametrize(
    ("kind", "where", "order_by", "index"),
    [
        ("key_result", {"objective_id": "o-7"}, "created_at", "documents_objective_id"),
        ("key_result", {"objective_id": ("o-7", "o-8")}, "created_at", "documents_objective_id"),
        ("objective", {"team_id": "t", "state": "active"}, "created_at", "documents_team_id"),
        ("delivery", {"round_id": "r"}, "id", "documents_round_id"),
        (
            "checkin",
            {"superseded_by": None, "key_result_id": "k"},
            "recorded_at",
            "documents_checkin_history",
        ),
        ("digest_snapshot", {"team_id": "t"}, "slot", "documents_team_slot"),
        ("member", {"team_ids": Contains("t")}, "name", "member_teams_by_name"),
        ("member", {}, "name", "documents_name"),
        ("objective", {"state": "active"}, "created_at", "documents_state_created"),
        ("objective", {"state": ("draft", "active")}, "created_at", "documents_state_created"),
    ],
)
async def test_a_query_by_an_indexed_field_searches_its_index_not_every_document_of_the_kind(
    tmp_path: Path, kind: str, where: dict[str, Match], order_by: str, index: str
) -> None:
    # SQLite's planner, without statistics, preferred scanning every document of
    # the kind (the primary key's prefix) to the field's index.
    path = tmp_path / "okr.sqlite3"
    backend = SqliteBackend(path)
    await backend.open()
    await backend.create_missing(
        TENANT,
        [("key_result", f"kr-{n}", {"objective_id": f"o-{n % 50}"}) for n in range(500)],
    )
    found = await backend.query(TENANT, "key_result", where={"objective_id": "o-7"})
    await backend.close()
    text, params = query_sql(TENANT, kind, where, order_by)

    with closing(sqlite3.connect(path)) as db:
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {text}", params))

    assert f"USING INDEX {index} " in plan or f"USING COVERING INDEX {index} " in plan
    assert "SCAN documents" not in plan
    assert sorted(d.body["objective_id"] for d in found) == ["o-7"] * 10


async def test_the_first_open_objectives_walk_the_state_index_once_per_state(
    tmp_path: Path,
) -> None:
    # A parent pick-list shows the first hundred open objectives: each state's are read
    # in creation order from the index, up to the limit, never every open one sorted.
    path = tmp_path / "okr.sqlite3"
    states = ("draft", "active", "closed")
    backend = SqliteBackend(path)
    await backend.open()
    await backend.create_missing(
        TENANT,
        [
            (
                "objective",
                f"o-{n:04}",
                {
                    "id": f"o-{n:04}",
                    "title": f"Mục tiêu {n}",
                    "state": states[n % 3],
                    "created_at": f"2026-11-{1 + n // 100:02}T00:00:00.000000Z",
                },
            )
            for n in range(2000)
        ],
    )
    where: dict[str, Match] = {"state": ("draft", "active")}
    rows = await backend.query_fields(
        TENANT, "objective", ("title", "id"), where, "created_at", False, 101
    )
    whole = await backend.query(TENANT, "objective", where, "created_at", limit=101)
    await backend.close()
    text, params = fields_sql(TENANT, "objective", ("title", "id"), where, "created_at", False, 101)

    with closing(sqlite3.connect(path)) as db:
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {text}", params)]

    assert rows == [(d.body["title"], d.body["id"]) for d in whole]
    assert rows[:3] == [
        ("Mục tiêu 0", "o-0000"),
        ("Mục tiêu 1", "o-0001"),
        ("Mục tiêu 3", "o-0003"),
    ]
    search = (
        "SEARCH documents USING INDEX documents_state_created (partition=? AND kind=? AND <expr>=?)"
    )
    assert plan.count(search) == 2
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1  # the two parts' 202 rows, merged


async def test_reads_check_the_file_once_per_interval_and_writes_before_and_after_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "okr.sqlite3"
    checked: list[str] = []
    real_stat = os.stat

    def counting_stat(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if str(target) == str(path):
            checked.append("stat")
        return real_stat(target, *args, **kwargs)

    backend = SqliteBackend(path)
    await backend.open()
    try:
        etag = await backend.create(TENANT, "team", "t-1", {"id": "t-1", "n": 0})
        monkeypatch.setattr(os, "stat", counting_stat)
        monkeypatch.setattr(sqlite_module, "_READ_CHECK_S", 3600.0)
        for _ in range(5):
            stored = await backend.read(TENANT, "team", "t-1")
            assert stored is not None and stored.body == {"id": "t-1", "n": 0}
        assert checked == []  # the create's check passed a moment ago

        etag = await backend.replace(TENANT, "team", "t-1", {"id": "t-1", "n": 1}, etag)
        assert checked == ["stat", "stat"]  # before and after the write, always

        checked.clear()
        monkeypatch.setattr(sqlite_module, "_READ_CHECK_S", 0.0)
        for _ in range(3):
            stored = await backend.read(TENANT, "team", "t-1")
            assert stored is not None and stored.body == {"id": "t-1", "n": 1}
        assert checked == ["stat"] * 3
    finally:
        await backend.close()


def test_etags_never_repeat_in_a_process_nor_in_a_fork_of_it() -> None:
    mine = [_new_etag() for _ in range(1000)]
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # forking with threads running
        pid = os.fork()
    if pid == 0:  # the child: its etags, then out without running anything else
        os.write(write_end, " ".join(_new_etag() for _ in range(1000)).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        theirs = pipe.read().decode().split()
    os.waitpid(pid, 0)

    assert len(set(mine)) == 1000 and len(set(theirs)) == 1000
    assert set(mine).isdisjoint(theirs)
    assert all(len(etag) == 32 and int(etag, 16) >= 0 for etag in mine + theirs)


async def test_point_reads_asked_for_together_are_read_in_one_call_each_answer_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "okr.sqlite3"
    backend = SqliteBackend(path)
    await backend.open()
    try:
        for n in range(3):
            await backend.create(TENANT, "team", f"t-{n}", {"id": f"t-{n}", "n": n})
        await backend.upsert(TENANT, "team", "t-2", {"id": "t-2", "unreadable": True})

        monkeypatch.setattr(sqlite_module, "json", UnreadableJson)
        calls: list[int] = []
        real_run = sqlite_module._Connection.run

        async def counting_run(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return await real_run(self, *args, **kwargs)

        monkeypatch.setattr(sqlite_module._Connection, "run", counting_run)
        # Reads not answered on the event loop's thread (tests/storage/test_sqlite_here.py).
        monkeypatch.setattr(SqliteBackend, "_read_here", lambda self, key: sqlite_module._ELSEWHERE)
        cancelled = asyncio.ensure_future(backend.read(TENANT, "team", "t-0"))
        together = asyncio.gather(
            backend.read(TENANT, "team", "t-0"),
            backend.read(TENANT, "team", "t-1"),
            backend.read(TENANT, "team", "missing"),
            backend.read(TENANT, "team", "t-2"),
            return_exceptions=True,
        )
        await asyncio.sleep(0)
        cancelled.cancel()
        first, second, missing, broken = await together

        assert calls == [1]
        assert cancelled.cancelled()
        assert isinstance(first, Document) and first.body == {"id": "t-0", "n": 0}
        assert isinstance(second, Document) and second.body == {"id": "t-1", "n": 1}
        assert missing is None
        assert isinstance(broken, ValueError)
        # One at a time, as before.
        alone = await backend.read(TENANT, "team", "t-1")
        assert alone is not None and alone.body == {"id": "t-1", "n": 1}
    finally:
        await backend.close()


def _person(id: str, name: str | None, *teams: str) -> dict[str, Any]:
    body: dict[str, Any] = {"id": id, "team_ids": list(teams)}
    if name is not None:
        body["name"] = name
    return body


async def _team_by_name(backend: SqliteBackend, team: str, limit: int | None = None) -> list[Any]:
    """A team's people as the pick-list reads them, and as every member filtered by hand."""
    rows = await backend.query_fields(
        TENANT, "member", ("id", "name"), {"team_ids": Contains(team)}, "name", limit=limit
    )
    everyone = await backend.query(TENANT, "member", order_by="name")
    by_hand = [(d.body["id"], d.body.get("name")) for d in everyone if team in d.body["team_ids"]][
        :limit
    ]
    assert rows == by_hand
    return rows


async def test_a_teams_people_are_read_from_their_own_index_kept_by_every_write(
    tmp_path: Path,
) -> None:
    backend = SqliteBackend(tmp_path / "okr.sqlite3")
    async with OkrStore(backend):
        etag = await backend.create(TENANT, "member", "29:a", _person("29:a", "Chi", "sales"))
        await backend.create_missing(
            TENANT,
            [
                ("member", "29:b", _person("29:b", "An", "sales", "ops", "sales")),
                ("member", "29:c", _person("29:c", None, "sales")),
                ("member", "29:d", _person("29:d", "Bảo", "ops")),
                ("team", "sales", {"id": "sales", "team_ids": ["sales"]}),  # not a person
            ],
        )
        await backend.create("other-tenant", "member", "29:e", _person("29:e", "Anh", "sales"))
        assert await _team_by_name(backend, "sales") == [
            ("29:c", None),  # no name sorts first, as in the name index
            ("29:b", "An"),  # once, though the team is named twice
            ("29:a", "Chi"),
        ]
        assert await _team_by_name(backend, "sales", limit=2) == [("29:c", None), ("29:b", "An")]

        # Renamed and moved: the old rows go, the new ones come.
        await backend.replace(TENANT, "member", "29:a", _person("29:a", "Ánh", "ops"), etag)
        await backend.upsert(TENANT, "member", "29:c", _person("29:c", "Dung", "sales", "ops"))
        # A conversation keyed by a person's id is not that person.
        await backend.upsert(TENANT, "conversation", "29:b", {"id": "29:b", "team_ids": []})
        await backend.delete(TENANT, "conversation", "29:b")
        assert await _team_by_name(backend, "sales") == [("29:b", "An"), ("29:c", "Dung")]
        assert await _team_by_name(backend, "ops") == [
            ("29:b", "An"),
            ("29:d", "Bảo"),
            ("29:c", "Dung"),
            ("29:a", "Ánh"),
        ]
        await backend.delete(TENANT, "member", "29:b")
        assert await _team_by_name(backend, "sales") == [("29:c", "Dung")]
        assert await _team_by_name(backend, "nobody's") == []


async def test_a_file_made_before_the_teams_index_gets_its_people_indexed_when_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "okr.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        for script in MIGRATIONS[:-1]:
            db.executescript(script)
        for id, name, teams in [("29:a", "Chi", ("sales",)), ("29:b", "An", ("sales", "ops"))]:
            db.execute(
                "INSERT INTO documents (partition, kind, id, etag, body) VALUES (?, ?, ?, ?, ?)",
                (TENANT, "member", id, "e", json.dumps(_person(id, name, *teams))),
            )
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
        db.commit()

    backend = SqliteBackend(path)
    async with OkrStore(backend):
        assert await backend.schema_version() == len(MIGRATIONS)
        assert await _team_by_name(backend, "sales") == [("29:b", "An"), ("29:a", "Chi")]
        assert await _team_by_name(backend, "ops") == [("29:b", "An")]
