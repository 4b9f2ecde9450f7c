"""The period close: scores, carry-over, reopening, health warnings (okr.closing)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.closing import (
    Closing,
    ClosingError,
    ClosingProblem,
    ClosingWarningCode,
    carried_id,
    close_objective,
    closing_warnings,
    may_close,
    may_reopen,
    next_period,
    offered_objective_score,
    reopen_objective,
    suggested_scores,
)
from okr.models import Member, ObjectiveState, ObjectiveType, Team
from okr.periods import Period, PeriodKind
from okr.scoring import ScoreError
from tests.okr.builders import TENANT, key_result, objective

AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def active(type: ObjectiveType = ObjectiveType.COMMITTED) -> object:
    return dataclasses.replace(objective(type=type), state=ObjectiveState.ACTIVE, team_id="team")


def krs() -> list:
    return [
        key_result(id="kr-a", current=100),  # finished
        key_result(id="kr-b", current=40),
        key_result(id="kr-c", current=65),
    ]


def test_suggested_scores_come_from_progress_rounded_half_up() -> None:
    assert suggested_scores(krs()) == {
        "kr-a": Decimal("1.0"),
        "kr-b": Decimal("0.4"),
        "kr-c": Decimal("0.7"),
    }


def test_scores_kept_from_an_earlier_close_are_offered_again() -> None:
    kept = [dataclasses.replace(kr, score=Decimal("0.3")) for kr in krs()]
    assert set(suggested_scores(kept).values()) == {Decimal("0.3")}
    reopened = dataclasses.replace(active(), score=Decimal("0.9"))
    assert offered_objective_score(reopened, krs()) == Decimal("0.9")
    assert offered_objective_score(active(), krs()) == Decimal("0.7")  # (1 + .4 + .65) / 3


def test_closing_records_scores_note_who_and_when() -> None:
    scores = {"kr-a": Decimal("1.0"), "kr-b": Decimal("0.5"), "kr-c": Decimal("0.7")}
    closed = close_objective(
        active(), krs(), Closing(scores, note="  Hiring took longer.  "), by="29:lead", at=AT
    )
    o = closed.objective
    assert (o.state, o.score, o.closing_note) == (
        ObjectiveState.CLOSED,
        Decimal("0.7"),
        "Hiring took longer.",
    )
    assert (o.closed_at, o.closed_by) == (AT, "29:lead")
    assert [kr.score for kr in closed.key_results] == [
        Decimal("1.0"),
        Decimal("0.5"),
        Decimal("0.7"),
    ]
    assert closed.carried is None


def test_an_edited_objective_score_wins_over_the_suggestion() -> None:
    scores = suggested_scores(krs())
    closed = close_objective(active(), krs(), Closing(scores, score=Decimal("0.2")), by="x", at=AT)
    assert closed.objective.score == Decimal("0.2")


@pytest.mark.parametrize("bad", ["1.1", "-0.1", "0.75", "NaN", "Infinity"])
def test_absurd_scores_are_refused(bad: str) -> None:
    scores = {**suggested_scores(krs()), "kr-b": Decimal(bad)}
    with pytest.raises(ScoreError):
        close_objective(active(), krs(), Closing(scores), by="x", at=AT)
    with pytest.raises(ScoreError):
        close_objective(
            active(), krs(), Closing(suggested_scores(krs()), score=Decimal(bad)), by="x", at=AT
        )


def test_scores_must_name_exactly_its_key_results() -> None:
    missing = {"kr-a": Decimal("1.0")}
    with pytest.raises(ClosingError) as error:
        close_objective(active(), krs(), Closing(missing), by="x", at=AT)
    assert error.value.problem is ClosingProblem.KEY_RESULTS_DIFFER
    foreign = {**suggested_scores(krs()), "kr-other": Decimal("0.1")}
    with pytest.raises(ClosingError):
        close_objective(active(), krs(), Closing(foreign), by="x", at=AT)


def test_only_active_objectives_close_and_a_closed_one_closes_once() -> None:
    closed = close_objective(active(), krs(), Closing(suggested_scores(krs())), by="x", at=AT)
    for state_of in (closed.objective, dataclasses.replace(active(), state=ObjectiveState.DRAFT)):
        with pytest.raises(ClosingError) as error:
            close_objective(state_of, krs(), Closing(suggested_scores(krs())), by="x", at=AT)
        assert error.value.problem is ClosingProblem.NOT_ACTIVE


def test_an_objective_without_key_results_needs_a_score() -> None:
    with pytest.raises(ClosingError) as error:
        close_objective(active(), [], Closing({}), by="x", at=AT)
    assert error.value.problem is ClosingProblem.NO_SCORE
    closed = close_objective(active(), [], Closing({}, score=Decimal("0.6")), by="x", at=AT)
    assert closed.objective.score == Decimal("0.6")


def test_reopening_records_who_and_keeps_the_scores() -> None:
    closed = close_objective(
        active(), krs(), Closing(suggested_scores(krs()), note="n"), by="29:lead", at=AT
    ).objective
    later = datetime(2027, 1, 5, tzinfo=UTC)
    reopened = reopen_objective(closed, by="29:boss", at=later)
    assert reopened.state is ObjectiveState.ACTIVE
    assert (reopened.reopened_at, reopened.reopened_by) == (later, "29:boss")
    assert (reopened.score, reopened.closing_note, reopened.closed_by) == (
        Decimal("0.7"),
        "n",
        "29:lead",
    )
    with pytest.raises(ClosingError) as error:
        reopen_objective(reopened, by="29:boss", at=later)
    assert error.value.problem is ClosingProblem.NOT_CLOSED


def test_carry_over_copies_the_chosen_unfinished_key_results_into_the_next_quarter() -> None:
    source = active()
    closed = close_objective(
        source, krs(), Closing(suggested_scores(krs()), carry_over={"kr-b"}), by="x", at=AT
    )
    assert closed.carried is not None
    copy, carried = closed.carried
    assert copy.id == carried_id(source.id) != source.id
    assert (copy.state, copy.period, copy.owner_id, copy.carried_from, copy.team_id) == (
        ObjectiveState.DRAFT,
        Period.quarter(2027, 1),
        source.owner_id,
        source.id,
        "team",
    )
    assert [(kr.id, kr.objective_id, kr.start, kr.current, kr.target) for kr in carried] == [
        (carried_id("kr-b"), copy.id, Decimal(40), Decimal(40), Decimal(100))
    ]
    assert carried[0].score is None and carried[0].last_checkin_at is None
    # Replayed: the same ids, so the store creates the copy once.
    again = close_objective(
        source, krs(), Closing(suggested_scores(krs()), carry_over={"kr-b"}), by="x", at=AT
    )
    assert again.carried == closed.carried


def test_finished_or_foreign_key_results_are_not_carried() -> None:
    for chosen in ({"kr-a"}, {"kr-zzz"}):
        with pytest.raises(ClosingError) as error:
            close_objective(
                active(), krs(), Closing(suggested_scores(krs()), carry_over=chosen), by="x", at=AT
            )
        assert error.value.problem is ClosingProblem.NOT_UNFINISHED


@pytest.mark.parametrize(
    ("period", "following"),
    [
        (Period.quarter(2026, 4), Period.quarter(2027, 1)),
        (Period.quarter(2026, 1), Period.quarter(2026, 2)),
        (Period.calendar_year(2026), Period.calendar_year(2027)),
        (Period.fiscal_year(2026, 7), Period.fiscal_year(2027, 7)),
        (Period.fiscal_quarter(2026, 2, 7), Period.fiscal_quarter(2026, 3, 7)),
        (Period.fiscal_quarter(2026, 4, 7), Period.fiscal_quarter(2027, 1, 7)),
        (
            Period.custom(date(2026, 3, 10), date(2026, 4, 20)),
            Period.custom(date(2026, 4, 21), date(2026, 6, 1)),  # 42 days each
        ),
    ],
)
def test_the_next_period_is_of_the_same_kind(period: Period, following: Period) -> None:
    assert next_period(period) == following


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 1, 1)),
    days=st.integers(min_value=1, max_value=800),
)
def test_a_custom_period_is_followed_by_as_many_days_right_after(start: date, days: int) -> None:
    from datetime import timedelta

    period = Period.custom(start, start + timedelta(days=days - 1))
    following = next_period(period)
    assert following.kind is PeriodKind.CUSTOM
    assert following.start == period.end + timedelta(days=1)
    assert following.days == period.days


@given(
    year=st.integers(min_value=1990, max_value=2200),
    quarter=st.integers(1, 4),
    month=st.integers(1, 12),
)
def test_a_fiscal_quarter_is_followed_by_the_adjacent_one(
    year: int, quarter: int, month: int
) -> None:
    from datetime import timedelta

    period = Period.fiscal_quarter(year, quarter, month)
    following = next_period(period)
    assert following.kind is PeriodKind.FISCAL_QUARTER
    assert following.start == period.end + timedelta(days=1)
    assert following.quarter_number == quarter % 4 + 1


@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=8), edited=st.integers(0, 10))
def test_any_valid_scores_close_and_are_stored_as_given(scores: list[int], edited: int) -> None:
    items = [key_result(id=f"kr-{i}", current=i * 10) for i in range(len(scores))]
    chosen = {f"kr-{i}": Decimal(s) / 10 for i, s in enumerate(scores)}
    closed = close_objective(
        active(), items, Closing(chosen, score=Decimal(edited) / 10), by="x", at=AT
    )
    assert [kr.score for kr in closed.key_results] == [chosen[kr.id] for kr in items]
    assert closed.objective.score == Decimal(edited) / 10
    assert all(str(kr.score).count(".") == 1 for kr in closed.key_results)


def test_health_warnings_as_viva_goals_had_them() -> None:
    aspirational = active(ObjectiveType.ASPIRATIONAL)
    committed = active(ObjectiveType.COMMITTED)
    codes = lambda o, s, k=(): [w.code for w in closing_warnings(o, list(k), s)]  # noqa: E731
    assert codes(aspirational, Decimal("0.9")) == [ClosingWarningCode.AIM_HIGHER]
    assert codes(aspirational, Decimal("0.8")) == []
    assert codes(committed, Decimal("0.9")) == [ClosingWarningCode.WHAT_BLOCKED]
    assert codes(committed, Decimal("1.0")) == []
    many = [
        dataclasses.replace(key_result(id=f"kr-{i}"), last_checkin_at=AT if i else None)
        for i in range(6)
    ]
    warnings = closing_warnings(committed, many, Decimal("1.0"))
    assert [(w.code, w.count, w.key_result_id) for w in warnings] == [
        (ClosingWarningCode.TOO_MANY_KEY_RESULTS, 6, None),
        (ClosingWarningCode.NEVER_CHECKED_IN, None, "kr-0"),
    ]


def test_who_may_close_and_reopen() -> None:
    team = Team(tenant_id=TENANT, id="team", owner_ids=("29:boss",))
    o = active()
    person = lambda i, t=TENANT: Member(tenant_id=t, id=i)  # noqa: E731
    assert may_close(person("29:lead"), o, team)  # the objective's owner
    assert may_close(person("29:boss"), o, team)
    assert not may_close(person("29:owner"), o, team)  # a key result's owner alone
    assert not may_close(person("29:boss", "other-tenant"), o, team)
    assert may_reopen(person("29:boss"), o, team)
    assert not may_reopen(person("29:lead"), o, team)
    assert not may_reopen(person("29:boss", "other-tenant"), o, team)
    other = Team(tenant_id=TENANT, id="other", owner_ids=("29:lead",))
    assert not may_reopen(person("29:lead"), o, other)
    assert not may_reopen(person("29:boss"), o, None)
