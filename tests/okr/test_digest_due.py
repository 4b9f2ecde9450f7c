"""When a team's digest is due, and when its period report is: pure rules with an injected now."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.digest_due import (
    REPORT_WINDOW,
    DigestSlot,
    digest_due,
    digest_round_id,
    next_digest_at,
    period_reports_due,
    report_round_id,
)
from okr.models import Objective, ObjectiveState, ObjectiveType, TeamSettings
from okr.periods import Period

TEAM = "19:team@thread.tacv2"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def friday_16(zone: str, **changes: Any) -> TeamSettings:
    return dataclasses.replace(
        TeamSettings(time_zone=zone, digest_weekday=4, digest_time=time(16, 0)), **changes
    )


# --- the slot ------------------------------------------------------------------------


def test_the_slot_is_due_from_its_instant_in_the_teams_zone_until_the_next_slot() -> None:
    settings = friday_16("Asia/Ho_Chi_Minh")  # Friday 4 Dec 2026 16:00 is 09:00 UTC
    slot = DigestSlot(date(2026, 12, 4), utc(2026, 12, 4, 9))
    assert digest_due(settings, utc(2026, 12, 4, 8, 59)) == DigestSlot(
        date(2026, 11, 27), utc(2026, 11, 27, 9)
    )  # a minute before: still last week's slot (already posted, the engine skips it)
    assert digest_due(settings, utc(2026, 12, 4, 9)) == slot
    assert digest_due(settings, utc(2026, 12, 8, 12)) == slot  # a late pass still finds it
    assert digest_due(settings, utc(2026, 12, 11, 8, 59)) == slot
    assert digest_due(settings, utc(2026, 12, 11, 9)) == DigestSlot(
        date(2026, 12, 11), utc(2026, 12, 11, 9)
    )


def test_a_pass_before_a_new_teams_first_slot_finds_nothing() -> None:
    settings = friday_16("UTC")
    # The team was installed on Wednesday: last Friday's slot is from before it.
    installed = utc(2026, 12, 2, 10)
    assert digest_due(settings, utc(2026, 12, 3, 12), since=installed) is None
    assert digest_due(settings, utc(2026, 12, 4, 16), since=installed) == DigestSlot(
        date(2026, 12, 4), utc(2026, 12, 4, 16)
    )


def test_turned_off_nothing_is_due_and_nothing_is_next() -> None:
    settings = friday_16("UTC", digest_enabled=False)
    assert digest_due(settings, utc(2026, 12, 4, 17)) is None
    assert next_digest_at(settings, utc(2026, 12, 4, 17)) is None


def test_changing_the_day_never_fires_a_slot_that_passed_before_the_change() -> None:
    # On Tuesday 8 Dec an owner moves the digest from Friday to Monday 09:00.
    changed = utc(2026, 12, 8, 10)
    settings = friday_16("UTC", digest_weekday=0, digest_time=time(9), digest_changed_at=changed)
    assert digest_due(settings, utc(2026, 12, 8, 11)) is None  # Monday 7 Dec is before it
    assert digest_due(settings, utc(2026, 12, 13, 23)) is None
    assert digest_due(settings, utc(2026, 12, 14, 9)) == DigestSlot(
        date(2026, 12, 14), utc(2026, 12, 14, 9)
    )
    # Moved to later the same day: today's new slot is still ahead, and is sent.
    later_today = friday_16("UTC", digest_time=time(18), digest_changed_at=utc(2026, 12, 4, 17))
    assert digest_due(later_today, utc(2026, 12, 4, 17, 30)) is None
    assert digest_due(later_today, utc(2026, 12, 4, 18)) == DigestSlot(
        date(2026, 12, 4), utc(2026, 12, 4, 18)
    )


@pytest.mark.parametrize(
    ("zone", "slot_day", "at", "instant"),
    [
        # Berlin springs forward on Sunday 28 Mar 2027 at 02:00: 02:30 does not exist.
        ("Europe/Berlin", date(2027, 3, 28), time(2, 30), utc(2027, 3, 28, 1)),
        # Berlin falls back on 31 Oct 2027: 02:30 happens twice, the first is taken.
        ("Europe/Berlin", date(2027, 10, 31), time(2, 30), utc(2027, 10, 31, 0, 30)),
        # 16:00 stays 16:00 local across the change: the UTC instant moves by an hour.
        ("Europe/Berlin", date(2027, 3, 26), time(16), utc(2027, 3, 26, 15)),
        ("Europe/Berlin", date(2027, 4, 2), time(16), utc(2027, 4, 2, 14)),
        # Santiago springs forward at midnight (Sunday 5 Sep 2027): 00:00 is 01:00.
        ("America/Santiago", date(2027, 9, 5), time(0), utc(2027, 9, 5, 4)),
        ("America/Santiago", date(2027, 9, 3), time(16), utc(2027, 9, 3, 20)),
        ("America/Santiago", date(2027, 9, 10), time(16), utc(2027, 9, 10, 19)),
        # Ho Chi Minh City has no DST: always UTC+7.
        ("Asia/Ho_Chi_Minh", date(2027, 3, 26), time(16), utc(2027, 3, 26, 9)),
    ],
)
def test_slots_across_daylight_saving(
    zone: str, slot_day: date, at: time, instant: datetime
) -> None:
    settings = TeamSettings(time_zone=zone, digest_weekday=slot_day.weekday(), digest_time=at)
    assert digest_due(settings, instant - timedelta(seconds=1)) != DigestSlot(slot_day, instant)
    assert digest_due(settings, instant) == DigestSlot(slot_day, instant)
    following = next_digest_at(settings, instant)
    assert following is not None
    # A week later at the same wall time: 6 days 23 hours across spring forward.
    assert following.astimezone(ZoneInfo(zone)).date() == slot_day + timedelta(days=7)
    assert digest_due(settings, following - timedelta(seconds=1)) == DigestSlot(slot_day, instant)
    assert next_digest_at(settings, instant - timedelta(minutes=1)) == instant


@given(
    zone=st.sampled_from(["Europe/Berlin", "America/Santiago", "Asia/Ho_Chi_Minh", "UTC"]),
    weekday=st.integers(0, 6),
    minutes=st.integers(0, 24 * 60 - 1),
    now=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2029, 1, 1), timezones=st.just(UTC)
    ),
)
def test_the_due_slot_is_the_latest_one_at_or_before_now(
    zone: str, weekday: int, minutes: int, now: datetime
) -> None:
    settings = TeamSettings(
        time_zone=zone, digest_weekday=weekday, digest_time=time(minutes // 60, minutes % 60)
    )
    slot = digest_due(settings, now)
    assert slot is not None
    assert slot.day.weekday() == weekday
    assert slot.at <= now
    following = next_digest_at(settings, now)
    assert following is not None and following > now
    assert following - slot.at <= timedelta(days=7, hours=2)  # a week, give or take DST
    assert digest_due(settings, following) == DigestSlot(slot.day + timedelta(days=7), following)
    assert slot.at.astimezone(ZoneInfo(zone)).date() == slot.day


def test_ids_name_the_team_and_the_slot_or_period() -> None:
    assert digest_round_id(TEAM, date(2026, 12, 4)) == f"digest|{TEAM}|2026-12-04"
    assert report_round_id(TEAM, Period.quarter(2026, 4)) == f"report|{TEAM}|2026-Q4"


# --- the period report -------------------------------------------------------------


Q3 = Period.quarter(2026, 3)  # ends 30 Sep 2026
Q4 = Period.quarter(2026, 4)


def objective(
    id: str,
    state: ObjectiveState,
    period: Period = Q3,
    closed_at: datetime | None = None,
    kind: ObjectiveType = ObjectiveType.COMMITTED,
) -> Objective:
    return Objective(
        tenant_id="t",
        id=id,
        title=id,
        owner_id="alice",
        period=period,
        state=state,
        team_id=TEAM,
        type=kind,
        score=Decimal("0.7") if state is ObjectiveState.CLOSED else None,
        closed_at=closed_at,
    )


def test_a_report_is_due_once_every_objective_of_an_ended_period_is_closed() -> None:
    now = utc(2026, 10, 9, 12)
    closed = [
        objective("a", ObjectiveState.CLOSED, closed_at=utc(2026, 10, 2)),
        objective("b", ObjectiveState.CLOSED, closed_at=utc(2026, 10, 5)),
        objective("draft", ObjectiveState.DRAFT),  # drafts are ignored
        objective("next", ObjectiveState.ACTIVE, period=Q4),  # another period
    ]
    [due] = period_reports_due(closed, now, "UTC")
    assert due.period == Q3
    assert [o.id for o in due.objectives] == ["a", "b"]
    assert due.closed_at == utc(2026, 10, 5)

    still_open = [*closed, objective("c", ObjectiveState.ACTIVE)]
    assert period_reports_due(still_open, now, "UTC") == []


def test_no_report_for_a_period_not_over_only_drafts_or_closed_long_ago() -> None:
    # Closed early, but Q4 is not over yet in the team's zone.
    early = [objective("a", ObjectiveState.CLOSED, period=Q4, closed_at=utc(2026, 12, 20))]
    assert period_reports_due(early, utc(2026, 12, 31, 16, 59), "Asia/Ho_Chi_Minh") == []
    assert len(period_reports_due(early, utc(2026, 12, 31, 17), "Asia/Ho_Chi_Minh")) == 1
    assert period_reports_due([objective("d", ObjectiveState.DRAFT)], utc(2026, 10, 9), "UTC") == []
    old = [objective("a", ObjectiveState.CLOSED, closed_at=utc(2026, 10, 2))]
    assert len(period_reports_due(old, utc(2026, 10, 2) + REPORT_WINDOW, "UTC")) == 1
    assert (
        period_reports_due(old, utc(2026, 10, 2) + REPORT_WINDOW + timedelta(seconds=1), "UTC")
        == []
    )
    # Closed before the bot recorded who and when (no closed_at): never reported.
    assert (
        period_reports_due([objective("a", ObjectiveState.CLOSED)], utc(2026, 10, 9), "UTC") == []
    )


def test_the_report_averages_committed_and_aspirational_apart() -> None:
    closed_at = utc(2026, 10, 2)
    scored = [
        dataclasses.replace(
            objective("c1", ObjectiveState.CLOSED, closed_at=closed_at), score=Decimal("1.0")
        ),
        dataclasses.replace(
            objective("c2", ObjectiveState.CLOSED, closed_at=closed_at), score=Decimal("0.5")
        ),
        dataclasses.replace(
            objective(
                "a1", ObjectiveState.CLOSED, closed_at=closed_at, kind=ObjectiveType.ASPIRATIONAL
            ),
            score=Decimal("0.7"),
        ),
        dataclasses.replace(
            objective(
                "a2", ObjectiveState.CLOSED, closed_at=closed_at, kind=ObjectiveType.ASPIRATIONAL
            ),
            score=Decimal("0.6"),
        ),
        dataclasses.replace(
            objective(
                "a3", ObjectiveState.CLOSED, closed_at=closed_at, kind=ObjectiveType.ASPIRATIONAL
            ),
            score=None,  # closed without a score: not averaged
        ),
    ]
    [report] = period_reports_due(scored, utc(2026, 10, 9), "UTC")
    assert report.average(ObjectiveType.COMMITTED) == Decimal("0.75")
    assert report.average(ObjectiveType.ASPIRATIONAL) == Decimal("0.65")
    only_committed = dataclasses.replace(report, objectives=report.objectives[:2])
    assert only_committed.average(ObjectiveType.ASPIRATIONAL) is None
