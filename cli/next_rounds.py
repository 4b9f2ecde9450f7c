"""Why a pass sent nothing: each team's next round, in words an operator can check.

``python app.py run checkins`` at the wrong hour used to print only
``sent=0 skipped=0 …``, which reads the same as a broken schedule. When a pass
sends nothing, the CLI adds one line saying when each team's next round is
(in the team's own time zone, as its owners set it), or why a team has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from okr.cadence import next_round_at
from okr.models import ObjectiveState
from storage.store import OkrStore

# The line names the soonest few teams; an operator with hundreds wants the gist.
SHOWN_TEAMS = 5


@dataclass(frozen=True, slots=True)
class NextRound:
    """A team's next check-in round, in the team's time zone."""

    team: str
    at: datetime  # aware, in the team's zone

    def describe(self) -> str:
        """``Sales: Mon 14/12 09:00 Asia/Ho_Chi_Minh``."""
        zone = self.at.tzinfo
        return f"{self.team}: {self.at:%a %d/%m %H:%M} {zone}"


async def idle_line(
    store: OkrStore, now: datetime, tenant_id: str | None, *, checkins: bool
) -> str:
    """One line saying that nothing was due, and when each team's next round is.

    Reads the teams and their objectives, as the pass itself just did; called
    only after a pass that sent nothing.

    Args:
        store: The store the pass ran on.
        now: The instant the pass ran for (``--now``).
        tenant_id: The tenant the pass was limited to, or None for every active one.
        checkins: Whether the pass was the check-in pass (else reminders).
    """
    rounds, without_objectives = await _next_rounds(store, now, tenant_id)
    what = "no team is due at this time" if checkins else "no reminder is due at this time"
    parts = [what]
    if rounds:
        rounds.sort(key=lambda r: r.at)
        label = "next round for" if len(rounds) == 1 else "next rounds:"
        shown = ", ".join(r.describe() for r in rounds[:SHOWN_TEAMS])
        more = len(rounds) - SHOWN_TEAMS
        parts.append(f"{label} {shown}" + (f" and {more} more team(s)" if more > 0 else ""))
    elif not without_objectives:
        parts.append("no team has installed the bot")
    if without_objectives:
        parts.append(
            f"{without_objectives} team(s) have no active objectives, so no rounds "
            "(activate one to start them)"
        )
    return "; ".join(parts)


async def _next_rounds(
    store: OkrStore, now: datetime, tenant_id: str | None
) -> tuple[list[NextRound], int]:
    tenants = [tenant_id] if tenant_id else [t.id for t in await store.list_tenants() if t.active]
    rounds: list[NextRound] = []
    without_objectives = 0
    for tenant in tenants:
        for team in await store.list_teams(tenant):
            if not team.installed:
                continue
            objectives = await store.list_objectives(tenant, team_id=team.id)
            if not any(o.state is ObjectiveState.ACTIVE for o in objectives):
                without_objectives += 1
                continue
            at = next_round_at(team.settings, now)
            if at is not None:
                rounds.append(NextRound(team.name or team.id, at))
    return rounds, without_objectives
