"""Issue 13: a Viva Goals export comes over with history, alignment and scores, once.

The export is built in code (tests/cli/viva_sample.py). Storage matters for
the once: every run-twice and interrupted-run test runs on SQLite and on the
Cosmos-compatible server.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from cli.csv_commands import export_csv
from cli.csv_import import import_csv
from cli.okr_csv import read_csv
from cli.viva_export import VivaExport, read_export
from cli.viva_import import (
    VivaImport,
    import_viva_goals,
    print_progress,
    read_teams_file,
    summary,
)
from cli.viva_mapping import Context, VivaPlan, plan, viva_id
from okr.models import (
    CheckIn,
    CheckInStatus,
    Comparison,
    Initiative,
    InitiativeState,
    KeyResult,
    KeyResultKind,
    Kpi,
    Level,
    Objective,
    ObjectiveState,
    ObjectiveType,
    PendingOwner,
    Tenant,
)
from okr.progress import rolled_up_progress
from storage.backend import DocumentBackend
from storage.errors import StoreError
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli import viva_sample as v
from tests.cli.operator import TEAM, TENANT, app, seed, seed_file
from tests.storage.interrupted import CreatesThenFails, StorageWentAway

TEAMS = {"70": TEAM}  # Viva Goals "Sales" -> the team the bot is installed in
EXPECTED = {
    Objective: 5,  # 13 items: 7 objectives less the circle's two
    KeyResult: 3,  # the one under the circle has no objective left
    Initiative: 1,
    Kpi: 1,
    CheckIn: 5,  # 9 less the objective's, the KPI's, the circle's and the unknown OKR's
    PendingOwner: 1,
}
KINDS = ("objective", "key_result", "initiative", "kpi", "checkin", "pending_owner")


def sample() -> VivaExport:
    return v.read_sample()


def vid(kind: str, viva: int) -> str:
    return viva_id(TENANT, kind, str(viva))


@pytest.fixture(params=["sqlite", pytest.param("cosmos", marks=pytest.mark.cosmos)])
def backend_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[], DocumentBackend]:
    """New backends on one database: SQLite, or the Cosmos-compatible server."""
    if request.param == "sqlite":
        return lambda: SqliteBackend(tmp_path / "okr.sqlite3")
    factory: Callable[[], DocumentBackend] = request.getfixturevalue("cosmos_backend_factory")
    return factory


@pytest.fixture
async def store(backend_factory: Callable[[], DocumentBackend]) -> AsyncIterator[OkrStore]:
    async with OkrStore(backend_factory()) as opened:
        yield await seed(opened)


async def documents(store: OkrStore) -> dict[str, list[str]]:
    """Every document of the tenant's partition, every kind, as canonical JSON."""
    found: dict[str, list[str]] = {}
    for kind in (*KINDS, "due_index", "member", "team", "conversation"):
        docs = await store.backend.query(TENANT, kind)
        found[kind] = sorted(json.dumps(d.body, sort_keys=True) for d in docs)
    return found


def counts(result: VivaImport) -> dict[type, int]:
    return {cls: result.plan.count(cls) for cls in EXPECTED}


# -- what comes over ------------------------------------------------------------------


