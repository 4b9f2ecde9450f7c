"""CSV import and export of OKRs."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli.csv_commands import export_csv
from cli.csv_import import import_csv
from cli.okr_csv import COLUMNS, CsvError, read_csv
from okr.models import KeyResultKind, ObjectiveState, ObjectiveType
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, seed
from tests.storage import samples

HEADER = ",".join(COLUMNS)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        yield await seed(opened)


async def test_import_creates_active_objectives_with_their_key_results(store: OkrStore) -> None:
    result = await import_csv(store, TENANT, TEAM, GOOD)
    assert (result.new_objectives, result.new_key_results) == (3, 5)
    objectives = {o.title: o for o in await store.list_objectives(TENANT)}
    assert set(objectives) == {"Tăng gấp đôi doanh thu", "Ship the app", "Write the handbook"}
    assert all(o.state is ObjectiveState.ACTIVE and o.team_id == TEAM for o in objectives.values())
    revenue, app = objectives["Tăng gấp đôi doanh thu"], objectives["Ship the app"]
    assert revenue.type is ObjectiveType.ASPIRATIONAL and revenue.owner_id == "29:an"
    assert app.parent_id == revenue.id and app.period.label == "FY2027"
    krs = {k.title: k for k in await store.list_key_results(TENANT)}
    assert krs["Doanh thu"].kind is KeyResultKind.CURRENCY and krs["Doanh thu"].currency == "USD"
    assert krs["Support tickets a month"].current == Decimal(120)  # empty current = start
    assert krs["Session length"].kind is KeyResultKind.DURATION
    assert krs["Session length"].start == Decimal(157) and krs["Session length"].current == 181
    assert krs["Retention"].kind is KeyResultKind.PERCENTAGE
    assert krs["Launch beta"].kind is KeyResultKind.MILESTONE and krs["Launch beta"].current == 1


async def test_objectives_imported_mid_period_start_their_plan_on_the_import_day(
    store: OkrStore,
) -> None:
    # 2026-11-20 in the team's zone: the 2026-Q4 objectives start their expected
    # line that day (okr.pace); FY2027 has not begun, so it keeps its own start.
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    now = datetime(2026, 11, 20, 12, tzinfo=ZoneInfo(team.settings.time_zone))
    await import_csv(store, TENANT, TEAM, GOOD, now=now)
    starts = {o.period.label: o.starts_on for o in await store.list_objectives(TENANT)}
    assert starts == {
        "2026-Q4": date(2026, 11, 20),
        "2026-10-01..2026-12-31": date(2026, 11, 20),
        "FY2027": None,
    }


async def test_a_bad_row_is_reported_by_line_and_nothing_is_written(store: OkrStore) -> None:
    bad = GOOD.replace("120,30,tickets", "120,lots,tickets").replace(
        "2026-10-01..2026-12-31", "2026-12-31..2026-10-01"
    )
    with pytest.raises(CsvError) as caught:
        await import_csv(store, TENANT, TEAM, bad)
    lines = [line for line, _ in caught.value.problems]
    assert lines == [3, 7]
    assert "target 'lots' is not a number" in str(caught.value)
    assert "line 7" in str(caught.value)
    assert await store.list_objectives(TENANT) == []
    assert await store.list_key_results(TENANT) == []


async def test_an_unknown_parent_is_reported_before_writing(store: OkrStore) -> None:
    text = GOOD.replace("committed,Tăng gấp đôi doanh thu,", "committed,Missing parent,")
    with pytest.raises(CsvError) as caught:
        await import_csv(store, TENANT, TEAM, text)
    message = str(caught.value)
    assert "line 5: parent 'Missing parent' is not in the file or the tenant" in message
    assert await store.list_objectives(TENANT) == []


async def test_importing_the_same_file_twice_changes_nothing(store: OkrStore) -> None:
    await import_csv(store, TENANT, TEAM, GOOD)
    before = await store.list_objectives(TENANT), await store.list_key_results(TENANT)

    again = await import_csv(store, TENANT, TEAM, GOOD)

    assert (again.new_objectives, again.new_key_results) == (0, 0)
    assert (again.stored_objectives, again.stored_key_results) == (3, 5)
    assert again.to_create == () and again.left_as_stored == ()
    assert (await store.list_objectives(TENANT), await store.list_key_results(TENANT)) == before


async def test_export_then_import_reproduces_the_same_okrs(store: OkrStore, tmp_path: Path) -> None:
    await import_csv(store, TENANT, TEAM, GOOD)
    exported = (await export_csv(store, TENANT)).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 6
    revenue = next(r for r in rows if r["key_result"] == "Doanh thu")
    assert revenue["progress"] == "0.08" and revenue["checkins"] == "0"

    async with OkrStore(SqliteBackend(tmp_path / "other.sqlite3")) as other:
        await seed(other)
        await import_csv(other, TENANT, TEAM, exported)
        again = (await export_csv(other, TENANT)).text
    assert _definitions(again) == _definitions(exported)


async def test_export_reports_checkins(store: OkrStore) -> None:
    await import_csv(store, TENANT, TEAM, GOOD)
    kr = next(k for k in await store.list_key_results(TENANT) if k.title == "Doanh thu")
    checkin = samples.checkin(TENANT, kr_id=kr.id, value="18000000")
    await store.record_checkin(
        checkin.__class__(**{**_fields(checkin), "objective_id": kr.objective_id})
    )
    row = next(
        r
        for r in csv.DictReader(io.StringIO((await export_csv(store, TENANT)).text))
        if r["key_result"] == "Doanh thu"
    )
    assert row["current"] == "18000000" and row["checkins"] == "1"
    assert row["status"] == "at_risk" and row["progress"] == "0.50"
    assert row["last_checkin"].startswith("2026-11-27T09:30:15")


@pytest.mark.parametrize(
    ("cell_change", "message"),
    [
        (("2026-Q4", "2026-Q5"), "not a period label"),
        (("organization", "galaxy"), "level 'galaxy' is not one of"),
        (("aspirational", "maybe"), "type 'maybe' is not one of"),
        (("12000000,24000000", "12000000,12000000"), "target equals start"),
        (("an@contoso.example,organization", "An,organization"), "not an e-mail"),
        (("12000000,24000000", "1e5,24000000"), "not a number"),
        (("2:37,3:45", "2:75,3:45"), "seconds must be below 60"),
        (("not done,done", "maybe,done"), "is not 'done' or 'not done'"),
    ],
)
def test_cell_validation(cell_change: tuple[str, str], message: str) -> None:
    with pytest.raises(CsvError, match=message):
        read_csv(GOOD.replace(*cell_change, 1))


def test_missing_columns_are_named() -> None:
    with pytest.raises(CsvError, match="missing column\\(s\\): current"):
        read_csv(HEADER.replace(",current", "") + "\n")


def test_conflicting_objective_rows_are_reported() -> None:
    text = GOOD.replace(
        "Tăng gấp đôi doanh thu,an@contoso.example,organization,2026-Q4,aspirational,,Session",
        "Tăng gấp đôi doanh thu,binh@contoso.example,organization,2026-Q4,aspirational,,Session",
    )
    with pytest.raises(CsvError, match="line 4: objective 'Tăng gấp đôi doanh thu' differs"):
        read_csv(text)


def _fields(entity: object) -> dict[str, object]:
    return {name: getattr(entity, name) for name in entity.__dataclass_fields__}  # type: ignore[attr-defined]


def _definitions(text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(r[c] for c in COLUMNS) for r in csv.DictReader(io.StringIO(text)))


def test_objectives_aligning_to_each_other_are_refused() -> None:
    header = ",".join(COLUMNS)
    text = (
        f"{header}\n"
        "A,an@contoso.example,team,2026-Q4,committed,B,,,,,,\n"
        "B,an@contoso.example,team,2026-Q4,committed,C,,,,,,\n"
        "C,an@contoso.example,team,2026-Q4,committed,A,,,,,,\n"
        "D,an@contoso.example,team,2026-Q4,committed,A,,,,,,\n"
    )
    with pytest.raises(CsvError) as caught:
        read_csv(text)
    assert [line for line, _ in caught.value.problems] == [2, 3, 4]  # D only hangs off it
