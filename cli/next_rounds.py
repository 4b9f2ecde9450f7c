"""Why a pass sent nothing: each team's next round, in words an operator can check.

``python app.py run checkins`` at the wrong hour used to print only
``sent=0 skipped=0 …``, which reads the same as a broken schedule. When a pass
sends nothing, the CLI adds one line saying when each team's next round is
(in the team's own time zone, as its owners set it), or why a team has none.
After a digests pass it says when each team's next digest is instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from okr.cadence import next_round_at, owner_zone
from okr.digest_due import next_digest_at
from okr.models import ObjectiveState, TeamSettings
from scheduling.rounds import PassKind
from storage.store import OkrStore

# The line names the soonest few teams; an operator with hundreds wants the gist.
SHOWN_TEAMS = 5


@dataclass(frozen=True, slots=True)
class NextRound:
    """A team's next check-in round (or digest), in the team's time zone."""

    team: str
    at: datetime  # aware, in the team's zone

    def describe(self) -> str:
        """``Sales: Mon 14/12 09:00 Asia/Ho_Chi_Minh``."""
        zone = self.at.tzinfo
        return f"{self.team}: {self.at:%a %d/%m %H:%M} {zone}"


_NOTHING_DUE = {
    PassKind.CHECKINS: "no team is due at this time",
    PassKind.REMINDERS: "no reminder is due at this time",
    PassKind.DIGESTS: "no digest is due at this time",
}


async def idle_line(store: OkrStore, now: datetime, tenant_id: str | None, kind: PassKind) -> str:
    """One line saying that nothing was due, and when each team's next round (or digest) is.

    Reads the teams and their objectives, as the pass itself just did; called
    only after a pass that sent nothing.

    Args:
        store: The store the pass ran on.
        now: The instant the pass ran for (``--now``).
        tenant_id: The tenant the pass was limited to, or None for every active one.
        kind: The pass that ran.
    """
    digests = kind is PassKind.DIGESTS
    rounds, without_objectives, off = await _next_rounds(store, now, tenant_id, digests=digests)
    parts = [_NOTHING_DUE[kind]]
    what = "digest" if digests else "round"
    if rounds:
        rounds.sort(key=lambda r: r.at)
        label = f"next {what} for" if len(rounds) == 1 else f"next {what}s:"
        shown = ", ".join(r.describe() for r in rounds[:SHOWN_TEAMS])
        more = len(rounds) - SHOWN_TEAMS
        parts.append(f"{label} {shown}" + (f" and {more} more team(s)" if more > 0 else ""))
    elif not (without_objectives or off):
        parts.append("no team has installed the bot")
    if off:
        parts.append(f"{off} team(s) turned their digest off")
    if without_objectives:
        parts.append(
            f"{without_objectives} team(s) have no active objectives, so no {what}s "
            "(activate one to start them)"
        )
    return "; ".join(parts)


def _next_digest(settings: TeamSettings, now: datetime) -> datetime | None:
    at = next_digest_at(settings, now)
    return None if at is None else at.astimezone(owner_zone(settings))


async def _next_rounds(
    store: OkrStore, now: datetime, tenant_id: str | None, *, digests: bool
) -> tuple[list[NextRound], int, int]:
    """The teams' next rounds (or digests), the teams without active objectives, and
    (for digests) the teams that turned theirs off."""
    tenants = [tenant_id] if tenant_id else [t.id for t in await store.list_tenants() if t.active]
    rounds: list[NextRound] = []
    without_objectives = off = 0
    for tenant in tenants:
        for team in await store.list_teams(tenant):
            if not team.installed:
                continue
            objectives = await store.list_objectives(tenant, team_id=team.id)
            if not any(o.state is ObjectiveState.ACTIVE for o in objectives):
                without_objectives += 1
                continue
            if digests and not team.settings.digest_enabled:
                off += 1
                continue
            at = _next_digest(team.settings, now) if digests else next_round_at(team.settings, now)
            if at is not None:
                rounds.append(NextRound(team.name or team.id, at))
    return rounds, without_objectives, off
