"""Periods: labels both ways, invalid periods refused, time-zone-aware elapsed time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr.periods import (
    Period,
    PeriodError,
    PeriodKind,
    fiscal_quarter_of,
    fiscal_year_of,
    parse_period,
    quarter_of,
)

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Ho_Chi_Minh", "Australia/Sydney",
         "Pacific/Kiritimati", "America/Santiago"]

quarters = st.integers(min_value=1, max_value=4)
months = st.integers(min_value=1, max_value=12)
days = st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30))


@st.composite
def periods(draw: st.DrawFn, first_year: int = 2, last_year: int = 9998) -> Period:
    """Any period of any kind within the given years."""
    kind = draw(st.sampled_from(PeriodKind))
    year = draw(st.integers(min_value=first_year, max_value=last_year))
    days = st.dates(min_value=date(year - 1, 1, 2), max_value=date(year + 1, 12, 30))
    match kind:
        case PeriodKind.QUARTER:
            return Period.quarter(year, draw(quarters))
        case PeriodKind.YEAR:
            return Period.calendar_year(year)
        case PeriodKind.FISCAL_YEAR:
            return Period.fiscal_year(year, draw(months))
        case PeriodKind.FISCAL_QUARTER:
            return Period.fiscal_quarter(year, draw(quarters), draw(months))
        case PeriodKind.CUSTOM:
            first, last = sorted([draw(days), draw(days)])
            return Period.custom(first, last)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("label", "start_month", "first", "last"),
    [
        ("2026-Q4", 1, date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-Q1", 7, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", 7, date(2026, 1, 1), date(2026, 12, 31)),
        ("FY2026", 7, date(2025, 7, 1), date(2026, 6, 30)),
        ("FY2026", 1, date(2026, 1, 1), date(2026, 12, 31)),
        ("FY2026", 4, date(2025, 4, 1), date(2026, 3, 31)),
        ("FY2026-Q1", 7, date(2025, 7, 1), date(2025, 9, 30)),
        ("FY2026-Q3", 7, date(2026, 1, 1), date(2026, 3, 31)),
        ("FY2026-Q4", 11, date(2026, 8, 1), date(2026, 10, 31)),
        ("2026-10-01..2026-12-31", 7, date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-10-01..2026-10-01", 1, date(2026, 10, 1), date(2026, 10, 1)),
    ],
)
def test_labels_name_the_documented_days(label: str, start_month: int, first: date,
                                         last: date) -> None:
    period = parse_period(label, start_month)
    assert (period.start, period.end) == (first, last)
    assert period.label == label
    assert str(period) == label


def test_labels_forgive_case_and_spaces() -> None:
    assert parse_period("  fy2026-q1 ", 7) == Period.fiscal_quarter(2026, 1, 7)
    assert parse_period("2026-10-01 .. 2026-12-31").label == "2026-10-01..2026-12-31"


def test_same_days_keep_their_own_label() -> None:
    fiscal = parse_period("FY2026-Q3", 7)
    calendar = parse_period("2026-Q1")
    assert (fiscal.start, fiscal.end) == (calendar.start, calendar.end)
    assert fiscal != calendar
    assert (fiscal.label, calendar.label) == ("FY2026-Q3", "2026-Q1")


def test_a_single_day_is_one_day_long() -> None:
    period = Period.custom(date(2026, 3, 29), date(2026, 3, 29))
    assert period.days == 1
    assert period.duration("UTC") == timedelta(days=1)
    assert period.duration(BERLIN) == timedelta(hours=23)  # clocks spring forward that day


@pytest.mark.parametrize(
    "label",
    ["", "2026-Q5", "2026-Q0", "FY2026-Q5", "Q4 2026", "FY26", "26", "2026-13-01..2026-12-31",
     "2026-02-30..2026-03-01", "2026-12-31..2026-10-01", "2026-10-01..", "FY2026-Q1-X",
     "٢٠٢٦-Q1", "0001-01-01..0001-01-02", "9999-Q4"],
)
def test_bad_labels_are_refused(label: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(label, 7)


def test_fiscal_year_one_with_a_late_start_cannot_exist() -> None:
    with pytest.raises(PeriodError):
        Period.fiscal_year(1, 7)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Period(date(2026, 10, 2), date(2026, 12, 31), PeriodKind.QUARTER),
        lambda: Period(date(2026, 11, 1), date(2027, 1, 31), PeriodKind.QUARTER),
        lambda: Period(date(2026, 10, 1), date(2026, 12, 30), PeriodKind.QUARTER),
        lambda: Period(date(2026, 7, 1), date(2027, 6, 30), PeriodKind.YEAR),
        lambda: Period(date(2025, 7, 1), date(2026, 6, 30), PeriodKind.FISCAL_YEAR, 4),
        lambda: Period(date(2025, 8, 1), date(2025, 10, 31), PeriodKind.FISCAL_QUARTER, 7),
        lambda: Period(date(2026, 1, 1), date(2026, 3, 31), PeriodKind.QUARTER, 7),
        lambda: Period(date(2026, 1, 1), date(2026, 12, 31), PeriodKind.FISCAL_YEAR, 13),
        lambda: Period.quarter(2026, 5),
        lambda: Period.fiscal_year(2026, 0),
    ],
)
def test_days_that_do_not_fit_the_kind_are_refused(build: object) -> None:
    with pytest.raises(PeriodError):
        build()  # type: ignore[operator]


@given(periods())
def test_label_round_trips(period: Period) -> None:
    assert parse_period(period.label, period.fiscal_year_start_month) == period
    assert parse_period(period.label, period.fiscal_year_start_month).label == period.label


@given(days, days)
def test_end_before_start_is_refused(first: date, second: date) -> None:
    assume(first != second)
    early, late = sorted([first, second])
    with pytest.raises(PeriodError):
        Period.custom(late, early)
    with pytest.raises(PeriodError):
        parse_period(f"{late.isoformat()}..{early.isoformat()}")


@given(days, months)
def test_every_day_is_in_its_quarter_and_fiscal_quarter(day: date, start_month: int) -> None:
    assume(date(2, 1, 1) <= day <= date(9998, 12, 31))
    assert quarter_of(day).contains_day(day)
    fiscal = fiscal_quarter_of(day, start_month)
    assert fiscal.contains_day(day)
    year = Period.fiscal_year(fiscal_year_of(day, start_month), start_month)
    assert year.contains_day(day)
    assert year.label.startswith(fiscal.label.split("-")[0])


@given(periods(1901, 2199), st.sampled_from(ZONES))
def test_period_runs_from_midnight_to_midnight_after_its_last_day(period: Period,
                                                                  zone: str) -> None:
    for instant, day in [(period.starts_at(zone), period.start),
                         (period.ends_at(zone), period.end + timedelta(days=1))]:
        local = instant.astimezone(UTC).astimezone(ZoneInfo(zone))
        # 00:00 that day, or the end of the gap where the clocks skip midnight
        # (America/Santiago's DST, or its 17-minute jump off local mean time in 1916).
        assert local.date() == day
        assert local.time() <= time(1, 0)
    hours = period.duration(zone) / timedelta(hours=1)
    # The clocks' offset from UTC changing between the edges shortens or lengthens
    # the period by as much: an hour for DST, a whole day where a zone jumped the
    # date line (Pacific/Kiritimati skipped 31 December 1994). An edge inside a gap
    # moves by up to an hour more.
    tz = ZoneInfo(zone)
    start_offset = period.starts_at(zone).astimezone(tz).utcoffset()
    end_offset = period.ends_at(zone).astimezone(tz).utcoffset()
    assert start_offset is not None and end_offset is not None
    moved = (end_offset - start_offset) / timedelta(hours=1)
    assert abs(hours - (24 * period.days - moved)) <= 1


def test_quarter_with_spring_forward_is_an_hour_short() -> None:
    q1 = Period.quarter(2026, 1)
    assert q1.duration(BERLIN) == timedelta(days=90, hours=-1)  # 29 March 02:00 -> 03:00
    assert q1.duration(LOS_ANGELES) == timedelta(days=90, hours=-1)  # 8 March
    assert Period.quarter(2026, 4).duration(LOS_ANGELES) == timedelta(days=92, hours=1)  # 1 Nov
    assert Period.quarter(2026, 4).duration(BERLIN) == timedelta(days=92, hours=1)  # 25 Oct


def test_elapsed_fraction_counts_real_hours_across_dst() -> None:
    q1 = Period.quarter(2026, 1)
    # Local noon on 29 March: 87.5 calendar days, but only 87.5 d - 1 h of real time.
    noon = datetime(2026, 3, 29, 12, tzinfo=BERLIN)
    total_hours = Decimal(90 * 24 - 1)
    assert q1.elapsed_fraction(noon, BERLIN) == Decimal(87 * 24 + 12 - 1) / total_hours
    # The same instant seen from another zone gives the same answer.
    assert q1.elapsed_fraction(noon.astimezone(LOS_ANGELES), BERLIN) == \
        q1.elapsed_fraction(noon, BERLIN)


def test_period_depends_on_the_time_zone_it_is_read_in() -> None:
    q4 = Period.quarter(2026, 4)
    new_year_in_hanoi = datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert not q4.contains(new_year_in_hanoi, "Asia/Ho_Chi_Minh")
    assert q4.contains(new_year_in_hanoi, LOS_ANGELES)  # still 31 Dec, 09:30 in California
    assert q4.elapsed_fraction(new_year_in_hanoi, "Asia/Ho_Chi_Minh") == 1


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Period.quarter(2026, 4).elapsed_fraction(datetime(2026, 11, 1), "UTC")


# Instants within a few days of a DST change, so the properties below cross it.
DST_CHANGES = [
    (datetime(2026, 3, 29, 1, tzinfo=UTC), BERLIN),
    (datetime(2026, 10, 25, 1, tzinfo=UTC), BERLIN),
    (datetime(2026, 3, 8, 10, tzinfo=UTC), LOS_ANGELES),
    (datetime(2026, 11, 1, 9, tzinfo=UTC), LOS_ANGELES),
]


@st.composite
def instants_near_dst(draw: st.DrawFn) -> tuple[datetime, datetime, ZoneInfo]:
    change, zone = draw(st.sampled_from(DST_CHANGES))
    offsets = st.integers(min_value=-3 * 86_400_000_000, max_value=3 * 86_400_000_000)
    first, second = sorted([draw(offsets), draw(offsets)])
    # Express the instants as local wall time (with fold) to exercise zone conversion.
    return (
        (change + timedelta(microseconds=first)).astimezone(zone),
        (change + timedelta(microseconds=second)).astimezone(zone),
        zone,
    )


@given(instants_near_dst(), st.sampled_from([1, 3, 7, 30]))
def test_elapsed_fraction_is_monotone_across_dst(
    instants: tuple[datetime, datetime, ZoneInfo], length_days: int
) -> None:
    earlier, later, zone = instants
    # A period around the change, a few days long, so the fraction moves a lot.
    local_day = earlier.date()
    period = Period.custom(local_day - timedelta(days=length_days // 2),
                           local_day + timedelta(days=length_days // 2))
    a = period.elapsed_fraction(earlier, zone)
    b = period.elapsed_fraction(later, zone)
    assert 0 <= a <= b <= 1


@given(periods(1901, 2199), st.sampled_from(ZONES))
def test_elapsed_fraction_is_0_at_start_and_1_at_end(period: Period, zone: str) -> None:
    # Step in UTC: wall-clock arithmetic on local times would cross offset changes
    # (Asia/Ho_Chi_Minh moved its clocks back at midnight on 1 January 1943).
    starts = period.starts_at(zone).astimezone(UTC)
    ends = period.ends_at(zone).astimezone(UTC)
    assert period.elapsed_fraction(starts, zone) == 0
    assert period.elapsed_fraction(starts - timedelta(microseconds=1), zone) == 0
    assert period.elapsed_fraction(ends, zone) == 1
    assert period.elapsed_fraction(ends + timedelta(days=400), zone) == 1
    assert 0 < period.elapsed_fraction(ends - timedelta(microseconds=1), zone) < 1
    assert period.contains(starts, zone)
    assert not period.contains(ends, zone)


def test_a_day_whose_midnight_is_skipped_starts_when_the_clocks_jump() -> None:
    santiago = ZoneInfo("America/Santiago")  # 6 Sep 2026: 00:00 -> 01:00
    period = Period.custom(date(2026, 9, 6), date(2026, 9, 6))
    assert period.starts_at(santiago).astimezone(UTC) == datetime(2026, 9, 6, 4, tzinfo=UTC)
    assert period.duration(santiago) == timedelta(hours=23)


def test_kind_given_as_text_is_read_as_the_enum() -> None:
    period = Period(date(2025, 7, 1), date(2026, 6, 30), "fiscal_year", 7)  # type: ignore[arg-type]
    assert period.kind is PeriodKind.FISCAL_YEAR
    assert period == Period.fiscal_year(2026, 7)
    with pytest.raises(PeriodError):
        Period(date(2026, 1, 1), date(2026, 3, 31), "season")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("period", "year", "quarter"),
    [
        (Period.quarter(2026, 4), 2026, 4),
        (Period.calendar_year(2026), 2026, None),
        (Period.fiscal_year(2026, 7), 2026, None),  # July 2025 to June 2026
        (Period.fiscal_quarter(2026, 1, 7), 2026, 1),  # July to September 2025
        (Period.fiscal_quarter(2026, 4, 4), 2026, 4),  # January to March 2026
        (Period.custom(date(2026, 10, 1), date(2026, 12, 31)), None, None),
    ],
)
def test_a_period_names_its_year_and_quarter(
    period: Period, year: int | None, quarter: int | None
) -> None:
    # What cards show ("Quý 1 năm tài chính 2026") comes from these, as the label does.
    assert (period.year_number, period.quarter_number) == (year, quarter)
    assert period == parse_period(period.label, period.fiscal_year_start_month)
