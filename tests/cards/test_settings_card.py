"""The settings cards and their readers, as pure functions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards import verbs
from cards.i18n import Language
from cards.settings import (
    NO_TIME_ZONE,
    TIME_ZONES,
    PersonalSettingsView,
    TeamSettingsView,
    channel_choices,
    describe_next_checkin,
    digest_channels,
    personal_settings_card,
    read_personal_settings_form,
    read_team_settings_form,
    settings_version,
    team_settings_card,
    team_settings_values,
    time_zone_choices,
)
from okr.models import Cadence, Channel, TeamSettings

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
GENERAL = Channel(id="19:team@thread.tacv2", name="")
PIPELINE = Channel(id="19:pipeline@thread.tacv2", name="Pipeline")
CHANNELS = (GENERAL, PIPELINE)
TYPED = {
    "cadence": "monthly",
    "weekday": "2",
    "time_of_day": "07:15",
    "time_zone": "Asia/Ho_Chi_Minh",
    "skip_days": "0",
    "reminder_hours": "168",
    "digest_channel": PIPELINE.id,
    "digest_weekday": "6",
    "digest_time": "18:45",
}


def read(**changes: Any) -> Any:
    return read_team_settings_form({**TYPED, **changes}, Language.EN, TeamSettings(), CHANNELS)


def test_a_valid_card_becomes_settings_and_keeps_what_the_card_does_not_show() -> None:
    current = TeamSettings(anchor_date="2026-01-05")
    form = read_team_settings_form(TYPED, Language.EN, current, CHANNELS)
    assert form.ok and form.problems == {}
    assert form.parsed == TeamSettings(
        cadence=Cadence.MONTHLY,
        weekday=2,
        time_of_day=time(7, 15),
        time_zone="Asia/Ho_Chi_Minh",
        skip_if_checked_in_within_days=0,
        reminder_delay_hours=168,
        digest_channel_id=PIPELINE.id,
        digest_weekday=6,
        digest_time=time(18, 45),
        anchor_date="2026-01-05",
    )


def test_stored_settings_read_back_unchanged() -> None:
    stored = TeamSettings(
        cadence=Cadence.TRIWEEKLY,
        time_zone="Europe/Berlin",
        digest_channel_id=PIPELINE.id,
        digest_enabled=False,
        language="vi",
    )
    values = team_settings_values(stored, CHANNELS)
    assert values["digest_enabled"] == "false" and values["team_language"] == "vi"
    assert read_team_settings_form(values, Language.VI, stored, CHANNELS).parsed == stored


def test_a_team_without_a_language_shows_the_one_it_follows_and_pins_what_is_sent() -> None:
    stored = TeamSettings()
    values = team_settings_values(stored, CHANNELS, "vi-VN")  # the tenant's default
    assert values["team_language"] == "vi"
    read = read_team_settings_form(values, Language.EN, stored, CHANNELS).parsed
    assert read is not None and read.language == "vi"  # the bot unpins it (test_team_settings)


def test_general_is_offered_even_when_the_team_lists_no_channel() -> None:
    team_id = "19:new-team@thread.tacv2"
    assert digest_channels(team_id, ()) == (Channel(id=team_id),)
    assert digest_channels(GENERAL.id, CHANNELS) == tuple(CHANNELS)
    offered = digest_channels(team_id, [PIPELINE])
    assert [c.id for c in offered] == [team_id, PIPELINE.id]
    assert channel_choices(Language.VI, offered)[0] == ("Chung", team_id)
    values = team_settings_values(TeamSettings(), digest_channels(team_id, ()))
    assert values["digest_channel"] == team_id


@given(st.times())
def test_every_time_of_day_written_as_hh_mm_reads_back(moment: time) -> None:
    typed = f"{moment.hour:02d}:{moment.minute:02d}"
    assert read(time_of_day=typed).parsed.time_of_day == time(moment.hour, moment.minute)


@given(st.integers(min_value=-1000, max_value=1000))
def test_reminder_hours_are_whole_numbers_from_1_to_168(hours: int) -> None:
    form = read(reminder_hours=str(hours))
    if 1 <= hours <= 168:
        assert form.parsed.reminder_delay_hours == hours
    else:
        assert form.parsed is None
        assert form.problems == {"reminder_hours": "Choose a whole number from 1 to 168."}


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("time_of_day", "24:00", "Write a time as HH:MM, e.g. 09:00."),
        ("time_of_day", "9", "Write a time as HH:MM, e.g. 09:00."),
        ("time_of_day", "", "This field is required."),
        ("weekday", "-1", "Choose one of the options."),
        ("weekday", "7", "Choose one of the options."),
        ("skip_days", "1e3", "Choose a whole number from 0 to 14."),
        ("skip_days", "NaN", "Choose a whole number from 0 to 14."),
        ("skip_days", "1" * 100, "Choose a whole number from 0 to 14."),
        ("time_zone", "../../etc/passwd", "Choose a time zone from the list."),
        ("time_zone", "mars/olympus", "Choose a time zone from the list."),
        ("digest_channel", "19:elsewhere@thread.tacv2", "Choose one of this team's channels."),
        ("digest_channel", "", "This field is required."),
    ],
)
def test_each_bad_value_is_named_next_to_its_field(field: str, typed: str, problem: str) -> None:
    form = read(**{field: typed})
    assert form.parsed is None and form.problems == {field: problem}
    assert form.values[field] == typed[:2000]


def test_values_of_the_wrong_json_type_are_refused_not_trusted() -> None:
    form = read(weekday=[1], skip_days={"n": 1}, reminder_hours=True)
    assert set(form.problems) == {"weekday", "skip_days", "reminder_hours"}


def test_a_team_without_stored_channels_has_its_digest_in_general() -> None:
    form = read_team_settings_form({**TYPED, "digest_channel": ""}, Language.EN, TeamSettings(), ())
    assert form.ok and form.parsed is not None and form.parsed.digest_channel_id is None


def test_personal_settings_read_not_set_time_zone_as_none() -> None:
    data = {"prompts_paused": "true", "language": "vi", "time_zone": NO_TIME_ZONE}
    form = read_personal_settings_form(data, Language.EN)
    assert form.parsed is not None
    assert (form.parsed.prompts_paused, form.parsed.language, form.parsed.time_zone) == (
        True,
        Language.VI,
        None,
    )


def test_the_version_changes_with_every_setting() -> None:
    base = TeamSettings()
    changed = [
        dataclasses.replace(base, cadence=Cadence.MONTHLY),
        dataclasses.replace(base, weekday=1),
        dataclasses.replace(base, time_of_day=time(9, 1)),
        dataclasses.replace(base, time_zone="Europe/Berlin"),
        dataclasses.replace(base, skip_if_checked_in_within_days=3),
        dataclasses.replace(base, reminder_delay_hours=25),
        dataclasses.replace(base, digest_channel_id="x"),
        dataclasses.replace(base, digest_weekday=0),
        dataclasses.replace(base, digest_time=time(16, 1)),
        dataclasses.replace(base, anchor_date="2026-11-27"),
    ]
    versions = {settings_version(s) for s in [base, *changed]}
    assert len(versions) == len(changed) + 1
    assert settings_version(TeamSettings()) == settings_version(base)


def test_time_zones_are_offered_west_to_east_with_todays_offset() -> None:
    november = dict((value, title) for title, value in time_zone_choices("", NOW))
    july = dict((value, title) for title, value in time_zone_choices("", NOW.replace(month=7)))
    assert list(november) == sorted(
        november, key=lambda z: (NOW.astimezone(ZoneInfo(z)).utcoffset(), z)
    )
    assert set(november) == set(TIME_ZONES)
    assert november["Asia/Ho_Chi_Minh"] == "(UTC+07:00) Asia/Ho Chi Minh"
    assert november["Europe/Berlin"] == "(UTC+01:00) Europe/Berlin"
    assert july["Europe/Berlin"] == "(UTC+02:00) Europe/Berlin"
    assert november["America/Los_Angeles"] == "(UTC-08:00) America/Los Angeles"


def test_a_stored_zone_outside_the_list_is_offered_too_but_junk_is_not() -> None:
    offered = {value for _, value in time_zone_choices("Asia/Kathmandu", NOW)}
    assert "Asia/Kathmandu" in offered
    assert "Mars/Olympus" not in {value for _, value in time_zone_choices("Mars/Olympus", NOW)}


@pytest.mark.parametrize(("lang", "general"), [(Language.EN, "General"), (Language.VI, "Chung")])
def test_general_is_shown_by_its_localized_name(lang: Language, general: str) -> None:
    assert channel_choices(lang, CHANNELS) == [(general, GENERAL.id), ("Pipeline", PIPELINE.id)]


def test_an_unknown_digest_channel_shows_as_general() -> None:
    values = team_settings_values(TeamSettings(digest_channel_id="19:gone@thread.tacv2"), CHANNELS)
    assert values["digest_channel"] == GENERAL.id


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (Language.EN, "Your next check-in: Monday, 11/30/2026 at 9:00 AM (your time)."),
        (
            Language.VI,
            "Lần cập nhật tiếp theo của bạn: Thứ Hai, 30/11/2026 lúc 09:00 (giờ của bạn).",
        ),
    ],
)
def test_the_next_check_in_is_written_in_the_persons_time(lang: Language, expected: str) -> None:
    moment = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert describe_next_checkin(lang, moment, ZoneInfo("Asia/Ho_Chi_Minh")) == expected


def _texts(card: dict[str, Any]) -> str:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.extend(str(node[k]) for k in ("text", "label", "title") if k in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def _team_card(lang: Language, **changes: Any) -> dict[str, Any]:
    settings = TeamSettings()
    view = TeamSettingsView(
        team_id="19:team@thread.tacv2",
        team_name="Sales",
        channels=CHANNELS,
        values=team_settings_values(settings, CHANNELS),
        version=settings_version(settings),
    )
    return team_settings_card(lang, dataclasses.replace(view, **changes), NOW)


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            Language.EN,
            ["How often", "Every 3 weeks", "Day", "Wednesday", "Team time zone", "General"],
        ),
        (
            Language.VI,
            ["Tần suất", "3 tuần một lần", "Ngày", "Thứ Tư", "Múi giờ của nhóm", "Chung"],
        ),
    ],
)
def test_the_team_card_speaks_its_language(lang: Language, labels: list[str]) -> None:
    card = _team_card(lang)
    shown = _texts(card)
    for label in labels:
        assert label in shown
    save, _cancel = card["actions"]
    assert save["verb"] == verbs.SETTINGS_SAVE
    assert save["data"]["settings_version"] == settings_version(TeamSettings())


def test_a_team_card_with_problems_keeps_what_was_typed_and_shows_each_problem() -> None:
    form = read(time_of_day="25:99", reminder_hours="0", skip_days="two")
    card = _team_card(Language.EN, values=form.values, problems=form.problems)
    shown = _texts(card)
    assert "Write a time as HH:MM, e.g. 09:00." in shown
    assert "Choose a whole number from 1 to 168." in shown
    assert "“two” is not a number." in shown
    by_id = {n["id"]: n for n in card["body"] if "id" in n}
    assert by_id["cadence"]["value"] == "monthly"
    assert by_id["reminder_hours"]["value"] == 0
    # A value that is not a time or a number stays out of the input (renderers refuse it).
    assert "value" not in by_id["time_of_day"] and "value" not in by_id["skip_days"]


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (Language.EN, ["Your settings", "Pause my check-in prompts", "Vietnamese", "Not set"]),
        (Language.VI, ["Cài đặt của bạn", "Tạm dừng lời nhắc", "Tiếng Việt", "Chưa đặt"]),
    ],
)
def test_the_personal_card_speaks_its_language(lang: Language, labels: list[str]) -> None:
    values = {"prompts_paused": "true", "language": lang.value, "time_zone": NO_TIME_ZONE}
    card = personal_settings_card(
        lang, PersonalSettingsView(member_id="29:1-lan", values=values), NOW
    )
    shown = _texts(card)
    for label in labels:
        assert label in shown
    toggle = next(n for n in card["body"] if n.get("id") == "prompts_paused")
    assert toggle["value"] == "true"
    save, _cancel = card["actions"]
    assert save["verb"] == verbs.PREFERENCES_SAVE and save["data"]["member_id"] == "29:1-lan"
