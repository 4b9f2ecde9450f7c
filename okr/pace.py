"""Expected progress from elapsed time, and a suggested status from the pace.

The expected line belongs to an objective (its key results share it). It runs
from the objective's own start to the end of its period:

* the start is the day in ``Objective.starts_on`` (set by the owner, or recorded
  as the activation day when the objective was activated after its period
  began), else the period's first day; a day outside the period is moved to
  its nearest edge;
* expected progress is 0 until the end of that first day (a day of grace: an
  objective activated at 15:00 is not behind by the 15 hours already gone),
  then rises in a straight line to 1 at the end of the period's last day, in
  the time zone the caller gives.

A key result (or objective) is compared with that line:

* **on track**: at most ``on_track_tolerance`` points under the line (default 0:
  at or above it);
* **behind**: under the line by more than that, up to ``at_risk_gap`` points
  (default 0.25, Viva Goals' 25 points);
* **at risk**: more than ``at_risk_gap`` points under the line.

Points are fractions of the whole way (0.25 = 25 percentage points). Values are
``Decimal`` like in :mod:`okr.progress`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from okr.models import CheckInStatus, Objective
from okr.periods import Period


class PaceStatus(StrEnum):
    """The status suggested by the pace, not the owner's own reading.

    Values carry a ``pace_`` prefix on purpose: a ``StrEnum`` compares equal to
    its string, and ``CheckInStatus.AT_RISK`` is "at_risk" with a different
    meaning, so equal strings would make the two enums compare equal.
    """

    ON_TRACK = "pace_on_track"
    BEHIND = "pace_behind"
    AT_RISK = "pace_at_risk"


class PaceThresholdError(ValueError):
    """Thresholds that cannot be ordered (negative, or tolerance above the risk gap)."""


@dataclass(frozen=True, slots=True)
class PaceThresholds:
    """How far under the expected line a status changes, in points (0..1).

    Attributes:
        on_track_tolerance: Still on track up to this many points under the line.
        at_risk_gap: At risk when more than this many points under the line.

    Raises:
        PaceThresholdError: ``0 <= on_track_tolerance <= at_risk_gap <= 1`` fails.
    """

    on_track_tolerance: Decimal = Decimal(0)
    at_risk_gap: Decimal = Decimal("0.25")

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.on_track_tolerance <= self.at_risk_gap <= Decimal(1):
            raise PaceThresholdError(
                f"need 0 <= on_track_tolerance ({self.on_track_tolerance}) "
                f"<= at_risk_gap ({self.at_risk_gap}) <= 1"
            )


DEFAULT_THRESHOLDS = PaceThresholds()


def pace_start(objective: Objective) -> date:
    """The first day of the objective's expected line (see the module docs)."""
    period = objective.period
    if objective.starts_on is None:
        return period.start
    return min(max(objective.starts_on, period.start), period.end)


def expected_progress(objective: Objective, now: datetime, tz: str | tzinfo) -> Decimal:
    """Where the objective's progress should be at ``now``; see the module docs.

    0 until the end of its first day, 1 at (and after) the end of its period,
    non-decreasing in ``now``. A key result's expected progress is its objective's.

    Raises:
        ValueError: ``now`` is naive.
    """
    return _line(objective.period, pace_start(objective), now, tz)


def period_expected_progress(period: Period, now: datetime, tz: str | tzinfo) -> Decimal:
    """The period's own expected line at ``now``: that of an objective starting on its first day.

    The digest compares a team's overall progress with it.

    Raises:
        ValueError: ``now`` is naive.
    """
    return _line(period, period.start, now, tz)


def _line(period: Period, first: date, now: datetime, tz: str | tzinfo) -> Decimal:
    end = period.end
    if first == end:  # a one-day line: nothing is expected until it is over
        over = period.elapsed_fraction(now, tz) == 1
        return Decimal(1) if over else Decimal(0)
    return Period.custom(first + timedelta(days=1), end).elapsed_fraction(now, tz)


def suggest_status(
    actual: Decimal, expected: Decimal, thresholds: PaceThresholds = DEFAULT_THRESHOLDS
) -> PaceStatus:
    """Compare progress with the expected line.

    Args:
        actual: Progress reached (clamped progress from :mod:`okr.progress`; raw
            works too, beating the target is simply on track).
        expected: Expected progress, from :func:`expected_progress`.
        thresholds: Where on track ends and at risk starts.
    """
    gap = expected - actual
    if gap <= thresholds.on_track_tolerance:
        return PaceStatus.ON_TRACK
    if gap <= thresholds.at_risk_gap:
        return PaceStatus.BEHIND
    return PaceStatus.AT_RISK


@dataclass(frozen=True, slots=True)
class Pace:
    """An objective's expected progress at a moment and the status it suggests."""

    expected: Decimal
    status: PaceStatus


def pace_of(
    objective: Objective,
    actual: Decimal,
    now: datetime,
    tz: str | tzinfo,
    thresholds: PaceThresholds = DEFAULT_THRESHOLDS,
) -> Pace:
    """:func:`expected_progress` at ``now`` and :func:`suggest_status` of ``actual`` against it."""
    expected = expected_progress(objective, now, tz)
    return Pace(expected, suggest_status(actual, expected, thresholds))


def start_on_activation(objective: Objective, now: datetime, tz: str | tzinfo) -> date | None:
    """The ``starts_on`` to store when ``objective`` becomes active at ``now``.

    A start the owner chose is kept. Otherwise, when the period has already
    begun (in ``tz``, the team's zone), the line starts on the activation day,
    so a new objective is not behind the weeks before it existed. Activated
    before its period begins (or after it ended) it keeps the period's start.
    """
    if objective.starts_on is not None:
        return objective.starts_on
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    today = now.astimezone(zone).date()
    period = objective.period
    return today if period.start < today <= period.end else None


_CHECKIN_STATUS = {
    PaceStatus.ON_TRACK: CheckInStatus.ON_TRACK,
    PaceStatus.BEHIND: CheckInStatus.AT_RISK,
    PaceStatus.AT_RISK: CheckInStatus.OFF_TRACK,
}


def to_checkin_status(status: PaceStatus) -> CheckInStatus:
    """The check-in status to pre-fill on a card from the pace.

    The two scales are one step apart in wording: the owner's check-in scale is
    on track / at risk / off track, the pace scale on track / behind / at risk.
    "Behind" the line is the owner's "at risk" (recoverable), and the pace's
    "at risk" (over 25 points under) is the owner's "off track". The owner can
    change the pre-filled value; only what they send is recorded.
    """
    return _CHECKIN_STATUS[status]
