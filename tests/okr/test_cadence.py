"""Cadence: round dates per rhythm, per-owner due instants across time zones and DST."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.cadence import (
    DEFAULT_ANCHOR_DATE,
    RemindLater,
    current_round_date,
    due_at,
    next_due_at,
    next_round_at,
    next_round_date,
    owner_zone,
    previous_round_date,
    remind_later_at,
    round_date_on_or_before,
    round_dates,
    round_id,
    wall_time_instant,
    zone_or,
)
from okr.models import Cadence, Member, TeamSettings

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
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
    "America/St_Johns",
]
WEEKS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.TRIWEEKLY: 21}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def member(time_zone: str | None) -> Member:
    return Member(tenant_id="tenant-1", id="29:owner", time_zone=time_zone)


# --- round dates --------------------------------------------------------------


def test_weekly_rounds_fall_on_the_configured_weekday() -> None:
    settings = TeamSettings(weekday=2)  # Wednesday
    assert round_date_on_or_before(settings, date(2026, 12, 2)) == date(2026, 12, 2)
    assert round_date_on_or_before(settings, date(2026, 12, 1)) == date(2026, 11, 25)
    assert next_round_date(settings, date(2026, 12, 2)) == date(2026, 12, 9)
    assert next_round_date(settings, date(2026, 12, 1)) == date(2026, 12, 2)
    assert previous_round_date(settings, date(2026, 12, 2)) == date(2026, 11, 25)


def test_biweekly_counts_from_the_default_anchor_monday() -> None:
    settings = TeamSettings(cadence=Cadence.BIWEEKLY)
    assert date(2024, 1, 1) == DEFAULT_ANCHOR_DATE and DEFAULT_ANCHOR_DATE.weekday() == 0
    # 2026-11-30 is 1064 days = 76 fortnights after 2024-01-01.
    assert round_date_on_or_before(settings, date(2026, 12, 13)) == date(2026, 11, 30)
    assert next_round_date(settings, date(2026, 11, 30)) == date(2026, 12, 14)
    # The Monday in between is not a round.
    assert round_date_on_or_before(settings, date(2026, 12, 7)) == date(2026, 11, 30)


def test_biweekly_anchor_moves_the_rhythm_by_a_week() -> None:
    settings = TeamSettings(cadence=Cadence.BIWEEKLY, anchor_date="2026-12-07")
    assert round_date_on_or_before(settings, date(2026, 12, 13)) == date(2026, 12, 7)
    # The rhythm runs backwards from the anchor too.
    assert round_date_on_or_before(settings, date(2026, 12, 6)) == date(2026, 11, 23)


def test_triweekly_from_an_anchor_that_is_not_the_weekday() -> None:
    # Anchor on a Wednesday, rounds on Mondays: the first round is the next Monday.
    settings = TeamSettings(cadence=Cadence.TRIWEEKLY, anchor_date="2026-01-07")
    rounds = list(round_dates(settings, date(2026, 1, 1), date(2026, 3, 1)))
    assert rounds == [date(2026, 1, 12), date(2026, 2, 2), date(2026, 2, 23)]
    assert round_date_on_or_before(settings, date(2026, 1, 11)) == date(2025, 12, 22)


@pytest.mark.parametrize(
    ("day", "expected_on_or_before", "expected_next"),
    [
        # First Monday of March 2027 is the 1st: a month that starts on the weekday.
        (date(2027, 3, 1), date(2027, 3, 1), date(2027, 4, 5)),
        (date(2027, 2, 28), date(2027, 2, 1), date(2027, 3, 1)),
        (date(2027, 3, 31), date(2027, 3, 1), date(2027, 4, 5)),
        # December -> January, across the year.
        (date(2026, 12, 7), date(2026, 12, 7), date(2027, 1, 4)),
        (date(2026, 12, 31), date(2026, 12, 7), date(2027, 1, 4)),
        # Before the first Monday of January: the December round.
        (date(2027, 1, 3), date(2026, 12, 7), date(2027, 1, 4)),
    ],
)
def test_monthly_is_the_first_weekday_of_each_month(
    day: date, expected_on_or_before: date, expected_next: date
) -> None:
    settings = TeamSettings(cadence=Cadence.MONTHLY)
    assert round_date_on_or_before(settings, day) == expected_on_or_before
    assert next_round_date(settings, day) == expected_next


def test_monthly_on_friday() -> None:
    settings = TeamSettings(cadence=Cadence.MONTHLY, weekday=4)
    rounds = list(round_dates(settings, date(2026, 12, 1), date(2027, 2, 28)))
    assert rounds == [date(2026, 12, 4), date(2027, 1, 1), date(2027, 2, 5)]


def test_round_dates_is_inclusive_at_both_ends() -> None:
    settings = TeamSettings()
    assert list(round_dates(settings, date(2026, 11, 30), date(2026, 12, 14))) == [
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
    ]
    assert list(round_dates(settings, date(2026, 12, 1), date(2026, 12, 6))) == []


def test_round_id_is_stable_and_separates_teams_colons() -> None:
    assert round_id("19:abc@thread.tacv2", date(2026, 11, 30)) == (
        "checkin|19:abc@thread.tacv2|2026-11-30"
    )


def test_the_next_round_is_shown_in_the_owners_zone_and_none_for_unusable_settings() -> None:
    hanoi = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    now = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)  # Wednesday, 10:00 in Hanoi
    shown = next_round_at(hanoi, now)
    assert shown == next_due_at(hanoi, now)  # the same instant...
    assert shown is not None and (shown.tzinfo, shown.hour) == (ZoneInfo("Asia/Ho_Chi_Minh"), 9)
    berlin = Member(tenant_id="t", id="m", time_zone="Europe/Berlin")
    mine = next_round_at(hanoi, now, berlin)  # ...or, for a person, 09:00 where they are
    assert mine is not None and (mine.tzinfo, mine.hour) == (ZoneInfo("Europe/Berlin"), 9)
    assert next_round_at(TeamSettings(weekday=7), now) is None  # stored before validation


def test_invalid_settings_are_refused_with_the_setting_named() -> None:
    with pytest.raises(ValueError, match="weekday 7"):
        round_date_on_or_before(TeamSettings(weekday=7), date(2026, 1, 1))
    with pytest.raises(ValueError, match="anchor date"):
        round_date_on_or_before(
            TeamSettings(cadence=Cadence.BIWEEKLY, anchor_date="next monday"), date(2026, 1, 1)
        )


# --- time zones and wall times ------------------------------------------------


@pytest.mark.parametrize("bad", [None, "", "Mars/Olympus", "../etc/passwd", "America", "UTC "])
def test_a_bad_owner_zone_falls_back_to_the_team_zone(bad: str | None) -> None:
    settings = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    assert owner_zone(settings, member(bad)) == HO_CHI_MINH


def test_a_bad_team_zone_falls_back_to_utc() -> None:
    assert zone_or("Mars/Olympus", "Nowhere/Else") == ZoneInfo("UTC")
    assert owner_zone(TeamSettings(time_zone="nonsense"), None) == ZoneInfo("UTC")


def test_ho_chi_minh_has_no_dst() -> None:
    settings = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    assert due_at(settings, date(2026, 11, 30)) == utc(2026, 11, 30, 2)
    assert due_at(settings, date(2027, 3, 29)) == utc(2027, 3, 29, 2)


def test_berlin_keeps_nine_oclock_across_the_march_change() -> None:
    settings = TeamSettings(time_zone="Europe/Berlin")
    before, after = date(2027, 3, 22), date(2027, 3, 29)  # Mondays around 2027-03-28
    assert due_at(settings, before) == utc(2027, 3, 22, 8)  # CET, UTC+1
    assert due_at(settings, after) == utc(2027, 3, 29, 7)  # CEST, UTC+2
    assert due_at(settings, after).astimezone(BERLIN).time() == time(9, 0)


def test_berlin_keeps_nine_oclock_across_the_october_change() -> None:
    settings = TeamSettings(time_zone="Europe/Berlin")
    assert due_at(settings, date(2027, 10, 25)) == utc(2027, 10, 25, 7)  # CEST
    assert due_at(settings, date(2027, 11, 1)) == utc(2027, 11, 1, 8)  # CET


def test_los_angeles_across_march_and_november() -> None:
    settings = TeamSettings(time_zone="America/Los_Angeles")
    assert due_at(settings, date(2027, 3, 8)) == utc(2027, 3, 8, 17)  # PST
    assert due_at(settings, date(2027, 3, 15)) == utc(2027, 3, 15, 16)  # PDT
    assert due_at(settings, date(2027, 11, 1)) == utc(2027, 11, 1, 16)  # PDT
    assert due_at(settings, date(2027, 11, 8)) == utc(2027, 11, 8, 17)  # PST


def test_a_wall_time_in_the_spring_gap_moves_to_the_end_of_the_gap() -> None:
    # 02:30 does not exist in Berlin on 2027-03-28: clocks go 02:00 CET -> 03:00 CEST.
    assert wall_time_instant(date(2027, 3, 28), time(2, 30), BERLIN) == utc(2027, 3, 28, 1)
    # Los Angeles, 2027-03-14: 02:00 PST -> 03:00 PDT.
    instant = wall_time_instant(date(2027, 3, 14), time(2, 30), LOS_ANGELES)
    assert instant == utc(2027, 3, 14, 10)
    assert instant.astimezone(LOS_ANGELES).time() == time(3, 0)


def test_an_ambiguous_wall_time_is_its_first_occurrence() -> None:
    # 02:30 happens twice in Berlin on 2027-10-31: first in CEST (UTC+2).
    assert wall_time_instant(date(2027, 10, 31), time(2, 30), BERLIN) == utc(2027, 10, 31, 0, 30)
    # 01:30 twice in Los Angeles on 2027-11-07: first in PDT (UTC-7).
    instant = wall_time_instant(date(2027, 11, 7), time(1, 30), LOS_ANGELES)
    assert instant == utc(2027, 11, 7, 8, 30)


def test_a_whole_skipped_day_moves_to_the_next_day() -> None:
    # Samoa skipped 2011-12-30 when it crossed the date line.
    instant = wall_time_instant(date(2011, 12, 30), time(9), ZoneInfo("Pacific/Apia"))
    assert instant.astimezone(ZoneInfo("Pacific/Apia")).replace(tzinfo=None) == datetime(
        2011, 12, 31
    )


def test_an_owner_in_another_zone_is_due_at_their_own_nine_oclock() -> None:
    settings = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    round_date = date(2026, 11, 30)
    assert due_at(settings, round_date, member("America/Los_Angeles")) == utc(2026, 11, 30, 17)
    assert due_at(settings, round_date, member(None)) == utc(2026, 11, 30, 2)


def test_current_round_is_per_owner_and_lasts_until_the_next_due_instant() -> None:
    settings = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    la = member("America/Los_Angeles")
    # Monday 2026-11-30 10:00 UTC: Hanoi's round has started, Los Angeles's has not.
    now = utc(2026, 11, 30, 10)
    assert current_round_date(settings, now) == date(2026, 11, 30)
    assert current_round_date(settings, now, la) == date(2026, 11, 23)
    assert next_due_at(settings, now, la) == utc(2026, 11, 30, 17)
    # Exactly at the due instant the round is current.
    assert current_round_date(settings, utc(2026, 11, 30, 17), la) == date(2026, 11, 30)
    # Six days later, still the same round; at the next due instant, the next one.
    assert current_round_date(settings, utc(2026, 12, 7, 1, 59)) == date(2026, 11, 30)
    assert current_round_date(settings, utc(2026, 12, 7, 2)) == date(2026, 12, 7)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        current_round_date(TeamSettings(), datetime(2026, 11, 30, 9))


# --- properties ---------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def team_settings(draw: st.DrawFn) -> TeamSettings:
    cadence = draw(st.sampled_from(Cadence))
    anchor = draw(st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 1, 1)))
    return TeamSettings(
        cadence=cadence,
        weekday=draw(st.integers(min_value=0, max_value=6)),
        time_of_day=draw(st.times()),
        time_zone=draw(st.sampled_from(ZONES)),
        anchor_date=anchor.isoformat() if anchor else None,
    )


def _wall_time_or_first_after_gap(instant: datetime, day: date, at: time, zone: ZoneInfo) -> None:
    wall = datetime.combine(day, at)
    local = instant.astimezone(zone)
    if local.replace(tzinfo=None) == wall:
        return
    # Otherwise the wall time fell in a gap and the instant is the end of that gap:
    # the wall time does not exist, and the offset changes exactly at the instant.
    as_read = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    assert as_read != wall, f"{wall} exists in {zone} but {instant} was given"
    just_before = (instant - timedelta(microseconds=1)).astimezone(zone)
    assert just_before.utcoffset() != local.utcoffset()
    assert just_before.replace(tzinfo=None) < wall < local.replace(tzinfo=None)


@given(team_settings(), instants, st.sampled_from([*ZONES, None, "Not/AZone"]))
def test_due_instant_shows_the_configured_wall_time_and_brackets_now(
    settings: TeamSettings, now: datetime, owner_time_zone: str | None
) -> None:
    owner = member(owner_time_zone)
    current = current_round_date(settings, now, owner)
    due = due_at(settings, current, owner)
    assert due.tzinfo is UTC
    _wall_time_or_first_after_gap(due, current, settings.time_of_day, owner_zone(settings, owner))
    # The owner's current round has started and the next one has not.
    assert due <= now < next_due_at(settings, now, owner)


@given(team_settings(), days)
def test_round_dates_are_regular(settings: TeamSettings, day: date) -> None:
    current = round_date_on_or_before(settings, day)
    following = next_round_date(settings, current)
    assert current <= day < following
    assert round_date_on_or_before(settings, current) == current  # idempotent
    assert round_date_on_or_before(settings, following) == following
    assert next_round_date(settings, day) == following
    assert previous_round_date(settings, following) == current
    assert current.weekday() == following.weekday() == settings.weekday
    if settings.cadence is Cadence.MONTHLY:
        # The first such weekday of consecutive months.
        assert current.day <= 7 and following.day <= 7
        assert (following.year * 12 + following.month) - (current.year * 12 + current.month) == 1
    else:
        assert (following - current).days == WEEKS[settings.cadence]


@given(team_settings(), days, days)
def test_rhythm_is_the_same_whichever_day_it_is_computed_from(
    settings: TeamSettings, first: date, second: date
) -> None:
    # Two instances computing on different days agree on the rhythm.
    a, b = sorted([first, second])
    from_a = round_date_on_or_before(settings, a)
    while from_a < round_date_on_or_before(settings, b):
        from_a = next_round_date(settings, from_a)
    assert from_a == round_date_on_or_before(settings, b)


@functools.cache
def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC hours at which ``zone`` changes its offset in ``year`` (to the hour)."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    while moment.year == year:
        step = moment + timedelta(hours=1)
        if moment.astimezone(zone).utcoffset() != step.astimezone(zone).utcoffset():
            found.append(step)
        moment = step
    return found


@given(
    st.data(),
    st.sampled_from([z for z in ZONES if z not in {"UTC", "Asia/Ho_Chi_Minh"}]),
    st.integers(min_value=2020, max_value=2035),
)
def test_wall_times_near_dst_changes(data: st.DataObject, name: str, year: int) -> None:
    # Random times rarely land in a gap; these are drawn around the changes themselves.
    zone = ZoneInfo(name)
    changes = _transitions(zone, year)
    if not changes:
        return  # the zone has no DST that year
    change = data.draw(st.sampled_from(changes))
    near = change.astimezone(zone) + timedelta(
        seconds=data.draw(st.integers(min_value=-5400, max_value=5400))
    )
    wall = near.replace(tzinfo=None)
    instant = wall_time_instant(wall.date(), wall.time(), zone)
    _wall_time_or_first_after_gap(instant, wall.date(), wall.time(), zone)
    # An ambiguous time resolves to its first occurrence (fold=0 is the earlier one).
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        assert instant == wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        assert instant <= wall.replace(tzinfo=zone, fold=1).astimezone(UTC)


def test_a_persons_zone_is_their_choice_then_their_clients_then_the_teams() -> None:
    team = TeamSettings(time_zone="Europe/Berlin")
    chose = Member(tenant_id="t", id="m", preferred_time_zone="Asia/Tokyo", time_zone="Asia/Seoul")
    assert owner_zone(team, chose).key == "Asia/Tokyo"
    # An invalid choice falls through to what their Teams client reports, not to the team.
    broken = Member(
        tenant_id="t", id="m", preferred_time_zone="Mars/Olympus", time_zone="Asia/Ho_Chi_Minh"
    )
    assert owner_zone(team, broken).key == "Asia/Ho_Chi_Minh"
    assert owner_zone(team, Member(tenant_id="t", id="m")).key == "Europe/Berlin"
    assert owner_zone(None, Member(tenant_id="t", id="m", time_zone="../etc")).key == "UTC"


# --- "Remind me later" ----------------------------------------------------------------


def test_remind_me_later_in_hours_or_tomorrow_morning_on_the_owners_clock() -> None:
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    now = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)  # 15:15 in Hanoi
    assert remind_later_at(RemindLater.IN_ONE_HOUR, now, hanoi) == now + timedelta(hours=1)
    assert remind_later_at(RemindLater.IN_THREE_HOURS, now, hanoi) == now + timedelta(hours=3)
    tomorrow = remind_later_at(RemindLater.TOMORROW_MORNING, now, hanoi)
    assert tomorrow.astimezone(hanoi).isoformat() == "2026-12-01T09:00:00+07:00"


@given(
    st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    st.sampled_from(
        ["Europe/Berlin", "America/Los_Angeles", "Asia/Ho_Chi_Minh", "Australia/Lord_Howe"]
    ),
)
def test_tomorrow_morning_is_always_nine_oclock_the_next_local_day(
    now: datetime, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    back = remind_later_at(RemindLater.TOMORROW_MORNING, now, zone).astimezone(zone)
    assert back.date() == now.astimezone(zone).date() + timedelta(days=1)
    assert (back.hour, back.minute) == (9, 0)
    assert back > now
