"""Who is due for a check-in card, a reminder or a summary, and when.

Pure functions over the domain records: the scheduler reads the team, its members,
objectives and key results from storage, asks these functions what is due at
``now``, and records one delivery per :func:`delivery_id` before sending.

Rules, all decided here so every app instance agrees:

* **Who is asked in a round.** The owners of key results whose objective is
  ``ACTIVE`` and whose period contains the round date (draft and closed
  objectives, and periods that have not started or are over, send nothing). A key
  result without an owner asks nobody. An owner with no :class:`Member` record is
  still asked (Teams can open a 1:1 chat with a user id), in the team's time zone.
* **Skips.** Members with ``prompts_paused`` or ``reachable=False`` get nothing.
  A key result counts as checked in when its latest check-in is at or after
  ``due_at - skip_if_checked_in_within_days`` (inclusive; measured from the
  owner's due instant, not from ``now``, so every pass of a round agrees and a
  check-in after the due instant also counts). The card lists only the key
  results *not* checked in; an owner whose key results are all checked in gets no
  card. The skipped ones are kept in :attr:`OwnerRound.checked_in` for display.
* **When.** An owner is due once their own due instant (the round date at the
  team's time of day in their time zone, see :mod:`okr.cadence`) has passed, and
  stays due until their next round's due instant supersedes it: a pass run late,
  or after a restart, still finds them; a pass before their local time does not.
* **Closing.** An owner of an ``ACTIVE`` objective whose period ended before
  their current round (the first round after the end, and any pass after it)
  gets one closing card for their objectives of that period, instead of being
  asked about them (:func:`closings_due`). It is once per (team, period, owner),
  not per round: :func:`closing_delivery_id`. Paused and unreachable owners get none.
* **Reminders.** One per owner per round, at ``due_at + reminder_delay_hours``,
  to owners still due in that round (same rules, evaluated at the reminder pass:
  an owner who checked in every key result on the card since the due instant is
  not reminded), listing the key results still missing. Like the card, it lapses
  when the next round supersedes the round.
* **Team owners' summary.** Once per round, at the latest reminder instant of
  the round's owners plus ``reminder_delay_hours`` again: every owner, including
  the last one reminded, has had a full delay to answer the reminder. With the
  defaults (weekly, Monday 09:00, 24 h) that is Wednesday 09:00 of the
  westernmost owner. It lists owners still missing key results, unreachable
  members included.

"Once" is the scheduler's job (delivery records); the ids here make the slots
stable: :func:`delivery_id` of (round, member, kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from okr.cadence import (
    ROUND_KIND,
    current_round_date,
    due_at,
    previous_round_date,
    round_date_on_or_before,
    round_id,
)
from okr.models import (
    CheckIn,
    KeyResult,
    Member,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
)
from okr.periods import Period

SUMMARY_LOOKBACK_ROUNDS = 4
"""How many rounds back :func:`summary_due` looks for a round whose summary is due."""


class DeliveryKind(StrEnum):
    """What is sent to one person (or posted in a team's channel) in one round."""

    CHECKIN = "checkin"
    REMINDER = "reminder"
    SUMMARY = "summary"
    NUDGE = "nudge"  # one more reminder, asked for by a team owner from the summary
    NUDGE_REQUEST = "nudge_request"  # the team owner's ask, kept with the round's records
    DIGEST = "digest"  # a team's weekly digest, posted in its digest channel (okr.digest_due)
    PERIOD_REPORT = "report"  # a closed period's report, posted there too
    CLOSING = "closing"  # the closing card of an ended period, once per (team, period, owner)


def nudge_request_id(round_id: str) -> str:
    """The id of a round's one nudge request: a second press finds it taken."""
    return f"{round_id}|{DeliveryKind.NUDGE_REQUEST.value}"


def nudges_due(entries: Iterable[OwnerRound], nudged_round_ids: Set[str]) -> list[OwnerRound]:
    """The owners a team owner's nudge reaches: still missing something in a nudged round.

    Each gets it once (``delivery_id(DeliveryKind.NUDGE)``), and only if their
    card of that round was sent (the caller checks).
    """
    return [e for e in entries if e.asked and e.round_id in nudged_round_ids]


class SkipReason(StrEnum):
    """Why an owner of key results in a round gets no card or reminder."""

    PAUSED = "paused"  # the member paused their own prompts
    UNREACHABLE = "unreachable"  # Teams refused earlier sends (blocked, uninstalled)
    CHECKED_IN = "checked_in"  # every key result checked in recently or since due


@dataclass(frozen=True, slots=True)
class TeamSnapshot:
    """What storage holds about one team at one moment: the input of every question here.

    Attributes:
        team: The team (its settings, id, tenant and owners).
        members: Known members; key-result owners are looked up here by id.
        objectives: The team's objectives, in any state (only active ones count).
        key_results: The key results of those objectives.
    """

    team: Team
    members: tuple[Member, ...] = ()
    objectives: tuple[Objective, ...] = ()
    key_results: tuple[KeyResult, ...] = ()
    _members_by_id: dict[str, Member] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {member.id: member for member in self.members}
        object.__setattr__(self, "_members_by_id", by_id)

    def member(self, member_id: str) -> Member:
        """The member with ``member_id``, or a bare one (team time zone, not paused,
        reachable) when none is stored."""
        found = self._members_by_id.get(member_id)
        return found or Member(tenant_id=self.team.tenant_id, id=member_id)


def delivery_id(round_id: str, member_id: str, kind: DeliveryKind) -> str:
    """The stable id of one delivery: ``<round id>|<member id>|<kind>``."""
    return f"{round_id}|{member_id}|{kind.value}"


@dataclass(frozen=True, slots=True)
class OwnerRound:
    """One owner's part in one check-in round.

    Attributes:
        round_date: The round's date in the team's rhythm.
        round_id: The round's id (:func:`okr.cadence.round_id`).
        member: The owner (a bare ``Member`` with their id when none is stored).
        due_at: When they are due: an aware UTC instant.
        key_results: The key results to ask about (not checked in), in input order.
        checked_in: Their key results in the round already checked in since
            ``due_at - skip_if_checked_in_within_days``.
        skip_reason: Why they get nothing, or None when they are asked.
    """

    round_date: date
    round_id: str
    member: Member
    due_at: datetime
    key_results: tuple[KeyResult, ...]
    checked_in: tuple[KeyResult, ...]
    skip_reason: SkipReason | None

    @property
    def asked(self) -> bool:
        """Whether this owner gets the round's card (and, later, a reminder)."""
        return self.skip_reason is None

    def reminder_at(self, settings: TeamSettings) -> datetime:
        """When this owner's reminder is due (:func:`reminder_at`)."""
        return reminder_at(self.due_at, settings.reminder_delay_hours)

    def delivery_id(self, kind: DeliveryKind) -> str:
        """The id of this owner's delivery of ``kind`` in this round."""
        return delivery_id(self.round_id, self.member.id, kind)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """The team owners' summary of one round.

    Attributes:
        round_date: The round's date in the team's rhythm.
        round_id: The round's id.
        due_at: When the summary is due (see the module docs).
        missing: Owners still missing at least one key result, unreachable
            members included, paused members and owners who checked in left out.
            May be empty: "everyone checked in" is a summary too.
        recipient_ids: The team owners' member ids.
    """

    round_date: date
    round_id: str
    due_at: datetime
    missing: tuple[OwnerRound, ...]
    recipient_ids: tuple[str, ...]

    def among(self, asked: Set[str]) -> RoundSummary:
        """The summary of those who were actually asked (whose card went out) only."""
        return replace(self, missing=tuple(e for e in self.missing if e.member.id in asked))

    def delivery_ids(self) -> dict[str, str]:
        """Each recipient's summary delivery id, by recipient id."""
        return {
            owner: delivery_id(self.round_id, owner, DeliveryKind.SUMMARY)
            for owner in self.recipient_ids
        }


def round_key_results(
    round_date: date, objectives: Iterable[Objective], key_results: Iterable[KeyResult]
) -> list[KeyResult]:
    """The key results a round asks about: owned, under an active objective whose period
    contains ``round_date``. Input order is kept."""
    open_objectives = {
        objective.id
        for objective in objectives
        if objective.state is ObjectiveState.ACTIVE and objective.period.contains_day(round_date)
    }
    return [
        key_result
        for key_result in key_results
        if key_result.owner_id and key_result.objective_id in open_objectives
    ]


def checked_in_since(key_result: KeyResult, moment: datetime) -> bool:
    """Whether ``key_result``'s latest check-in is at or after ``moment``.

    Raises:
        ValueError: The check-in time or ``moment`` is naive.
    """
    if key_result.last_checkin_at is None:
        return False
    return _aware(key_result.last_checkin_at) >= _aware(moment)


def skip_window_start(settings: TeamSettings, owner_due_at: datetime) -> datetime:
    """The earliest check-in that spares a key result from the round due at ``owner_due_at``."""
    return owner_due_at - timedelta(days=settings.skip_if_checked_in_within_days)


def owner_rounds(snapshot: TeamSnapshot, round_date: date) -> list[OwnerRound]:
    """Every owner of a key result in the team's round on ``round_date``, with their due
    instant, what to ask and whether to skip them; ``now`` plays no part.

    Returns:
        One entry per owner, sorted by due instant, then member id.
    """
    team = snapshot.team
    settings = team.settings
    owned: dict[str, list[KeyResult]] = {}
    for key_result in round_key_results(round_date, snapshot.objectives, snapshot.key_results):
        assert key_result.owner_id  # round_key_results keeps owned key results only
        owned.setdefault(key_result.owner_id, []).append(key_result)
    rid = round_id(team.id, round_date)
    entries = []
    for owner_id, owned_key_results in owned.items():
        member = snapshot.member(owner_id)
        owner_due_at = due_at(settings, round_date, member)
        window_start = skip_window_start(settings, owner_due_at)
        done: list[KeyResult] = []
        to_ask: list[KeyResult] = []
        for key_result in owned_key_results:
            (done if checked_in_since(key_result, window_start) else to_ask).append(key_result)
        entries.append(
            OwnerRound(
                round_date=round_date,
                round_id=rid,
                member=member,
                due_at=owner_due_at,
                key_results=tuple(to_ask),
                checked_in=tuple(done),
                skip_reason=_skip_reason(member, bool(to_ask)),
            )
        )
    entries.sort(key=lambda entry: (entry.due_at, entry.member.id))
    return entries


def current_owner_rounds(now: datetime, snapshot: TeamSnapshot) -> list[OwnerRound]:
    """Each owner's entry in *their* current round at ``now`` (skipped owners included).

    Owners far east can already be in the next round while owners far west are
    still in the previous one, so entries may belong to different rounds.

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    settings = snapshot.team.settings
    owner_ids = {kr.owner_id for kr in snapshot.key_results if kr.owner_id}
    # Group owners by their current round so each round is assessed once.
    rounds: dict[date, set[str]] = {}
    for owner_id in owner_ids:
        current = current_round_date(settings, now, snapshot.member(owner_id))
        rounds.setdefault(current, set()).add(owner_id)
    entries = [
        entry
        for round_date, owners in rounds.items()
        for entry in owner_rounds(snapshot, round_date)
        if entry.member.id in owners
    ]
    entries.sort(key=lambda entry: (entry.due_at, entry.member.id))
    return entries


def due_owners(
    now: datetime, snapshot: TeamSnapshot, *, entries: Sequence[OwnerRound] | None = None
) -> list[OwnerRound]:
    """The owners who should have their check-in card at ``now``.

    Each is in their current round (their due instant has passed, the next one
    has not) and not skipped. A round due before the team last changed its
    rhythm (``TeamSettings.rhythm_changed_at``) is not sent: changing Monday to
    Wednesday on a Thursday waits for next Wednesday. The caller sends each one whose
    ``delivery_id(DeliveryKind.CHECKIN)`` was not sent yet.

    ``entries``: ``current_owner_rounds(now, snapshot)`` when the caller has them already.

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    changed = snapshot.team.settings.rhythm_changed_at
    return [
        entry
        for entry in (entries if entries is not None else current_owner_rounds(now, snapshot))
        if entry.asked and (changed is None or entry.due_at >= changed)
    ]


def reminder_at(owner_due_at: datetime, reminder_delay_hours: int) -> datetime:
    """When the reminder for a card due at ``owner_due_at`` is due."""
    return owner_due_at + timedelta(hours=reminder_delay_hours)


def reminder_due(
    owner_due_at: datetime,
    reminder_delay_hours: int,
    now: datetime,
    checked_in_since_due: bool,
    superseded_at: datetime | None = None,
) -> bool:
    """Whether a reminder is due at ``now``: the delay has passed, the owner has not
    checked in since the due instant, and (when given) the next round has not
    started for them at ``superseded_at``.
    """
    if checked_in_since_due:
        return False
    if superseded_at is not None and _aware(now) >= _aware(superseded_at):
        return False
    return _aware(now) >= reminder_at(_aware(owner_due_at), reminder_delay_hours)


def reminders_due(
    now: datetime,
    snapshot: TeamSnapshot,
    remind_at: Mapping[str, datetime] | None = None,
    *,
    entries: Sequence[OwnerRound] | None = None,
) -> list[OwnerRound]:
    """The owners who should have a reminder at ``now``, each listing what is still missing.

    The caller reminds only owners whose check-in card was sent in that round,
    and each one once (``delivery_id(DeliveryKind.REMINDER)``).

    Args:
        now: The pass's moment (aware).
        snapshot: The team.
        remind_at: ``{delivery id of an owner's check-in card: when}`` for owners
            who asked to be reminded later ("Remind me later"): their reminder is
            due then instead of after the team's delay, earlier or later. It is
            the round's one reminder.
        entries: ``current_owner_rounds(now, snapshot)`` when the caller has
            them already (they are not worked out twice).

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    delay = snapshot.team.settings.reminder_delay_hours
    asked_later = remind_at or {}
    due = []
    for entry in entries if entries is not None else current_owner_rounds(now, snapshot):
        if not entry.asked:  # "asked" means something is still missing
            continue
        later = asked_later.get(entry.delivery_id(DeliveryKind.CHECKIN))
        if later is not None:
            if _aware(now) >= _aware(later):
                due.append(entry)
        # Current rounds are never superseded.
        elif reminder_due(entry.due_at, delay, now, checked_in_since_due=False):
            due.append(entry)
    return due


def summary_due_at(settings: TeamSettings, entries: Iterable[OwnerRound]) -> datetime | None:
    """When the team owners' summary of a round is due, or None for a round with no owners.

    Args:
        settings: The team's settings (for the reminder delay).
        entries: The round's :func:`owner_rounds`.
    """
    latest_reminder = max((entry.reminder_at(settings) for entry in entries), default=None)
    if latest_reminder is None:
        return None
    return latest_reminder + timedelta(hours=settings.reminder_delay_hours)


def summary_due(now: datetime, snapshot: TeamSnapshot) -> RoundSummary | None:
    """The summary due at ``now``: of the latest round (among the last
    :data:`SUMMARY_LOOKBACK_ROUNDS`) with owners whose summary time has passed.

    The caller sends it to each recipient once (:meth:`RoundSummary.delivery_ids`);
    a newer round's summary supersedes an unsent older one.

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    team = snapshot.team
    settings = team.settings
    # No zone is more than 14 h ahead of UTC: no round after this date has begun.
    latest_begun = (_aware(now).astimezone(UTC) + timedelta(days=1)).date()
    candidate = round_date_on_or_before(settings, latest_begun)
    for _ in range(SUMMARY_LOOKBACK_ROUNDS):
        entries = owner_rounds(snapshot, candidate)
        at = summary_due_at(settings, entries)
        if at is not None and at <= now:
            return _summary(team, candidate, at, entries)
        candidate = previous_round_date(settings, candidate)
    return None


def round_summary(
    snapshot: TeamSnapshot, round_date: date, entries: Sequence[OwnerRound] | None = None
) -> RoundSummary | None:
    """The summary of the round on ``round_date`` as it stands now (to update one already
    sent), or None for a round with no owners.

    ``entries``: the round's :func:`owner_rounds`, when the caller has them already.
    """
    if entries is None:
        entries = owner_rounds(snapshot, round_date)
    at = summary_due_at(snapshot.team.settings, entries)
    return None if at is None else _summary(snapshot.team, round_date, at, entries)


def _summary(
    team: Team, round_date: date, at: datetime, entries: Sequence[OwnerRound]
) -> RoundSummary:
    return RoundSummary(
        round_date=round_date,
        round_id=round_id(team.id, round_date),
        due_at=at,
        missing=tuple(
            entry
            for entry in entries
            if entry.key_results and entry.skip_reason is not SkipReason.PAUSED
        ),
        recipient_ids=team.owner_ids,
    )


def parse_round_id(value: str) -> tuple[str, date] | None:
    """The team id and date of a check-in round's id (:func:`okr.cadence.round_id`), or None."""
    kind, _, rest = value.partition("|")
    team_id, _, day = rest.rpartition("|")
    if kind != ROUND_KIND or not team_id:
        return None
    try:
        return team_id, date.fromisoformat(day)
    except ValueError:
        return None


def round_at(team: Team | None, objective: Objective, moment: datetime, member: Member) -> str:
    """The id of ``member``'s round of ``objective``'s team current at ``moment``.

    A team the bot does not know (yet) rounds with the default settings.

    Raises:
        ValueError: ``moment`` is naive.
    """
    settings = team.settings if team is not None else TeamSettings()
    team_id = team.id if team is not None else objective.team_id or ""
    return round_id(team_id, current_round_date(settings, moment, member))


def updated_this_round(
    key_result: KeyResult, objective: Objective, team: Team | None, member: Member, now: datetime
) -> bool:
    """Whether ``key_result``'s latest check-in was made in ``member``'s round current at ``now``.

    Raises:
        ValueError: ``now`` or the check-in time is naive.
    """
    if key_result.last_checkin_at is None:
        return False
    at = _aware(key_result.last_checkin_at)
    return round_at(team, objective, at, member) == round_at(team, objective, now, member)


def in_open_round(
    checkin: CheckIn, objective: Objective, team: Team | None, member: Member, now: datetime
) -> bool:
    """Whether ``checkin``'s round is still open at ``now``, so it may be corrected: its
    objective is active and its round (the card's, else the one it was recorded in) is
    ``member``'s current one.

    Raises:
        ValueError: ``now`` or the check-in time is naive.
    """
    if objective.state is not ObjectiveState.ACTIVE:
        return False
    own = checkin.round_id or round_at(team, objective, _aware(checkin.recorded_at), member)
    return own == round_at(team, objective, now, member)


def closing_round_id(team_id: str, period: Period) -> str:
    """The records' round of a team's closing cards for ``period``: ``closing|<team>|<label>``."""
    return f"{DeliveryKind.CLOSING.value}|{team_id}|{period.label}"


def closing_delivery_id(team_id: str, period: Period, member_id: str) -> str:
    """The id of one owner's closing card of a period: ``closing|<team>|<label>|<member>``."""
    return f"{closing_round_id(team_id, period)}|{member_id}"


@dataclass(frozen=True, slots=True)
class OwnerClosing:
    """One owner's closing card: their active objectives of one ended period.

    Attributes:
        team_id: The team (its id names the records).
        period: The ended period.
        member: The owner (a bare ``Member`` when none is stored).
        objectives: Their active objectives of the period, in input order.
        key_results: Those objectives' key results, in input order.
    """

    team_id: str
    period: Period
    member: Member
    objectives: tuple[Objective, ...]
    key_results: tuple[KeyResult, ...]

    @property
    def round_id(self) -> str:
        """The records' round (:func:`closing_round_id`)."""
        return closing_round_id(self.team_id, self.period)

    @property
    def delivery_id(self) -> str:
        """The delivery's id (:func:`closing_delivery_id`)."""
        return closing_delivery_id(self.team_id, self.period, self.member.id)


def closings_due(now: datetime, snapshot: TeamSnapshot) -> list[OwnerClosing]:
    """The owners who should have a closing card at ``now``, one per (owner, ended period).

    An active objective's period has ended for its owner once their current
    round's date is after the period's last day (see the module docs).

    Raises:
        ValueError: ``now`` is naive, or the team's settings are invalid.
    """
    settings = snapshot.team.settings
    grouped: dict[tuple[str, Period], list[Objective]] = {}
    for objective in snapshot.objectives:
        if objective.state is not ObjectiveState.ACTIVE or not objective.owner_id:
            continue
        member = snapshot.member(objective.owner_id)
        if member.prompts_paused or not member.reachable:
            continue
        if current_round_date(settings, now, member) <= objective.period.end:
            continue
        grouped.setdefault((member.id, objective.period), []).append(objective)
    due = []
    for (member_id, period), objectives in grouped.items():
        ids = {o.id for o in objectives}
        due.append(
            OwnerClosing(
                team_id=snapshot.team.id,
                period=period,
                member=snapshot.member(member_id),
                objectives=tuple(objectives),
                key_results=tuple(kr for kr in snapshot.key_results if kr.objective_id in ids),
            )
        )
    due.sort(key=lambda entry: (entry.member.id, entry.period.start, entry.period.label))
    return due


def _skip_reason(member: Member, anything_to_ask: bool) -> SkipReason | None:
    if member.prompts_paused:
        return SkipReason.PAUSED
    if not member.reachable:
        return SkipReason.UNREACHABLE
    if not anything_to_ask:
        return SkipReason.CHECKED_IN
    return None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware instant")
    return moment