async def test_the_export_comes_over_with_kinds_periods_owners_and_history(
    store: OkrStore,
) -> None:
    result = await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    assert counts(result) == EXPECTED
    assert dict(result.new) == EXPECTED and result.written == sum(EXPECTED.values())
    revenue = await store.get_objective(TENANT, vid("objective", v.REVENUE))
    assert revenue is not None
    assert (revenue.title, revenue.owner_id, revenue.team_id) == (
        "Tăng gấp đôi doanh thu",
        "29:an",
        TEAM,
    )
    assert (revenue.period.label, revenue.level, revenue.state) == (
        "2026-Q4",  # the end written as 23:59:59 on the last day
        Level.TEAM,
        ObjectiveState.ACTIVE,
    )
    assert revenue.description == (
        "Mục tiêu quan trọng nhất & khó nhất\n- thị trường mới\n- khách hàng cũ"
    )
    sales = await store.get_key_result(TENANT, vid("key_result", v.SALES_KR))
    assert sales is not None
    assert (sales.kind, sales.currency, sales.start, sales.target, sales.current) == (
        KeyResultKind.CURRENCY,
        "VND",
        Decimal(1_000_000_000),
        Decimal(2_000_000_000),
        Decimal(1_500_000_000),  # the latest check-in's "1.500.000.000"
    )
    assert (sales.owner_id, sales.weight, sales.last_status) == (
        "29:binh",  # BINH@Contoso.example, matched without case
        Decimal("0.6"),
        CheckInStatus.AT_RISK,
    )
    assert sales.last_note == "Chậm hơn kế hoạch,\ncần thêm khách hàng lớn"
    history = await store.list_checkins(TENANT, key_result_id=sales.id)
    assert [(c.value, c.status, c.author_id, c.note) for c in reversed(history)] == [
        (Decimal(1_200_000_000), CheckInStatus.ON_TRACK, "29:binh", "Tốt lắm & đúng hướng"),
        (
            Decimal(1_500_000_000),
            CheckInStatus.AT_RISK,
            "29:binh",
            "Chậm hơn kế hoạch,\ncần thêm khách hàng lớn",
        ),
    ]
    assert sales.last_checkin_id == history[0].id


async def test_decreasing_key_results_and_owners_not_met_yet(store: OkrStore) -> None:
    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    tickets = await store.get_key_result(TENANT, vid("key_result", v.TICKETS))
    assert tickets is not None
    assert (tickets.kind, tickets.start, tickets.target, tickets.current, tickets.unit) == (
        KeyResultKind.NUMBER,
        Decimal(120),
        Decimal(30),
        Decimal(90),
        "tickets/month",
    )
    assert (tickets.owner_id, tickets.weight, tickets.last_status) == (
        None,
        Decimal("0.4"),  # given on the child's end of the alignment
        CheckInStatus.OFF_TRACK,  # "Behind"
    )
    pending = await store.list_pending_owners(TENANT)
    assert [(p.email, p.key_result_id, p.team_id) for p in pending] == [
        ("cuong@contoso.example", tickets.id, TEAM)
    ]
    # Cường's check-in is his, by e-mail, until the bot meets him.
    [checkin] = await store.list_checkins(TENANT, key_result_id=tickets.id)
    assert checkin.author_id == "cuong@contoso.example"


async def test_alignment_weights_manual_progress_and_the_rest_of_the_hundred(
    store: OkrStore,
) -> None:
    result = await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    markets = await store.get_objective(TENANT, vid("objective", v.MARKETS))
    assert markets is not None
    assert markets.parent_id == vid("objective", v.REVENUE)
    # 60% and 40% went to the key results: the aligned objective weighs the rest, nothing.
    assert markets.weight == Decimal(0)
    manual = [w.reason for w in result.plan.warnings if w.what.endswith(f"(ID {v.MARKETS})")]
    assert manual == [
        "its progress was set by hand (35%): here an objective's progress comes from its "
        "key results (and aligned objectives), so that value is not kept"
    ]
    objectives = await store.list_objectives(TENANT)
    key_results = await store.list_key_results(TENANT)
    rolled = rolled_up_progress(objectives, key_results)
    # (0.5 * 0.6 + 0.3333 * 0.4) / 1.0: the weights decide, the aligned objective adds nothing.
    assert round(rolled[vid("objective", v.REVENUE)] or 0, 4) == Decimal("0.4333")


