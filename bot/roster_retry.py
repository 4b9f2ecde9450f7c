"""The scheduler's second try at a team's roster, when reading it on install failed.

Without the roster the bot knows no team owners (nobody may change the team's
settings) and a CSV import finds no owners by e-mail. Teams marked
``roster_pending`` at install are read again on every scheduler pass until it
works, through the proactive sender (the app's token, Teams' rate limits).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot import teams_api
from bot.installation import default_team_zone, record_roster
from bot.proactive import TeamsSender, TeamsUnavailable
from okr.cadence import team_default_zone
from okr.models import Team
from storage.store import OkrStore

log = logging.getLogger("okr.bot")


class RosterRetry:
    """Reads the rosters that could not be read at install; one call per scheduler pass."""

    def __init__(self, store: OkrStore, sender: TeamsSender) -> None:
        self._store = store
        self._sender = sender

    async def __call__(self, now: datetime) -> int:
        """Try every pending roster once; returns how many were read."""
        read = 0
        for tenant in await self._store.list_tenants():
            for team in await self._store.list_pending_rosters(tenant.id):
                if await self._retry(team, now):
                    read += 1
        return read

    async def _retry(self, team: Team, now: datetime) -> bool:
        service_url = await self._service_url(team)
        if service_url is None:
            log.warning("roster still pending: no stored conversation of the team to ask through")
            return False

        async def get(path: str, params: Mapping[str, str]) -> Any:
            return await self._sender.get_json(service_url, team.tenant_id, path, params)

        try:
            roster = await teams_api.read_roster(get, team.id, team.id)
        except (TeamsUnavailable, teams_api.RosterError) as exc:
            log.warning("roster still pending (%s); trying again on the next pass", exc)
            return False
        members = await record_roster(self._store, team.tenant_id, team.id, roster, now)
        # The default the install would have given with the roster (the installer's own
        # zone, when known, was given then): never over a zone the owners chose.
        zone = team_default_zone(None, members)
        await default_team_zone(self._store, team.tenant_id, team.id, zone)
        log.info(
            "team roster read on retry: %d members, %d owners",
            len(roster.people),
            len(roster.owner_ids),
        )
        return True

    async def _service_url(self, team: Team) -> str | None:
        for ref in await self._store.list_conversations(team.tenant_id, team_id=team.id):
            if ref.active and ref.service_url:
                return ref.service_url
        return None
