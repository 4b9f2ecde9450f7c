"""Cards shared in a channel: a button opens its answer in the presser's personal chat.

Teams shows a card answered to an ``adaptiveCard/action`` invoke in place of the
pressed card, for the presser alone. On a card everyone in a channel sees
(welcome, ``team okrs``, ``status``, digest), a form there would hide the shared
card from the presser and show nothing to anyone else. These tests press every
button of those cards in a channel, as Teams would send it, and read what
arrived where at the local connector.
"""

from __future__ import annotations

from typing import Any

import pytest

from cards import verbs
from tests import factories as f
from tests.bot.test_authoring import all_actions, card_text
from tests.bot.test_checkin import seed
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector

MESSAGE = "application/vnd.microsoft.activity.message"
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
SENT = {
    f.ALICE: "Sent to your chat with me.",
    f.BINH: "Đã gửi vào trò chuyện riêng của bạn với tôi.",
}
UNREACHABLE = {f.ALICE: "couldn't open a chat with you", f.BINH: "chưa mở được trò chuyện riêng"}


@pytest.fixture
async def channel_bot(bot: BotClient, connector: Connector) -> BotClient:
    """The bot in Sales (Alice owns it, Binh reads Vietnamese), with Alice's objective."""
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))  # his language
    await seed(bot)
    return bot


def personal_chats(connector: Connector, user: f.User) -> set[str]:
    """``user``'s 1:1 chat with the bot: the stored one, or one the bot opened."""
    return {f.personal_conversation_id(user)} | {
        cid
        for cid, members in connector.conversation_members.items()
        if [m.id for m in members] == [user.id]
    }


def shared_sends(connector: Connector) -> list[Any]:
    """What the bot sent into the channel (its thread included)."""
    return [c.body for c in connector.sent() if c.conversation_id.startswith(f.SALES.channel_id)]


def unreachable(connector: Connector) -> None:
    """The person blocks the bot: Teams refuses their stored chat and opening one."""
    connector.fail_next(1, status=403, route="send_to_conversation")
    connector.fail_next(1, status=403, route="create_conversation")


async def stored(bot: BotClient) -> tuple[Any, ...]:
    """What a press on a shared card must leave as it was."""
    store = bot.store
    return (
        await store.list_objectives(f.TENANT_ID),
        await store.list_key_results(f.TENANT_ID),
        await store.list_kpis(f.TENANT_ID),
        [t.settings for t in await store.list_teams(f.TENANT_ID)],
    )


async def shared_card(bot: BotClient, connector: Connector, typed: str) -> dict[str, Any]:
    """The card ``typed`` (as Alice, after @mentioning the bot) posts in the channel."""
    connector.calls.clear()
    await bot.post(f.channel_message(typed, connector.url))
    [card] = [a["content"] for body in shared_sends(connector) for a in body["attachments"]]
    return card


def channel_welcome(connector: Connector) -> dict[str, Any]:
    """The welcome the bot posted in the channel when it was added (its "Create" opens a form)."""
    [card] = [a["content"] for body in shared_sends(connector) for a in body.get("attachments", ())]
    return card


