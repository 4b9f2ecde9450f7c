"""Asking Teams about a team: its channels and its roster, through the turn's connector client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from microsoft_agents.activity.teams import TeamsChannelAccount
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.people import SeenPerson
from okr.models import Channel

# Teams serves at most 500 members per page; fewer keeps each response small.
ROSTER_PAGE_SIZE = 200
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


async def team_roster(context: TurnContext, team_id: str) -> Roster:
    """Every member of the team, following ``continuationToken`` page by page."""
    client = _client(context)
    accounts: list[TeamsChannelAccount] = []
    token = ""
    while True:
        page = await client.get_conversation_paged_member(team_id, ROSTER_PAGE_SIZE, token)
        accounts.extend(page.members or ())
        token = page.continuation_token or ""
        if not token:
            break
    return roster_from_accounts(accounts, team_id)


def roster_from_accounts(accounts: Iterable[TeamsChannelAccount], team_id: str) -> Roster:
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