async def test_initiatives_kpis_and_the_closed_quarter(store: OkrStore) -> None:
    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    [initiative] = await store.list_initiatives(TENANT, vid("objective", v.REVENUE))
    assert (initiative.title, initiative.key_result_id, initiative.state) == (
        "Ra mắt ứng dụng",
        vid("key_result", v.SALES_KR),  # it was under the key result
        InitiativeState.IN_PROGRESS,  # Progress "50"
    )
    [kpi] = await store.list_kpis(TENANT)
    assert (kpi.title, kpi.threshold, kpi.comparison, kpi.current, kpi.unit, kpi.team_id) == (
        "Thời gian hoạt động",
        Decimal("99.5"),
        Comparison.AT_LEAST,  # "Maintain at" 99.5 from 99
        Decimal("99.7"),
        "%",
        TEAM,
    )
    closed = await store.get_objective(TENANT, vid("objective", v.CLOSED))
    assert closed is not None
    assert (closed.state, closed.score, closed.type, closed.closed_by) == (
        ObjectiveState.CLOSED,
        Decimal("0.7"),
        ObjectiveType.ASPIRATIONAL,
        "29:an",
    )
    assert closed.closed_at is not None and closed.closed_at.isoformat() == (
        "2026-03-28T10:00:00+00:00"
    )
    customers = await store.get_key_result(TENANT, vid("key_result", v.CUSTOMERS))
    assert customers is not None
    assert (customers.kind, customers.current, customers.score, customers.last_status) == (
        KeyResultKind.PERCENTAGE,
        Decimal(75),
        Decimal("0.8"),
        CheckInStatus.ON_TRACK,  # "Not Started" then "On Track"
    )


async def test_a_parent_outside_the_export_a_circle_and_a_custom_period(store: OkrStore) -> None:
    result = await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    orphan = await store.get_objective(TENANT, vid("objective", v.ORPHAN))
    assert orphan is not None and orphan.parent_id is None
    for viva in (v.CYCLE_A, v.CYCLE_B):
        assert await store.get_objective(TENANT, vid("objective", viva)) is None
    assert await store.get_key_result(TENANT, vid("key_result", v.UNDER_CYCLE)) is None
    skipped = {s.what: s.reason for s in result.plan.skipped}
    assert skipped["Big rock 'Circle A' (ID 10)"] == (
        "refused: its Parent IDs run in a circle (10 → 11 → 10)"
    )
    warnings = {(w.what, w.reason) for w in result.plan.warnings}
    assert (
        "Big rock 'Objective whose parent stayed behind' (ID 9)",
        "its parent (ID 999) is not in the export: imported without it",
    ) in warnings
    sprint = await store.get_objective(TENANT, vid("objective", v.SPRINT_OBJ))
    assert sprint is not None
    assert (sprint.period.label, sprint.team_id, sprint.level) == (
        "2026-11-02..2026-11-15",
        None,  # its Viva Goals team is not mapped
        Level.ORGANIZATION,
    )


def test_dry_run_summary_lists_everything_the_issue_asks_for() -> None:
    lines = summary(
        VivaImport(
            plan=_planned(),
            new=_counter(EXPECTED),
            stored=_counter({}),
            written=0,
        ),
        dry_run=True,
    )
    text = "\n".join(lines)
    assert lines[0] == (
        "dry run, nothing written: would import 5 objectives, 3 key results, 1 initiative, "
        "1 KPI, 5 check-ins, 1 pending owner"
    )
    for expected in (
        "  Big rock → objective (by its name, 7 items)",
        "  Kpi → key result (by the items' structure, 5 items)",
        "  Project → initiative (by its name, 1 item)",
        "  Quarter 4 2026 → 2026-Q4: 3 objectives",
        "  Sprint 7 → 2026-11-02..2026-11-15 (custom dates): 1 objective",
        "owners: 2 matched, 1 pending",
        "  cuong@contoso.example: 1 item",
        "teams unmapped: 1 (their OKRs come over without a team; map them with --teams FILE, "
        "a template is below)",
        "  Contoso (ID 71): 1 item",
        "    Big rock 'Circle A' (ID 10): refused: its Parent IDs run in a circle (10 → 11 → 10)",
        "  check-in 809: its OKR ID is not in the export (555)",
        "not brought over (the bot has no place for them): Permissions (1 item), "
        "Phased Targets (1 item)",
        "viva_team_id,viva_team,team_id",
        f"70,Sales,{TEAM}",
        "71,Contoso,",
    ):
        assert expected in lines, f"{expected!r} not in:\n{text}"


