"""``settings`` and ``language``: team and personal settings cards, through the real endpoint."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from cards.settings import settings_version
from okr.models import (
    Cadence,
    KeyResult,
    KeyResultKind,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
)
from okr.periods import Period
from storage.errors import ConflictError
from tests import factories as f
from tests.bot.test_authoring import card_text, inputs
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient, Clock
from tests.connector import Connector, Member

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"
PIPELINE = "19:pipeline@thread.tacv2"
MARKETING = f.TeamInfo(
    id="19:team-marketing@thread.tacv2",
    name="Marketing",
    channel_id="19:team-marketing@thread.tacv2",
)
MARKETING_ROSTER = [
    Member(id=f.ALICE.id, name=f.ALICE.name, aad_object_id=f.ALICE.aad_object_id),
    Member(id=f.BINH.id, name=f.BINH.name, aad_object_id=f.BINH.aad_object_id, user_role="owner"),
]

# What a team has once Alice installed it: the defaults, in her time zone and language.
INSTALLED = TeamSettings(time_zone="America/Los_Angeles", language="en")

# Biweekly on Tuesday at 08:30, Berlin: what the owner types into the card.
BIWEEKLY_TUESDAY = {
    "cadence": "biweekly",
    "weekday": "1",
    "time_of_day": "08:30",
    "time_zone": "Europe/Berlin",
    "skip_days": "3",
    "reminder_hours": "48",
    "digest_channel": PIPELINE,
    "digest_weekday": "4",
    "digest_time": "16:00",
}


@pytest.fixture
async def teams_bot(bot: BotClient, connector: Connector) -> BotClient:
    """The bot in Sales (Alice owns it; General and Pipeline) and Marketing (Binh owns it)."""
    connector.add_team(
        f.SALES.id,
        f.SALES.name,
        channels=[(f.SALES.id, None), (PIPELINE, "Pipeline")],
        members=ROSTER,
    )
    connector.add_team(MARKETING.id, MARKETING.name, members=MARKETING_ROSTER)
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    assert (await bot.post(f.bot_added_to_team(connector.url, team=MARKETING))).status == 202
    connector.calls.clear()
    return bot


async def sales(bot: BotClient) -> Team:
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    return team


async def press(
    bot: BotClient,
    connector: Connector,
    verb: str,
    data: dict[str, Any],
    *,
    user: f.User = f.ALICE,
    schema: int = CARD_SCHEMA,
) -> dict[str, Any]:
    """Press a settings card's Save button with ``data``; returns the invoke response body."""
    response = await bot.post(
        f.card_action(verb, {"schema": schema, **data}, connector.url, user=user, team=f.SALES)
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    assert body["statusCode"] == 200
    return body


async def save_sales(
    bot: BotClient,
    connector: Connector,
    changes: dict[str, str] | None = None,
    *,
    user: f.User = f.ALICE,
) -> dict[str, Any]:
    """Submit the Sales settings card (as currently stored) with ``changes``."""
    team = await sales(bot)
    data = {
        "team_id": team.id,
        "settings_version": settings_version(team.settings),
        **BIWEEKLY_TUESDAY,
        **(changes or {}),
    }
    return await press(bot, connector, verbs.SETTINGS_SAVE, data, user=user)


def problems_shown(card: dict[str, Any]) -> list[str]:
    """The problem lines of a card (attention-coloured small text)."""
    return [
        block["text"]
        for block in card["body"]
        if block.get("color") == "Attention" and block.get("size") == "Small"
    ]


# -- team settings ----------------------------------------------------------------------


async def test_an_owner_gets_the_team_card_in_the_channel(
    teams_bot: BotClient, connector: Connector
) -> None:
    await teams_bot.post(f.channel_message("settings", connector.url))
    [card] = connector.cards()
    fields = inputs(card)
    assert fields["cadence"]["value"] == "weekly"
    assert fields["weekday"]["value"] == "0"
    assert fields["time_of_day"]["value"] == "09:00"
    assert fields["time_of_day"]["type"] == "Input.Time"
    zones = [c["value"] for c in fields["time_zone"]["choices"]]
    assert {"Asia/Ho_Chi_Minh", "Europe/Berlin", "America/Los_Angeles", "UTC"} <= set(zones)
    channels = {c["value"]: c["title"] for c in fields["digest_channel"]["choices"]}
    assert channels == {f.SALES.id: "General", PIPELINE: "Pipeline"}
    assert fields["skip_days"]["value"] == 2 and fields["reminder_hours"]["value"] == 24
    assert "first chosen weekday of each month" in card_text({"value": card})
    save, _cancel = card["actions"]
    assert save["verb"] == verbs.SETTINGS_SAVE and save["data"]["team_id"] == f.SALES.id


async def test_an_owner_saves_a_biweekly_tuesday_cadence_in_berlin(
    teams_bot: BotClient, connector: Connector
) -> None:
    body = await save_sales(teams_bot, connector)

    assert body["type"] == ADAPTIVE
    stored = (await sales(teams_bot)).settings
    assert stored.cadence is Cadence.BIWEEKLY and stored.weekday == 1
    assert stored.time_of_day.isoformat() == "08:30:00" and stored.time_zone == "Europe/Berlin"
    assert stored.skip_if_checked_in_within_days == 3 and stored.reminder_delay_hours == 48
    assert stored.digest_channel_id == PIPELINE and stored.digest_weekday == 4
    # The two-week rhythm starts this week (Friday 27 Nov in Berlin): first round Tue 1 Dec.
    assert stored.anchor_date == "2026-11-27"
    shown = card_text(body)
    assert "Saved." in shown
    # The team's next round, in the team's zone, less than a week away.
    assert "Next round: Tuesday, 12/01/2026 at 8:30 AM (Europe/Berlin)." in shown
    # The saved card can be saved again as it is (it carries the new version).
    save, _cancel = body["value"]["actions"]
    assert save["data"]["settings_version"] == settings_version(stored)


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("time_of_day", "25:99", "Write a time as HH:MM"),
        ("digest_time", "9h", "Write a time as HH:MM"),
        ("weekday", "9", "Choose one of the options."),
        ("reminder_hours", "0", "Choose a whole number from 1 to 168."),
        ("reminder_hours", "169", "Choose a whole number from 1 to 168."),
        ("skip_days", "15", "Choose a whole number from 0 to 14."),
        ("skip_days", "2.5", "Choose a whole number from 0 to 14."),
        ("skip_days", "two", "“two” is not a number."),
        ("time_zone", "Mars/Olympus", "Choose a time zone from the list."),
        ("digest_channel", MARKETING.channel_id, "Choose one of this team's channels."),
        ("cadence", "daily", "Choose one of the options."),
        ("cadence", "", "This field is required."),
        ("digest_enabled", "maybe", "Choose one of the options."),
        ("team_language", "fr", "Choose English or Tiếng Việt."),
        ("team_language", "", "Choose English or Tiếng Việt."),
        ("team_language", "vi" * 200, "Choose English or Tiếng Việt."),
    ],
)
async def test_invalid_team_settings_come_back_with_the_problem_and_store_nothing(
    teams_bot: BotClient, connector: Connector, field: str, typed: str, problem: str
) -> None:
    before = await sales(teams_bot)

    body = await save_sales(teams_bot, connector, {field: typed})

    assert body["type"] == ADAPTIVE
    card = body["value"]
    assert any(problem in shown for shown in problems_shown(card))
    assert any(line.startswith("Check “") for line in card_text(body).split("\n"))
    assert "Saved." not in card_text(body)
    # Every other field keeps what was typed, so only the bad one needs fixing.
    assert inputs(card)["cadence"].get("value", "") == (typed if field == "cadence" else "biweekly")
    assert (await sales(teams_bot)).settings == before.settings


