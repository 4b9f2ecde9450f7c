"""Our replies on the wire: a card action's answer in the HTTP response, a card message as JSON.

:func:`bot.replies.invoke_response` puts the answer straight where the SDK's
adapter reads it (``INVOKE_RESPONSE_KEY``); a request that buffers replies,
or an adapter without that slot, goes through ``send_activity`` as before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.replies import ADAPTIVE_CARD, invoke_response, message
from cards.i18n import Language
from tests import factories as f
from tests.cards import registry
from tests.conftest import StartBot
from tests.connector import Connector

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Done"}]}


def _register_answers(features: Features) -> None:
    async def card(turn: Turn, action: CardAction) -> Replies:
        return Card(CARD, fallback_text="Done")

    async def line(turn: Turn, action: CardAction) -> Replies:
        return Text("Saved")

    features.add_verb("card", card)
    features.add_verb("line", line)


async def test_a_card_answer_is_the_http_body(start_bot: StartBot, connector: Connector) -> None:
    bot = await start_bot(features=[_register_answers])

    response = await bot.post(f.card_action("card", {}, connector.url))

    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": ADAPTIVE_CARD, "value": CARD}
    assert connector.sent() == []


async def test_a_message_answer_is_the_http_body(start_bot: StartBot, connector: Connector) -> None:
    bot = await start_bot(features=[_register_answers])

    response = await bot.post(f.card_action("line", {}, connector.url))

    assert response.status == 200
    assert await response.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Saved",
    }


async def test_a_request_that_buffers_replies_gets_the_answer_among_them(
    start_bot: StartBot, connector: Connector
) -> None:
    # expectReplies: the SDK answers with every activity of the turn, the
    # invoke response included, so it must still go through send_activity.
    bot = await start_bot(features=[_register_answers])
    activity = f.card_action("card", {}, connector.url)
    activity["deliveryMode"] = "expectReplies"

    response = await bot.post(activity)

    assert response.status == 200
    replies = (await response.json())["activities"]
    assert [r["type"] for r in replies] == ["invokeResponse"]
    assert replies[0]["value"] == {
        "status": 200,
        "body": {"statusCode": 200, "type": ADAPTIVE_CARD, "value": CARD},
    }


class _Sent:
    """An adapter without the SDK's invoke-response slot: it only keeps what is sent."""

    def __init__(self) -> None:
        self.sent: list[Activity] = []

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[Any]:
        self.sent.extend(activities)
        return []


async def test_an_adapter_without_the_slot_is_sent_the_answer() -> None:
    adapter = _Sent()
    incoming = Activity.model_validate(f.card_action("card", {}, "http://127.0.0.1:9/"))
    context = TurnContext(adapter, incoming)

    await invoke_response(context, Text("Saved"))

    assert [a.type for a in adapter.sent] == [ActivityTypes.invoke_response]
    assert adapter.sent[0].value == {
        "status": 200,
        "body": {
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": "Saved",
        },
    }
    assert context.responded


@pytest.mark.parametrize("sample", registry.samples(), ids=lambda s: s.name)
def test_a_card_message_is_dumped_for_the_wire_as_pydantic_dumps_it(
    sample: registry.CardSample,
) -> None:
    # Our dump puts the card in as it is; it must be exactly what the SDK's own
    # dump (pydantic walking the card) would have sent, addressed as a reply.
    card = sample.build(Language.EN)
    incoming = Activity.model_validate(f.personal_message("help", "http://127.0.0.1:9/"))
    reply = message(Card(card, fallback_text="Fallback"))
    reply.apply_conversation_reference(incoming.get_conversation_reference())
    ours = reply.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="json")
    theirs = Activity.model_dump(
        reply, by_alias=True, exclude_unset=True, exclude_none=True, mode="json"
    )

    assert ours == theirs
    assert json.loads(json.dumps(ours))["attachments"][0]["content"] == card
