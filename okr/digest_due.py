"""When a team's channel digest is due, and when its period report is.

The digest slot
---------------
A team's digest goes out weekly on ``TeamSettings.digest_weekday`` at
``digest_time`` in the **team's** time zone (:func:`okr.cadence.owner_zone` of
the settings alone): a channel is shared, so nobody's own zone applies. Wall
times across DST follow :func:`okr.cadence.wall_time_instant` (a time skipped
by a gap moves to the first instant after it; a repeated one is its first
occurrence; 16:00 stays 16:00 local).

A slot is named by its date in the team's calendar (``digest|<team>|2026-12-04``)
and is **due from its instant until the next slot's instant**, so a pass that
runs late (restart, outage) still posts it, and a pass before it does not.
Nothing is due while ``digest_enabled`` is off.

A slot whose instant lies before ``TeamSettings.digest_changed_at`` (an owner
changed the digest's day, time, the team's zone, or turned it on) or before the
team existed is never posted: moving Friday 16:00 to Monday 09:00 on a Tuesday
waits for next Monday instead of posting yesterday's slot at once, as
``rhythm_changed_at`` does for check-in rounds. Moving it to later the same day
still posts today's.

The period report
-----------------
One per team and period (``report|<team>|2026-Q3``), once every objective of
that period is closed (drafts ignored, at least one closed), the period is over
in the team's zone, and the latest close is at most :data:`REPORT_WINDOW` ago (an
old quarter closed long ago gets no report when the bot is installed today).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from okr.cadence import owner_zone, wall_time_instant, zone_or
from okr.models import Objective, ObjectiveState, ObjectiveType, TeamSettings, Tenant
from okr.periods import Period

DIGEST_KIND = "digest"
"""The first part of a digest slot's id."""

REPORT_KIND = "report"
"""The first part of a period report's id."""

REPORT_WINDOW = timedelta(days=30)
"""A period's report is due while its latest close is at most this old."""

_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DigestSlot:
    """One weekly digest of a team.

    Attributes:
        day: The slot's date in the team's calendar.
        at: When it is due (aware, UTC).
    """

    day: date
    at: datetime


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """A team's period whose objectives are all closed: what its report shows.

    Attributes:
        period: The period.
        objectives: Its closed objectives, in the order given.
        closed_at: The latest of their closes.
    """

    period: Period
    objectives: tuple[Objective, ...]
    closed_at: datetime

    def average(self, kind: ObjectiveType) -> Decimal | None:
        """The mean score of the scored objectives of ``kind``, to 2 places; None if none.

        Committed and aspirational objectives read differently (1.0 is expected
        of one, 0.7 is success for the other), so they are never averaged together.
        """
        scores = [o.score for o in self.objectives if o.type is kind and o.score is not None]
        if not scores:
            return None
        return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def team_locale(settings: TeamSettings, tenant: Tenant) -> str:
    """The language of the team's channel posts: the team's choice, else the tenant's default.

    Set at install to the installer's language; teams from before then have none.
    """
    return settings.language or tenant.default_locale


def digest_round_id(team_id: str, day: date) -> str:
    """``digest|<team id>|<YYYY-MM-DD>``: the id of a team's digest slot."""
    return f"{DIGEST_KIND}|{team_id}|{day.isoformat()}"


def report_round_id(team_id: str, period: Period) -> str:
    """``report|<team id>|<period label>``: the id of a team's report on ``period``."""
    return f"{REPORT_KIND}|{team_id}|{period.label}"


def digest_slot_at(settings: TeamSettings, now: datetime) -> DigestSlot:
    """The latest slot whose instant is at or before ``now``, on or off, changed or not.

    Raises:
        ValueError: ``now`` is naive or ``settings.digest_weekday`` is not 0-6.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware instant")
    if not 0 <= settings.digest_weekday <= 6:
        raise ValueError(f"digest weekday {settings.digest_weekday} is not 0 (Monday) to 6")
    zone = owner_zone(settings)
    # Start a day ahead and step back: a gap-shifted instant may land on the next day.
    ahead = now.astimezone(zone).date() + timedelta(days=1)
    day = ahead - timedelta(days=(ahead.weekday() - settings.digest_weekday) % 7)
    while (at := wall_time_instant(day, settings.digest_time, zone)) > now:
        day -= _WEEK
    return DigestSlot(day, at)


def digest_due(
    settings: TeamSettings, now: datetime, *, since: datetime | None = None
) -> DigestSlot | None:
    """The team's digest slot due at ``now``, or None (off, or its slot is too old).

    Args:
        settings: The team's settings.
        now: The pass's instant (aware).
        since: When the team came to be (its slots before are never posted).

    Raises:
        ValueError: As :func:`digest_slot_at`.
    """
    if not settings.digest_enabled:
        return None
    slot = digest_slot_at(settings, now)
    for start in (settings.digest_changed_at, since):
        if start is not None and slot.at < start:
            return None
    return slot


def next_digest_at(settings: TeamSettings, now: datetime) -> datetime | None:
    """The first slot instant strictly after ``now`` (UTC), or None when the digest is off.

    None too for stored settings no slot can come from (a weekday out of range).
    """
    if not settings.digest_enabled:
        return None
    try:
        current = digest_slot_at(settings, now)
    except ValueError:
        return None
    return wall_time_instant(current.day + _WEEK, settings.digest_time, owner_zone(settings))


def period_reports_due(
    objectives: Iterable[Objective], now: datetime, zone: str
) -> list[PeriodReport]:
    """The team's periods whose report is due at ``now`` (see the module docs).

    Args:
        objectives: The team's objectives (any state, any period).
        now: The pass's instant (aware).
        zone: The team's time zone (when a period is over).
    """
    periods: dict[Period, list[Objective]] = {}
    for objective in objectives:
        if objective.state is not ObjectiveState.DRAFT:
            periods.setdefault(objective.period, []).append(objective)
    due = []
    for period, members in periods.items():
        if any(o.state is not ObjectiveState.CLOSED for o in members):
            continue
        if now < period.ends_at(zone_or(zone)):
            continue
        closes = [o.closed_at for o in members if o.closed_at is not None]
        if closes and now - max(closes) <= REPORT_WINDOW:
            due.append(PeriodReport(period, tuple(members), max(closes)))
    return due