def _planned() -> VivaPlan:
    return plan(
        sample(),
        Context(
            tenant_id=TENANT,
            members={"an@contoso.example": "29:an", "binh@contoso.example": "29:binh"},
            teams=TEAMS,
        ),
    )


def _counter(values: dict[type, int]) -> Counter[type]:
    return Counter(values)


# -- once, and only once --------------------------------------------------------------


async def test_a_dry_run_writes_nothing(store: OkrStore) -> None:
    before = await documents(store)

    result = await import_viva_goals(store, TENANT, sample(), teams=TEAMS, dry_run=True)

    assert result.written == 0 and dict(result.new) == EXPECTED
    assert await documents(store) == before


async def test_a_second_run_changes_no_document(store: OkrStore) -> None:
    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)
    before = await documents(store)

    again = await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    assert again.written == 0 and not again.new
    assert summary(again)[0] == (
        "nothing changed: the export's 5 objectives, 3 key results, 1 initiative, 1 KPI, "
        "5 check-ins, 1 pending owner are already there"
    )
    assert await documents(store) == before  # the due index too: nothing was written


async def test_edits_and_check_ins_made_since_are_kept_by_a_second_run(store: OkrStore) -> None:
    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)
    sales = await store.get_key_result(TENANT, vid("key_result", v.SALES_KR))
    assert sales is not None
    await store.save_key_result(replace(sales, title="Doanh thu quý (sửa)"))
    pending = (await store.list_pending_owners(TENANT))[0]
    await store.delete_pending_owner(pending)  # Cường arrived and owns it now
    tickets = await store.get_key_result(TENANT, pending.key_result_id or "")
    assert tickets is not None
    await store.save_key_result(replace(tickets, owner_id="29:cuong"))

    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    kept = await store.get_key_result(TENANT, sales.id)
    assert kept is not None and kept.title == "Doanh thu quý (sửa)"
    assert await store.list_pending_owners(TENANT) == []  # not recorded again


@pytest.mark.parametrize("writes", [4, 7, 12])
async def test_an_interrupted_run_completes_on_the_next_with_nothing_doubled(
    backend_factory: Callable[[], DocumentBackend], tmp_path: Path, writes: int
) -> None:
    async with OkrStore(backend_factory()) as fresh:
        await seed(fresh)
    failing = _failing_after(backend_factory(), writes, tmp_path)
    async with OkrStore(failing) as store:  # type: ignore[arg-type]
        with pytest.raises((StorageWentAway, sqlite3.Error, StoreError)):
            await import_viva_goals(store, TENANT, sample(), teams=TEAMS, chunk=3)
    _repair(failing)

    async with OkrStore(backend_factory()) as store:
        resumed = await import_viva_goals(store, TENANT, sample(), teams=TEAMS)
        assert 0 < resumed.written < sum(EXPECTED.values())
        assert {cls: resumed.new[cls] + resumed.stored[cls] for cls in EXPECTED} == EXPECTED
        stored = await documents(store)
    assert {k: len(stored[k]) for k in KINDS} == dict(zip(KINDS, [5, 3, 1, 1, 5, 1], strict=True))
    # What it stored is what one uninterrupted run stores.
    async with OkrStore(SqliteBackend(tmp_path / "clean.sqlite3")) as clean:
        await seed(clean)
        await import_viva_goals(clean, TENANT, sample(), teams=TEAMS)
        expected = await documents(clean)
    assert {k: stored[k] for k in KINDS} == {k: expected[k] for k in KINDS}


