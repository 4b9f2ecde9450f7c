"""Expected progress from elapsed time and the suggested status."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.models import CheckInStatus, Objective
from okr.pace import (
    Pace,
    PaceStatus,
    PaceThresholdError,
    PaceThresholds,
    expected_progress,
    pace_of,
    pace_start,
    start_on_activation,
    suggest_status,
    to_checkin_status,
)
from okr.periods import Period

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
Q1_2026 = Period.quarter(2026, 1)  # Berlin and Los Angeles spring forward in March
Q4_2026 = Period.quarter(2026, 4)  # and fall back in October / November
unit = st.decimals(min_value=0, max_value=1, places=6)


ZONES = [
    BERLIN,
    LOS_ANGELES,
    ZoneInfo("Asia/Ho_Chi_Minh"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("America/Santiago"),
    "UTC",
]


def _objective(period: Period, starts_on: date | None = None) -> Objective:
    return Objective(
        tenant_id="t", id="o", title="Grow", owner_id="29:a", period=period, starts_on=starts_on
    )


@st.composite
def objectives(draw: st.DrawFn) -> Objective:
    """Quarters, years and custom periods, started on their first day or any day in them."""
    period = draw(
        st.sampled_from(
            [
                Q1_2026,
                Q4_2026,
                Period.fiscal_year(2026, 7),
                Period.custom(date(2026, 3, 29), date(2026, 3, 29)),
                Period.custom(date(2026, 10, 20), date(2026, 11, 5)),
            ]
        )
    )
    offset = draw(st.none() | st.integers(min_value=-30, max_value=period.days + 30))
    starts_on = None if offset is None else period.start + timedelta(days=offset)
    return _objective(period, starts_on)


def _first_instant(objective: Objective, zone: ZoneInfo | str) -> datetime:
    return datetime.combine(pace_start(objective), time(), tzinfo=ZoneInfo(str(zone)))


@given(
    objectives(),
    st.sampled_from(ZONES),
    st.integers(min_value=-10 * 86_400, max_value=400 * 86_400),
    st.integers(min_value=0, max_value=100 * 86_400),
)
def test_expected_progress_is_monotone_and_between_0_and_1(
    objective: Objective, zone: ZoneInfo | str, offset: int, step: int
) -> None:
    # Real time steps (UTC), shown to the function as local wall time with fold.
    earlier = objective.period.starts_at(zone).astimezone(UTC) + timedelta(seconds=offset)
    later = earlier + timedelta(seconds=step)
    before = expected_progress(objective, earlier.astimezone(ZoneInfo(str(zone))), zone)
    after = expected_progress(objective, later, zone)
    assert 0 <= before <= after <= 1
    assert not before.is_signed() and not after.is_signed()  # never -0 either


@given(objectives(), st.sampled_from(ZONES), st.integers(min_value=0, max_value=86_399))
def test_expected_progress_is_0_on_the_first_day_and_1_at_the_end(
    objective: Objective, zone: ZoneInfo | str, seconds: int
) -> None:
    first_day = _first_instant(objective, zone)
    assert expected_progress(objective, first_day, zone) == 0
    assert expected_progress(objective, first_day + timedelta(seconds=seconds), zone) == 0
    assert expected_progress(objective, objective.period.ends_at(zone), zone) == 1
    assert (
        expected_progress(objective, objective.period.ends_at(zone) + timedelta(days=3), zone) == 1
    )


@given(objectives(), st.sampled_from(ZONES))
def test_the_line_starts_inside_the_period(objective: Objective, zone: ZoneInfo | str) -> None:
    assert objective.period.contains_day(pace_start(objective))
    if objective.starts_on is None:
        assert pace_start(objective) == objective.period.start


@pytest.mark.parametrize("zone", [BERLIN, LOS_ANGELES, "UTC"])
def test_the_line_runs_from_the_end_of_the_first_day_to_the_end_of_the_period(
    zone: ZoneInfo | str,
) -> None:
    objective = _objective(Q4_2026, starts_on=date(2026, 11, 10))
    line_start = datetime(2026, 11, 11, tzinfo=ZoneInfo(str(zone))).astimezone(UTC)
    line_end = Q4_2026.ends_at(zone).astimezone(UTC)
    midpoint = line_start + (line_end - line_start) / 2
    assert expected_progress(objective, midpoint, zone) == Decimal("0.5")
    # The period's own start: the same straight line, from the end of October 1.
    whole = _objective(Q4_2026)
    assert expected_progress(whole, datetime(2026, 10, 2, tzinfo=ZoneInfo(str(zone))), zone) == 0
    assert expected_progress(whole, Q4_2026.ends_at(zone), zone) == 1


def test_expected_progress_in_the_week_clocks_change() -> None:
    week = Period.custom(date(2026, 3, 22), date(2026, 3, 29))
    # From the end of Sunday 22 to the end of Sunday 29: 6 * 24 + 23 real hours;
    # Sunday 29 12:00 in Berlin is 155 hours in.
    sunday_noon = datetime(2026, 3, 29, 12, tzinfo=BERLIN)
    assert expected_progress(_objective(week), sunday_noon, BERLIN) == Decimal(155) / Decimal(167)


@given(st.sampled_from(ZONES), st.integers(min_value=0, max_value=86_399))
def test_an_objective_activated_mid_period_starts_on_that_day(
    zone: ZoneInfo | str, seconds: int
) -> None:
    # Any moment of 2026-11-10 in the team's zone: the line starts that day, and
    # right after activating nothing is expected yet.
    now = datetime(2026, 11, 10, tzinfo=ZoneInfo(str(zone))) + timedelta(seconds=seconds)
    draft = _objective(Q4_2026)
    starts_on = start_on_activation(draft, now, zone)
    assert starts_on == date(2026, 11, 10)
    active = dataclasses.replace(draft, starts_on=starts_on)
    assert pace_of(active, Decimal(0), now, zone) == Pace(Decimal(0), PaceStatus.ON_TRACK)


def test_activation_keeps_a_chosen_start_and_the_period_start_when_not_begun() -> None:
    chosen = _objective(Q4_2026, starts_on=date(2026, 10, 5))
    assert start_on_activation(chosen, datetime(2026, 11, 10, tzinfo=UTC), "UTC") == date(
        2026, 10, 5
    )
    draft = _objective(Q4_2026)
    for now in (
        datetime(2026, 9, 20, tzinfo=UTC),
        datetime(2026, 10, 1, 8, tzinfo=UTC),
        datetime(2027, 1, 5, tzinfo=UTC),
    ):
        assert start_on_activation(draft, now, "UTC") is None
    # 2026-10-01 00:30 in Hanoi is still 2026-09-30 in UTC: the team's zone decides.
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    assert start_on_activation(draft, datetime(2026, 10, 2, 0, 30, tzinfo=hanoi), hanoi) == date(
        2026, 10, 2
    )


@pytest.mark.parametrize(
    ("actual", "expected", "status"),
    [
        ("0.50", "0.50", PaceStatus.ON_TRACK),
        ("0.90", "0.50", PaceStatus.ON_TRACK),
        ("1.40", "0.50", PaceStatus.ON_TRACK),  # raw progress beyond the target
        ("0.49", "0.50", PaceStatus.BEHIND),
        ("0.25", "0.50", PaceStatus.BEHIND),  # exactly 25 points under: still behind
        ("0.24", "0.50", PaceStatus.AT_RISK),
        ("0", "0", PaceStatus.ON_TRACK),  # period not started
        ("0", "1", PaceStatus.AT_RISK),
    ],
)
def test_status_follows_viva_goals_bands(actual: str, expected: str, status: PaceStatus) -> None:
    assert suggest_status(Decimal(actual), Decimal(expected)) is status


def test_thresholds_are_configurable() -> None:
    lenient = PaceThresholds(on_track_tolerance=Decimal("0.05"), at_risk_gap=Decimal("0.4"))
    assert suggest_status(Decimal("0.46"), Decimal("0.5"), lenient) is PaceStatus.ON_TRACK
    assert suggest_status(Decimal("0.2"), Decimal("0.5"), lenient) is PaceStatus.BEHIND
    assert suggest_status(Decimal("0.05"), Decimal("0.5"), lenient) is PaceStatus.AT_RISK


@pytest.mark.parametrize(("tolerance", "gap"), [("-0.1", "0.25"), ("0.3", "0.25"), ("0", "1.5")])
def test_unordered_thresholds_are_refused(tolerance: str, gap: str) -> None:
    with pytest.raises(PaceThresholdError):
        PaceThresholds(Decimal(tolerance), Decimal(gap))


@given(unit, unit, unit)
def test_status_only_worsens_as_progress_falls(
    expected: Decimal, high: Decimal, drop: Decimal
) -> None:
    order = [PaceStatus.ON_TRACK, PaceStatus.BEHIND, PaceStatus.AT_RISK]
    low = max(high - drop, Decimal(0))
    assert order.index(suggest_status(low, expected)) >= order.index(suggest_status(high, expected))
    assert suggest_status(expected, expected) is PaceStatus.ON_TRACK


def test_pace_reads_the_objective_at_now() -> None:
    objective = _objective(Q4_2026)
    line_start = datetime(2026, 10, 2, tzinfo=UTC)
    halfway = line_start + (Q4_2026.ends_at("UTC") - line_start) / 2
    assert pace_of(objective, Decimal("0.3"), halfway, "UTC").status is PaceStatus.BEHIND
    assert pace_of(objective, Decimal("0.2"), halfway, "UTC") == Pace(
        Decimal("0.5"), PaceStatus.AT_RISK
    )


def test_pace_maps_onto_the_check_in_scale() -> None:
    assert to_checkin_status(PaceStatus.ON_TRACK) is CheckInStatus.ON_TRACK
    assert to_checkin_status(PaceStatus.BEHIND) is CheckInStatus.AT_RISK
    assert to_checkin_status(PaceStatus.AT_RISK) is CheckInStatus.OFF_TRACK
    # The pace enum never compares equal to a check-in status by accident.
    assert {str(s) for s in PaceStatus}.isdisjoint({str(s) for s in CheckInStatus})
