"""The instant a pass may sleep until: nothing new of its kind is due before it.

For random teams, owners in time zones with DST changes, objectives, key
results, check-ins and "Remind me later" times, the set of due deliveries at any
instant strictly between ``now`` and the computed instant is contained in the
set due at ``now`` (what the pass that computed it has handled).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr.cadence import round_dates, round_id
from okr.digest import digest_today, reported_period
from okr.digest_due import (
    digest_due,
    digest_round_id,
    period_reports_due,
    report_round_id,
)
from okr.due import (
    DeliveryKind,
    TeamSnapshot,
    closings_due,
    current_owner_rounds,
    due_owners,
    nudges_due,
    reminders_due,
    summary_due,
)
from okr.models import (
    Cadence,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
)
from okr.next_due import checkins_change_at, digests_change_at, reminders_change_at
from okr.periods import Period

TENANT = "tenant-1"
TEAM_ID = "19:team@thread.tacv2"
ZONES = [
    "UTC",
    "Asia/Ho_Chi_Minh",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Santiago",  # DST at midnight
    "America/Havana",  # DST at midnight
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
    "Asia/Kathmandu",  # UTC+5:45
]
OWNERS = [f"29:owner-{i}" for i in range(5)]
# Near DST changes in the north (March, October/November) and the south (April, September).
NOW = st.sampled_from(
    [date(2026, 3, 20), date(2026, 10, 20), date(2027, 3, 25), date(2026, 4, 1), date(2026, 9, 25)]
).flatmap(
    lambda day: st.datetimes(
        min_value=datetime.combine(day, time()),
        max_value=datetime.combine(day + timedelta(days=20), time()),
        timezones=st.just(UTC),
    )
)


def periods_near(now: datetime) -> list[Period]:
    day = now.date()
    return [
        Period.custom(day - timedelta(days=40), day + timedelta(days=3)),
        Period.custom(day - timedelta(days=10), day + timedelta(days=12)),
        Period.custom(day + timedelta(days=2), day + timedelta(days=30)),
        Period.custom(day - timedelta(days=60), day - timedelta(days=2)),
    ]


@st.composite
def teams(draw: st.DrawFn, now: datetime) -> tuple[TeamSnapshot, dict[str, datetime]]:
    zone = draw(st.sampled_from(ZONES))
    changed = draw(st.none() | st.just(now - timedelta(days=draw(st.integers(0, 9)))))
    digest_changed = draw(st.none() | st.just(now - timedelta(days=draw(st.integers(0, 9)))))
    team_settings = TeamSettings(
        cadence=draw(st.sampled_from(Cadence)),
        weekday=draw(st.integers(0, 6)),
        time_of_day=draw(
            st.sampled_from([time(0), time(0, 30), time(2, 30), time(9), time(23, 45)])
        ),
        time_zone=zone,
        skip_if_checked_in_within_days=draw(st.integers(0, 3)),
        reminder_delay_hours=draw(st.sampled_from([1, 24, 72])),
        rhythm_changed_at=changed,
        digest_weekday=draw(st.integers(0, 6)),
        digest_time=draw(st.sampled_from([time(0), time(2, 30), time(16)])),
        digest_enabled=draw(st.booleans()),
        digest_changed_at=digest_changed,
    )
    team = Team(
        tenant_id=TENANT,
        id=TEAM_ID,
        settings=team_settings,
        owner_ids=("29:lead",),
        created_at=now - timedelta(days=draw(st.integers(0, 90))),
    )
    members = tuple(
        Member(
            tenant_id=TENANT,
            id=owner,
            time_zone=draw(st.none() | st.sampled_from(ZONES)),
            prompts_paused=draw(st.booleans()) and draw(st.booleans()),
            reachable=not (draw(st.booleans()) and draw(st.booleans())),
        )
        for owner in OWNERS
        if draw(st.booleans())  # some owners have no record: asked in the team's zone
    )
    periods = periods_near(now)
    objectives = []
    key_results = []
    for index in range(draw(st.integers(1, 4))):
        state = draw(st.sampled_from(ObjectiveState))
        closed_at = (
            now - timedelta(days=draw(st.integers(0, 40)))
            if state is ObjectiveState.CLOSED
            else None
        )
        objective = Objective(
            tenant_id=TENANT,
            id=f"obj-{index}",
            title="o",
            owner_id=draw(st.none() | st.sampled_from(OWNERS)),
            period=draw(st.sampled_from(periods)),
            state=state,
            team_id=TEAM_ID,
            closed_at=closed_at,
        )
        objectives.append(objective)
        for k in range(draw(st.integers(0, 3))):
            checked = draw(st.none() | st.integers(-20 * 24, 0))
            key_results.append(
                KeyResult(
                    tenant_id=TENANT,
                    id=f"kr-{index}-{k}",
                    objective_id=objective.id,
                    title="k",
                    owner_id=draw(st.none() | st.sampled_from(OWNERS)),
                    kind=KeyResultKind.NUMBER,
                    start=Decimal(0),
                    target=Decimal(1),
                    current=Decimal(0),
                    last_checkin_at=None if checked is None else now + timedelta(hours=checked),
                )
            )
    active = tuple(o for o in objectives if o.state is ObjectiveState.ACTIVE)
    active_ids = {o.id for o in active}
    snapshot = TeamSnapshot(
        team=team,
        members=members,
        objectives=tuple(objectives),
        key_results=tuple(kr for kr in key_results if kr.objective_id in active_ids),
    )
    remind_at = {}
    for entry in current_owner_rounds(now, snapshot):
        if draw(st.booleans()):
            hours = draw(st.integers(-30, 30))
            remind_at[entry.delivery_id(DeliveryKind.CHECKIN)] = now + timedelta(hours=hours)
    return snapshot, remind_at


def checkins_due(at: datetime, snapshot: TeamSnapshot) -> set[str]:
    cards = {e.delivery_id(DeliveryKind.CHECKIN) for e in due_owners(at, snapshot)}
    return cards | {c.delivery_id for c in closings_due(at, snapshot)}


def reminders_due_ids(
    at: datetime, snapshot: TeamSnapshot, remind_at: dict[str, datetime]
) -> set[str]:
    current = current_owner_rounds(at, snapshot)
    ids = {e.delivery_id(DeliveryKind.REMINDER) for e in reminders_due(at, snapshot, remind_at)}
    # Every round nudged: a nudge is due whenever its round is (the request invalidates).
    every_round = {
        round_id(TEAM_ID, d)
        for d in round_dates(
            snapshot.team.settings, at.date() - timedelta(days=70), at.date() + timedelta(days=70)
        )
    }
    ids |= {e.delivery_id(DeliveryKind.NUDGE) for e in nudges_due(current, every_round)}
    summary = summary_due(at, snapshot)
    if summary is not None:
        ids |= set(summary.delivery_ids().values())
    return ids


def digests_due(at: datetime, snapshot: TeamSnapshot) -> set[str]:
    team, objectives = snapshot.team, snapshot.objectives
    ids = set()
    if reported_period(objectives, digest_today(team, at)) is not None:
        slot = digest_due(team.settings, at, since=team.created_at)
        if slot is not None:
            ids.add(digest_round_id(team.id, slot.day))
    for report in period_reports_due(objectives, at, team.settings.time_zone):
        ids.add(report_round_id(team.id, report.period))
    return ids


def between(now: datetime, until: datetime | None, fractions: list[float]) -> list[datetime]:
    """Instants strictly between ``now`` and ``until`` (60 days on when None)."""
    end = until if until is not None else now + timedelta(days=60)
    span = end - now
    points = [now + span * f for f in fractions]
    points += [end - timedelta(microseconds=1), now + timedelta(microseconds=1)]
    return [p for p in points if now < p < end]


FRACTIONS = st.lists(st.floats(min_value=0, max_value=1, exclude_max=True), min_size=3, max_size=8)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_nothing_new(
    now: datetime,
    until: datetime | None,
    fractions: list[float],
    due: Callable[[datetime], set[str]],
) -> None:
    if until is not None:
        assert until > now
    before = due(now)
    for instant in between(now, until, fractions):
        new = due(instant) - before
        assert not new, f"{sorted(new)} due at {instant}, before {until} (now {now})"


@PROPERTY
@given(st.data(), NOW, FRACTIONS)
def test_no_new_checkin_or_closing_is_due_before_the_instant(
    data: st.DataObject, now: datetime, fractions: list[float]
) -> None:
    snapshot, _ = data.draw(teams(now))
    until = checkins_change_at(now, snapshot)
    assert_nothing_new(now, until, fractions, lambda at: checkins_due(at, snapshot))


@PROPERTY
@given(st.data(), NOW, FRACTIONS)
def test_no_new_reminder_nudge_or_summary_is_due_before_the_instant(
    data: st.DataObject, now: datetime, fractions: list[float]
) -> None:
    snapshot, remind_at = data.draw(teams(now))
    entries = current_owner_rounds(now, snapshot)
    until = reminders_change_at(now, snapshot, remind_at, entries=entries)
    assert_nothing_new(now, until, fractions, lambda at: reminders_due_ids(at, snapshot, remind_at))


@PROPERTY
@given(st.data(), NOW, FRACTIONS)
def test_no_new_digest_or_report_is_due_before_the_instant(
    data: st.DataObject, now: datetime, fractions: list[float]
) -> None:
    snapshot, _ = data.draw(teams(now))
    until = digests_change_at(now, snapshot.team, snapshot.objectives)
    assert_nothing_new(now, until, fractions, lambda at: digests_due(at, snapshot))


def test_the_instant_is_the_next_owners_due_instant_not_later() -> None:
    """Weekly Monday 09:00, one owner in Berlin: the next card is due next Monday 08:00 UTC."""
    now = datetime(2026, 11, 30, 10, tzinfo=UTC)  # Monday, after Berlin's 09:00 (08:00 UTC)
    team = Team(tenant_id=TENANT, id=TEAM_ID, settings=TeamSettings(time_zone="Europe/Berlin"))
    objective = Objective(
        tenant_id=TENANT,
        id="obj",
        title="o",
        owner_id=None,
        period=Period.quarter(2026, 4),
        state=ObjectiveState.ACTIVE,
        team_id=TEAM_ID,
    )
    key_result = KeyResult(
        tenant_id=TENANT,
        id="kr",
        objective_id="obj",
        title="k",
        owner_id="29:owner-0",
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(1),
        current=Decimal(0),
    )
    snapshot = TeamSnapshot(team=team, objectives=(objective,), key_results=(key_result,))
    assert checkins_change_at(now, snapshot) == datetime(2026, 12, 7, 8, tzinfo=UTC)
    entries = current_owner_rounds(now, snapshot)
    # Reminder at Tuesday 08:00 UTC (24 h after the card), before the summary and next round.
    assert reminders_change_at(now, snapshot, entries=entries) == datetime(
        2026, 12, 1, 8, tzinfo=UTC
    )
    # The digest: Berlin's next midnight comes before Friday's 16:00 slot.
    assert digests_change_at(now, team, (objective,)) == datetime(2026, 11, 30, 23, tzinfo=UTC)


def test_a_team_with_no_owners_has_no_instant_for_checkins() -> None:
    team = Team(tenant_id=TENANT, id=TEAM_ID)
    now = datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert checkins_change_at(now, TeamSnapshot(team=team)) is None
    assert reminders_change_at(now, TeamSnapshot(team=team), entries=()) is None
