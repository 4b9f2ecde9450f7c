"""What a team digest says: the numbers, computed from what is stored now and one snapshot.

A digest is built from the team's active objectives of the current period and
their key results (the key results mirror their latest check-in: value, status,
note), the round's delivery records (who was asked) and the previous digest's
:class:`~okr.models.DigestSnapshot`. It never scans check-in history: "since
last week" compares with the snapshot, and the trend line is carried in it.

The cards (``cards.digest``) decide what fits; here every list is complete and
ranked, and the overall figures always cover **all** objectives.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from okr.cadence import current_round_date, due_at, owner_zone, round_dates, round_id
from okr.due import (
    OwnerRound,
    TeamSnapshot,
    checked_in_since,
    owner_rounds,
    round_summary,
    skip_window_start,
)
from okr.kpi import KpiHealth, kpi_health
from okr.models import (
    CheckInStatus,
    DigestSnapshot,
    KeyResult,
    KeyResultMark,
    Kpi,
    Member,
    Objective,
    ObjectiveMark,
    ObjectiveState,
    ObjectiveType,
    Team,
    TrendPoint,
)
from okr.pace import (
    PaceStatus,
    expected_progress,
    pace_start,
    period_expected_progress,
    suggest_status,
)
from okr.periods import Period
from okr.progress import ZERO, key_result_progress, weighted_mean

MOVERS = 5
"""How many movers up (and down) a digest names at most."""

STALE_ROUNDS = 2
"""A key result not checked in for this many rounds or more is stale."""


@dataclass(frozen=True, slots=True)
class Mix:
    """How the key results stand: the owners' statuses, and those not updated.

    ``not_updated``: no check-in since the team's current round began (or never).
    The others count key results updated this round by their owner's status.
    """

    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    not_updated: int = 0

    @property
    def total(self) -> int:
        """All key results counted."""
        return self.on_track + self.at_risk + self.off_track + self.not_updated


@dataclass(frozen=True, slots=True)
class Participation:
    """The current check-in round: of those asked, who has checked in.

    Attributes:
        round_date: The round's date; None when the team has had no round yet.
        asked: Owners whose card went out (from the round's delivery records).
        checked_in: Of those, how many have checked in every key result asked.
        missing_ids: Member ids of those asked who have not, in a stable order.
    """

    round_date: date | None
    asked: int
    checked_in: int
    missing_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    """One objective in the digest, ranked: at risk first, then biggest movers."""

    id: str
    title: str
    owner_id: str | None
    type: ObjectiveType
    progress: Decimal | None  # 0..1 clamped; None without key results
    expected: Decimal | None  # the pace line today (okr.pace)
    pace: PaceStatus | None
    status: CheckInStatus | None  # the most worrying owner's status among its key results
    change: Decimal | None  # points since the previous snapshot (0.12 = +12 points); None: new
    key_results: int


@dataclass(frozen=True, slots=True)
class KeyResultLine:
    """A key result named in the digest (a mover, stale or at risk)."""

    id: str
    objective_id: str
    title: str
    owner_id: str | None
    progress: Decimal  # 0..1 clamped
    status: CheckInStatus | None
    change: Decimal | None = None  # points since the previous snapshot
    note: str = ""  # the latest check-in's note
    last_checkin_at: datetime | None = None
    rounds_missed: int = 0  # rounds since its last check-in (stale ones: >= STALE_ROUNDS)


@dataclass(frozen=True, slots=True)
class KpiLine:
    """An unhealthy KPI."""

    kpi: Kpi
    health: KpiHealth


@dataclass(frozen=True, slots=True)
class TeamDigest:
    """Everything one team's digest shows, complete and ranked; the card cuts.

    Attributes:
        team_id: The team.
        team_name: As Teams names it.
        period: The period reported on (the current one in the team's zone).
        week: The current week of the period (1-based); ``weeks``: how many it has.
        overall: Weighted progress of **all** the team's active objectives of the
            period (0..1); None when none has key results.
        expected: Where ``overall`` should be today (0..1): each reported key
            result's objective's expected line (okr.pace, its own ``starts_on``),
            weighed as ``overall`` is; the period's line when there are no key results.
        change: Points since the previous digest (0.05 = +5 points); None on the first.
        participation: The current round's participation.
        mix: The key results' status mix.
        objectives: Every active objective of the period, ranked.
        movers_up: Key results that moved up most since the previous digest (<= MOVERS).
        movers_down: Those that moved down most (<= MOVERS).
        stale: Key results not checked in for STALE_ROUNDS rounds or more, oldest first.
        at_risk: Key results whose owner called them at risk or off track, worst first.
        kpis: The team's unhealthy KPIs.
        trend: The period's earlier digests' points and today's, oldest first.
        snapshot: What to store for this digest (the next one compares with it).
    """

    team_id: str
    team_name: str
    period: Period
    week: int
    weeks: int
    overall: Decimal | None
    expected: Decimal | None
    change: Decimal | None
    participation: Participation
    mix: Mix
    objectives: tuple[ObjectiveLine, ...]
    movers_up: tuple[KeyResultLine, ...]
    movers_down: tuple[KeyResultLine, ...]
    stale: tuple[KeyResultLine, ...]
    at_risk: tuple[KeyResultLine, ...]
    kpis: tuple[KpiLine, ...]
    trend: tuple[TrendPoint, ...]
    snapshot: DigestSnapshot


class NoActiveObjectivesError(LookupError):
    """The team has no active objective whose period contains today: no digest.

    The scheduled pass skips such teams; the on-demand digest says so.
    """


def digest_today(team: Team, now: datetime) -> date:
    """Today in the team's calendar (:func:`okr.cadence.owner_zone` of its settings).

    Raises:
        ValueError: ``now`` is naive.
    """
    return _aware(now).astimezone(owner_zone(team.settings)).date()


def reported_period(objectives: Iterable[Objective], today: date) -> Period | None:
    """The period a digest reports on, or None when no active objective runs today.

    Among the active objectives whose period contains ``today``, the period most
    of them share; a tie goes to the shortest period, then the earliest.
    """
    counts = Counter(
        o.period
        for o in objectives
        if o.state is ObjectiveState.ACTIVE and o.period.contains_day(today)
    )
    if not counts:
        return None
    return min(counts, key=lambda p: (-counts[p], p.days, p.start, p.label))


def participation_round_date(team: Team, now: datetime) -> date | None:
    """The team's current check-in round at ``now`` (in the team's zone), or None when its
    stored settings name no round.

    Raises:
        ValueError: ``now`` is naive.
    """
    _aware(now)
    try:
        return current_round_date(team.settings, now)
    except ValueError:
        return None


def participation_round_id(team: Team, now: datetime) -> str | None:
    """The id of the round whose delivery records say who was asked (:func:`build_digest`'s
    ``asked``), or None when the team's settings name no round.

    Raises:
        ValueError: ``now`` is naive.
    """
    day = participation_round_date(team, now)
    return None if day is None else round_id(team.id, day)


def week_of(period: Period, today: date) -> tuple[int, int]:
    """``(week, weeks)``: week 1 is the period's first 7 days; ``weeks`` = ceil(days / 7).

    A day outside the period is counted as its nearest edge.
    """
    weeks = -(-period.days // 7)
    day = min(max(today, period.start), period.end)
    return (day - period.start).days // 7 + 1, weeks


def build_digest(
    team: Team,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    *,
    now: datetime,
    slot: date,
    previous: DigestSnapshot | None,
    asked: Set[str],
    kpis: Sequence[Kpi] = (),
    members: Sequence[Member] = (),
) -> TeamDigest:
    """What the team's digest at ``now`` shows; see ``docs/digest.md`` for every number.

    Args:
        team: The team. For a person's own digest pass a ``Team`` with the
            person's id as ``id`` and name as ``name``, and their home team's
            settings with ``time_zone`` set to the person's zone
            (:func:`okr.cadence.owner_zone`); ``asked``: ``{their id}`` if their
            card went out this round, else empty.
        objectives: The team's objectives, in any state. Only active ones of the
            reported period are reported on; every active one counts for the
            round's participation.
        key_results: Key results of those objectives (others are ignored). For
            a person's digest pass only their own key results.
        now: The moment (aware).
        slot: The digest's date in the team's calendar (the snapshot's id).
        previous: The previous digest's snapshot, normally
            ``latest_snapshot(before=slot)``. Another period's is ignored. When it
            is ``slot``'s own (a digest posted again), "change" compares with it
            and its trend point for ``slot`` is replaced.
        asked: Member ids whose check-in card went out in the current round
            (:func:`participation_round_id`'s delivery records).
        kpis: The team's KPIs; the unhealthy ones are reported.
        members: Known members among the owners (their zones decide their own
            round's due time, as in :mod:`okr.due`); others use the team's zone.

    Raises:
        NoActiveObjectivesError: No active objective's period contains today.
        ValueError: ``now`` is naive.
    """
    zone = owner_zone(team.settings)
    today = digest_today(team, now)
    period = reported_period(objectives, today)
    if period is None:
        raise NoActiveObjectivesError(f"team {team.id} has no active objectives on {today}")
    reported = [o for o in objectives if o.state is ObjectiveState.ACTIVE and o.period == period]
    objective_ids = {o.id for o in objectives}
    known_key_results = [kr for kr in key_results if kr.objective_id in objective_ids]
    own: dict[str, list[KeyResult]] = {o.id: [] for o in reported}
    for kr in known_key_results:
        if kr.objective_id in own:
            own[kr.objective_id].append(kr)
    shown = [kr for o in reported for kr in own[o.id]]

    # Each key result's progress once; objectives and overall weigh the same values
    # as okr.progress.objective_progress would.
    progress_of = {kr.id: key_result_progress(kr).clamped for kr in shown}

    def weighed(krs: Iterable[KeyResult]) -> Decimal | None:
        return weighted_mean((progress_of[kr.id], kr.weight) for kr in krs)

    overall = weighed(shown)
    # Each objective's own pace line (a later ``starts_on`` starts it later); overall's
    # is their mean weighed as overall is, so the two agree with the objectives' lines.
    # A line depends on the period and the first day only (a zone conversion each):
    # most objectives share one.
    lines_at: dict[tuple[Period, date], Decimal] = {}
    for o in reported:
        line_key = (o.period, pace_start(o))
        if line_key not in lines_at:
            lines_at[line_key] = expected_progress(o, now, zone)
    expected_of = {o.id: lines_at[o.period, pace_start(o)] for o in reported}
    expected = weighted_mean((expected_of[kr.objective_id], kr.weight) for kr in shown)
    if expected is None:  # no key results: the period's own line
        expected = period_expected_progress(period, now, zone)
    week, weeks = week_of(period, today)
    same = previous if previous is not None and previous.period_label == period.label else None
    objective_marks = {m.id: m for m in same.objectives} if same else {}
    key_result_marks = {m.id: m for m in same.key_results} if same else {}

    rounds = _Rounds.of(team, now, period, shown)
    snapshot_of_team = TeamSnapshot(
        team=team,
        members=tuple(members),
        objectives=tuple(objectives),
        key_results=tuple(known_key_results),
    )
    # The current round's owners, worked out once for participation and "updated".
    entries = owner_rounds(snapshot_of_team, rounds.current) if rounds.current else []
    participation = _participation(snapshot_of_team, rounds.current, asked, entries)
    updated = rounds.updated_ids(snapshot_of_team, entries)

    starts = {o.id: pace_start(o) for o in reported}
    lines = {
        kr.id: KeyResultLine(
            id=kr.id,
            objective_id=kr.objective_id,
            title=kr.title,
            owner_id=kr.owner_id,
            progress=progress_of[kr.id],
            status=kr.last_status,
            change=_change(progress_of[kr.id], _marked(key_result_marks.get(kr.id))),
            note=kr.last_note,
            last_checkin_at=kr.last_checkin_at,
            rounds_missed=rounds.missed(kr, starts[kr.objective_id], zone),
        )
        for kr in shown
    }
    key_result_lines = [lines[kr.id] for kr in shown]

    objective_lines = []
    for o in reported:
        progress = weighed(own[o.id])
        line_expected = expected_of[o.id]
        objective_lines.append(
            ObjectiveLine(
                id=o.id,
                title=o.title,
                owner_id=o.owner_id,
                type=o.type,
                progress=progress,
                expected=line_expected,
                pace=None if progress is None else suggest_status(progress, line_expected),
                status=worst_status(kr.last_status for kr in own[o.id]),
                change=_change(progress, _marked(objective_marks.get(o.id))),
                key_results=len(own[o.id]),
            )
        )
    objective_lines.sort(
        key=lambda line: (_severity(line.status), -abs(line.change or ZERO), line.title, line.id)
    )

    earlier = (p for p in (same.trend if same else ()) if p.day < slot)
    trend = (*earlier, TrendPoint(day=slot, overall=overall, expected=expected))
    snapshot = DigestSnapshot(
        tenant_id=team.tenant_id,
        id=DigestSnapshot.id_for(team.id, slot),
        team_id=team.id,
        slot=slot,
        taken_at=now,
        period_label=period.label,
        overall=overall,
        expected=expected,
        objectives=tuple(
            ObjectiveMark(id=line.id, progress=line.progress, status=line.status)
            for line in objective_lines
        ),
        key_results=tuple(
            KeyResultMark(
                id=line.id,
                objective_id=line.objective_id,
                progress=line.progress,
                status=line.status,
                last_checkin_at=line.last_checkin_at,
            )
            for line in key_result_lines
        ),
        trend=trend,
    )
    moved = [line for line in key_result_lines if line.change is not None]
    return TeamDigest(
        team_id=team.id,
        team_name=team.name,
        period=period,
        week=week,
        weeks=weeks,
        overall=overall,
        expected=expected,
        change=_change(overall, same.overall if same else None),
        participation=participation,
        mix=_mix(shown, updated),
        objectives=tuple(objective_lines),
        movers_up=tuple(
            sorted(
                (line for line in moved if line.change is not None and line.change > 0),
                key=lambda line: (-(line.change or ZERO), line.title, line.id),
            )[:MOVERS]
        ),
        movers_down=tuple(
            sorted(
                (line for line in moved if line.change is not None and line.change < 0),
                key=lambda line: (line.change or ZERO, line.title, line.id),
            )[:MOVERS]
        ),
        stale=tuple(
            sorted(
                (line for line in key_result_lines if line.rounds_missed >= STALE_ROUNDS),
                key=lambda line: (-line.rounds_missed, _checked_at(line), line.title, line.id),
            )
        ),
        at_risk=tuple(
            sorted(
                (line for line in key_result_lines if line.status in _WORRYING),
                key=lambda line: (_severity(line.status), line.progress, line.title, line.id),
            )
        ),
        kpis=tuple(
            KpiLine(kpi, health)
            for kpi in kpis
            if (health := kpi_health(kpi)) is KpiHealth.UNHEALTHY
        ),
        trend=trend,
        snapshot=snapshot,
    )


_WORRYING = (CheckInStatus.OFF_TRACK, CheckInStatus.AT_RISK)
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def worst_status(statuses: Iterable[CheckInStatus | None]) -> CheckInStatus | None:
    """The most worrying of the owners' statuses: off track, at risk, on track; None if none."""
    given = [s for s in statuses if s is not None]
    return min(given, key=_severity) if given else None


def _severity(status: CheckInStatus | None) -> int:
    if status is CheckInStatus.OFF_TRACK:
        return 0
    if status is CheckInStatus.AT_RISK:
        return 1
    return 2


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Points moved since ``before`` (never -0), or None when either is unknown."""
    if now is None or before is None:
        return None
    moved = now - before
    return ZERO if moved.is_zero() else moved


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware instant")
    return moment


def _marked(mark: ObjectiveMark | KeyResultMark | None) -> Decimal | None:
    return None if mark is None else mark.progress


def _checked_at(line: KeyResultLine) -> datetime:
    return line.last_checkin_at if line.last_checkin_at is not None else _EARLIEST


def _participation(
    snapshot: TeamSnapshot,
    round_date: date | None,
    asked: Set[str],
    entries: Sequence[OwnerRound],
) -> Participation:
    if round_date is None:
        return Participation(round_date=None, asked=0, checked_in=0)
    summary = round_summary(snapshot, round_date, entries)
    missing = tuple(e.member.id for e in summary.among(asked).missing) if summary else ()
    return Participation(
        round_date=round_date,
        asked=len(asked),
        checked_in=len(asked) - len(missing),
        missing_ids=missing,
    )


def _mix(key_results: Iterable[KeyResult], updated: Set[str]) -> Mix:
    counts: Counter[CheckInStatus | None] = Counter(
        kr.last_status if kr.id in updated else None for kr in key_results
    )
    return Mix(
        on_track=counts[CheckInStatus.ON_TRACK],
        at_risk=counts[CheckInStatus.AT_RISK],
        off_track=counts[CheckInStatus.OFF_TRACK],
        not_updated=counts[None],
    )


@dataclass(frozen=True, slots=True)
class _Rounds:
    """The team's rounds up to now: the current one and when each one's window opened.

    A key result counts as checked in for a round when its latest check-in is at
    or after ``due - skip_if_checked_in_within_days`` (the window of
    :func:`okr.due.skip_window_start`), as the round itself counts it.
    """

    current: date | None
    dates: tuple[date, ...]  # rounds due by now (team zone), oldest first
    opened: tuple[datetime, ...]  # each one's window start, same order

    @classmethod
    def of(
        cls, team: Team, now: datetime, period: Period, key_results: Sequence[KeyResult]
    ) -> _Rounds:
        current = participation_round_date(team, now)
        if current is None:
            return cls(None, (), ())
        settings = team.settings
        zone = owner_zone(settings)
        # Far enough back for every key result's last check-in and every objective's start.
        first = min(
            (
                kr.last_checkin_at.astimezone(zone).date()
                for kr in key_results
                if kr.last_checkin_at
            ),
            default=period.start,
        )
        first = min(first, period.start, current)
        dates = tuple(round_dates(settings, first, current))
        opened = tuple(skip_window_start(settings, due_at(settings, day)) for day in dates)
        return cls(current, dates, opened)

    def updated_ids(self, snapshot: TeamSnapshot, entries: Sequence[OwnerRound]) -> set[str]:
        """Key results checked in for the current round (owners' own due times).

        ``entries``: the current round's :func:`okr.due.owner_rounds`.
        """
        if self.current is None:
            return {kr.id for kr in snapshot.key_results if kr.last_checkin_at is not None}
        done = {kr.id for e in entries for kr in e.checked_in}
        asked = {kr.id for e in entries for kr in e.key_results}
        # Key results the round does not ask about (no owner, or an objective whose
        # period starts after the round's date) count from the team's window.
        opened = self.opened[-1]
        return done | {
            kr.id
            for kr in snapshot.key_results
            if kr.id not in asked and checked_in_since(kr, opened)
        }

    def missed(self, key_result: KeyResult, objective_start: date, zone: tzinfo) -> int:
        """Rounds due by now that the key result has no check-in for, since its last one
        (never checked in: since its objective's line began, or it was created)."""
        if key_result.last_checkin_at is not None:
            return len(self.opened) - bisect_right(self.opened, key_result.last_checkin_at)
        since = objective_start
        if key_result.created_at is not None:
            since = max(since, key_result.created_at.astimezone(zone).date())
        return len(self.dates) - bisect_left(self.dates, since)