def _failing_after(backend: DocumentBackend, writes: int, tmp_path: Path) -> object:
    """The backend, failing once ``writes`` documents of the import were written."""
    if isinstance(backend, SqliteBackend):
        with sqlite3.connect(tmp_path / "okr.sqlite3") as conn:
            conn.execute(
                "CREATE TRIGGER fail_after BEFORE INSERT ON documents WHEN (SELECT count(*) "
                f"FROM documents WHERE kind IN {KINDS!r}) >= {writes} "
                "BEGIN SELECT RAISE(ABORT, 'disk went away'); END"
            )
        return backend
    return CreatesThenFails(backend, writes)


def _repair(backend: object) -> None:
    if isinstance(backend, SqliteBackend):
        with sqlite3.connect(backend.path) as conn:  # the file the trigger was put in
            conn.execute("DROP TRIGGER fail_after")


# -- back out as CSV ------------------------------------------------------------------


async def test_export_writes_the_imported_okrs_back_as_csv_that_imports_again(
    store: OkrStore, tmp_path: Path
) -> None:
    await import_viva_goals(store, TENANT, sample(), teams=TEAMS)

    export = await export_csv(store, TENANT)

    assert (export.objectives, export.key_results) == (5, 3)
    rows = {r.title: r for r in read_csv(export.text)}
    revenue = rows["Tăng gấp đôi doanh thu"]
    assert [
        (k.title, k.kind, k.start, k.target, k.current, k.owner_email) for k in revenue.key_results
    ] == [
        (
            "Doanh thu quý",
            KeyResultKind.CURRENCY,
            Decimal(10**9),
            Decimal(2 * 10**9),
            Decimal(15 * 10**8),
            "binh@contoso.example",
        ),
        (
            "Giảm phiếu hỗ trợ",
            KeyResultKind.NUMBER,
            Decimal(120),
            Decimal(30),
            Decimal(90),
            "cuong@contoso.example",
        ),  # the pending owner's e-mail
    ]
    closed = rows["Ra mắt sản phẩm Q1"]
    assert closed.closed is not None and closed.closed.score == Decimal("0.7")
    assert "2026-11-10T09:00:00+00:00" in export.text  # the last check-in column
    # And it imports into another tenant's team as the same OKRs.
    async with OkrStore(SqliteBackend(tmp_path / "other.sqlite3")) as other:
        await seed(other)
        again = await import_csv(other, TENANT, TEAM, export.text)
        assert (again.new_objectives, again.new_key_results) == (5, 3)


# -- the command ----------------------------------------------------------------------


def test_the_command_line_dry_run_then_import_then_nothing(tmp_path: Path) -> None:
    db = tmp_path / "okr.sqlite3"
    seed_file(db)
    zip_path = v.write_export(tmp_path / "Contoso export.zip")
    teams = tmp_path / "teams.csv"
    teams.write_text(f"viva_team_id,viva_team,team_id\n70,Sales,{TEAM}\n71,Contoso,\n")
    args = ["import-viva-goals", str(zip_path), "--tenant", TENANT.upper(), "--teams", str(teams)]
    types = ["--types", "Big rock=objective,Kpi=key_result,Project=initiative"]

    dry = app(db, *args, *types, "--dry-run")
    done = app(db, *args, *types)
    again = app(db, *args, *types)

    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0].startswith("dry run, nothing written: would import 5 obj")
    assert "  Kpi → key result (--types, 5 items)" in dry.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "imported 5 objectives, 3 key results, 1 initiative, 1 KPI, 5 check-ins, 1 pending owner"
    )
    assert again.stdout.splitlines()[0].startswith("nothing changed: the export's 5 objectives")
    assert "Traceback" not in dry.stderr + done.stderr + again.stderr


