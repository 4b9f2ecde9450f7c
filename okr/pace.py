"""Expected progress from elapsed time, and a suggested status from the pace.

The expected line is linear: halfway through the period, half the way to the
target. A key result (or objective) is compared with that line:

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
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from okr.models import CheckInStatus
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


def expected_progress(period: Period, now: datetime, tz: str | tzinfo) -> Decimal:
    """Where progress should be at ``now`` on a straight line through the period.

    0 at (and before) the period's start, 1 at (and after) its end, in the time
    zone ``tz``; non-decreasing in ``now``.

    Raises:
        ValueError: ``now`` is naive.
    """
    return period.elapsed_fraction(now, tz)


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


def pace_status(
    actual: Decimal,
    period: Period,
    now: datetime,
    tz: str | tzinfo,
    thresholds: PaceThresholds = DEFAULT_THRESHOLDS,
) -> PaceStatus:
    """:func:`suggest_status` against the expected progress of ``period`` at ``now``."""
    return suggest_status(actual, expected_progress(period, now, tz), thresholds)


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