async def press_in_channel(
    bot: BotClient, connector: Connector, action: dict[str, Any], user: f.User
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``user`` presses ``action`` on a card in the channel: the invoke answer, and the
    cards that arrived in their personal chat. Nothing may arrive anywhere else."""
    connector.calls.clear()
    response = await bot.post(
        f.card_action(action["verb"], action["data"], connector.url, user=user, team=f.SALES)
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    assert body["statusCode"] == 200
    assert shared_sends(connector) == [], f"{action['title']!r} posted into the channel"
    mine = personal_chats(connector, user)
    private = [card for cid in mine for card in connector.cards(cid)]
    return body, private


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
@pytest.mark.parametrize(
    "typed", ["team okrs", "digest", "status Tăng doanh thu", "help", "templates", "hi"]
)
async def test_each_button_of_a_shared_card_opens_in_the_pressers_personal_chat(
    channel_bot: BotClient, connector: Connector, typed: str, user: f.User
) -> None:
    card = await shared_card(channel_bot, connector, typed)
    before = await stored(channel_bot)
    pressed = all_actions(card)
    assert pressed, f"{typed!r} posts a card without buttons"
    for action in pressed:
        body, private = await press_in_channel(channel_bot, connector, action, user)
        # A message answer: Teams leaves the shared card as it is, for the presser too.
        assert body["type"] == MESSAGE, f"{action['title']!r} replaced the shared card"
        if body["value"] == SENT[user]:
            assert private, f"{action['title']!r} said 'sent' and sent nothing"
        else:
            # Only a refusal stays a line (Binh may not edit Alice's objective): no form.
            assert user is f.BINH and private == [], (action["title"], body["value"])
        assert await stored(channel_bot) == before


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_the_channel_welcomes_buttons_open_their_forms_in_the_personal_chat(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))
    connector.calls.clear()
    await bot.post(f.bot_added_to_team(connector.url))
    [welcome] = [a["content"] for body in shared_sends(connector) for a in body["attachments"]]
    before = await stored(bot)
    for action in all_actions(welcome):
        body, private = await press_in_channel(bot, connector, action, user)
        assert body == {"statusCode": 200, "type": MESSAGE, "value": SENT[user]}
        assert private, f"{action['title']!r} opened nothing"
        if action["verb"] == verbs.OBJECTIVE_NEW:
            [form] = private
            assert {"New objective", "Mục tiêu mới"} & set(card_text({"value": form}).split("\n"))
        assert await stored(bot) == before


async def test_a_form_opened_from_a_shared_card_saves_from_the_personal_chat(
    channel_bot: BotClient, connector: Connector
) -> None:
    card = channel_welcome(connector)
    [new] = [a for a in all_actions(card) if a["verb"] == verbs.OBJECTIVE_NEW]
    _, [form] = await press_in_channel(channel_bot, connector, new, f.BINH)
    [save] = [a for a in all_actions(form) if a["verb"] == verbs.OBJECTIVE_SAVE]
    typed = {"title": "Giảm phiếu hỗ trợ", "period": "2026-Q4", "owner": f.BINH.id}
    response = await channel_bot.post(
        f.card_action(verbs.OBJECTIVE_SAVE, {**save["data"], **typed}, connector.url, user=f.BINH)
    )
    body = await response.json()
    assert body["type"] == ADAPTIVE  # in the personal chat, the form turns into the objective
    [saved] = [
        o for o in await channel_bot.store.list_objectives(f.TENANT_ID) if o.title == typed["title"]
    ]
    assert saved.team_id == f.SALES.id  # opened from Sales' channel: a Sales objective


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_a_presser_the_bot_cannot_reach_is_told_how_to_open_the_chat(
    channel_bot: BotClient, connector: Connector, user: f.User
) -> None:
    card = channel_welcome(connector)
    [new] = [a for a in all_actions(card) if a["verb"] == verbs.OBJECTIVE_NEW]
    before = await stored(channel_bot)
    arrived = len(connector.delivered(f.personal_conversation_id(user)))
    unreachable(connector)
    body, _ = await press_in_channel(channel_bot, connector, new, user)
    assert body["type"] == MESSAGE and UNREACHABLE[user] in body["value"]
    assert "OKR check-ins" in body["value"]  # the app to look for
    # Refused: nothing more arrived in their chat.
    assert len(connector.delivered(f.personal_conversation_id(user))) == arrived
    assert await stored(channel_bot) == before


async def test_a_forged_button_on_a_shared_card_gets_one_line_and_opens_nothing(
    channel_bot: BotClient, connector: Connector
) -> None:
    for data in ({"command": "drop tables"}, {"command": ["settings"]}, {}):
        action = {"verb": verbs.COMMAND_RUN, "data": data, "title": "forged"}
        body, private = await press_in_channel(channel_bot, connector, action, f.ALICE)
        assert body["type"] == MESSAGE and "out of date" in body["value"]
        assert private == [] and connector.calls_to("create_conversation") == []


async def test_a_forms_save_pressed_in_a_channel_still_answers_in_place(
    channel_bot: BotClient, connector: Connector
) -> None:
    # A form shown in a channel by an older version: its Save acts on that form.
    data = {"schema": 0, "team_id": f.SALES.id, "settings_version": "x"}
    action = {"verb": verbs.SETTINGS_SAVE, "data": data, "title": "Save"}
    body, private = await press_in_channel(channel_bot, connector, action, f.ALICE)
    assert body["type"] == MESSAGE and private == []
    assert connector.calls_to("create_conversation") == []


# -- settings typed in a channel -------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "typed", "line"),
    [
        (f.ALICE, "settings", "I sent it to your chat with me"),
        (f.BINH, "cài đặt", "tôi đã gửi vào trò chuyện riêng của bạn với tôi"),
    ],
    ids=["en-owner", "vi-member"],
)
async def test_settings_typed_in_a_channel_go_to_the_personal_chat(
    channel_bot: BotClient, connector: Connector, user: f.User, typed: str, line: str
) -> None:
    connector.calls.clear()
    await channel_bot.post(f.channel_message(typed, connector.url, user=user))
    [said] = shared_sends(connector)
    assert said.get("attachments") in (None, [])  # no card in the channel
    assert line in said["text"]
    assert user.time_zone is not None and user.time_zone not in str(said)
    private = [card for cid in personal_chats(connector, user) for card in connector.cards(cid)]
    assert private, "the settings went nowhere"
    shown = "\n".join(card_text({"value": card}) for card in private)
    if user is f.ALICE:  # the team owner: Sales' settings card, to change from her chat
        assert any(a["verb"] == verbs.SETTINGS_SAVE for c in private for a in all_actions(c))
    else:  # a member: told politely, and their own card with their time zone
        assert "Sales" in "\n".join(connector.texts()) and user.time_zone in shown
        assert any(a["verb"] == verbs.PREFERENCES_SAVE for c in private for a in all_actions(c))


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_settings_in_a_channel_for_someone_unreachable_say_how_to_open_the_chat(
    channel_bot: BotClient, connector: Connector, user: f.User
) -> None:
    connector.calls.clear()
    arrived = len(connector.delivered(f.personal_conversation_id(user)))
    unreachable(connector)
    await channel_bot.post(f.channel_message("settings", connector.url, user=user))
    [said] = shared_sends(connector)
    assert UNREACHABLE[user] in said["text"] and not said.get("attachments")
    # Refused: nothing more arrived in their chat.
    assert len(connector.delivered(f.personal_conversation_id(user))) == arrived


async def test_settings_in_the_personal_chat_are_answered_there(
    channel_bot: BotClient, connector: Connector
) -> None:
    connector.calls.clear()
    await channel_bot.post(f.personal_message("settings", connector.url))
    assert connector.calls_to("create_conversation") == []
    assert {c.conversation_id for c in connector.sent()} == {f.personal_conversation_id(f.ALICE)}


@pytest.mark.parametrize(("user", "typed"), [(f.ALICE, "checkin"), (f.BINH, "cập nhật")])
async def test_checkin_typed_in_a_channel_sends_the_card_to_the_personal_chat(
    channel_bot: BotClient, connector: Connector, user: f.User, typed: str
) -> None:
    connector.calls.clear()
    await channel_bot.post(f.channel_message(typed, connector.url, user=user))
    [said] = shared_sends(connector)
    assert not said.get("attachments")  # the key results stay out of the channel
    [card] = [card for cid in personal_chats(connector, user) for card in connector.cards(cid)]
    assert any(a["verb"] == verbs.CHECKIN_SUBMIT for a in all_actions(card))
    mine = "Alice's KR" if user is f.ALICE else "Doanh thu"
    assert mine in card_text({"value": card})


async def test_a_press_uses_the_stored_personal_chat_without_opening_one(
    channel_bot: BotClient, connector: Connector
) -> None:
    card = await shared_card(channel_bot, connector, "team okrs")
    [open_] = [a for a in all_actions(card) if a["verb"] == verbs.OBJECTIVE_VIEW]
    body, private = await press_in_channel(channel_bot, connector, open_, f.BINH)
    assert body["value"] == SENT[f.BINH] and private
    # One request to Teams: into the chat the bot already knows.
    assert connector.calls_to("create_conversation") == []
    assert [c.route for c in connector.calls] == ["send_to_conversation"]


async def test_a_stale_stored_chat_is_opened_again(
    channel_bot: BotClient, connector: Connector
) -> None:
    card = await shared_card(channel_bot, connector, "team okrs")
    [open_] = [a for a in all_actions(card) if a["verb"] == verbs.OBJECTIVE_VIEW]
    connector.fail_next(1, status=404, route="send_to_conversation")  # the chat is gone
    body, private = await press_in_channel(channel_bot, connector, open_, f.BINH)
    assert body["value"] == SENT[f.BINH] and private
    [opened] = connector.calls_to("create_conversation")
    assert [m["id"] for m in opened.body["members"]] == [f.BINH.id]


# -- group chats: shared like a channel ------------------------------------------------


def in_group_chat(activity: dict[str, Any]) -> dict[str, Any]:
    """``activity`` as sent in the group chat the bot was added to."""
    activity["conversation"] = {
        "conversationType": "groupChat",
        "isGroup": True,
        "id": f.GROUP_CHAT_ID,
        "tenantId": f.TENANT_ID,
    }
    activity["channelData"] = {"tenant": {"id": f.TENANT_ID}}
    return activity


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_a_group_chats_shared_card_and_private_commands_answer_in_the_personal_chat(
    channel_bot: BotClient, connector: Connector, user: f.User
) -> None:
    await channel_bot.post(f.bot_added_to_group_chat(connector.url))
    connector.calls.clear()
    await channel_bot.post(in_group_chat(f.personal_message("help", connector.url, user=user)))
    [help_card] = connector.cards(f.GROUP_CHAT_ID)
    before = await stored(channel_bot)

    def arrived() -> int:
        return sum(len(connector.delivered(cid)) for cid in personal_chats(connector, user))

    for action in all_actions(help_card):
        connector.calls.clear()
        count = arrived()
        pressed = f.card_action(action["verb"], action["data"], connector.url, user=user)
        body = await (await channel_bot.post(in_group_chat(pressed))).json()
        # A message answer: the group's card stays; the answer is in the presser's own chat.
        assert body == {"statusCode": 200, "type": MESSAGE, "value": SENT[user]}, action
        assert connector.sent(f.GROUP_CHAT_ID) == []
        assert arrived() > count, action["title"]
    assert await stored(channel_bot) == before
    # `settings` typed in the group: one line there, the card in private.
    connector.calls.clear()
    await channel_bot.post(in_group_chat(f.personal_message("settings", connector.url, user=user)))
    [said] = [c.body for c in connector.sent(f.GROUP_CHAT_ID)]
    assert not said.get("attachments") and user.time_zone not in str(said)
    assert any(connector.cards(cid) for cid in personal_chats(connector, user))
