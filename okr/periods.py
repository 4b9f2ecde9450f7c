"""Periods an objective runs over: quarters, years, fiscal years, custom dates.

A period is an inclusive range of calendar days plus the kind of period it is, so
that its label survives a round-trip ("FY2026-Q1" stays "FY2026-Q1" even when the
same days are also calendar "2025-Q3").

Labels (:func:`parse_period` reads them, :attr:`Period.label` writes them):

=====================  ==========================================================
``2026-Q4``            calendar quarter (October to December 2026)
``2026``               calendar year
``FY2026``             fiscal year, named by the calendar year in which it *ends*
                       (Microsoft's convention): with a July start, FY2026 runs
                       2025-07-01..2026-06-30; with a January start it is the
                       calendar year 2026
``FY2026-Q1``          first quarter of FY2026 (with a July start: July to
                       September 2025)
``2026-10-01..2026-12-31``  custom days, both inclusive; a single day
                       (``2026-10-01..2026-10-01``) is a valid one-day period
=====================  ==========================================================

Time: a period runs from its first day 00:00 to the day after its last day 00:00,
in the IANA time zone the caller gives (the team's or the owner's). Elapsed time is
real time (UTC arithmetic): the day clocks spring forward counts 23 hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

_QUARTER_RE = re.compile(r"(\d{4})-Q([1-4])", re.ASCII)
_YEAR_RE = re.compile(r"(\d{4})", re.ASCII)
_FISCAL_YEAR_RE = re.compile(r"FY(\d{4})", re.ASCII)
_FISCAL_QUARTER_RE = re.compile(r"FY(\d{4})-Q([1-4])", re.ASCII)
_CUSTOM_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", re.ASCII)

_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)


class PeriodError(ValueError):
    """A period that cannot exist (end before start, unknown label, wrong shape)."""


class PeriodKind(StrEnum):
    """What kind of period the days form; decides the label."""

    QUARTER = "quarter"
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"
    FISCAL_QUARTER = "fiscal_quarter"
    CUSTOM = "custom"


_FISCAL_KINDS = frozenset({PeriodKind.FISCAL_YEAR, PeriodKind.FISCAL_QUARTER})


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive range of calendar days of a given kind.

    Build one with the class methods (:meth:`quarter`, :meth:`fiscal_year`, ...) or
    :func:`parse_period`; the constructor checks that the days match the kind.

    Attributes:
        start: First day of the period.
        end: Last day of the period (inclusive). ``start == end`` is a one-day period.
        kind: The kind of period; ``CUSTOM`` for arbitrary days.
        fiscal_year_start_month: Month (1-12) the fiscal year starts in. Only
            meaningful for fiscal kinds and must stay 1 for the others, so that equal
            days of the same kind compare equal.

    Raises:
        PeriodError: The end is before the start, the days fall outside
            0001-01-02..9999-12-30 (their edges must be expressible in any time zone),
            or the days do not form a period of ``kind``.
    """

    start: date
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM
    fiscal_year_start_month: int = 1

    def __post_init__(self) -> None:
        try:  # accept the plain string a decoder or a caller may hand in
            object.__setattr__(self, "kind", PeriodKind(self.kind))
        except ValueError as error:
            raise PeriodError(f"unknown period kind {self.kind!r}") from error
        if self.end < self.start:
            raise PeriodError(f"period ends ({self.end}) before it starts ({self.start})")
        if self.start <= date.min or self.end >= date.max:
            raise PeriodError(f"period {self.start}..{self.end} is outside the supported dates")
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise PeriodError(f"fiscal year start month {self.fiscal_year_start_month} not 1-12")
        if self.kind not in _FISCAL_KINDS and self.fiscal_year_start_month != 1:
            raise PeriodError(f"a {self.kind} period has no fiscal year start month")
        if (shape_error := _shape_error(self)) is not None:
            raise PeriodError(shape_error)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The calendar quarter ``quarter`` (1-4) of ``year``."""
        _check_quarter(quarter)
        start = _first_of_month(year, 3 * (quarter - 1) + 1)
        return cls(start, _add_months(start, 3) - _ONE_DAY, PeriodKind.QUARTER)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        """January 1 to December 31 of ``year``."""
        start = _first_of_month(year, 1)
        return cls(start, _add_months(start, 12) - _ONE_DAY, PeriodKind.YEAR)

    @classmethod
    def fiscal_year(cls, year: int, start_month: int) -> Period:
        """Fiscal year ``year`` (named by the calendar year it ends in)."""
        start = _fiscal_year_start(year, start_month)
        end = _add_months(start, 12) - _ONE_DAY
        return cls(start, end, PeriodKind.FISCAL_YEAR, start_month)

    @classmethod
    def fiscal_quarter(cls, year: int, quarter: int, start_month: int) -> Period:
        """Quarter ``quarter`` (1-4) of fiscal year ``year``."""
        _check_quarter(quarter)
        start = _add_months(_fiscal_year_start(year, start_month), 3 * (quarter - 1))
        end = _add_months(start, 3) - _ONE_DAY
        return cls(start, end, PeriodKind.FISCAL_QUARTER, start_month)

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        """Arbitrary days, both inclusive."""
        return cls(start, end, PeriodKind.CUSTOM)

    @property
    def label(self) -> str:
        """The period's label, e.g. ``2026-Q4`` or ``FY2026``; see the module docs.

        This is the stored form; cards show a localised one ("Q4 2026", "Quý 4/2026").
        """
        match self.kind:
            case PeriodKind.QUARTER:
                return f"{self.year_number:04d}-Q{self.quarter_number}"
            case PeriodKind.YEAR:
                return f"{self.year_number:04d}"
            case PeriodKind.FISCAL_YEAR:
                return f"FY{self.year_number:04d}"
            case PeriodKind.FISCAL_QUARTER:
                return f"FY{self.year_number:04d}-Q{self.quarter_number}"
            case PeriodKind.CUSTOM:
                return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def year_number(self) -> int | None:
        """The year that names the period, or ``None`` for custom days.

        For the fiscal kinds it is the fiscal year: the calendar year it ends in.
        """
        match self.kind:
            case PeriodKind.QUARTER | PeriodKind.YEAR:
                return self.start.year
            case PeriodKind.FISCAL_YEAR:
                return self.end.year
            case PeriodKind.FISCAL_QUARTER:
                return fiscal_year_of(self.start, self.fiscal_year_start_month)
            case PeriodKind.CUSTOM:
                return None

    @property
    def quarter_number(self) -> int | None:
        """The quarter's number, 1-4, or ``None`` when the period is not a quarter.

        Fiscal quarters count from the fiscal year's first month.
        """
        match self.kind:
            case PeriodKind.QUARTER:
                return (self.start.month - 1) // 3 + 1
            case PeriodKind.FISCAL_QUARTER:
                return (self.start.month - self.fiscal_year_start_month) % 12 // 3 + 1
            case _:
                return None

    @property
    def days(self) -> int:
        """Number of calendar days in the period (at least 1)."""
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.label

    def contains_day(self, day: date) -> bool:
        """Whether ``day`` is one of the period's days."""
        return self.start <= day <= self.end

    def starts_at(self, tz: str | tzinfo) -> datetime:
        """The first instant of the period: its first day at 00:00 in ``tz``.

        Raises:
            zoneinfo.ZoneInfoNotFoundError: ``tz`` names no known time zone.
        """
        return _midnight(self.start, tz)

    def ends_at(self, tz: str | tzinfo) -> datetime:
        """The instant the period is over: the day after its last day at 00:00 in ``tz``."""
        return _midnight(self.end + _ONE_DAY, tz)

    def duration(self, tz: str | tzinfo) -> timedelta:
        """Real time from :meth:`starts_at` to :meth:`ends_at` (DST days are 23 or 25 h)."""
        return _utc(self.ends_at(tz)) - _utc(self.starts_at(tz))

    def contains(self, now: datetime, tz: str | tzinfo) -> bool:
        """Whether the aware instant ``now`` falls inside the period in ``tz``."""
        return _utc(self.starts_at(tz)) <= _utc(now) < _utc(self.ends_at(tz))

    def elapsed_fraction(self, now: datetime, tz: str | tzinfo) -> Decimal:
        """Share of the period's real time that has passed at ``now``, 0 to 1.

        0 at (and before) the start, 1 at (and after) the end, non-decreasing in
        ``now``. Computed from whole microseconds, so it is exact up to Decimal's
        28 significant digits.

        Raises:
            ValueError: ``now`` is naive.
        """
        start = _utc(self.starts_at(tz))
        total = (_utc(self.ends_at(tz)) - start) // _MICROSECOND
        elapsed = (_utc(now) - start) // _MICROSECOND
        if elapsed <= 0:
            return Decimal(0)
        if elapsed >= total:
            return Decimal(1)
        return Decimal(elapsed) / Decimal(total)


