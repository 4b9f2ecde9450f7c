"""A closed quarter through CSV: export adds the close, import accepts it, and it round-trips."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cli.csv_commands import export_csv
from cli.csv_import import import_csv
from cli.okr_csv import CLOSE_COLUMNS, COLUMNS, CsvError, read_csv
from okr.closing import Closing, close_objective, suggested_scores
from okr.models import ObjectiveState, Team, Tenant
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, seed

CLOSED_AT = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
NOTE = '=Hiring took a quarter.\nNext time: start earlier, ask "why" twice.'


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        yield await seed(opened)


async def close_the_quarter(store: OkrStore) -> None:
    """Import the good file, then close its Q4 objective as An would, scores edited."""
    await import_csv(store, TENANT, TEAM, GOOD)
    [revenue] = [o for o in await store.list_objectives(TENANT) if o.period.label == "2026-Q4"]
    krs = await store.list_key_results(TENANT, objective_id=revenue.id)
    scores = {**suggested_scores(krs), krs[0].id: Decimal("0.5")}
    closed = close_objective(
        revenue, krs, Closing(scores, Decimal("0.6"), NOTE), by="29:an", at=CLOSED_AT
    )
    for kr in closed.key_results:
        await store.save_key_result(kr)
    await store.save_objective(closed.objective)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def importable(text: str, *, fold: bool = False) -> list[tuple[str, ...]]:
    """The columns import reads, per row, sorted (e-mails case-folded with ``fold``)."""
    emails = ("objective_owner", "kr_owner", "closed_by")
    return sorted(
        tuple(r[c].casefold() if fold and c in emails else r[c] for c in (*COLUMNS, *CLOSE_COLUMNS))
        for r in rows(text)
    )


async def test_export_writes_the_close_of_each_closed_objective(store: OkrStore) -> None:
    await close_the_quarter(store)
    exported = rows((await export_csv(store, TENANT)).text)
    closed = [r for r in exported if r["period"] == "2026-Q4"]
    assert {(r["score"], r["closed_at"], r["closed_by"]) for r in closed} == {
        ("0.6", "2027-01-04T10:00:00+00:00", "An@Contoso.example")
    }
    assert {r["closing_note"] for r in closed} == {"'" + NOTE}  # a formula is neutralised
    assert [r["kr_score"] for r in closed] == ["0.5", "0.0", "0.4"]
    still_open = [r for r in exported if r["period"] != "2026-Q4"]
    assert all(r[c] == "" for r in still_open for c in CLOSE_COLUMNS)


async def test_a_closed_quarter_round_trips_into_a_tenant_without_okrs(
    store: OkrStore, tmp_path: Path
) -> None:
    await close_the_quarter(store)
    exported = (await export_csv(store, TENANT)).text
    async with OkrStore(SqliteBackend(tmp_path / "other.sqlite3")) as other:
        await seed(other)
        await import_csv(other, TENANT, TEAM, exported)
        again = (await export_csv(other, TENANT)).text
        [revenue] = [o for o in await other.list_objectives(TENANT) if o.period.label == "2026-Q4"]
        scores = [kr.score for kr in await other.list_key_results(TENANT, objective_id=revenue.id)]
    assert importable(again) == importable(exported)
    assert (revenue.state, revenue.score, revenue.closing_note) == (
        ObjectiveState.CLOSED,
        Decimal("0.6"),
        NOTE,
    )
    assert (revenue.closed_by, revenue.closed_at) == ("29:an", CLOSED_AT)  # the e-mail's member
    assert scores == [Decimal("0.5"), Decimal("0.0"), Decimal("0.4")]


async def test_into_an_empty_tenant_the_closer_is_kept_by_e_mail(
    store: OkrStore, tmp_path: Path
) -> None:
    await close_the_quarter(store)
    exported = (await export_csv(store, TENANT)).text
    async with OkrStore(SqliteBackend(tmp_path / "empty.sqlite3")) as empty:
        await empty.save_tenant(Tenant(id=TENANT))
        await empty.save_team(Team(tenant_id=TENANT, id=TEAM, name="Sales"))
        await import_csv(empty, TENANT, TEAM, exported)
        again = (await export_csv(empty, TENANT)).text
        [revenue] = [o for o in await empty.list_objectives(TENANT) if o.period.label == "2026-Q4"]
        # Importing the export again changes nothing.
        before = await empty.list_objectives(TENANT)
        await import_csv(empty, TENANT, TEAM, again)
        assert await empty.list_objectives(TENANT) == before
    # Nobody is known there: owners are pending, and e-mails come back case-folded.
    assert importable(again, fold=True) == importable(exported, fold=True)
    assert revenue.closed_by == "an@contoso.example"


async def test_a_member_id_closer_round_trips(store: OkrStore, tmp_path: Path) -> None:
    await close_the_quarter(store)
    [revenue] = [o for o in await store.list_objectives(TENANT) if o.state is ObjectiveState.CLOSED]
    await store.save_objective(dataclasses.replace(revenue, closed_by="29:left-the-company"))
    exported = (await export_csv(store, TENANT)).text
    assert {r["closed_by"] for r in rows(exported) if r["score"]} == {"29:left-the-company"}
    async with OkrStore(SqliteBackend(tmp_path / "other.sqlite3")) as other:
        await seed(other)
        await import_csv(other, TENANT, TEAM, exported)
        assert importable((await export_csv(other, TENANT)).text) == importable(exported)


def _with_close(**cells: str) -> str:
    """GOOD with the close columns, filled on its first (Q4) row as given."""
    lines = GOOD.strip().split("\n")
    header = lines[0] + "," + ",".join(CLOSE_COLUMNS)
    filled = {c: cells.get(c, "") for c in CLOSE_COLUMNS}
    first = lines[1] + "," + ",".join(f'"{v}"' if "," in v else v for v in filled.values())
    rest = [line + "," * len(CLOSE_COLUMNS) for line in lines[2:]]
    return "\n".join([header, first, *rest]) + "\n"


GOOD_CLOSE = {"score": "0.7", "closed_at": "2027-01-04T10:00:00+00:00", "closed_by": "an@x.example"}


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({**GOOD_CLOSE, "score": "1.5"}, "score '1.5' is not a score from 0.0 to 1.0"),
        ({**GOOD_CLOSE, "score": "0.75"}, "score '0.75' is not a score"),
        ({**GOOD_CLOSE, "score": "high"}, "score 'high' is not a score"),
        ({**GOOD_CLOSE, "closed_at": "2027-01-04T10:00:00"}, "has no offset"),
        ({**GOOD_CLOSE, "closed_at": "next monday"}, "is not an ISO 8601"),
        ({**GOOD_CLOSE, "closed_at": ""}, "needs both score and closed_at"),
        ({"closing_note": "a note alone"}, "needs both score and closed_at"),
        ({**GOOD_CLOSE, "closed_by": "Bob Smith"}, "is not an e-mail/UPN or a member id"),
        ({"kr_score": "0.5"}, "kr_score is filled but the objective is not closed"),
        ({**GOOD_CLOSE, "kr_score": "2"}, "kr_score '2' is not a score"),
        ({**GOOD_CLOSE, "closing_note": "x" * 2001}, "closing_note is longer than 2000"),
    ],
)
def test_close_cells_are_validated(cells: dict[str, str], message: str) -> None:
    with pytest.raises(CsvError, match=message):
        read_csv(_with_close(**cells))


def test_rows_of_one_objective_must_agree_on_its_close() -> None:
    text = _with_close(**GOOD_CLOSE)
    # The objective's second row says it is not closed.
    with pytest.raises(CsvError, match="line 3: objective 'Tăng gấp đôi doanh thu' differs"):
        read_csv(text)


def test_a_file_without_the_close_columns_still_imports_active_objectives() -> None:
    assert all(o.closed is None for o in read_csv(GOOD))
