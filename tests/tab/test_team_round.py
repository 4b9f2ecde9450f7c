"""A team's round (participation, at risk) is read once a minute at most, per tenant and
team; a few hundred are kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from okr.models import Objective, Team
from storage.store import OkrStore
from tab.team_round import MAX_TEAMS, RecentRounds, Round

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class Reads:
    """A stand-in for the round's read that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, datetime]] = []

    async def __call__(
        self, store: OkrStore, team: Team, now: datetime, objectives: Sequence[Objective]
    ) -> Round:
        self.calls.append((team.tenant_id, team.id, now))
        return None


STORE: Any = object()


async def test_a_digest_read_in_the_last_minute_is_not_read_again() -> None:
    reads = Reads()
    rounds = RecentRounds(reads)
    sales = Team(tenant_id="t1", id="sales")

    await rounds.get(STORE, sales, NOW, ())
    await rounds.get(STORE, sales, NOW + timedelta(seconds=59), ())
    await rounds.get(STORE, sales, NOW + timedelta(seconds=61), ())
    # A clock that went backwards reads again rather than trusting the kept one.
    await rounds.get(STORE, sales, NOW, ())

    assert [c[2] for c in reads.calls] == [NOW, NOW + timedelta(seconds=61), NOW]


async def test_digests_are_kept_per_tenant_and_team() -> None:
    reads = Reads()
    rounds = RecentRounds(reads)

    for tenant, team in (("t1", "sales"), ("t2", "sales"), ("t1", "ops"), ("t1", "sales")):
        await rounds.get(STORE, Team(tenant_id=tenant, id=team), NOW, ())

    assert [c[:2] for c in reads.calls] == [("t1", "sales"), ("t2", "sales"), ("t1", "ops")]


async def test_the_least_recently_read_team_is_forgotten_first() -> None:
    reads = Reads()
    rounds = RecentRounds(reads)
    first = Team(tenant_id="t1", id="team-0")

    for n in range(MAX_TEAMS + 1):
        await rounds.get(STORE, Team(tenant_id="t1", id=f"team-{n}"), NOW, ())
    await rounds.get(STORE, first, NOW, ())

    assert len(reads.calls) == MAX_TEAMS + 2  # team-0 was forgotten and read again
