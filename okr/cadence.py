"""When a team's check-in rounds fall, and when a round is due for each owner.

A round is identified by its **round date**: a calendar date in the team's rhythm,
the same for everyone in the team wherever they live (round id
``checkin|<team id>|2026-11-30``, see :func:`round_id`). Each owner is asked on
that date at the team's time of day *in their own time zone*, so a 09:00 round is
09:00 in Hanoi and 09:00 in Berlin: two different instants, one round.

Round dates, by cadence (``TeamSettings.weekday``: Monday = 0):

=============  ==================================================================
``weekly``     every ``weekday``
``biweekly``   every second ``weekday``, counted from the anchor (below)
``triweekly``  every third ``weekday``, counted from the anchor
``monthly``    the **first** ``weekday`` of each month ("monthly on Monday" means
               the first Monday, as in most calendar tools); a month that starts
               on that weekday has its round on the 1st
=============  ==================================================================

The anchor is ``TeamSettings.anchor_date`` (ISO date) or, when unset,
:data:`DEFAULT_ANCHOR_DATE` (Monday 2024-01-01), so that every app instance
computes the same rhythm without storing state. The rhythm's first round is the
first ``weekday`` on or after the anchor, and it runs backwards as well as
forwards from there.

Wall times and daylight saving (:func:`wall_time_instant`):

* A time that does not exist because the clocks spring forward (02:30 in
  Europe/Berlin on 2027-03-28) is moved to the **first valid instant after the
  gap** (03:00 local, the moment the clocks jumped), not "as many minutes past
  the gap" (03:30).
* A time that occurs twice because the clocks fall back is the **first**
  occurrence (``fold=0``).
* Otherwise the wall time is kept: a 09:00 round stays at 09:00 local after a DST
  change, so its UTC instant moves by an hour.

Time zones: an owner's is ``Member.preferred_time_zone`` (chosen in settings), else
``Member.time_zone`` (what Teams reports); when it is missing or names no
zone, the team's ``TeamSettings.time_zone``; when that names none either, UTC. A
bad name never raises: time zones come from Teams activities and old settings.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from okr.models import Cadence, Member, TeamSettings

DEFAULT_ANCHOR_DATE = date(2024, 1, 1)
"""A Monday: the default start of every biweekly and triweekly rhythm."""

ROUND_KIND = "checkin"
"""The first part of a check-in round's id."""

_ONE_DAY = timedelta(days=1)
_WEEKS = {Cadence.WEEKLY: 1, Cadence.BIWEEKLY: 2, Cadence.TRIWEEKLY: 3}
_UTC_ZONE = ZoneInfo("UTC")


def zone_or(name: str | None, *fallbacks: str | None) -> ZoneInfo:
    """The time zone ``name``, else the first of ``fallbacks`` that is one, else UTC; never raises.

    Args:
        name: An IANA time zone name, or None.
        fallbacks: Zones to try in order when ``name`` is None or names no zone.
    """
    for candidate in (name, *fallbacks):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                # ValueError: a path-like name ("../x"); OSError: a name the file
                # system refuses. Either way it is not a zone we can use.
                continue
    return _UTC_ZONE


def owner_zone(settings: TeamSettings | None, member: Member | None = None) -> ZoneInfo:
    """A person's time zone, the one answer everywhere (cards, pace, cadence, settings).

    The first that names a real zone of: the zone they chose in settings, the
    zone their Teams client reports, their team's, UTC. An invalid choice falls
    through to the next, never straight to the team's.
    """
    team_zone = settings.time_zone if settings is not None else None
    if member is None:
        return zone_or(None, team_zone)
    return zone_or(member.preferred_time_zone, member.time_zone, team_zone)


def known_zone(name: str | None) -> str | None:
    """``name`` if it names a time zone (:func:`zone_or` would use it), else None."""
    return name if name and zone_or(name).key == name else None


def team_zone_chosen(settings: TeamSettings) -> bool:
    """Whether the team's zone is one somebody set (owners, or the install's default).

    A zone is left alone once it differs from the model's default or the rhythm
    was changed in settings (an owner may well choose UTC).
    """
    return settings.time_zone != TeamSettings().time_zone or settings.rhythm_changed_at is not None


