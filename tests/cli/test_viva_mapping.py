"""The Viva Goals mapping decisions, one by one, without storage (cli.viva_mapping)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cli.viva_export import parse_export, parse_number, plain_text
from cli.viva_mapping import Context, Kind, TypesError, VivaPlan, parse_types, plan
from okr.models import Comparison, KeyResult, KeyResultKind, Kpi, Objective
from okr.periods import PeriodKind, period_of_days
from tests.cli import viva_sample as v

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
AN = v.person(1, "An", "an@contoso.example")


def planned(items: list[dict[str, Any]], **context: Any) -> VivaPlan:
    export = parse_export({"objectives": items, "timeperiods": [v.Q4]})
    return plan(export, Context(tenant_id=TENANT, **context))


def objective(viva_id: int = 1, **fields: Any) -> dict[str, Any]:
    return v.item(viva_id, f"Objective {viva_id}", "Objective", AN, v.Q4, **fields)


def measured(
    viva_id: int, outcome: dict[str, Any], type_name: str = "Key Result"
) -> dict[str, Any]:
    return v.item(viva_id, f"KR {viva_id}", type_name, AN, v.Q4, parents=(1,), outcome=outcome)


def only[T](result: VivaPlan, cls: type[T]) -> T:
    [found] = [e for e in result.entities if isinstance(e, cls)]
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,200,000", Decimal(1_200_000)),
        ("1 200 000", Decimal(1_200_000)),
        ("1\u00a0200\u202f000", Decimal(1_200_000)),
        ("1.200.000,5", Decimal("1200000.5")),
        ("12,5", Decimal("12.5")),
        ("45%", Decimal(45)),
        (7, Decimal(7)),
        (2.5, Decimal("2.5")),
        ("-3", Decimal(-3)),
        (float("nan"), None),
        ("twelve", None),
        ("9" * 40, None),
        (None, None),
        (True, None),
        ({"value": 1}, None),
    ],
)
def test_numbers_are_read_as_exported(text: Any, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


def test_html_notes_keep_the_text_and_drop_the_markup() -> None:
    assert (
        plain_text(
            "<div>Đạt <i>80%</i> &lt;mục tiêu&gt;<br>tuần sau: <a href='https://x'>link</a></div>"
            "<style>p{}</style><ol><li>một</li><li>hai</li></ol>"
        )
        == "Đạt 80% <mục tiêu>\ntuần sau: link\n- một\n- hai"
    )
    assert plain_text("không có thẻ\n  hai   dòng") == "không có thẻ\nhai dòng"
    assert plain_text("") == ""


@pytest.mark.parametrize(
    ("start", "end", "fiscal", "label"),
    [
        (date(2026, 1, 1), date(2026, 3, 31), 1, "2026-Q1"),
        (date(2026, 1, 1), date(2026, 12, 31), 1, "2026"),
        (date(2025, 7, 1), date(2025, 9, 30), 7, "FY2026-Q1"),
        (date(2025, 7, 1), date(2026, 6, 30), 7, "FY2026"),
        (date(2025, 7, 1), date(2025, 9, 30), 1, "2025-Q3"),
        (date(2026, 1, 15), date(2026, 4, 14), 1, "2026-01-15..2026-04-14"),
    ],
)
def test_periods_are_found_by_their_days(start: date, end: date, fiscal: int, label: str) -> None:
    assert period_of_days(start, end, fiscal).label == label


def test_a_custom_range_becomes_a_custom_period() -> None:
    assert period_of_days(date(2026, 2, 1), date(2026, 2, 14)).kind is PeriodKind.CUSTOM


def test_types_override_the_names_and_the_structure() -> None:
    items = [
        objective(),
        v.item(2, "Ship it", "Project", AN, v.Q4, parents=(1,)),
        measured(3, v.PERCENTAGE, type_name="Outcome"),
    ]

    by_default = planned(items)
    overridden = planned(items, types=parse_types("Project=key_result, outcome = initiative"))

    assert [(t.type_name, t.kind, t.because) for t in by_default.types] == [
        ("Objective", Kind.OBJECTIVE, "name"),
        ("Outcome", Kind.KEY_RESULT, "structure"),  # measured, under an objective
        ("Project", Kind.INITIATIVE, "name"),
    ]
    assert [(t.type_name, t.kind, t.because) for t in overridden.types] == [
        ("Objective", Kind.OBJECTIVE, "name"),
        ("Outcome", Kind.INITIATIVE, "--types"),
        ("Project", Kind.KEY_RESULT, "--types"),
    ]
    ship = only(overridden, KeyResult)
    assert (ship.title, ship.kind, ship.start, ship.target) == (
        "Ship it",
        KeyResultKind.PERCENTAGE,
        Decimal(0),
        Decimal(100),
    )


@pytest.mark.parametrize("text", ["Big rock", "Big rock=goal", "=objective"])
def test_a_malformed_types_option_is_refused(text: str) -> None:
    with pytest.raises(TypesError):
        parse_types(text)


@pytest.mark.parametrize(
    ("outcome", "comparison"),
    [
        (v.metric(99, "99.5", "Maintain at"), Comparison.AT_LEAST),
        (v.metric(5, 2, "Maintain at"), Comparison.AT_MOST),
        (v.metric(None, "2", "Maintain below"), Comparison.AT_MOST),
        (v.metric(None, "100", "Maintain above"), Comparison.AT_LEAST),
    ],
)
def test_maintain_becomes_a_kpi(outcome: dict[str, Any], comparison: Comparison) -> None:
    result = planned([objective(), measured(2, outcome)])

    kpi = only(result, Kpi)
    assert (kpi.comparison, kpi.threshold) == (comparison, parse_number(outcome["Target"]))
    assert result.count(KeyResult) == 0


@pytest.mark.parametrize(
    ("outcome", "kind", "currency", "unit"),
    [
        (v.metric(0, 10, "Increase From", "USD"), KeyResultKind.CURRENCY, "USD", ""),
        (v.metric(0, 10, "Reach", "₫"), KeyResultKind.CURRENCY, "VND", ""),
        (v.metric(0, 10, "Reach", "%"), KeyResultKind.PERCENTAGE, None, "%"),
        (v.metric(9, 6, "Keep below", "steps"), KeyResultKind.NUMBER, None, "steps"),
        (v.metric(0, 10, "Wobble", "units"), KeyResultKind.NUMBER, None, "units"),
    ],
)
def test_key_result_kinds(
    outcome: dict[str, Any], kind: KeyResultKind, currency: str | None, unit: str
) -> None:
    result = planned([objective(), measured(2, outcome)])

    kr = only(result, KeyResult)
    assert (kr.kind, kr.currency, kr.unit) == (kind, currency, unit)
    unknown = [w.reason for w in result.warnings if "is not known here" in w.reason]
    assert unknown == (
        ["target type 'Wobble' is not known here: imported as a number from start to target"]
        if outcome["Target Type"] == "Wobble"
        else []
    )


def test_a_metric_without_a_target_is_skipped_with_its_reason() -> None:
    result = planned([objective(), measured(2, v.metric(5, None, "Increase From"))])

    assert result.count(KeyResult) == 0
    assert [(s.what, s.reason) for s in result.skipped] == [
        ("Key Result 'KR 2' (ID 2)", "its outcome has no target")
    ]


def test_one_parent_and_one_owner_are_kept_with_a_warning() -> None:
    two_owners = {
        **objective(3, parents=(1, 2)),
        "Owner": [AN, v.person(2, "Binh", "binh@contoso.example")],
    }
    result = planned([objective(1), objective(2), two_owners])

    child = next(
        e for e in result.entities if isinstance(e, Objective) and e.title == "Objective 3"
    )
    assert child.parent_id == next(
        e.id for e in result.entities if isinstance(e, Objective) and e.title == "Objective 1"
    )
    assert {w.reason for w in result.warnings if w.what.endswith("(ID 3)")} == {
        "aligned to 2 items; one parent is kept here: ID 1 (not 2)",
        "2 owners: one owner is kept here, an@contoso.example",
    }


def test_hostile_entries_are_skipped_and_the_rest_imported() -> None:
    items: list[Any] = [
        objective(1, description="x" * 5000),
        "not an object",
        {"Title": "no id"},
        {**objective(2), "Title": "T" * 900, "Owner": {"ID": {"nested": 1}}, "Teams": "Sales"},
        {**objective(4), "Time Period": None, "Start Date": None, "End Date": "soon"},
    ]
    result = planned(items)

    titles = [e.title for e in result.entities if isinstance(e, Objective)]
    assert titles == ["Objective 1", "T" * 199 + "…"]
    first = next(e for e in result.entities if isinstance(e, Objective))
    assert len(first.description) == 1000
    assert [(s.what, s.reason) for s in result.skipped] == [
        ("objectives entry 2", "not a JSON object"),
        ("objectives entry 3", "it has no ID"),
        ("Objective 'Objective 4' (ID 4)", "its time period has no start and end date"),
    ]


def test_under_a_skipped_objective_objectives_come_over_at_the_top_and_key_results_not() -> None:
    no_period = {**objective(1), "Time Period": None, "Start Date": None, "End Date": None}
    result = planned(
        [no_period, objective(2, parents=(1,)), measured(3, v.PERCENTAGE)]  # KR 3 is under 1
    )

    [child] = [e for e in result.entities if isinstance(e, Objective)]
    assert (child.title, child.parent_id) == ("Objective 2", None)
    assert [(s.what, s.reason) for s in result.skipped] == [
        ("Objective 'Objective 1' (ID 1)", "its time period has no start and end date"),
        (
            "Key Result 'KR 3' (ID 3)",
            "a key result needs an objective above it, and none is imported",
        ),
    ]
    assert [w.reason for w in result.warnings] == [
        "its parent (ID 1) is skipped: imported without it"
    ]
