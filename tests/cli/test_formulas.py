"""Item 12: exported cells never start a spreadsheet formula, and import gives the text back."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.csv_commands import export_csv
from cli.csv_import import import_csv
from cli.formulas import FORMULA_STARTS, neutralise, restore
from cli.okr_csv import NUMBER_COLUMNS
from okr.models import KeyResult, KeyResultKind, Objective, ObjectiveState
from okr.periods import Period
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import TEAM, TENANT, seed

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
# Titles as people type them in Teams (or as an attacker does).
HYPERLINK = '=HYPERLINK("https://phish.example/login","Update your password")'
CALC = "+cmd|' /C calc'!A0"
MINUS = "-10% churn"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
QUOTED = "'=already quoted"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        yield await seed(opened)


async def typed_in_teams(store: OkrStore) -> None:
    """An objective and key results whose titles start like formulas; a negative start."""
    await store.save_objective(
        Objective(
            tenant_id=TENANT,
            id="o1",
            title=HYPERLINK,
            owner_id="29:an",
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=TEAM,
            created_at=NOW,
        )
    )
    for n, (title, unit) in enumerate(((CALC, "=1+1"), (MINUS, "tickets"), (AT, ""), (QUOTED, ""))):
        await store.save_key_result(
            KeyResult(
                tenant_id=TENANT,
                id=f"k{n}",
                objective_id="o1",
                title=title,
                owner_id="29:binh",
                kind=KeyResultKind.NUMBER,
                start=Decimal(-5),
                target=Decimal(5),
                current=Decimal("-2.5"),
                unit=unit,
                created_at=NOW,
            )
        )


async def test_export_neutralises_text_cells_and_keeps_negative_numbers(store: OkrStore) -> None:
    await typed_in_teams(store)

    rows = list(csv.DictReader(io.StringIO((await export_csv(store, TENANT)).text)))

    assert {r["objective"] for r in rows} == {"'" + HYPERLINK}
    assert [r["key_result"] for r in rows] == ["'" + CALC, "'" + MINUS, "'" + AT, "'" + QUOTED]
    assert rows[0]["unit"] == "'=1+1"
    assert all((r["start"], r["target"], r["current"]) == ("-5", "5", "-2.5") for r in rows)
    for row in rows:
        for column, cell in row.items():
            if column not in NUMBER_COLUMNS:
                assert not cell.startswith(FORMULA_STARTS), (column, cell)


async def test_import_of_the_export_gives_the_same_text_back(
    store: OkrStore, tmp_path: Path
) -> None:
    await typed_in_teams(store)
    exported = (await export_csv(store, TENANT)).text

    async with OkrStore(SqliteBackend(tmp_path / "other.sqlite3")) as other:
        await seed(other)
        await import_csv(other, TENANT, TEAM, exported, now=NOW)
        [objective] = await other.list_objectives(TENANT)
        krs = await other.list_key_results(TENANT)

    assert objective.title == HYPERLINK
    assert [(k.title, k.unit, k.start, k.current) for k in krs] == [
        (CALC, "=1+1", -5, Decimal("-2.5")),
        (MINUS, "tickets", -5, Decimal("-2.5")),
        (AT, "", -5, Decimal("-2.5")),
        (QUOTED, "", -5, Decimal("-2.5")),
    ]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'tis the season", "''tis the season"),
        ("Tăng doanh thu", "Tăng doanh thu"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown
    assert restore(shown) == cell


def test_a_quote_typed_by_hand_before_ordinary_text_is_kept() -> None:
    assert restore("'tis the season") == "'tis the season"
    assert restore("'") == "'"


@given(st.text())
def test_restore_undoes_neutralise(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    assert not neutralise(cell).startswith(FORMULA_STARTS)
