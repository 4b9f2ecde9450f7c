"""The objective card's "Open in tab" button: only when the tab is deployed (docs/tab.md)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot import browsing
from bot.features import Card, Turn
from cards.tab_links import TabLinks
from okr.models import ConversationKind, ConversationRef
from tests import factories as f
from tests.bot.test_checkin import seed
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient, Clock
from tests.connector import Connector

APP_ID = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
LINKS = TabLinks(APP_ID)
# An id the way ids built from Teams thread ids look: ':' '@' and '#' in it.
THREAD_LIKE_ID = "19:3f1d2c4a@thread.tacv2#objective"


@pytest.fixture
async def team_bot(bot: BotClient, connector: Connector) -> BotClient:
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    await bot.post(f.bot_added_to_team(connector.url))
    await seed(bot)
    return bot


async def turn_of(bot: BotClient, clock: Clock, user: f.User, links: TabLinks | None) -> Turn:
    """A turn in ``user``'s personal chat, as the agent builds it, with ``links``."""
    member = await bot.store.get_member(f.TENANT_ID, user.id)
    assert member is not None
    conversation = ConversationRef(
        tenant_id=f.TENANT_ID,
        id=user.id,
        kind=ConversationKind.PERSONAL,
        conversation_id=f.personal_conversation_id(user),
        service_url="https://smba.trafficmanager.net/amer/",
        bot_id=f.BOT_ID,
        member_id=user.id,
    )
    return Turn(
        tenant_id=f.TENANT_ID,
        member=member,
        locale=user.locale,
        conversation=conversation,
        team_id=None,
        is_personal=True,
        text="",
        activity_id=None,
        now=clock(),
        store=bot.store,
        tab_links=links,
    )


def open_urls(card: Card) -> list[dict[str, Any]]:
    """Every Action.OpenUrl anywhere in the card."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.OpenUrl":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.content)
    return found


@pytest.mark.parametrize(("user", "title"), [(f.ALICE, "Open in tab"), (f.BINH, "Mở trong tab")])
async def test_the_objective_card_opens_the_objective_in_the_tab(
    team_bot: BotClient, clock: Clock, user: f.User, title: str
) -> None:
    card = await browsing.status(await turn_of(team_bot, clock, user, LINKS), "Tăng doanh thu")
    assert isinstance(card, Card)
    assert open_urls(card) == [
        {"type": "Action.OpenUrl", "title": title, "url": LINKS.objective("obj", f.TENANT_ID)}
    ]


async def test_without_the_tab_the_objective_card_has_no_link(
    team_bot: BotClient, clock: Clock
) -> None:
    card = await browsing.status(await turn_of(team_bot, clock, f.ALICE, None), "Tăng doanh thu")
    assert isinstance(card, Card)
    assert open_urls(card) == []
    assert "teams.microsoft.com" not in json.dumps(card.content)


async def test_an_id_with_teams_thread_characters_reaches_the_tab_intact(
    team_bot: BotClient, clock: Clock
) -> None:
    stored = await team_bot.store.get_objective(f.TENANT_ID, "obj")
    assert stored is not None
    odd = dataclasses.replace(stored, id=THREAD_LIKE_ID, title="Giảm phiếu hỗ trợ", etag=None)
    odd = await team_bot.store.save_objective(odd)
    card = await browsing.status(await turn_of(team_bot, clock, f.ALICE, LINKS), "phiếu hỗ trợ")
    assert isinstance(card, Card)
    [button] = open_urls(card)
    url = urlsplit(button["url"])
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "teams.microsoft.com",
        f"/l/entity/{APP_ID}/my-okrs",
    )
    assert url.fragment == ""  # the '#' of the id did not end the URL
    query = parse_qs(url.query)
    assert query["tenantId"] == [f.TENANT_ID]
    assert json.loads(query["context"][0]) == {"subEntityId": f"objective:{THREAD_LIKE_ID}"}
    # Showing the card changed nothing stored.
    assert await team_bot.store.get_objective(f.TENANT_ID, THREAD_LIKE_ID) == odd