async def test_a_card_missing_fields_lists_each_one(
    teams_bot: BotClient, connector: Connector
) -> None:
    team = await sales(teams_bot)
    data = {"team_id": team.id, "settings_version": settings_version(team.settings)}
    body = await press(teams_bot, connector, verbs.SETTINGS_SAVE, data)
    assert problems_shown(body["value"]).count("This field is required.") == 9
    assert (await sales(teams_bot)).settings == INSTALLED


async def test_a_card_from_an_older_version_is_refused(
    teams_bot: BotClient, connector: Connector
) -> None:
    data = {"team_id": f.SALES.id, "settings_version": "x", **BIWEEKLY_TUESDAY}
    body = await press(teams_bot, connector, verbs.SETTINGS_SAVE, data, schema=CARD_SCHEMA - 1)
    assert body["type"] == MESSAGE and "out of date" in body["value"]
    assert (await sales(teams_bot)).settings == INSTALLED


async def test_a_card_older_than_another_owners_save_shows_the_current_settings(
    teams_bot: BotClient, connector: Connector
) -> None:
    team = await sales(teams_bot)
    old_version = settings_version(team.settings)
    await save_sales(teams_bot, connector)  # the other owner's save

    data = {"team_id": team.id, "settings_version": old_version, **BIWEEKLY_TUESDAY}
    body = await press(teams_bot, connector, verbs.SETTINGS_SAVE, {**data, "cadence": "monthly"})

    assert "Another owner changed these settings" in card_text(body)
    assert inputs(body["value"])["cadence"]["value"] == "biweekly"
    assert (await sales(teams_bot)).settings.cadence is Cadence.BIWEEKLY