def team_default_zone(installer_zone: str | None, members: Iterable[Member]) -> str | None:
    """The zone a newly installed team starts with, or None to keep the default (UTC).

    The installer's zone (as their Teams client reports it) when it names one;
    else the most common zone among the team's members the bot knows (ties go
    to the alphabetically first, so every instance picks the same).
    """
    if known_zone(installer_zone):
        return installer_zone
    counts = Counter(
        zone
        for member in members
        if (zone := known_zone(member.preferred_time_zone) or known_zone(member.time_zone))
    )
    if not counts:
        return None
    return min(counts, key=lambda zone: (-counts[zone], zone))


def anchor_date(settings: TeamSettings) -> date:
    """The date the biweekly/triweekly rhythm counts from (see the module docs).

    Raises:
        ValueError: ``settings.anchor_date`` is set but is not an ISO date.
    """
    if settings.anchor_date is None:
        return DEFAULT_ANCHOR_DATE
    try:
        return date.fromisoformat(settings.anchor_date)
    except ValueError as error:
        raise ValueError(f"anchor date {settings.anchor_date!r} is not an ISO date") from error


def round_date_on_or_before(settings: TeamSettings, day: date) -> date:
    """The latest round date on or before ``day``.

    Idempotent: a round date maps to itself.

    Raises:
        ValueError: ``settings.weekday`` is not 0-6 or the anchor is not an ISO date.
    """
    weekday = _weekday(settings)
    if settings.cadence is Cadence.MONTHLY:
        first = _first_weekday_of_month(day.year, day.month, weekday)
        if first <= day:
            return first
        year, month = _add_month(day.year, day.month, -1)
        return _first_weekday_of_month(year, month, weekday)
    step = 7 * _WEEKS[settings.cadence]
    base = _rhythm_start(settings, weekday)
    # Floor division keeps the rhythm running backwards from the anchor too.
    return base + timedelta(days=(day - base).days // step * step)


def next_round_date(settings: TeamSettings, after_day: date) -> date:
    """The first round date strictly after ``after_day``.

    Raises:
        ValueError: As :func:`round_date_on_or_before`.
    """
    current = round_date_on_or_before(settings, after_day)
    if settings.cadence is Cadence.MONTHLY:
        year, month = _add_month(current.year, current.month, 1)
        return _first_weekday_of_month(year, month, _weekday(settings))
    return current + timedelta(weeks=_WEEKS[settings.cadence])


def previous_round_date(settings: TeamSettings, before_day: date) -> date:
    """The last round date strictly before ``before_day``.

    Raises:
        ValueError: As :func:`round_date_on_or_before`.
    """
    return round_date_on_or_before(settings, before_day - _ONE_DAY)


def round_dates(settings: TeamSettings, first_day: date, last_day: date) -> Iterator[date]:
    """The round dates from ``first_day`` to ``last_day``, both inclusive, in order.

    Raises:
        ValueError: As :func:`round_date_on_or_before`.
    """
    day = round_date_on_or_before(settings, first_day)
    if day < first_day:
        day = next_round_date(settings, day)
    while day <= last_day:
        yield day
        day = next_round_date(settings, day)


def round_id(team_id: str, round_date: date) -> str:
    """The stable id of a team's check-in round: ``checkin|<team id>|<YYYY-MM-DD>``.

    ``|`` separates the parts because Teams ids contain ``:``.
    """
    return f"{ROUND_KIND}|{team_id}|{round_date.isoformat()}"


def wall_time_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant the clocks in ``zone`` show ``at`` on ``day``.

    A wall time skipped by a DST gap gives the first instant after the gap; one
    that occurs twice gives the first occurrence (see the module docs). ``at``'s
    own tzinfo and fold, if any, are ignored.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone)  # fold=0: the earlier reading of an ambiguous time
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # The wall time does not exist. fold=0 read it with the offset from before the
    # gap and fold=1 with the offset from after, so the jump lies between the two.
    return _transition_between(first.replace(fold=1).astimezone(UTC), instant, zone)


