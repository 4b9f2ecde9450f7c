"""When something of a pass kind could next become due for a team, from the rules themselves.

The scheduler's passes run every minute; for a team with nothing new due they
should cost (almost) nothing. After deciding a team's work at ``now``, a pass
asks these functions for the **earliest instant after ``now`` at which the set
of due deliveries could gain one** that was not due at ``now``, assuming nothing
stored changes meanwhile (a change invalidates the answer: see
docs/scheduling.md). Until then, everything due is what was due at ``now``, and
the pass already handled it.

Each answer is a lower bound: too early costs one recompute, too late would be
a missed card. They follow the rules they mirror:

* **Check-ins and closings** (:func:`okr.due.due_owners`,
  :func:`okr.due.closings_due`) change only when some owner's current round
  changes: at their next due instant (:func:`okr.cadence.next_due_at`). Skips
  depend on stored data only (paused, reachable, check-ins), never on the clock.
* **Reminders** (:func:`okr.due.reminders_due`): an asked owner's reminder
  instant (the team's delay, or their "Remind me later" time); nudges and the
  current rounds change with the rounds; **the summary**
  (:func:`okr.due.summary_due`) at the summary instant of a recent round.
* **Digests** (:func:`okr.digest_due.digest_due`, ``okr.digest.reported_period``,
  :func:`okr.digest_due.period_reports_due`): the next slot instant, the next
  midnight in the team's zone (the day decides which period is reported), and
  each period's end.

None means nothing can become due with time alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from okr.cadence import (
    due_at,
    next_due_at,
    owner_zone,
    previous_round_date,
    round_date_on_or_before,
    wall_time_instant,
)
from okr.digest_due import next_digest_at
from okr.due import (
    SUMMARY_LOOKBACK_ROUNDS,
    DeliveryKind,
    OwnerRound,
    TeamSnapshot,
    round_key_results,
)
from okr.models import Objective, ObjectiveState, Team, TeamSettings


def checkins_change_at(now: datetime, snapshot: TeamSnapshot) -> datetime | None:
    """The earliest instant after ``now`` at which a check-in card or a closing card could
    become due that was not due at ``now`` (see the module docs).

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    owners = {kr.owner_id for kr in snapshot.key_results if kr.owner_id}
    owners |= {
        o.owner_id for o in snapshot.objectives if o.state is ObjectiveState.ACTIVE and o.owner_id
    }
    return _earliest(_rounds_change(now, snapshot, owners))


def reminders_change_at(
    now: datetime,
    snapshot: TeamSnapshot,
    remind_at: Mapping[str, datetime] | None = None,
    *,
    entries: Iterable[OwnerRound],
) -> datetime | None:
    """The earliest instant after ``now`` at which a reminder, a nudge or a team owners'
    summary could become due that was not due at ``now``.

    Args:
        now: The pass's moment (aware).
        snapshot: The team.
        remind_at: As :func:`okr.due.reminders_due` (the owners' "Remind me later").
        entries: ``current_owner_rounds(now, snapshot)``.

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    settings = snapshot.team.settings
    later = remind_at or {}
    owners = {kr.owner_id for kr in snapshot.key_results if kr.owner_id}
    instants = list(_rounds_change(now, snapshot, owners))
    for entry in entries:
        if entry.asked:
            chosen = later.get(entry.delivery_id(DeliveryKind.CHECKIN))
            instants.append(chosen if chosen is not None else entry.reminder_at(settings))
    instants += _summary_instants(now, snapshot)
    return _earliest(i for i in instants if i > now)


def digests_change_at(
    now: datetime, team: Team, objectives: Iterable[Objective]
) -> datetime | None:
    """The earliest instant after ``now`` at which the team's digest or a period report
    could become due that was not due at ``now``.

    Raises:
        ValueError: ``now`` is naive.
    """
    settings = team.settings
    zone = owner_zone(settings)
    today = now.astimezone(zone).date()
    # The day decides which period the digest reports on (an active objective running today).
    instants = [wall_time_instant(today + timedelta(days=1), time(0), zone)]
    if (slot := next_digest_at(settings, now)) is not None:
        instants.append(slot)
    periods = {o.period for o in objectives if o.state is not ObjectiveState.DRAFT}
    instants += [p.ends_at(zone) for p in periods]
    return _earliest(i for i in instants if i > now)


def _rounds_change(
    now: datetime, snapshot: TeamSnapshot, owner_ids: Iterable[str]
) -> set[datetime]:
    """Each owner's next due instant, worked out once per time zone."""
    settings = snapshot.team.settings
    by_zone: dict[str, datetime] = {}
    for owner_id in owner_ids:
        member = snapshot.member(owner_id)
        key = owner_zone(settings, member).key
        if key not in by_zone:
            by_zone[key] = next_due_at(settings, now, member)
    return set(by_zone.values())


def _summary_instants(now: datetime, snapshot: TeamSnapshot) -> list[datetime]:
    """The summary instants of the rounds :func:`okr.due.summary_due` may look at by now.

    A later round's summary comes after one of its owners' due instants, which
    :func:`_rounds_change` covers.
    """
    settings = snapshot.team.settings
    latest_begun = (now.astimezone(UTC) + timedelta(days=1)).date()
    candidate = round_date_on_or_before(settings, latest_begun)
    instants = []
    for _ in range(SUMMARY_LOOKBACK_ROUNDS):
        at = _summary_at(snapshot, settings, candidate)
        if at is not None:
            instants.append(at)
        candidate = previous_round_date(settings, candidate)
    return instants


def _summary_at(
    snapshot: TeamSnapshot, settings: TeamSettings, round_date: date
) -> datetime | None:
    """:func:`okr.due.summary_due_at` of the round, from one owner per time zone."""
    keys = round_key_results(round_date, snapshot.objectives, snapshot.key_results)
    seen: set[str] = set()
    latest: datetime | None = None
    for key_result in keys:
        assert key_result.owner_id  # round_key_results keeps owned key results only
        member = snapshot.member(key_result.owner_id)
        zone = owner_zone(settings, member).key
        if zone in seen:
            continue
        seen.add(zone)
        at = due_at(settings, round_date, member)
        latest = at if latest is None or at > latest else latest
    if latest is None:
        return None
    return latest + timedelta(hours=2 * settings.reminder_delay_hours)


def _earliest(instants: Iterable[datetime]) -> datetime | None:
    return min(instants, default=None)
