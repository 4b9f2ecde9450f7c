"""Who is due for a check-in card, a reminder or the team owners' summary, at an injected now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.cadence import due_at
from okr.due import (
    DeliveryKind,
    OwnerRound,
    SkipReason,
    TeamSnapshot,
    current_owner_rounds,
    delivery_id,
    due_owners,
    nudge_request_id,
    nudges_due,
    owner_rounds,
    reminder_due,
    reminders_due,
    summary_due,
    summary_due_at,
)
from okr.models import (
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
)
from okr.periods import Period

TENANT = "tenant-1"
TEAM_ID = "19:team@thread.tacv2"
ROUND = date(2026, 11, 30)  # a Monday in Q4 2026
ROUND_ID = f"checkin|{TEAM_ID}|2026-11-30"
Q4_2026 = Period.quarter(2026, 4)

# Team in Hanoi (UTC+7, no DST): Monday 09:00 is 02:00 UTC.
HANOI = Member(tenant_id=TENANT, id="29:hanoi")  # no zone of their own: the team's
BERLIN = Member(tenant_id=TENANT, id="29:berlin", time_zone="Europe/Berlin")  # 08:00 UTC
LOS_ANGELES = Member(tenant_id=TENANT, id="29:la", time_zone="America/Los_Angeles")  # 17:00 UTC
PAUSED = Member(tenant_id=TENANT, id="29:paused", prompts_paused=True)
UNREACHABLE = Member(tenant_id=TENANT, id="29:unreachable", reachable=False)

HANOI_DUE = datetime(2026, 11, 30, 2, tzinfo=UTC)
BERLIN_DUE = datetime(2026, 11, 30, 8, tzinfo=UTC)
LA_DUE = datetime(2026, 11, 30, 17, tzinfo=UTC)


def team(**settings: object) -> Team:
    defaults: dict[str, object] = {"time_zone": "Asia/Ho_Chi_Minh"}
    return Team(
        tenant_id=TENANT,
        id=TEAM_ID,
        owner_ids=("29:lead",),
        settings=TeamSettings(**{**defaults, **settings}),  # type: ignore[arg-type]
    )


def objective(
    id: str = "obj-1",
    state: ObjectiveState = ObjectiveState.ACTIVE,
    period: Period = Q4_2026,
) -> Objective:
    return Objective(
        tenant_id=TENANT,
        id=id,
        title=f"Objective {id}",
        owner_id="29:lead",
        period=period,
        state=state,
        team_id=TEAM_ID,
    )


def key_result(
    id: str,
    owner_id: str | None,
    objective_id: str = "obj-1",
    last_checkin_at: datetime | None = None,
) -> KeyResult:
    return KeyResult(
        tenant_id=TENANT,
        id=id,
        objective_id=objective_id,
        title=f"Key result {id}",
        owner_id=owner_id,
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(100),
        current=Decimal(0),
        last_checkin_at=last_checkin_at,
    )


def snapshot(
    *key_results: KeyResult,
    members: tuple[Member, ...] = (HANOI, BERLIN, LOS_ANGELES, PAUSED, UNREACHABLE),
    objectives: tuple[Objective, ...] = (objective(),),
    **settings: object,
) -> TeamSnapshot:
    return TeamSnapshot(team(**settings), members, objectives, key_results)


def one_each() -> TeamSnapshot:
    """One key result per member, none checked in."""
    return snapshot(
        key_result("kr-hanoi", HANOI.id),
        key_result("kr-berlin", BERLIN.id),
        key_result("kr-la", LOS_ANGELES.id),
        key_result("kr-paused", PAUSED.id),
        key_result("kr-unreachable", UNREACHABLE.id),
    )


def owners(entries: list[OwnerRound], round_date: date = ROUND) -> dict[str, list[str]]:
    """Member id -> ids of the key results asked, for entries of ``round_date``."""
    return {
        entry.member.id: [kr.id for kr in entry.key_results]
        for entry in entries
        if entry.round_date == round_date
    }


# --- check-in cards -----------------------------------------------------------


def test_each_owner_is_due_at_their_own_local_time() -> None:
    team_snapshot = one_each()
    assert owners(due_owners(HANOI_DUE - timedelta(microseconds=1), team_snapshot)) == {}
    assert owners(due_owners(HANOI_DUE, team_snapshot)) == {HANOI.id: ["kr-hanoi"]}
    # 10:00 UTC: Hanoi (09:00 +07) and Berlin (09:00 CET) are due; Los Angeles is not yet.
    at_ten = due_owners(datetime(2026, 11, 30, 10, tzinfo=UTC), team_snapshot)
    assert owners(at_ten) == {HANOI.id: ["kr-hanoi"], BERLIN.id: ["kr-berlin"]}
    # Los Angeles is still in last week's round.
    assert [(entry.round_date, entry.due_at) for entry in at_ten] == [
        (date(2026, 11, 23), LA_DUE - timedelta(days=7)),
        (ROUND, HANOI_DUE),
        (ROUND, BERLIN_DUE),
    ]
    assert owners(due_owners(LA_DUE, team_snapshot)).keys() == {HANOI.id, BERLIN.id, LOS_ANGELES.id}


def test_a_pass_before_local_time_finds_only_the_previous_round() -> None:
    # At 07:59 UTC Berlin is still in last week's round (already served by then).
    entries = due_owners(BERLIN_DUE - timedelta(minutes=1), one_each())
    berlin = [entry for entry in entries if entry.member.id == BERLIN.id]
    assert [entry.round_date for entry in berlin] == [date(2026, 11, 23)]
    assert BERLIN.id not in owners(entries)


def test_a_late_pass_after_a_restart_still_finds_the_round() -> None:
    # Sunday night, six days late: everyone is still due in Monday's round.
    late = datetime(2026, 12, 6, 23, tzinfo=UTC)
    assert owners(due_owners(late, one_each())).keys() == {HANOI.id, BERLIN.id, LOS_ANGELES.id}
    # Once Hanoi's next round is due, Hanoi moves on while Berlin's round is still open.
    next_monday = datetime(2026, 12, 7, 3, tzinfo=UTC)
    entries = due_owners(next_monday, one_each())
    assert owners(entries, date(2026, 12, 7)) == {HANOI.id: ["kr-hanoi"]}
    assert owners(entries).keys() == {BERLIN.id, LOS_ANGELES.id}


def test_delivery_ids_name_round_member_and_kind() -> None:
    [entry] = [e for e in due_owners(HANOI_DUE, one_each()) if e.round_date == ROUND]
    assert entry.round_id == ROUND_ID
    assert entry.delivery_id(DeliveryKind.CHECKIN) == f"{ROUND_ID}|29:hanoi|checkin"
    assert delivery_id(ROUND_ID, "29:hanoi", DeliveryKind.REMINDER) == (
        f"{ROUND_ID}|29:hanoi|reminder"
    )
    assert len({delivery_id(ROUND_ID, "29:hanoi", kind) for kind in DeliveryKind}) == len(
        DeliveryKind
    )
    # A round's one nudge request cannot be taken for anyone's delivery.
    assert nudge_request_id(ROUND_ID) not in {
        delivery_id(ROUND_ID, "29:hanoi", kind) for kind in DeliveryKind
    }


def test_a_nudge_reaches_those_still_missing_in_the_nudged_round_only() -> None:
    team_snapshot = snapshot(
        key_result("kr-done", HANOI.id, last_checkin_at=HANOI_DUE + timedelta(hours=3)),
        key_result("kr-missing", BERLIN.id),
    )
    entries = current_owner_rounds(HANOI_DUE + timedelta(days=2), team_snapshot)
    nudged = nudges_due(entries, {ROUND_ID})
    assert [e.member.id for e in nudged] == [BERLIN.id]
    assert nudges_due(entries, {"checkin|another|2026-11-30"}) == []


def test_paused_and_unreachable_members_are_skipped_with_a_reason() -> None:
    entries = current_owner_rounds(LA_DUE, one_each())
    reasons = {entry.member.id: entry.skip_reason for entry in entries}
    assert reasons[PAUSED.id] is SkipReason.PAUSED
    assert reasons[UNREACHABLE.id] is SkipReason.UNREACHABLE
    assert reasons[HANOI.id] is None
    assert {entry.member.id for entry in due_owners(LA_DUE, one_each())} == {
        HANOI.id,
        BERLIN.id,
        LOS_ANGELES.id,
    }


@pytest.mark.parametrize(
    "silent",
    [
        objective("obj-draft", state=ObjectiveState.DRAFT),
        objective("obj-closed", state=ObjectiveState.CLOSED),
        objective("obj-next", period=Period.quarter(2027, 1)),  # has not started
        objective("obj-past", period=Period.quarter(2026, 3)),  # is over
    ],
    ids=["draft", "closed", "period not started", "period over"],
)
def test_objectives_that_send_nothing(silent: Objective) -> None:
    team_snapshot = snapshot(
        key_result("kr-asked", HANOI.id),
        key_result("kr-silent", HANOI.id, silent.id),
        key_result("kr-silent-only", BERLIN.id, silent.id),
        objectives=(objective(), silent),
    )
    assert owners(due_owners(LA_DUE, team_snapshot)) == {HANOI.id: ["kr-asked"]}


def test_a_key_result_without_owner_asks_nobody() -> None:
    team_snapshot = snapshot(key_result("kr-orphan", None))
    assert due_owners(LA_DUE, team_snapshot) == []
    assert owner_rounds(team_snapshot, ROUND) == []


def test_the_round_date_decides_the_period_not_the_owner_instant() -> None:
    # Round 2027-01-04 is in Q1 2027 for everyone, though for Los Angeles it is due
    # on 2027-01-04 17:00 UTC and for Hanoi on 2027-01-04 02:00 UTC.
    team_snapshot = snapshot(
        key_result("kr-q4", HANOI.id, "obj-q4"),
        key_result("kr-q1", LOS_ANGELES.id, "obj-q1"),
        objectives=(objective("obj-q4"), objective("obj-q1", period=Period.quarter(2027, 1))),
    )
    entries = due_owners(datetime(2027, 1, 4, 18, tzinfo=UTC), team_snapshot)
    assert owners(entries, date(2027, 1, 4)) == {LOS_ANGELES.id: ["kr-q1"]}


def test_an_owner_without_a_member_record_is_asked_in_the_team_zone() -> None:
    team_snapshot = snapshot(key_result("kr-stranger", "29:stranger"), members=())
    [entry] = due_owners(HANOI_DUE, team_snapshot)
    assert entry.member == Member(tenant_id=TENANT, id="29:stranger")
    assert entry.due_at == HANOI_DUE


def test_an_owner_in_another_zone_than_the_team() -> None:
    # Team in Los Angeles, owner in Hanoi: Hanoi's Monday 09:00 is Sunday 18:00 in LA.
    team_snapshot = snapshot(
        key_result("kr", "29:vn"),
        members=(Member(tenant_id=TENANT, id="29:vn", time_zone="Asia/Ho_Chi_Minh"),),
        time_zone="America/Los_Angeles",
    )
    [entry] = due_owners(HANOI_DUE, team_snapshot)
    assert entry.round_date == ROUND
    assert entry.due_at == HANOI_DUE


# --- skip if checked in within N days ----------------------------------------


def test_checked_in_exactly_n_days_before_due_is_skipped() -> None:
    boundary = BERLIN_DUE - timedelta(days=2)
    team_snapshot = snapshot(key_result("kr", BERLIN.id, last_checkin_at=boundary))
    assert due_owners(BERLIN_DUE, team_snapshot) == []
    [entry] = current_owner_rounds(BERLIN_DUE, team_snapshot)
    assert entry.skip_reason is SkipReason.CHECKED_IN
    assert [kr.id for kr in entry.checked_in] == ["kr"]


def test_checked_in_just_over_n_days_before_due_is_asked() -> None:
    earlier = BERLIN_DUE - timedelta(days=2, microseconds=1)
    team_snapshot = snapshot(key_result("kr", BERLIN.id, last_checkin_at=earlier))
    assert owners(due_owners(BERLIN_DUE, team_snapshot)) == {BERLIN.id: ["kr"]}


def test_the_window_is_the_team_setting() -> None:
    three_days = BERLIN_DUE - timedelta(days=3)
    team_snapshot = snapshot(
        key_result("kr", BERLIN.id, last_checkin_at=three_days), skip_if_checked_in_within_days=3
    )
    assert due_owners(BERLIN_DUE, team_snapshot) == []
    hour_before = BERLIN_DUE - timedelta(hours=1)
    no_window = snapshot(
        key_result("kr", BERLIN.id, last_checkin_at=hour_before), skip_if_checked_in_within_days=0
    )
    assert owners(due_owners(BERLIN_DUE, no_window)) == {BERLIN.id: ["kr"]}


def test_only_the_key_results_not_checked_in_are_on_the_card() -> None:
    team_snapshot = snapshot(
        key_result("kr-recent", BERLIN.id, last_checkin_at=BERLIN_DUE - timedelta(days=1)),
        key_result("kr-old", BERLIN.id, last_checkin_at=BERLIN_DUE - timedelta(days=9)),
        key_result("kr-never", BERLIN.id),
    )
    [entry] = due_owners(BERLIN_DUE, team_snapshot)
    assert [kr.id for kr in entry.key_results] == ["kr-old", "kr-never"]
    assert [kr.id for kr in entry.checked_in] == ["kr-recent"]


def test_a_check_in_after_the_due_instant_ends_the_owner_round() -> None:
    answered = snapshot(
        key_result("kr", BERLIN.id, last_checkin_at=BERLIN_DUE + timedelta(hours=1))
    )
    assert due_owners(BERLIN_DUE + timedelta(days=3), answered) == []


# --- reminders ----------------------------------------------------------------


def test_reminder_due_primitive() -> None:
    due = HANOI_DUE
    assert not reminder_due(due, 24, due + timedelta(hours=23, minutes=59), False)
    assert reminder_due(due, 24, due + timedelta(hours=24), False)
    assert not reminder_due(due, 24, due + timedelta(hours=25), True)
    superseded = due + timedelta(days=7)
    assert reminder_due(due, 24, superseded - timedelta(seconds=1), False, superseded)
    assert not reminder_due(due, 24, superseded, False, superseded)


def test_reminders_come_after_each_owners_own_delay() -> None:
    team_snapshot = one_each()
    day_after = HANOI_DUE + timedelta(hours=24)
    assert owners(reminders_due(day_after - timedelta(microseconds=1), team_snapshot)) == {}
    assert owners(reminders_due(day_after, team_snapshot)) == {HANOI.id: ["kr-hanoi"]}
    assert owners(reminders_due(LA_DUE + timedelta(hours=24), team_snapshot)).keys() == {
        HANOI.id,
        BERLIN.id,
        LOS_ANGELES.id,
    }


def test_no_reminder_after_checking_in_since_the_due_instant() -> None:
    team_snapshot = snapshot(
        key_result("kr-1", HANOI.id, last_checkin_at=HANOI_DUE + timedelta(hours=3)),
        key_result("kr-2", HANOI.id, last_checkin_at=HANOI_DUE + timedelta(hours=3)),
    )
    assert reminders_due(HANOI_DUE + timedelta(days=1), team_snapshot) == []


def test_a_reminder_lists_only_what_is_still_missing() -> None:
    team_snapshot = snapshot(
        key_result("kr-done", HANOI.id, last_checkin_at=HANOI_DUE + timedelta(hours=3)),
        key_result("kr-missing", HANOI.id),
    )
    [entry] = reminders_due(HANOI_DUE + timedelta(days=1), team_snapshot)
    assert [kr.id for kr in entry.key_results] == ["kr-missing"]
    assert entry.delivery_id(DeliveryKind.REMINDER) == f"{ROUND_ID}|29:hanoi|reminder"


def test_the_reminder_delay_is_the_team_setting() -> None:
    team_snapshot = snapshot(key_result("kr", HANOI.id), reminder_delay_hours=48)
    assert reminders_due(HANOI_DUE + timedelta(hours=47), team_snapshot) == []
    assert len(reminders_due(HANOI_DUE + timedelta(hours=48), team_snapshot)) == 1


def test_reminders_lapse_when_the_next_round_starts() -> None:
    team_snapshot = snapshot(key_result("kr", HANOI.id))
    next_round = HANOI_DUE + timedelta(days=7)
    [late] = reminders_due(next_round - timedelta(seconds=1), team_snapshot)
    assert late.round_date == ROUND
    assert reminders_due(next_round, team_snapshot) == []  # the new round's delay runs


def test_remind_me_later_moves_the_reminder_earlier_or_later_and_is_the_only_one() -> None:
    team_snapshot = snapshot(key_result("kr", HANOI.id))
    card = f"{ROUND_ID}|29:hanoi|checkin"
    earlier = {card: HANOI_DUE + timedelta(hours=3)}
    assert reminders_due(HANOI_DUE + timedelta(hours=2, minutes=59), team_snapshot, earlier) == []
    [entry] = reminders_due(HANOI_DUE + timedelta(hours=3), team_snapshot, earlier)
    assert entry.member.id == HANOI.id
    # Asked for later than the team's delay: nothing at the usual time.
    later = {card: HANOI_DUE + timedelta(hours=30)}
    assert reminders_due(HANOI_DUE + timedelta(hours=24), team_snapshot, later) == []
    assert len(reminders_due(HANOI_DUE + timedelta(hours=30), team_snapshot, later)) == 1
    # Another owner's "later" changes nothing for this one.
    other = {f"{ROUND_ID}|29:berlin|checkin": HANOI_DUE + timedelta(hours=1)}
    assert reminders_due(HANOI_DUE + timedelta(hours=1), team_snapshot, other) == []


def test_paused_and_unreachable_members_get_no_reminder() -> None:
    entries = reminders_due(LA_DUE + timedelta(days=1), one_each())
    assert {entry.member.id for entry in entries} == {HANOI.id, BERLIN.id, LOS_ANGELES.id}


# --- team owners' summary -----------------------------------------------------


def test_summary_is_due_one_delay_after_the_last_reminder() -> None:
    team_snapshot = one_each()
    # Los Angeles is the last owner due (17:00 UTC), reminded a day later.
    expected = LA_DUE + timedelta(hours=48)
    assert summary_due_at(team_snapshot.team.settings, owner_rounds(team_snapshot, ROUND)) == (
        expected
    )
    before = summary_due(expected - timedelta(microseconds=1), team_snapshot)
    assert before is not None and before.round_date == date(2026, 11, 23)  # last week's
    summary = summary_due(expected, team_snapshot)
    assert summary is not None
    assert summary.round_id == ROUND_ID
    assert summary.due_at == expected
    assert summary.delivery_ids() == {"29:lead": f"{ROUND_ID}|29:lead|summary"}


def test_summary_lists_who_is_missing_unreachable_included() -> None:
    answered = HANOI_DUE + timedelta(hours=2)
    team_snapshot = snapshot(
        key_result("kr-hanoi", HANOI.id, last_checkin_at=answered),
        key_result("kr-berlin", BERLIN.id),
        key_result("kr-paused", PAUSED.id),
        key_result("kr-unreachable", UNREACHABLE.id),
    )
    summary = summary_due(datetime(2026, 12, 3, tzinfo=UTC), team_snapshot)
    assert summary is not None and summary.round_date == ROUND
    assert [entry.member.id for entry in summary.missing] == [UNREACHABLE.id, BERLIN.id]
    assert summary.missing[0].skip_reason is SkipReason.UNREACHABLE


def test_no_summary_for_a_round_without_owners() -> None:
    assert summary_due_at(TeamSettings(), []) is None
    assert summary_due(datetime(2026, 12, 3, tzinfo=UTC), snapshot()) is None


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        due_owners(datetime(2026, 11, 30, 10), one_each())


# --- properties ---------------------------------------------------------------


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=7)))
def test_an_owner_stays_due_for_exactly_one_round(after_due: timedelta) -> None:
    # Whenever a pass runs between an owner's due instant and their next one, the
    # owner is due in that round, and only then.
    team_snapshot = snapshot(key_result("kr", BERLIN.id))
    now = BERLIN_DUE + after_due
    next_due = due_at(team_snapshot.team.settings, date(2026, 12, 7), BERLIN)
    [entry] = due_owners(now, team_snapshot)
    assert entry.round_date == (ROUND if now < next_due else date(2026, 12, 7))
    assert entry.due_at <= now


# --- changing the rhythm --------------------------------------------------------


def test_a_round_due_before_the_rhythm_changed_is_not_sent() -> None:
    # The rhythm changed on Monday at 05:00 UTC: Hanoi's 09:00 (02:00 UTC) had already
    # passed, so Hanoi waits for next week; Berlin's and Los Angeles' come later.
    changed = datetime(2026, 11, 30, 5, tzinfo=UTC)
    team_snapshot = snapshot(
        key_result("kr-hanoi", HANOI.id),
        key_result("kr-berlin", BERLIN.id),
        key_result("kr-la", LOS_ANGELES.id),
        rhythm_changed_at=changed,
    )
    assert owners(due_owners(LA_DUE, team_snapshot)) == {
        BERLIN.id: ["kr-berlin"],
        LOS_ANGELES.id: ["kr-la"],
    }
    # Next week everyone is asked again.
    next_week = LA_DUE + timedelta(days=7)
    assert len(due_owners(next_week, team_snapshot)) == 3