async def test_a_concurrent_roster_update_is_retried_once(
    teams_bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = teams_bot.store
    real_save = store.save_team
    conflicts = 0

    async def save_after_someone_else(team: Team) -> Team:
        nonlocal conflicts
        if conflicts == 0:
            conflicts += 1
            # Another instance renames the team between our read and our write.
            current = await sales(teams_bot)
            await real_save(dataclasses.replace(current, name="Sales EMEA"))
            raise ConflictError("stale etag")
        return await real_save(team)

    monkeypatch.setattr(store, "save_team", save_after_someone_else)
    body = await save_sales(teams_bot, connector)

    assert conflicts == 1 and "Saved." in card_text(body)
    stored = await sales(teams_bot)
    assert stored.name == "Sales EMEA" and stored.settings.cadence is Cadence.BIWEEKLY


async def test_a_concurrent_settings_change_is_shown_not_overwritten(
    teams_bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = teams_bot.store
    real_save = store.save_team

    async def save_after_another_owner(team: Team) -> Team:
        current = await sales(teams_bot)
        if current.settings.cadence is Cadence.WEEKLY:
            monthly = dataclasses.replace(current.settings, cadence=Cadence.MONTHLY)
            await real_save(dataclasses.replace(current, settings=monthly))
            raise ConflictError("stale etag")
        return await real_save(team)

    monkeypatch.setattr(store, "save_team", save_after_another_owner)
    body = await save_sales(teams_bot, connector)

    assert "Another owner changed these settings" in card_text(body)
    assert (await sales(teams_bot)).settings.cadence is Cadence.MONTHLY


async def test_a_member_who_is_not_an_owner_gets_their_own_settings(
    teams_bot: BotClient, connector: Connector
) -> None:
    await teams_bot.post(f.channel_message("settings", connector.url, user=f.BINH))
    # In his personal chat (see test_shared_cards); the channel gets one line.
    [notice, _line] = [t for t in connector.texts() if t]
    assert "Chỉ chủ sở hữu của Sales" in notice  # Binh's Teams speaks Vietnamese
    [card] = connector.cards()
    assert set(inputs(card)) == {"prompts_paused", "language", "time_zone"}
    assert card["actions"][0]["verb"] == verbs.PREFERENCES_SAVE


async def test_a_member_who_is_not_an_owner_cannot_save_team_settings(
    teams_bot: BotClient, connector: Connector
) -> None:
    body = await save_sales(teams_bot, connector, user=f.BINH)
    assert body["type"] == MESSAGE and "Sales" in body["value"]
    assert (await sales(teams_bot)).settings == INSTALLED


async def test_in_the_personal_chat_an_owner_gets_their_card_and_each_team_they_own(
    teams_bot: BotClient, connector: Connector
) -> None:
    await teams_bot.post(f.personal_message("settings", connector.url))
    personal, team_card = connector.cards()
    assert personal["actions"][0]["verb"] == verbs.PREFERENCES_SAVE
    assert team_card["actions"][0]["data"]["team_id"] == f.SALES.id
    assert "Check-in settings of Sales" in card_text({"value": team_card})
    # Alice is in Marketing but does not own it.
    assert all(c["actions"][0]["data"].get("team_id") != MARKETING.id for c in connector.cards())


# -- personal settings and language -----------------------------------------------------------


async def test_pausing_my_prompts_is_stored(teams_bot: BotClient, connector: Connector) -> None:
    data = {
        "member_id": f.ALICE.id,
        "prompts_paused": "true",
        "language": "en",
        "time_zone": "Europe/Berlin",
    }
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)

    member = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and member.prompts_paused
    assert member.preferred_time_zone == "Europe/Berlin"
    assert member.preferred_locale is None  # English is what her Teams speaks anyway
    # Her next message reports Los Angeles again: the zone she chose still wins.
    await teams_bot.post(f.personal_message("my okrs", connector.url))
    again = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert again is not None and again.preferred_time_zone == "Europe/Berlin"
    assert again.time_zone == "America/Los_Angeles"
    shown = card_text(body)
    assert "Saved." in shown and "Your check-in prompts are paused." in shown
    assert inputs(body["value"])["prompts_paused"]["value"] == "true"

    data["prompts_paused"] = "false"
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)
    member = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and not member.prompts_paused
    # She owns no key result yet: no date that would promise a card that never comes.
    assert "Your next check-in" not in card_text(body)
    assert "You own no key results yet, so no check-in is scheduled for you." in card_text(body)

    await own_a_key_result(teams_bot, f.ALICE.id)
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)
    assert "Your next check-in: Monday, 11/30/2026" in card_text(body)
    assert "You own no key results" not in card_text(body)


