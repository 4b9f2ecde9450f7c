"""The team digests the tab read in the last minute, kept so that a team tab's opening is cheap.

A team's first page shows the current round's participation and what is at
risk, which the digest computes (:mod:`scheduling.digest_reads`) from every
objective and key result of the team: for a thousand objectives, most of the
page's cost. Participation moves at the pace of check-ins, so a team tab opened
by many people in the same minute reads it once. Each instance keeps its own;
an answer is at most :data:`FRESH_FOR` old.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from okr.digest import NoActiveObjectivesError, TeamDigest, digest_today
from okr.models import Member, Team
from scheduling.digest_reads import read_team_digest
from storage.store import OkrStore

FRESH_FOR = timedelta(minutes=1)
# Teams remembered at most (the least recently read is forgotten first).
MAX_TEAMS = 256

Digest = tuple[TeamDigest, dict[str, Member]] | None
ReadDigest = Callable[[OkrStore, Team, datetime], Awaitable[Digest]]


async def read_digest(store: OkrStore, team: Team, now: datetime) -> Digest:
    """The team's digest now, or None when no active objective runs today."""
    try:
        return await read_team_digest(store, team, now=now, slot=digest_today(team, now))
    except NoActiveObjectivesError:
        return None


class RecentDigests:
    """Team digests by ``(tenant, team)``, each kept for :data:`FRESH_FOR`."""

    def __init__(self, read: ReadDigest = read_digest) -> None:
        self._read = read
        self._kept: OrderedDict[tuple[str, str], tuple[datetime, Digest]] = OrderedDict()

    async def get(self, store: OkrStore, team: Team, now: datetime) -> Digest:
        """The team's digest, read again when the kept one is older than :data:`FRESH_FOR`."""
        key = (team.tenant_id, team.id)
        kept = self._kept.get(key)
        if kept is not None and timedelta(0) <= now - kept[0] < FRESH_FOR:
            self._kept.move_to_end(key)
            return kept[1]
        digest = await self._read(store, team, now)
        self._kept[key] = (now, digest)
        self._kept.move_to_end(key)
        while len(self._kept) > MAX_TEAMS:
            self._kept.popitem(last=False)
        return digest
