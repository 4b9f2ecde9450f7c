"""Item 11: an objective is (title, period, team); an import is all or nothing, or resumable."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import cli.main
from cli.csv_import import import_csv, summary
from cli.okr_csv import COLUMNS, CsvError
from okr.models import KeyResult, Objective
from okr.periods import Period
from settings import Settings
from storage.backend import CALL_DEADLINE_S, PASS_DEADLINE_S, DocumentBackend
from storage.errors import StoreUnavailableError
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, app, seed, seed_file
from tests.storage.interrupted import CreatesThenFails, StorageWentAway

HEADER = ",".join(COLUMNS)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

AN, BINH = "an@contoso.example", "binh@contoso.example"


def grow_revenue(period: str, parent: str, kr: str, owner: str, start: int, target: int) -> str:
    """A row of the objective "Grow revenue" (owned by An) with one key result."""
    return f"Grow revenue,{AN},team,{period},committed,{parent},{kr},{owner},{start},{target},,\n"


# One title in two quarters, each with its own key results; the second aligns to the first.
TWO_PERIODS = (
    f"{HEADER}\n"
    + grow_revenue("2026-Q4", "", "Revenue", BINH, 1, 2)
    + grow_revenue("2026-Q4", "", "Deals", AN, 10, 20)
    + grow_revenue("2027-Q1", "Grow revenue", "Revenue", BINH, 2, 3)
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        yield await seed(opened)


def by_period(objectives: list[Objective]) -> dict[str, Objective]:
    return {o.period.label: o for o in objectives}


async def test_a_title_used_in_two_periods_is_two_objectives(store: OkrStore) -> None:
    plan = await import_csv(store, TENANT, TEAM, TWO_PERIODS, now=NOW)

    assert (plan.new_objectives, plan.new_key_results) == (2, 3)
    stored = by_period(await store.list_objectives(TENANT))
    q4, q1 = stored["2026-Q4"], stored["2027-Q1"]
    assert q4.id != q1.id and q4.title == q1.title == "Grow revenue"
    # The parent named by title alone is the other period's, not the objective itself.
    assert q1.parent_id == q4.id and q4.parent_id is None
    krs = await store.list_key_results(TENANT)
    assert sorted((k.objective_id == q4.id, k.title) for k in krs) == [
        (False, "Revenue"),
        (True, "Deals"),
        (True, "Revenue"),
    ]


async def test_the_same_file_gives_the_same_ids_in_any_store(
    store: OkrStore, tmp_path: Path
) -> None:
    await import_csv(store, TENANT, TEAM, TWO_PERIODS, now=NOW)
    async with OkrStore(SqliteBackend(tmp_path / "elsewhere.sqlite3")) as other:
        await import_csv(await seed(other), TENANT, TEAM, TWO_PERIODS, now=datetime.now(UTC))
        assert {o.id for o in await other.list_objectives(TENANT)} == {
            o.id for o in await store.list_objectives(TENANT)
        }
        assert {k.id for k in await other.list_key_results(TENANT)} == {
            k.id for k in await store.list_key_results(TENANT)
        }


async def test_created_in_file_order_so_lists_keep_it(store: OkrStore) -> None:
    await import_csv(store, TENANT, TEAM, GOOD, now=NOW)
    titles = [o.title for o in await store.list_objectives(TENANT)]
    assert titles == ["Tăng gấp đôi doanh thu", "Ship the app", "Write the handbook"]
    krs = [k.title for k in await store.list_key_results(TENANT)]
    assert krs[:3] == ["Doanh thu", "Support tickets a month", "Session length"]


async def test_an_objective_made_in_teams_is_matched_by_title_period_and_team(
    store: OkrStore,
) -> None:
    made_in_teams = await store.save_objective(
        Objective(
            tenant_id=TENANT,
            id="made-in-teams",
            title="grow  REVENUE",  # case and spacing aside, the same title
            owner_id="29:binh",
            period=Period(date(2026, 10, 1), date(2026, 12, 31)),
            team_id=TEAM,
        )
    )
    elsewhere = await store.save_objective(
        dataclasses.replace(
            made_in_teams, id="other-team", team_id="19:other@thread.tacv2", etag=None
        )
    )

    plan = await import_csv(store, TENANT, TEAM, TWO_PERIODS, now=NOW)

    assert (plan.new_objectives, plan.stored_objectives) == (1, 1)
    assert plan.left_as_stored == (
        (2, "objective 'Grow revenue' is stored with another objective_owner"),
    )
    stored = {o.id: o for o in await store.list_objectives(TENANT)}
    assert stored["made-in-teams"] == made_in_teams  # left exactly as it was
    assert stored["other-team"] == elsewhere
    assert len(stored) == 3
    krs = await store.list_key_results(TENANT, objective_id="made-in-teams")
    assert sorted(k.title for k in krs) == ["Deals", "Revenue"]


async def test_an_objective_stored_twice_in_the_team_is_reported(store: OkrStore) -> None:
    for id_ in ("one", "two"):
        await store.save_objective(
            Objective(
                tenant_id=TENANT,
                id=id_,
                title="Grow revenue",
                owner_id="29:an",
                period=Period.quarter(2026, 4),
                team_id=TEAM,
            )
        )
    with pytest.raises(
        CsvError, match=r"line 2: objective 'Grow revenue' \(2026-Q4\) is stored 2 times"
    ):
        await import_csv(store, TENANT, TEAM, TWO_PERIODS, now=NOW)
    assert len(await store.list_objectives(TENANT)) == 2


async def test_a_dry_run_reports_what_would_change_and_writes_nothing(store: OkrStore) -> None:
    first_row = "\n".join(TWO_PERIODS.splitlines()[:2]) + "\n"
    await import_csv(store, TENANT, TEAM, first_row, now=NOW)
    objectives, krs = await store.list_objectives(TENANT), await store.list_key_results(TENANT)
    text = TWO_PERIODS.replace("Deals,an@", "Deals,cuong@")

    plan = await import_csv(store, TENANT, TEAM, text, now=NOW, dry_run=True)

    assert summary(plan, dry_run=True) == [
        "dry run, nothing written: would import 1 objective and 2 key results; "
        "1 objective and 1 key result already there",
        "1 owner the bot has not met yet, recorded as pending: each becomes the owner when "
        "the bot sees them (team roster or a message)",
        "  cuong@contoso.example: 1 key result",
    ]
    assert await store.list_objectives(TENANT) == objectives
    assert await store.list_key_results(TENANT) == krs
    assert await store.list_pending_owners(TENANT) == []


# -- interrupted imports ------------------------------------------------------------------


def test_an_interrupted_sqlite_import_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "okr.sqlite3"
    seed_file(db)
    with sqlite3.connect(db) as conn:  # a real failure after 4 of the import's writes
        conn.execute(
            "CREATE TRIGGER fail_after_four BEFORE INSERT ON documents "
            "WHEN (SELECT count(*) FROM documents WHERE kind IN ('objective', 'key_result')) >= 4 "
            "BEGIN SELECT RAISE(ABORT, 'disk went away'); END"
        )
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")

    failed = app(db, "import", str(good), "--tenant", TENANT, "--team", TEAM)

    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "disk went away" in failed.stderr
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT kind, count(*) FROM documents GROUP BY kind"))
        conn.execute("DROP TRIGGER fail_after_four")
    assert "objective" not in counts and "key_result" not in counts

    completed = app(db, "import", str(good), "--tenant", TENANT, "--team", TEAM)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "imported 3 objectives and 5 key results"


@pytest.mark.cosmos
async def test_an_interrupted_cosmos_import_is_completed_by_running_it_again(
    cosmos_backend_factory: Callable[[], DocumentBackend],
) -> None:
    async with OkrStore(cosmos_backend_factory()) as fresh:
        await seed(fresh)
    failing = CreatesThenFails(cosmos_backend_factory(), writes=4)
    async with OkrStore(failing) as store:  # type: ignore[arg-type]
        with pytest.raises(StorageWentAway):
            await import_csv(store, TENANT, TEAM, GOOD, now=NOW)
        # In layers: the two top objectives, then (16 at once) the aligned one
        # and the top ones' key results, of which the first two started.
        stored = {o.id: o for o in await store.list_objectives(TENANT)}
        stored_krs = await store.list_key_results(TENANT)
        assert sorted(o.title for o in stored.values()) == [
            "Tăng gấp đôi doanh thu",
            "Write the handbook",
        ]
        assert len(stored_krs) == 2
        assert all(o.parent_id in stored for o in stored.values() if o.parent_id)
        assert all(k.objective_id in stored for k in stored_krs)

    async with OkrStore(cosmos_backend_factory()) as store:
        resumed = await import_csv(store, TENANT, TEAM, GOOD, now=NOW)
        assert summary(resumed) == [
            "imported 1 objective and 3 key results; "
            "2 objectives and 2 key results were already there"
        ]
        again = await import_csv(store, TENANT, TEAM, GOOD, now=NOW)
        assert summary(again) == [
            "nothing changed: the file's 3 objectives and 5 key results are already there"
        ]
        objectives = await store.list_objectives(TENANT)
        krs: list[KeyResult] = await store.list_key_results(TENANT)
    assert sorted(o.title for o in objectives) == [
        "Ship the app",
        "Tăng gấp đôi doanh thu",
        "Write the handbook",
    ]
    assert len(krs) == 5 and len({(k.objective_id, k.title) for k in krs}) == 5
    ship = next(o for o in objectives if o.title == "Ship the app")
    assert ship.parent_id == next(o.id for o in objectives if o.title.startswith("Tăng"))


@pytest.mark.parametrize(
    ("argv", "deadline_s"),
    [
        (["import", "x.csv", "--tenant", TENANT, "--team", TEAM], cli.main.CSV_DEADLINE_S),
        (["export", "--tenant", TENANT], cli.main.CSV_DEADLINE_S),
        # A pass answers nobody waiting: it gets the scheduler's deadline, as in the app.
        (["run", "checkins", "--tenant", TENANT], PASS_DEADLINE_S),
    ],
)
def test_import_and_export_get_minutes_per_storage_call_where_a_request_gets_seconds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str], deadline_s: float
) -> None:
    """Reading a whole tenant (100,000 key results: about 20 s on SQLite) is one call."""
    asked: list[float] = []

    def store(settings: Settings, *, deadline_s: float) -> OkrStore:
        asked.append(deadline_s)
        raise StoreUnavailableError("not needed here")

    monkeypatch.setattr(cli.main, "store_from_settings", store)
    settings = Settings.from_env({"SQLITE_PATH": str(tmp_path / "okr.sqlite3")}, env_file=None)

    assert cli.main.run(argv, settings) == 2
    assert asked == [deadline_s]
    assert cli.main.CSV_DEADLINE_S >= 100 * CALL_DEADLINE_S