async def own_a_key_result(bot: BotClient, owner_id: str) -> None:
    """An active Sales objective with one key result owned by ``owner_id``."""
    await bot.store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj-settings",
            title="Grow",
            owner_id=owner_id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=f.SALES.id,
        )
    )
    await bot.store.save_key_result(
        KeyResult(
            tenant_id=f.TENANT_ID,
            id="kr-settings",
            objective_id="obj-settings",
            title="Deals",
            owner_id=owner_id,
            kind=KeyResultKind.NUMBER,
            start=Decimal(0),
            target=Decimal(10),
            current=Decimal(0),
        )
    )


async def test_choosing_vietnamese_on_the_card_answers_in_vietnamese(
    teams_bot: BotClient, connector: Connector
) -> None:
    data = {
        "member_id": f.ALICE.id,
        "prompts_paused": "false",
        "language": "vi",
        "time_zone": "America/Los_Angeles",
    }
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)
    member = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and member.preferred_locale == "vi-VN"
    assert "Cài đặt của bạn" in card_text(body) and "Đã lưu." in card_text(body)
    assert "Bạn chưa phụ trách kết quả chính nào" in card_text(body)

    await own_a_key_result(teams_bot, f.ALICE.id)
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)
    assert "Lần cập nhật tiếp theo của bạn:" in card_text(body)
    assert "Bạn chưa phụ trách" not in card_text(body)


@pytest.mark.parametrize(
    ("field", "typed"),
    [("prompts_paused", "maybe"), ("language", "fr"), ("time_zone", "Mars/Olympus")],
)
async def test_invalid_personal_settings_store_nothing(
    teams_bot: BotClient, connector: Connector, field: str, typed: str
) -> None:
    data = {
        "member_id": f.ALICE.id,
        "prompts_paused": "true",
        "language": "en",
        "time_zone": "UTC",
        field: typed,
    }
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data)
    assert problems_shown(body["value"])
    member = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and not member.prompts_paused
    assert member.time_zone == "America/Los_Angeles"


async def test_nobody_can_save_someone_elses_personal_settings(
    teams_bot: BotClient, connector: Connector
) -> None:
    # Alice's card was posted in the channel; Binh presses its Save button.
    data = {"member_id": f.ALICE.id, "prompts_paused": "true", "language": "en", "time_zone": "UTC"}
    body = await press(teams_bot, connector, verbs.PREFERENCES_SAVE, data, user=f.BINH)
    assert body["type"] == MESSAGE and "cài đặt của người khác" in body["value"]
    for user in (f.ALICE, f.BINH):
        member = await teams_bot.store.get_member(f.TENANT_ID, user.id)
        assert member is not None and not member.prompts_paused and member.time_zone != "UTC"


async def test_language_vi_then_help_answers_in_vietnamese(
    teams_bot: BotClient, connector: Connector
) -> None:
    await teams_bot.post(f.personal_message("language vi", connector.url))
    await teams_bot.post(f.personal_message("help", connector.url))
    [changed] = [t for t in connector.texts() if t]
    assert changed == "Đã chuyển sang tiếng Việt."
    [help_card] = connector.cards()
    assert "Tôi có thể giúp gì" in str(help_card)

    connector.calls.clear()
    await teams_bot.post(f.personal_message("ngôn ngữ en", connector.url))
    await teams_bot.post(f.personal_message("help", connector.url))
    assert connector.texts()[0] == "Switched to English."
    assert "What I can do" in str(connector.cards()[0])


