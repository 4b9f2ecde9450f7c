"""What handlers receive and what their replies become, through the real endpoint."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.features import Card, CardAction, Features, Replies, Text, Turn
from cards import verbs
from okr.models import ConversationKind
from tests import factories as f
from tests.conftest import BotClient, StartBot
from tests.connector import Connector

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "ok"}]}


class Recorder:
    """A feature that records what its handlers were given."""

    def __init__(self) -> None:
        self.turns: list[tuple[Turn, Any]] = []

    def register(self, features: Features) -> None:
        async def status(turn: Turn, args: str) -> Replies:
            self.turns.append((turn, args))
            return [Text(f"status of {args}"), Card(CARD, fallback_text="status")]

        async def save(turn: Turn, action: CardAction) -> Replies:
            self.turns.append((turn, action))
            return [Card(CARD), Text("saved")]

        async def quiet(turn: Turn, action: CardAction) -> Replies:
            return None

        features.add_command("status", status, aliases=("trạng thái",))
        features.add_verb(verbs.OBJECTIVE_SAVE, save)  # acts on its own card
        features.add_verb("okr.open", save)  # any other verb opens something
        features.add_verb("okr.quiet", quiet)


async def _bot(start_bot: StartBot) -> tuple[BotClient, Recorder]:
    recorder = Recorder()
    import bot.help

    return await start_bot(features=[bot.help.register, recorder.register]), recorder


async def test_personal_command_gets_a_typed_turn_and_replies_in_order(
    start_bot: StartBot, connector: Connector
) -> None:
    bot, recorder = await _bot(start_bot)
    activity = f.personal_message("STATUS  Grow revenue", connector.url, user=f.BINH)

    await bot.post(activity)

    [(turn, args)] = recorder.turns
    assert args == "Grow revenue"
    assert turn.tenant_id == f.TENANT_ID
    assert turn.member.id == f.BINH.id and turn.member.aad_object_id == f.BINH.aad_object_id
    assert turn.locale == "vi-VN"
    assert turn.is_personal and turn.team_id is None
    assert turn.conversation.kind is ConversationKind.PERSONAL
    assert turn.text == "STATUS Grow revenue"  # whitespace collapsed, case kept
    assert turn.activity_id == activity["id"]
    conversation = f.personal_conversation_id(f.BINH)
    assert connector.texts(conversation) == ["status of Grow revenue", ""]
    assert connector.cards(conversation) == [CARD]
    assert all(c.route == "reply_to_activity" for c in connector.sent())


async def test_channel_command_strips_the_mention_and_knows_the_team(
    start_bot: StartBot, connector: Connector
) -> None:
    bot, recorder = await _bot(start_bot)

    await bot.post(f.channel_message("trạng thái Q4", connector.url))

    [(turn, args)] = recorder.turns
    assert args == "Q4" and turn.text == "trạng thái Q4"
    assert turn.team_id == f.SALES.id and not turn.is_personal
    assert turn.conversation.kind is ConversationKind.CHANNEL
    assert turn.conversation.id == f.SALES.channel_id
    [reply, _card] = connector.sent()
    assert reply.conversation_id is not None and reply.conversation_id.startswith(
        f.SALES.channel_id + ";messageid="
    )  # answered in the thread


async def test_help_lists_registered_commands(start_bot: StartBot, connector: Connector) -> None:
    bot, _ = await _bot(start_bot)

    await bot.post(f.personal_message("help", connector.url))
    await bot.post(f.personal_message("Trợ giúp", connector.url, user=f.BINH))

    english, vietnamese = (str(card) for card in connector.cards())
    assert "What I can do" in english
    # Commands are buttons; those that need words after them are shown as text.
    assert "'title': 'help'" in english and "status <objective>" in english
    assert "Tôi có thể giúp gì" in vietnamese and "trạng thái" in vietnamese


async def test_unknown_text_is_answered_briefly(bot: BotClient, connector: Connector) -> None:
    await bot.post(f.personal_message("make me a sandwich", connector.url))

    [answer] = connector.texts()
    assert "help" in answer and len(answer) < 120


async def test_card_verb_answers_the_invoke_with_a_card_then_sends_the_rest(
    start_bot: StartBot, connector: Connector
) -> None:
    bot, recorder = await _bot(start_bot)

    response = await bot.post(
        f.card_action(
            verbs.OBJECTIVE_SAVE, {"title": "Grow", "kr1": "12"}, connector.url, team=f.SALES
        )
    )

    assert response.status == 200
    assert await response.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.card.adaptive",
        "value": CARD,
    }
    [(turn, action)] = recorder.turns
    assert isinstance(action, CardAction)
    assert action.verb == verbs.OBJECTIVE_SAVE and action.data == {"title": "Grow", "kr1": "12"}
    assert action.card_activity_id == "1000000000001"
    assert turn.team_id == f.SALES.id and turn.text == "" and not turn.is_personal
    assert connector.texts() == ["saved"]


async def test_a_verb_that_opens_something_in_a_channel_answers_in_the_personal_chat(
    start_bot: StartBot, connector: Connector
) -> None:
    bot, recorder = await _bot(start_bot)

    response = await bot.post(f.card_action("okr.open", {}, connector.url, team=f.SALES))

    assert await response.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Sent to your chat with me.",
    }
    [(turn, _action)] = recorder.turns
    assert turn.is_personal and turn.team_id == f.SALES.id  # the answer's place; the card's team
    [created] = connector.calls_to("create_conversation")
    assert [m["id"] for m in created.body["members"]] == [f.ALICE.id]
    [chat] = connector.conversation_members
    assert connector.cards(chat) == [CARD] and connector.texts(chat) == ["", "saved"]
    assert {c.conversation_id for c in connector.sent()} == {chat}  # nothing in the channel


async def test_unknown_or_silent_verbs_still_answer_200(
    start_bot: StartBot, connector: Connector
) -> None:
    bot, _ = await _bot(start_bot)

    unknown = await bot.post(f.card_action("okr.gone", {}, connector.url))
    silent = await bot.post(f.card_action("okr.quiet", {}, connector.url))

    assert unknown.status == 200
    assert (await unknown.json())["type"] == "application/vnd.microsoft.activity.message"
    assert silent.status == 200
    assert (await silent.json())["value"] == ""
    assert connector.sent() == []


async def test_malformed_card_action_is_answered_not_crashed(
    bot: BotClient, connector: Connector
) -> None:
    activity = f.card_action("okr.save", {}, connector.url)
    activity["value"] = {"action": {"type": "Action.Submit"}}

    response = await bot.post(activity)

    assert response.status == 200
    assert "out of date" in (await response.json())["value"]


async def test_a_member_marked_unreachable_is_reachable_again_after_writing(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.personal_message("help", connector.url))
    member = await bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None
    await bot.store.save_member(dataclasses.replace(member, reachable=False))
    await bot.post(f.personal_message("help", connector.url))
    again = await bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert again is not None and again.reachable