def due_at(settings: TeamSettings, round_date: date, member: Member | None = None) -> datetime:
    """When ``member`` (or, for None, the team's own zone) is due in the round on ``round_date``.

    Returns:
        An aware UTC datetime: ``round_date`` at ``settings.time_of_day`` in the
        owner's time zone (:func:`owner_zone`).
    """
    return wall_time_instant(round_date, settings.time_of_day, owner_zone(settings, member))


def current_round_date(settings: TeamSettings, now: datetime, member: Member | None = None) -> date:
    """The owner's current round: the latest round date whose due instant is at or before ``now``.

    A round stays current for an owner until their next round's due instant has
    passed (it is then superseded), so a pass run late still finds it.

    Raises:
        ValueError: ``now`` is naive, or as :func:`round_date_on_or_before`.
    """
    _check_aware(now)
    return _current_round_date(settings, now, owner_zone(settings, member))


# A request asks the same question several times (a check-in card's answer: for
# each key result, whether its round is still open, about 45 µs each); a pass
# asks it once per owner, and owners share settings, zones and the pass's now.
@functools.lru_cache(maxsize=1024)
def _current_round_date(settings: TeamSettings, now: datetime, zone: ZoneInfo) -> date:
    # Start one day ahead and step back: a gap-shifted due instant can land on the
    # next local day, and stepping back is exact whatever the zone does.
    candidate = round_date_on_or_before(settings, now.astimezone(zone).date() + _ONE_DAY)
    while wall_time_instant(candidate, settings.time_of_day, zone) > now:
        candidate = previous_round_date(settings, candidate)
    return candidate


def next_due_at(settings: TeamSettings, now: datetime, member: Member | None = None) -> datetime:
    """The first due instant for this owner strictly after ``now`` (for waking a scheduler).

    Raises:
        ValueError: As :func:`current_round_date`.
    """
    following = next_round_date(settings, current_round_date(settings, now, member))
    return due_at(settings, following, member)


def next_round_at(
    settings: TeamSettings, now: datetime, member: Member | None = None
) -> datetime | None:
    """:func:`next_due_at` in ``member``'s own zone (the team's for None), to show people.

    None when the stored settings name no round (settings from before they were
    validated): there is then nothing sensible to show.
    """
    try:
        due = next_due_at(settings, now, member)
    except ValueError:
        return None
    return due.astimezone(owner_zone(settings, member))


def _weekday(settings: TeamSettings) -> int:
    if not 0 <= settings.weekday <= 6:
        raise ValueError(f"weekday {settings.weekday} is not 0 (Monday) to 6 (Sunday)")
    return settings.weekday


def _rhythm_start(settings: TeamSettings, weekday: int) -> date:
    anchor = anchor_date(settings)
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _add_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _transition_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant after ``before`` whose offset in ``zone`` is ``after``'s.

    ``before`` and ``after`` are UTC instants on either side of one offset change.
    tz data changes offsets on whole seconds, so a search over whole seconds is exact.
    """
    later_offset = after.astimezone(zone).utcoffset()
    # Invariant: the offset at `low` is the earlier one, at `high` the later one.
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == later_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware instant")


class RemindLater(StrEnum):
    """When an owner asks to get this round's card again ("Remind me later")."""

    IN_ONE_HOUR = "1h"
    IN_THREE_HOURS = "3h"
    TOMORROW_MORNING = "tomorrow"


# Tomorrow morning is the start of a working day on the owner's clock.
MORNING = time(9, 0)


def remind_later_at(choice: RemindLater, now: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant the card comes back: in one or three hours, or tomorrow at 09:00
    on the owner's own clock (daylight-saving changes included).

    Raises:
        ValueError: ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("remind_later_at needs an aware datetime")
    if choice is RemindLater.IN_ONE_HOUR:
        return (now + timedelta(hours=1)).astimezone(UTC)
    if choice is RemindLater.IN_THREE_HOURS:
        return (now + timedelta(hours=3)).astimezone(UTC)
    tomorrow = now.astimezone(zone).date() + _ONE_DAY
    return wall_time_instant(tomorrow, MORNING, zone)