def parse_period(label: str, fiscal_year_start_month: int = 1) -> Period:
    """Read a period label (see the module docs); the inverse of :attr:`Period.label`.

    Leading/trailing spaces and letter case are forgiven ("fy2026-q1").

    Args:
        label: The label to read.
        fiscal_year_start_month: Month the organisation's fiscal year starts in;
            used only for ``FY`` labels.

    Raises:
        PeriodError: The label is not one of the known shapes or names days that
            cannot form a period.
    """
    text = label.strip().upper()
    try:
        if m := _QUARTER_RE.fullmatch(text):
            return Period.quarter(int(m[1]), int(m[2]))
        if m := _YEAR_RE.fullmatch(text):
            return Period.calendar_year(int(m[1]))
        if m := _FISCAL_QUARTER_RE.fullmatch(text):
            return Period.fiscal_quarter(int(m[1]), int(m[2]), fiscal_year_start_month)
        if m := _FISCAL_YEAR_RE.fullmatch(text):
            return Period.fiscal_year(int(m[1]), fiscal_year_start_month)
        if m := _CUSTOM_RE.fullmatch(text):
            return Period.custom(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    except PeriodError:
        raise
    except (ValueError, OverflowError) as error:  # impossible dates, e.g. 2026-02-30
        raise PeriodError(f"{label!r} names no valid period: {error}") from error
    raise PeriodError(
        f"{label!r} is not a period label (e.g. 2026-Q4, FY2026, 2026-10-01..2026-12-31)"
    )


def period_of_days(start: date, end: date, fiscal_year_start_month: int = 1) -> Period:
    """The period these days form: a quarter or year when they are one, else custom days.

    For an organisation whose fiscal year starts in another month than January,
    the fiscal kinds are tried first (July-September is its FY-Q1, not calendar
    Q3); with a January start they are the calendar kinds.

    Raises:
        PeriodError: The days cannot form a period (end before start).
    """
    month = fiscal_year_start_month
    kinds: list[Callable[[], Period]] = []
    if month != 1:
        kinds += [
            lambda: Period.fiscal_year(fiscal_year_of(start, month), month),
            lambda: fiscal_quarter_of(start, month),
        ]
    kinds += [lambda: Period.calendar_year(start.year), lambda: quarter_of(start)]
    for kind in kinds:
        try:
            candidate = kind()
        except PeriodError:  # the first or last years a date can name
            continue
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period.custom(start, end)


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year ``day`` belongs to, named by the calendar year the fiscal year ends in."""
    return day.year + 1 if start_month > 1 and day.month >= start_month else day.year


def quarter_of(day: date) -> Period:
    """The calendar quarter containing ``day``."""
    return Period.quarter(day.year, (day.month - 1) // 3 + 1)


def fiscal_quarter_of(day: date, start_month: int) -> Period:
    """The fiscal quarter containing ``day``."""
    quarter = (day.month - start_month) % 12 // 3 + 1
    return Period.fiscal_quarter(fiscal_year_of(day, start_month), quarter, start_month)


def _shape_error(period: Period) -> str | None:
    """Why the days do not form a period of ``period.kind``, or None when they do."""
    if period.kind is PeriodKind.CUSTOM:
        return None
    months = 12 if period.kind in (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR) else 3
    first_month = period.fiscal_year_start_month if period.kind in _FISCAL_KINDS else 1
    start = period.start
    # A year starts in its first month, a quarter every third month from there.
    if start.day != 1 or (start.month - first_month) % months != 0:
        return f"{period.kind} cannot start on {start}"
    try:
        end = _add_months(start, months) - _ONE_DAY
    except PeriodError:
        end = date.max
    if period.end != end:
        return f"a {period.kind} starting {start} ends {end}, not {period.end}"
    return None


def _check_quarter(quarter: int) -> None:
    if not 1 <= quarter <= 4:
        raise PeriodError(f"quarter {quarter} is not 1-4")


def _first_of_month(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError as error:
        raise PeriodError(f"no month {year:04d}-{month:02d}: {error}") from error


def _fiscal_year_start(year: int, start_month: int) -> date:
    if not 1 <= start_month <= 12:
        raise PeriodError(f"fiscal year start month {start_month} not 1-12")
    return _first_of_month(year - 1 if start_month > 1 else year, start_month)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return _first_of_month(index // 12, index % 12 + 1)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _midnight(day: date, tz: str | tzinfo) -> datetime:
    # A midnight skipped by DST (e.g. America/Santiago) resolves with fold=0 to the
    # instant the clocks jumped, which is still the start of that day.
    return datetime(day.year, day.month, day.day, tzinfo=_zone(tz))


def _utc(moment: datetime) -> datetime:
    # Subtracting aware datetimes that share a tzinfo ignores DST offsets, so every
    # difference in this module is taken in UTC.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware instant")
    return moment.astimezone(UTC)
