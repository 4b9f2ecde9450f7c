"""A new team's first days: its default time zone, what to expect, and its owners' first steps.

When the bot is installed in a team, the channel gets a welcome for everyone
(the team's zone and first round, no personal data), and the installer and the
team's owners get their first steps in their personal chat. Members are never
messaged proactively here: they see their own first check-in when they install
the bot personally.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.features import Card
from cards.i18n import language_of, text
from cards.welcome import FirstRound, owner_welcome_card
from okr.cadence import next_round_at, owner_zone
from okr.models import Member, Team, TeamSettings
from storage.store import OkrStore

log = logging.getLogger("okr.bot")

# Owners welcomed in their personal chat per install, at most: each is two calls
# to Teams inside the install's turn.
MAX_OWNER_WELCOMES = 10

# Teams of a person read, at most, to find the one whose round they will get first.
MAX_TEAMS_READ = 5

# Opens the person's 1:1 chat if needed and sends the card; raises when Teams refuses.
SendPersonal = Callable[[str, Card], Awaitable[object]]


def first_round(
    settings: TeamSettings, now: datetime, member: Member | None = None
) -> FirstRound | None:
    """The next round after ``now``: in ``member``'s own zone, or the team's for None.

    None for stored settings that name no round (from before validation).
    """
    at = next_round_at(settings, now, member)
    if at is None:
        return None
    zone = owner_zone(settings, member).key
    return FirstRound(at=at, zone=zone, team_zone=owner_zone(settings).key)


async def member_first_round(store: OkrStore, member: Member, now: datetime) -> FirstRound | None:
    """``member``'s first check-in in the soonest of their teams (None outside any team).

    Reads the person's own teams only (a handful), never the tenant's.
    """
    rounds: list[FirstRound] = []
    for team_id in member.team_ids[:MAX_TEAMS_READ]:
        team = await store.get_team(member.tenant_id, team_id)
        if team is not None and team.installed:
            round_ = first_round(team.settings, now, member)
            if round_ is not None:
                rounds.append(round_)
    return min(rounds, key=lambda r: r.at, default=None)


async def welcome_owners(
    store: OkrStore, team: Team, installer_id: str | None, now: datetime, send: SendPersonal
) -> int:
    """Send the installer and the team's owners their first steps; returns how many got them.

    Each in their own language. A person Teams does not let the bot reach is
    logged and skipped: the install goes on.
    """
    people = list(dict.fromkeys([*([installer_id] if installer_id else []), *team.owner_ids]))
    if len(people) > MAX_OWNER_WELCOMES:
        log.info("welcoming %d of %d team owners", MAX_OWNER_WELCOMES, len(people))
    round_ = first_round(team.settings, now)
    if round_ is None:
        log.warning("no owner welcome: the team's stored settings name no round")
        return 0
    sent = 0
    for member_id in people[:MAX_OWNER_WELCOMES]:
        member = await store.get_member(team.tenant_id, member_id)
        lang = language_of(member)
        name = team.name or text(lang, "settings.this_team")
        card = owner_welcome_card(lang, team.id, name, round_)
        try:
            await send(member_id, Card(card, text(lang, "owner_welcome.title", team=name)))
        except Exception as exc:
            log.warning("could not welcome a team owner (%s)", type(exc).__name__)
            continue
        sent += 1
    log.info("team owners welcomed: %d of %d", sent, len(people[:MAX_OWNER_WELCOMES]))
    return sent
