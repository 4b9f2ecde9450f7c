"""Expected progress from elapsed time and the suggested status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.models import CheckInStatus
from okr.pace import (
    PaceStatus,
    PaceThresholdError,
    PaceThresholds,
    expected_progress,
    pace_status,
    suggest_status,
    to_checkin_status,
)
from okr.periods import Period

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
Q1_2026 = Period.quarter(2026, 1)  # Berlin and Los Angeles spring forward in March
Q4_2026 = Period.quarter(2026, 4)  # and fall back in October / November
unit = st.decimals(min_value=0, max_value=1, places=6)


@given(
    st.sampled_from([Q1_2026, Q4_2026]),
    st.sampled_from([BERLIN, LOS_ANGELES]),
    st.integers(min_value=-10 * 86_400, max_value=100 * 86_400),
    st.integers(min_value=0, max_value=100 * 86_400),
)
def test_expected_progress_is_monotone_in_time(period: Period, zone: ZoneInfo, offset: int,
                                               step: int) -> None:
    # Real time steps (UTC), shown to the function as local wall time with fold.
    earlier = period.starts_at(zone).astimezone(UTC) + timedelta(seconds=offset)
    later = earlier + timedelta(seconds=step)
    before = expected_progress(period, earlier.astimezone(zone), zone)
    after = expected_progress(period, later.astimezone(zone), zone)
    assert 0 <= before <= after <= 1


@pytest.mark.parametrize("zone", [BERLIN, LOS_ANGELES, "UTC"])
@pytest.mark.parametrize("period", [Q1_2026, Q4_2026, Period.fiscal_year(2026, 7)])
def test_expected_progress_is_0_at_start_and_1_at_end(period: Period, zone: ZoneInfo | str
                                                      ) -> None:
    assert expected_progress(period, period.starts_at(zone), zone) == 0
    assert expected_progress(period, period.ends_at(zone), zone) == 1
    midpoint = period.starts_at(zone).astimezone(UTC) + period.duration(zone) / 2
    assert expected_progress(period, midpoint, zone) == Decimal("0.5")


def test_expected_progress_in_the_week_clocks_change() -> None:
    week = Period.custom(datetime(2026, 3, 23).date(), datetime(2026, 3, 29).date())
    # The week has 6 * 24 + 23 real hours; Sunday 12:00 in Berlin is 155 hours in.
    sunday_noon = datetime(2026, 3, 29, 12, tzinfo=BERLIN)
    assert expected_progress(week, sunday_noon, BERLIN) == Decimal(155) / Decimal(167)


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
def test_status_follows_viva_goals_bands(actual: str, expected: str,
                                         status: PaceStatus) -> None:
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
def test_status_only_worsens_as_progress_falls(expected: Decimal, high: Decimal,
                                              drop: Decimal) -> None:
    order = [PaceStatus.ON_TRACK, PaceStatus.BEHIND, PaceStatus.AT_RISK]
    low = max(high - drop, Decimal(0))
    assert order.index(suggest_status(low, expected)) >= \
        order.index(suggest_status(high, expected))
    assert suggest_status(expected, expected) is PaceStatus.ON_TRACK


def test_pace_status_reads_the_period_at_now() -> None:
    halfway = Q4_2026.starts_at("UTC") + Q4_2026.duration("UTC") / 2
    assert pace_status(Decimal("0.3"), Q4_2026, halfway, "UTC") is PaceStatus.BEHIND
    assert pace_status(Decimal("0.2"), Q4_2026, halfway, "UTC") is PaceStatus.AT_RISK


def test_pace_maps_onto_the_check_in_scale() -> None:
    assert to_checkin_status(PaceStatus.ON_TRACK) is CheckInStatus.ON_TRACK
    assert to_checkin_status(PaceStatus.BEHIND) is CheckInStatus.AT_RISK
    assert to_checkin_status(PaceStatus.AT_RISK) is CheckInStatus.OFF_TRACK
    # The pace enum never compares equal to a check-in status by accident.
    assert {str(s) for s in PaceStatus}.isdisjoint({str(s) for s in CheckInStatus})
