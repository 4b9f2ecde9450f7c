"""Asking Teams about a team or chat: its channels and its members.

Inside a turn through the turn's connector client; from the scheduler through
the proactive sender (:meth:`bot.proactive.TeamsSender.get_json`). Rosters are
read page by page as plain JSON and each member validated on its own: the
SDK's page model refuses an explicit ``"continuationToken": null``, which
Teams sends, and one malformed member must not lose the other 4,999.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from microsoft_agents.activity.teams import TeamsChannelAccount
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from pydantic import ValidationError

from bot.people import SeenPerson
from okr.models import Channel

log = logging.getLogger("okr.bot")

# Teams serves at most 500 members per page; fewer keeps each response small.
ROSTER_PAGE_SIZE = 200
# 500 pages of 200: far beyond Teams' largest team (25,000); a loop guard only.
MAX_ROSTER_PAGES = 500

# ``GET`` a connector path with query parameters; the parsed JSON answer.
JsonGet = Callable[[str, Mapping[str, str]], Awaitable[Any]]


def _segment(value: str) -> str:
    """An id as one URL path segment: ids come from activities, so "/", "?" and "#" are escaped."""
    return quote(value, safe=":@.;=,-_~")


class RosterError(Exception):
    """Teams' answer was not a page of members."""


# Teams leaves the General channel unnamed; cards name it in the reader's language.
GENERAL = ""


@dataclass(frozen=True, slots=True)
class Roster:
    """A team's members as Teams lists them, and which of them own the team."""

    people: tuple[SeenPerson, ...]
    owner_ids: tuple[str, ...]


def _client(context: TurnContext) -> TeamsConnectorClient:
    client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if not isinstance(client, TeamsConnectorClient):
        raise RuntimeError("this turn has no Teams connector client")
    return client


async def team_channels(context: TurnContext, team_id: str) -> tuple[Channel, ...]:
    """The team's channels (``GET /v3/teams/{id}/conversations``)."""
    found = await _client(context).fetch_channel_list(team_id)
    return tuple(Channel(id=c.id, name=c.name or GENERAL) for c in found if c.id)


def turn_get(context: TurnContext) -> JsonGet:
    """A :data:`JsonGet` through the turn's connector client (its service URL and token)."""
    session = _client(context).client

    async def get(path: str, params: Mapping[str, str]) -> Any:
        async with session.get(path, params=dict(params)) as response:
            response.raise_for_status()
            return await response.json()

    return get


async def team_roster(context: TurnContext, team_id: str) -> Roster:
    """Every member of the team, inside a turn."""
    return await read_roster(turn_get(context), team_id, team_id)


async def member_email(context: TurnContext, member_id: str) -> str | None:
    """A member's e-mail or UPN, from Teams (``GET …/members/{id}`` in the turn's conversation)."""
    conversation = context.activity.conversation
    if conversation is None or not conversation.id:
        return None
    conversation_id = conversation.id.split(";messageid=")[0]
    path = f"v3/conversations/{_segment(conversation_id)}/members/{_segment(member_id)}"
    found = await turn_get(context)(path, {})
    try:
        account = TeamsChannelAccount.model_validate(found)
    except ValidationError:
        return None
    email = account.email or account.user_principal_name
    return email if isinstance(email, str) and email else None


async def send_to_personal_chat(
    context: TurnContext, tenant_id: str, member_id: str, activity: Activity
) -> str:
    """Open (or find) the bot's 1:1 chat with ``member_id`` and send ``activity`` there.

    Through the turn's connector client, so its service URL and token; Teams
    answers ``POST /v3/conversations`` with the existing chat when there is one.
    Returns the chat's conversation id.

    Raises:
        aiohttp.ClientError: Teams could not be reached or refused.
    """
    bot_id = context.activity.recipient.id if context.activity.recipient else ""
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=bot_id),
        members=[ChannelAccount(id=member_id)],
        tenant_id=tenant_id,
        channel_data={"tenant": {"id": tenant_id}},
    )
    conversations = _client(context).conversations
    created = await conversations.create_conversation(parameters)
    if not created.id:
        raise RuntimeError("Teams created a conversation without an id")
    activity.conversation = ConversationAccount(id=created.id, tenant_id=tenant_id)
    await conversations.send_to_conversation(created.id, activity)
    return created.id


async def read_roster(get: JsonGet, conversation_id: str, team_id: str | None) -> Roster:
    """Every member of a team (or group chat: ``team_id`` None), page by page.

    Raises:
        RosterError: an answer was not a page of members.
        aiohttp.ClientError: Teams could not be reached or refused.
    """
    accounts: list[TeamsChannelAccount] = []
    skipped = 0
    token = ""
    for _page in range(MAX_ROSTER_PAGES):
        page = await get(
            f"v3/conversations/{_segment(conversation_id)}/pagedMembers",
            {"pageSize": str(ROSTER_PAGE_SIZE), "continuationToken": token},
        )
        if not isinstance(page, dict) or not isinstance(page.get("members") or [], list):
            raise RosterError("the roster page is not an object with a list of members")
        for raw in page.get("members") or ():
            try:
                accounts.append(TeamsChannelAccount.model_validate(raw))
            except ValidationError:
                skipped += 1
        next_token = page.get("continuationToken")
        if not isinstance(next_token, str) or not next_token or next_token == token:
            break
        token = next_token
    if skipped:
        log.warning("roster: skipped %d malformed member record(s)", skipped)
    return roster_from_accounts(accounts, team_id)


def roster_from_accounts(accounts: Iterable[TeamsChannelAccount], team_id: str | None) -> Roster:
    """Translate Teams' member records; ``userRole == "owner"`` marks team owners."""
    people: list[SeenPerson] = []
    owners: list[str] = []
    for account in accounts:
        if not account.id:
            continue
        people.append(
            SeenPerson(
                id=account.id,
                aad_object_id=account.aad_object_id,
                name=account.name,
                email=account.email or account.user_principal_name,
                team_id=team_id,
            )
        )
        if (account.user_role or "").lower() == "owner":
            owners.append(account.id)
    return Roster(people=tuple(people), owner_ids=tuple(owners))


async def send_to_conversation(
    context: TurnContext, conversation_id: str, activity: Activity
) -> None:
    """Send ``activity`` into a conversation the bot is in, through the turn's connector client.

    Raises:
        aiohttp.ClientError: Teams could not be reached or refused.
    """
    await _client(context).conversations.send_to_conversation(conversation_id, activity)
