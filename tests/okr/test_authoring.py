"""What may be written into objectives and key results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from okr.authoring import (
    Context,
    InitiativeInput,
    KeyResultInput,
    KpiInput,
    ObjectiveInput,
    check_initiative,
    check_key_result,
    check_kpi,
    check_objective,
)
from okr.models import Comparison, KeyResultKind, Level, ObjectiveType
from okr.periods import Period

Q4 = Period.quarter(2026, 4)
CONTEXT = Context(
    member_ids=frozenset({"ann", "bob"}),
    objective_ids=frozenset({"root", "child", "grandchild"}),
    parents={"root": None, "child": "root", "grandchild": "child"},
)


def objective(**changes: object) -> ObjectiveInput:
    values: dict[str, object] = {
        "title": "Double revenue",
        "owner_id": "ann",
        "level": Level.TEAM,
        "type": ObjectiveType.COMMITTED,
        "period": Q4,
    }
    return ObjectiveInput(**{**values, **changes})  # type: ignore[arg-type]


def key_result(**changes: object) -> KeyResultInput:
    values: dict[str, object] = {
        "title": "Support tickets a month",
        "owner_id": "bob",
        "kind": KeyResultKind.NUMBER,
        "start": Decimal(120),
        "target": Decimal(30),
    }
    return KeyResultInput(**{**values, **changes})  # type: ignore[arg-type]


def codes(problems: dict[str, object]) -> dict[str, str]:
    return {name: p.code for name, p in problems.items()}  # type: ignore[attr-defined]


def test_a_good_objective_has_no_problems() -> None:
    assert check_objective(objective(parent_id="root"), CONTEXT) == {}


def test_objective_field_problems() -> None:
    problems = check_objective(
        objective(title="  ", owner_id="mallory", period=None, description="x" * 1001), CONTEXT
    )
    assert codes(problems) == {
        "title": "required",
        "owner": "unknown_owner",
        "period": "required",
        "description": "too_long",
    }
    assert problems["description"].kwargs == {"max": "1000"}
    assert codes(check_objective(objective(title="x" * 201), CONTEXT)) == {"title": "too_long"}


def test_parent_must_exist_and_not_make_a_cycle() -> None:
    assert codes(check_objective(objective(parent_id="nope"), CONTEXT)) == {
        "parent": "unknown_parent"
    }
    # root -> child -> grandchild: making root align to grandchild closes a loop.
    assert codes(check_objective(objective(parent_id="grandchild"), CONTEXT, "root")) == {
        "parent": "parent_cycle"
    }
    assert codes(check_objective(objective(parent_id="root"), CONTEXT, "root")) == {
        "parent": "parent_cycle"
    }
    assert check_objective(objective(parent_id="root"), CONTEXT, "other") == {}


def test_a_decreasing_key_result_is_fine() -> None:
    assert check_key_result(key_result(), Q4, CONTEXT) == {}


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_target_equal_to_start_is_refused(value: Decimal) -> None:
    problems = check_key_result(key_result(start=value, target=value), Q4, CONTEXT)
    assert codes(problems) == {"target": "target_equals_start"}


def test_key_result_field_problems() -> None:
    problems = check_key_result(
        key_result(start=None, target=Decimal("1" * 16), owner_id=None, unit="u" * 31), Q4, CONTEXT
    )
    assert codes(problems) == {
        "start": "required",
        "target": "number_too_long",
        "owner": "required",
        "unit": "too_long",
    }


def test_due_date_must_be_inside_the_objective_period() -> None:
    inside = key_result(due_date=date(2026, 12, 31))
    outside = key_result(due_date=date(2027, 1, 1))
    assert check_key_result(inside, Q4, CONTEXT) == {}
    problems = check_key_result(outside, Q4, CONTEXT)
    assert codes(problems) == {"due_date": "date_outside_period"}
    assert problems["due_date"].kwargs == {"start": "2026-10-01", "end": "2026-12-31"}


def test_kind_specific_rules() -> None:
    currency = key_result(kind=KeyResultKind.CURRENCY, currency=None)
    assert codes(check_key_result(currency, Q4, CONTEXT)) == {"currency": "currency_required"}
    milestone = key_result(kind=KeyResultKind.MILESTONE, start=None, target=None)
    assert check_key_result(milestone, Q4, CONTEXT) == {}
    percent = key_result(kind=KeyResultKind.PERCENTAGE, start=Decimal(80), target=Decimal(5000))
    assert codes(check_key_result(percent, Q4, CONTEXT)) == {"target": "percentage_out_of_range"}
    duration = key_result(kind=KeyResultKind.DURATION, start=Decimal(-1), target=Decimal(225))
    assert codes(check_key_result(duration, Q4, CONTEXT)) == {"start": "negative_duration"}


def test_initiative_and_kpi_problems() -> None:
    kr_ids = frozenset({"kr-1"})
    assert (
        check_initiative(InitiativeInput("Partner program", "ann", "kr-1"), CONTEXT, kr_ids) == {}
    )
    bad = check_initiative(InitiativeInput("", "zed", "kr-9"), CONTEXT, kr_ids)
    assert codes(bad) == {
        "title": "required",
        "owner": "unknown_owner",
        "key_result": "invalid_choice",
    }
    good_kpi = KpiInput("Uptime", Decimal("99.5"), Comparison.AT_LEAST, unit="%")
    assert check_kpi(good_kpi, CONTEXT) == {}
    assert codes(check_kpi(KpiInput("Uptime", None, Comparison.AT_LEAST), CONTEXT)) == {
        "threshold": "required"
    }