async def test_language_without_a_known_choice_explains_itself(
    teams_bot: BotClient, connector: Connector
) -> None:
    await teams_bot.post(f.personal_message("language klingon", connector.url))
    assert connector.texts() == [
        "I speak English and Vietnamese. Type **language en** or **language vi**."
    ]
    member = await teams_bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and member.preferred_locale is None


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("settings", ["Check-in settings of Sales", "How often", "Every 2 weeks", "Tuesday"]),
        ("cài đặt", ["Cài đặt cập nhật tiến độ của Sales", "Tần suất", "2 tuần một lần", "Thứ Ba"]),
    ],
)
async def test_the_team_card_speaks_the_persons_language(
    teams_bot: BotClient, connector: Connector, command: str, expected: list[str]
) -> None:
    if command == "cài đặt":
        await teams_bot.post(f.personal_message("language vi", connector.url))
        connector.calls.clear()
    await teams_bot.post(f.channel_message(command, connector.url))
    [card] = connector.cards()
    shown = card_text({"value": card})
    for phrase in expected:
        assert phrase in shown


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (f.ALICE, ["Your settings", "Pause my check-in prompts", "Language", "My time zone"]),
        (f.BINH, ["Cài đặt của bạn", "Tạm dừng lời nhắc", "Ngôn ngữ", "Múi giờ của tôi"]),
    ],
)
async def test_the_personal_card_speaks_the_persons_language(
    teams_bot: BotClient, connector: Connector, user: f.User, expected: list[str]
) -> None:
    await teams_bot.post(f.personal_message("settings", connector.url, user=user))
    personal = connector.cards()[0]
    shown = card_text({"value": personal})
    for phrase in expected:
        assert phrase in shown


async def test_team_settings_cancel_answers_its_opener_and_the_teams_owners_only(
    teams_bot: BotClient, connector: Connector
) -> None:
    bot = teams_bot

    async def pressed(
        verb: str, data: dict[str, Any], user: f.User, tenant_id: str = f.TENANT_ID
    ) -> dict[str, Any]:
        """In the presser's personal chat, where the settings card is sent."""
        data = {"schema": CARD_SCHEMA, **data}
        activity = f.card_action(verb, data, connector.url, user=user, tenant_id=tenant_id)
        response = await bot.post(activity)
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body

    opened = await pressed(verbs.TEAM_SETTINGS_OPEN, {"team_id": f.SALES.id}, f.ALICE)
    [cancel] = [a for a in opened["value"]["actions"] if a["verb"] == verbs.GO_BACK]
    before = await sales(bot)

    async def cancel_as(user: f.User, tenant_id: str = f.TENANT_ID) -> dict[str, Any]:
        return await pressed(verbs.GO_BACK, cancel["data"], user, tenant_id)

    # A member (Binh, in Vietnamese): one line, and the card stays as it is.
    member = await cancel_as(f.BINH)
    assert member["type"] == MESSAGE
    assert member["value"] == "Thẻ này do người khác mở; không có gì thay đổi."
    # The same Teams id as its opener, from another organisation: not theirs either.
    stranger = await cancel_as(f.ALICE, f.OTHER_TENANT_ID)
    assert stranger["type"] == MESSAGE and "nothing was changed" in stranger["value"]
    # Its opener (Alice, in English): the card turns into "nothing was changed".
    opener = await cancel_as(f.ALICE)
    assert opener["type"] == ADAPTIVE and card_text(opener) == "Nothing was changed."
    # Another owner of the team (Binh, made one): the same, in Vietnamese.
    await bot.store.save_team(dataclasses.replace(before, owner_ids=(f.ALICE.id, f.BINH.id)))
    owner = await cancel_as(f.BINH)
    assert owner["type"] == ADAPTIVE and card_text(owner) == "Không có gì thay đổi."
    after = await sales(bot)
    assert after.settings == before.settings


# -- the digest switch and the team's language ----------------------------------------------


