"""Buttons that open a form beside a card worth keeping: the card stays, the form comes below.

"New objective" sits on the welcome card, on lists and on the digest; "Use" on
the templates card. Answering such a press with the form would replace the card
(Teams shows an invoke's card in place of the pressed one), and the form's
Cancel could not bring a welcome or a digest back. So the press is answered
with a line, and the form arrives as a message of its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from cards import verbs
from tests import factories as f
from tests.bot.test_authoring import all_actions, card_text
from tests.bot.test_shared_cards import MESSAGE, channel_bot, press_in_channel, shared_card
from tests.conftest import BotClient
from tests.connector import Connector

__all__ = ["channel_bot"]  # the fixture, shared with the shared-card tests

BELOW = {
    f.ALICE: "Here is the form, in the next message.",
    f.BINH: "Biểu mẫu ở tin nhắn ngay bên dưới.",
}
NEW_FORM = {f.ALICE: "New objective", f.BINH: "Mục tiêu mới"}


async def press(
    bot: BotClient, connector: Connector, action: dict[str, Any], user: f.User
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``user`` presses ``action`` in their personal chat: the invoke answer, and what followed."""
    connector.calls.clear()
    response = await bot.post(
        f.card_action(action["verb"], action["data"], connector.url, user=user)
    )
    assert response.status == 200
    return await response.json(), connector.cards()


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_new_objective_on_a_card_keeps_the_card_and_sends_the_form_below(
    channel_bot: BotClient, connector: Connector, user: f.User
) -> None:
    connector.calls.clear()
    await channel_bot.post(f.personal_message("digest", connector.url, user=user))
    [digest] = connector.cards()
    [new] = [a for a in all_actions(digest) if a["verb"] == verbs.OBJECTIVE_NEW]

    body, sent = await press(channel_bot, connector, new, user)

    assert body == {"statusCode": 200, "type": MESSAGE, "value": BELOW[user]}
    [form] = sent
    assert NEW_FORM[user] in card_text({"value": form}).split("\n")
    # Its Cancel has nothing to restore (the digest is still there): nothing changes.
    [cancel] = [a for a in all_actions(form) if a["verb"] == verbs.GO_BACK]
    before = await channel_bot.store.list_objectives(f.TENANT_ID)
    cancelled, _ = await press(channel_bot, connector, cancel, user)
    assert cancelled["statusCode"] == 200
    assert await channel_bot.store.list_objectives(f.TENANT_ID) == before


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_a_template_used_from_a_channel_sends_only_its_form_to_the_personal_chat(
    channel_bot: BotClient, connector: Connector, user: f.User
) -> None:
    gallery = await shared_card(channel_bot, connector, "templates")
    use = next(a for a in all_actions(gallery) if a["verb"] == verbs.TEMPLATE_USE)

    body, private = await press_in_channel(channel_bot, connector, use, user)

    assert body["type"] == MESSAGE
    # The gallery stays in the channel; only the form goes to the personal chat,
    # and no "in the next message" line, which would point at nothing there.
    [form] = private
    assert all(a["verb"] != verbs.TEMPLATE_USE for a in all_actions(form))
    assert any(a["verb"] == verbs.OBJECTIVE_SAVE for a in all_actions(form))
    assert BELOW[user] not in connector.texts()