@pytest.mark.parametrize(
    ("make", "arguments", "exit_code", "says"),
    [
        (lambda p: p.write_text("not a zip"), [], 1, "is not a ZIP file"),
        (lambda p: p.write_bytes(v.zip_bytes({"Users.json": []})), [], 1, "no objectives file"),
        (
            lambda p: p.write_bytes(v.zip_bytes({"objectives.json": b"{oops"})),
            [],
            1,
            "objectives.json is not JSON text",
        ),
        (lambda p: None, [], 2, "cannot read"),
        (v.write_export, ["--types", "Big rock"], 2, "is not NAME=KIND"),
        (v.write_export, ["--types", "Big rock=goal"], 2, "'goal' is not one of"),
        (v.write_export, ["--teams", "/nonexistent/teams.csv"], 2, "cannot read"),
    ],
)
def test_what_the_operator_gets_wrong_is_one_line_and_writes_nothing(
    tmp_path: Path,
    make: Callable[[Path], object],
    arguments: list[str],
    exit_code: int,
    says: str,
) -> None:
    db = tmp_path / "okr.sqlite3"
    seed_file(db)
    export = tmp_path / "export.zip"
    make(export)

    result = app(db, "import-viva-goals", str(export), "--tenant", TENANT, *arguments)

    assert result.returncode == exit_code
    assert says in result.stderr and "Traceback" not in result.stderr
    with sqlite3.connect(db) as conn:
        kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM documents")}
    assert kinds.isdisjoint(KINDS)


async def test_a_team_mapping_to_a_team_the_bot_does_not_know_is_refused(
    store: OkrStore,
) -> None:
    from cli.errors import CommandError

    before = await documents(store)
    with pytest.raises(CommandError, match=r"team '19:nope@thread\.tacv2' is unknown"):
        await import_viva_goals(store, TENANT, sample(), teams={"70": "19:nope@thread.tacv2"})
    assert await documents(store) == before


def test_the_teams_file_reads_the_template_and_refuses_a_team_mapped_twice() -> None:
    from cli.errors import CommandError

    assert read_teams_file("\ufeffviva_team_id,viva_team,team_id\n70,Sales,19:a\n71,Org,\n") == {
        "70": "19:a"
    }
    with pytest.raises(CommandError, match="mapped twice"):
        read_teams_file("viva_team_id,viva_team,team_id\n70,Sales,19:a\n70,Sales,19:b\n")
    with pytest.raises(CommandError, match="missing column"):
        read_teams_file("id,team\n70,19:a\n")


async def test_an_unknown_tenant_is_refused(tmp_path: Path) -> None:
    from cli.errors import CommandError

    async with OkrStore(SqliteBackend(tmp_path / "empty.sqlite3")) as empty:
        await empty.save_tenant(Tenant(id="22222222-aaaa-4aaa-8aaa-aaaaaaaaaaaa"))
        with pytest.raises(CommandError, match="is unknown here"):
            await import_viva_goals(empty, TENANT, sample())


def test_the_zip_is_read_by_name_fragments_with_no_comments_file(tmp_path: Path) -> None:
    files = v.arrays()
    files["objectives_part2.json"] = files.pop("objectives.json")
    files["README.txt"] = b"not json"
    path = tmp_path / "export.zip"
    path.write_bytes(v.zip_bytes(files))

    export = read_export(path)

    assert len(export.items) == 13 and len(export.checkins) == 9
    assert export.comments == 0
    assert sorted(p.name for p in export.periods) == ["Q1 2026", "Quarter 4 2026", "Sprint 7"]
    assert {i.type_name for i in export.items} == {"Big rock", "Kpi", "Project"}


def test_the_progress_bar_redraws_one_line_and_ends_it() -> None:
    shown = io.StringIO()
    bar = print_progress(shown)

    bar(500, 2_000)
    bar(2_000, 2_000)

    assert shown.getvalue() == (
        "\r[#######.......................] 500/2,000 written"
        "\r[##############################] 2,000/2,000 written\n"
    )
