"""A new team's first days (issue 15, items 4-6), through the real endpoint.

The team's time zone on install, the welcome for each role (channel, owners in
their personal chat, a member installing personally), greetings, and the
settings card's next round.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from cards.settings import settings_version
from okr.models import ConversationKind, Team
from tests import factories as f
from tests.bot.test_authoring import all_actions, card_text
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient, Clock
from tests.connector import Connector, Member

# Binh installs from Hanoi; Alice (Los Angeles) is the team's owner.
NO_ZONE = dataclasses.replace(f.ALICE, time_zone=None)
CHI = f.User(
    id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="vi-VN", time_zone="Asia/Bangkok"
)


def _sales_team(connector: Connector, members: list[Member] = ROSTER) -> None:
    connector.add_team(f.SALES.id, f.SALES.name, members=members)


async def _sales(bot: BotClient) -> Team:
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    return team


def _personal_cards(connector: Connector, member_id: str) -> list[dict[str, Any]]:
    """The cards sent into the 1:1 chats the bot opened with ``member_id``."""
    opened = [
        cid
        for cid, members in connector.conversation_members.items()
        if [m.id for m in members] == [member_id]
    ]
    return [card for cid in opened for card in connector.cards(cid)]


# -- item 4: the team's time zone -----------------------------------------------------------


async def test_a_team_takes_the_installers_time_zone_and_the_channel_says_when_it_starts(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)

    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))

    assert (await _sales(bot)).settings.time_zone == "Asia/Ho_Chi_Minh"
    [welcome] = connector.cards(f.SALES.channel_id)
    shown = card_text({"value": welcome})
    # Binh's Teams speaks Vietnamese; Friday 27 Nov: the first round is Monday 30 Nov, 09:00.
    assert "Múi giờ của nhóm: **Asia/Ho_Chi_Minh**" in shown
    assert "đợt cập nhật tiến độ đầu tiên vào Thứ Hai, 30/11/2026 lúc 09:00" in shown
    assert "Trước đó: hãy tạo mục tiêu và kết quả chính" in shown
    assert "@" not in shown and "contoso" not in shown  # nobody's personal data


async def test_without_the_installers_zone_the_team_takes_its_members_most_common(
    bot: BotClient, connector: Connector
) -> None:
    chi = Member(id=CHI.id, name=CHI.name, aad_object_id=CHI.aad_object_id)
    _sales_team(connector, [*ROSTER[:2], chi])
    # Binh and Chi wrote to the bot before: it knows Hanoi and Bangkok; Binh twice as
    # many colleagues would not count: each person counts once.
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))
    await bot.post(f.personal_message("help", connector.url, user=CHI))
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))

    await bot.post(f.bot_added_to_team(connector.url, user=NO_ZONE))

    # One each: the tie goes to the alphabetically first, the same on every instance.
    assert (await _sales(bot)).settings.time_zone == "Asia/Bangkok"
    [welcome] = connector.cards(f.SALES.channel_id)
    assert "Team time zone: **Asia/Bangkok**" in card_text({"value": welcome})


async def test_nobodys_zone_known_leaves_utc(bot: BotClient, connector: Connector) -> None:
    _sales_team(connector)

    await bot.post(f.bot_added_to_team(connector.url, user=NO_ZONE))

    assert (await _sales(bot)).settings.time_zone == "UTC"


async def test_a_reinstall_never_overwrites_the_zone_owners_chose(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))
    team = await _sales(bot)
    chosen = dataclasses.replace(team.settings, time_zone="UTC", rhythm_changed_at=team.created_at)
    await bot.store.save_team(dataclasses.replace(team, settings=chosen))
    await bot.post(f.bot_removed_from_team(connector.url))

    await bot.post(f.bot_added_to_team(connector.url))  # Alice, from Los Angeles

    assert (await _sales(bot)).settings == chosen


# -- item 5: a welcome for each role ----------------------------------------------------


async def test_the_installer_and_the_owners_get_three_steps_in_their_own_chat_once(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)  # Alice owns Sales

    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))
    await bot.post(f.installation_update("add", connector.url, user=f.BINH, team=f.SALES))

    assert len(connector.cards(f.SALES.channel_id)) == 1
    [binh] = _personal_cards(connector, f.BINH.id)  # the installer, in Vietnamese
    [alice] = _personal_cards(connector, f.ALICE.id)  # the owner, in English
    assert _personal_cards(connector, "29:1-chi") == []  # members are never messaged
    shown = card_text({"value": alice})
    assert "Sales is ready for OKR check-ins" in shown
    assert "The team time zone is **Asia/Ho_Chi_Minh**" in shown
    assert "Sunday, 11/29/2026 at 6:00 PM" not in shown  # the team's zone, not Alice's
    assert "Monday, 11/30/2026 at 9:00 AM" in shown
    assert "python app.py import" in shown
    titles = [a["title"] for a in all_actions(alice)]
    assert titles == ["Set the schedule", "Choose the channel", "New objective", "templates"]
    assert [a["verb"] for a in all_actions(alice)][:3] == [
        verbs.TEAM_SETTINGS_OPEN,
        verbs.TEAM_SETTINGS_OPEN,
        verbs.OBJECTIVE_NEW,
    ]
    assert "Sales đã sẵn sàng cập nhật OKR" in card_text({"value": binh})
    assert "Đặt lịch" in [a["title"] for a in all_actions(binh)]
    # The chats are stored: the check-ins will go there without opening another.
    for person in (f.ALICE, f.BINH):
        ref = await bot.store.get_conversation(f.TENANT_ID, person.id)
        assert ref is not None and ref.kind is ConversationKind.PERSONAL and ref.active


async def test_an_owner_the_bot_cannot_reach_does_not_fail_the_install(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    connector.fail_next(2, 403, route="create_conversation")

    response = await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))

    assert response.status == 202
    team = await _sales(bot)
    assert team.installed and team.owner_ids == (f.ALICE.id,)
    assert len(connector.cards(f.SALES.channel_id)) == 1
    assert connector.cards() == connector.cards(f.SALES.channel_id)


async def test_set_the_schedule_opens_the_teams_settings_with_its_next_round(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url))
    [welcome] = _personal_cards(connector, f.ALICE.id)
    schedule, digest = all_actions(welcome)[:2]

    body = await _press(bot, connector, schedule["data"])
    shown = card_text(body)
    assert "Check-in settings of Sales" in shown
    assert (
        "Next round: Monday, 11/30/2026 at 9:00 AM (America/Los_Angeles). Everyone who owns "
        "key results is asked at that time in their own time zone."
    ) in shown

    body = await _press(bot, connector, digest["data"])
    assert "Choose the digest channel, day and time at the end of this card." in card_text(body)


async def test_only_an_owner_opens_the_teams_settings_and_an_old_card_is_refused(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url))
    before = await _sales(bot)

    body = await _press(bot, connector, {"team_id": f.SALES.id}, user=f.BINH)
    assert body["value"] == "Chỉ chủ sở hữu của Sales mới có thể thay đổi cài đặt này."
    for data in ({"team_id": "19:gone@thread.tacv2"}, {}, {"team_id": ["x"]}):
        body = await _press(bot, connector, data)
        assert "out of date" in body["value"]
    body = await _press(bot, connector, {"team_id": f.SALES.id}, schema=CARD_SCHEMA - 1)
    assert "out of date" in body["value"]
    assert await _sales(bot) == before


async def test_a_member_installing_personally_learns_when_their_first_check_in_comes(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url))  # Sales runs on Los Angeles time
    connector.calls.clear()

    await bot.post(f.installation_update("add", connector.url, user=f.BINH))

    [welcome] = connector.cards(f.personal_conversation_id(f.BINH))
    shown = card_text({"value": welcome})
    # 09:00 on Monday in Binh's own zone.
    assert (
        "lần cập nhật tiến độ đầu tiên của bạn vào Thứ Hai, 30/11/2026 lúc 09:00 "
        "(giờ của bạn, Asia/Ho_Chi_Minh)"
    ) in shown
    assert "Trước đó" in shown


async def test_someone_in_no_team_gets_the_plain_personal_welcome(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.installation_update("add", connector.url))

    [welcome] = connector.cards(f.personal_conversation_id(f.ALICE))
    shown = card_text({"value": welcome})
    assert "Hi Alice Nguyen!" in shown and "What to expect" not in shown


@pytest.mark.parametrize(
    ("typed", "user", "hello"),
    [
        ("hi", f.ALICE, "Hi Alice!"),
        ("Hello!!", f.ALICE, "Hi Alice!"),
        ("HELLO 👋", f.ALICE, "Hi Alice!"),
        ("xin chào", f.BINH, "Chào Bình!"),
        ("Xin Chào 😊", f.BINH, "Chào Bình!"),
        ("chào bạn!", f.BINH, "Chào Bình!"),
        ("  Chào   BẠN ,", f.BINH, "Chào Bình!"),
    ],
)
async def test_greetings_get_a_friendly_line_and_the_main_buttons(
    bot: BotClient, connector: Connector, typed: str, user: f.User, hello: str
) -> None:
    await bot.post(f.personal_message(typed, connector.url, user=user))

    [card] = connector.cards()
    assert hello in card_text({"value": card})
    assert [a["data"]["command"] for a in all_actions(card)] == ["checkin", "my_okrs", "help"]
    assert await bot.store.list_objectives(f.TENANT_ID) == []


# -- item 6: the team's schedule is visible ------------------------------------------------


async def test_switching_to_monthly_says_the_first_round_is_weeks_away(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))
    clock.now = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)  # Tuesday 8 Dec, 10:00 in Hanoi

    body = await _save(bot, connector, {"cadence": "monthly"})

    shown = card_text(body)
    assert "Saved." in shown
    # The first Monday of December has passed: the first of January is 4 Jan.
    assert (
        "The first round with the new rhythm is on Monday, 01/04/2027 at 9:00 AM "
        "(Asia/Ho_Chi_Minh), in 4 weeks."
    ) in shown


async def test_a_rhythm_change_a_few_days_away_reads_as_the_next_round(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))

    body = await _save(bot, connector, {"weekday": "2"}, user=f.ALICE)  # Wednesday

    shown = card_text(body)
    assert "Next round: Wednesday, 12/02/2026 at 9:00 AM (Asia/Ho_Chi_Minh)." in shown


async def test_monthly_in_vietnamese_says_how_many_weeks_away(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    _sales_team(connector, [*ROSTER[:1], dataclasses.replace(ROSTER[1], user_role="owner")])
    await bot.post(f.bot_added_to_team(connector.url, user=f.BINH))
    # Monthly on Monday from Wednesday 9 Dec (Hanoi): 4 Jan is 26 days away.
    clock.now = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)

    body = await _save(bot, connector, {"cadence": "monthly"}, user=f.BINH)

    assert (
        "Đợt cập nhật đầu tiên theo lịch mới vào Thứ Hai, 04/01/2027 lúc 09:00 "
        "(Asia/Ho_Chi_Minh), sau 4 tuần nữa."
    ) in card_text(body)


# -- helpers --------------------------------------------------------------------------------


async def _press(
    bot: BotClient,
    connector: Connector,
    data: dict[str, Any],
    *,
    user: f.User = f.ALICE,
    schema: int = CARD_SCHEMA,
) -> dict[str, Any]:
    """Press "Set the schedule" (or "Choose the channel") in the personal chat."""
    payload = {**data, "schema": schema}
    response = await bot.post(
        f.card_action(verbs.TEAM_SETTINGS_OPEN, payload, connector.url, user=user)
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def _save(
    bot: BotClient, connector: Connector, changes: dict[str, str], *, user: f.User = f.ALICE
) -> dict[str, Any]:
    """Save the Sales settings card as stored, with ``changes``."""
    team = await _sales(bot)
    s = team.settings
    data = {
        "schema": CARD_SCHEMA,
        "team_id": team.id,
        "settings_version": settings_version(s),
        "cadence": s.cadence.value,
        "weekday": str(s.weekday),
        "time_of_day": "09:00",
        "time_zone": s.time_zone,
        "skip_days": "2",
        "reminder_hours": "24",
        "digest_channel": f.SALES.id,
        "digest_weekday": "4",
        "digest_time": "16:00",
        **changes,
    }
    response = await bot.post(
        f.card_action(verbs.SETTINGS_SAVE, data, connector.url, user=user, team=f.SALES)
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body