async def test_an_owner_turns_the_digest_off_and_the_team_language_to_vietnamese(
    teams_bot: BotClient, connector: Connector, clock: Clock
) -> None:
    await teams_bot.post(f.channel_message("settings", connector.url))
    [card] = connector.cards()
    fields = inputs(card)
    assert fields["digest_enabled"]["value"] == "true"
    assert fields["team_language"]["value"] == "en"  # Alice's, who installed the bot
    assert [c["value"] for c in fields["team_language"]["choices"]] == ["en", "vi"]

    body = await save_sales(
        teams_bot, connector, {"digest_enabled": "false", "team_language": "vi"}
    )

    stored = (await sales(teams_bot)).settings
    assert (stored.digest_enabled, stored.language) == (False, "vi")
    assert "Saved." in card_text(body)  # the card is in Alice's language, not the team's
    shown = inputs(body["value"])
    assert shown["digest_enabled"]["value"] == "false" and shown["team_language"]["value"] == "vi"


async def test_a_member_cannot_change_the_digest_or_the_team_language(
    teams_bot: BotClient, connector: Connector
) -> None:
    before = await sales(teams_bot)
    body = await save_sales(
        teams_bot, connector, {"digest_enabled": "false", "team_language": "vi"}, user=f.BINH
    )
    assert body["type"] == MESSAGE and "Chỉ chủ sở hữu" in body["value"]
    assert (await sales(teams_bot)).settings == before.settings


async def test_moving_the_digest_or_turning_it_on_is_stamped_and_other_changes_are_not(
    teams_bot: BotClient, connector: Connector, clock: Clock
) -> None:
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    clock.now = tuesday
    await save_sales(teams_bot, connector, {"time_zone": "America/Los_Angeles"})
    assert (await sales(teams_bot)).settings.digest_changed_at is None  # nothing moved

    clock.now = tuesday + timedelta(hours=1)
    await save_sales(
        teams_bot, connector, {"time_zone": "America/Los_Angeles", "digest_weekday": "0"}
    )
    moved = (await sales(teams_bot)).settings
    assert moved.digest_changed_at == tuesday + timedelta(hours=1)

    clock.now = tuesday + timedelta(hours=2)
    await save_sales(
        teams_bot,
        connector,
        {"time_zone": "America/Los_Angeles", "digest_weekday": "0", "digest_enabled": "false"},
    )
    assert (await sales(teams_bot)).settings.digest_changed_at == moved.digest_changed_at

    clock.now = tuesday + timedelta(hours=3)  # turned on again
    await save_sales(
        teams_bot,
        connector,
        {"time_zone": "America/Los_Angeles", "digest_weekday": "0", "digest_enabled": "true"},
    )
    assert (await sales(teams_bot)).settings.digest_changed_at == tuesday + timedelta(hours=3)


async def test_a_card_from_before_the_digest_switch_keeps_the_switch_and_the_language(
    teams_bot: BotClient, connector: Connector
) -> None:
    await save_sales(teams_bot, connector, {"digest_enabled": "false", "team_language": "vi"})
    # BIWEEKLY_TUESDAY has neither field: what an older card sends.
    await save_sales(teams_bot, connector, {"cadence": "weekly"})
    stored = (await sales(teams_bot)).settings
    assert stored.cadence is Cadence.WEEKLY
    assert (stored.digest_enabled, stored.language) == (False, "vi")


async def test_the_team_language_is_the_installers_and_older_teams_follow_the_tenant(
    teams_bot: BotClient, connector: Connector
) -> None:
    design = f.TeamInfo(
        id="19:design@thread.tacv2", name="Design", channel_id="19:design@thread.tacv2"
    )
    connector.add_team(design.id, design.name, members=MARKETING_ROSTER)
    await teams_bot.post(f.bot_added_to_team(connector.url, user=f.BINH, team=design))
    installed = await teams_bot.store.get_team(f.TENANT_ID, design.id)
    assert installed is not None and installed.settings.language == "vi"

    # A team from before the setting existed follows the tenant's default language,
    # and saving its card without touching the language keeps following it.
    team = await sales(teams_bot)
    await teams_bot.store.save_team(
        dataclasses.replace(team, settings=dataclasses.replace(team.settings, language=None))
    )
    tenant = await teams_bot.store.get_tenant(f.TENANT_ID)
    assert tenant is not None
    await teams_bot.store.save_tenant(dataclasses.replace(tenant, default_locale="vi-VN"))
    connector.calls.clear()
    await teams_bot.post(f.channel_message("settings", connector.url))
    [card] = connector.cards()
    assert inputs(card)["team_language"]["value"] == "vi"
    await save_sales(teams_bot, connector, {"team_language": "vi"})
    assert (await sales(teams_bot)).settings.language is None
    await save_sales(teams_bot, connector, {"team_language": "en"})
    assert (await sales(teams_bot)).settings.language == "en"
