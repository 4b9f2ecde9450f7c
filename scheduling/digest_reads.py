"""Read what one team's digest needs from the store, and build it (:mod:`okr.digest`).

The reads, each made once: the team's objectives (one query), the key results of
its active objectives that run today or on the current round's date (one query
per hundred objectives), the previous snapshot, the current round's
delivery records (who was asked), the team's KPIs, and the people the digest
names, by id. Never the tenant's member list: a digest costs what it shows.

Nothing is written: the scheduled pass saves ``digest.snapshot`` before it
sends; the on-demand digest never saves one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, datetime

from okr.digest import (
    NoActiveObjectivesError,
    TeamDigest,
    build_digest,
    digest_today,
    participation_round_date,
    participation_round_id,
    reported_period,
)
from okr.models import Delivery, Member, ObjectiveState, Team
from scheduling.rounds import asked_in
from storage.store import OkrStore


async def read_team_digest(
    store: OkrStore, team: Team, *, now: datetime, slot: date
) -> tuple[TeamDigest, dict[str, Member]]:
    """The team's digest at ``now`` for ``slot``, and the members it names by id.

    Members the store does not know are left out of the mapping (cards show the
    id's owner as unknown).

    Raises:
        NoActiveObjectivesError: The team has no active objective running today
            (the pass skips the team; nothing else was read but the objectives,
            snapshot, round records and KPIs).
    """
    tenant_id = team.tenant_id
    round_id = participation_round_id(team, now)
    objectives, previous, kpis, records = await asyncio.gather(
        store.list_objectives(tenant_id, team_id=team.id),
        store.latest_snapshot(tenant_id, team.id, before=slot),
        store.list_kpis(tenant_id, team.id),
        store.list_deliveries(tenant_id, round_id) if round_id else _nothing(),
    )
    today = digest_today(team, now)
    if reported_period(objectives, today) is None:
        raise NoActiveObjectivesError(f"team {team.id} has no active objectives on {today}")
    round_date = participation_round_date(team, now)
    # The reported period's key results, and those the round asks about (an
    # objective of another period running on the round's date) for participation.
    running = [
        o
        for o in objectives
        if o.state is ObjectiveState.ACTIVE
        and (
            o.period.contains_day(today)
            or (round_date is not None and o.period.contains_day(round_date))
        )
    ]
    asked = asked_in(records)
    key_results, asked_members = await asyncio.gather(
        store.list_key_results(tenant_id, objective_ids=[o.id for o in running]),
        _members(store, tenant_id, asked, {}),
    )
    # Thousands of key results are CPU work: off the event loop.
    digest = await asyncio.to_thread(
        build_digest,
        team,
        objectives,
        key_results,
        now=now,
        slot=slot,
        previous=previous,
        asked=asked,
        kpis=kpis,
        members=list(asked_members.values()),
    )
    named = await _members(store, tenant_id, named_ids(digest), asked_members)
    return digest, named


def named_ids(digest: TeamDigest) -> set[str]:
    """Everyone the digest names: objective owners, owners of the key results it
    lists (movers, stale, at risk) and those missing from the round."""
    lines = (*digest.movers_up, *digest.movers_down, *digest.stale, *digest.at_risk)
    owners = (o.owner_id for o in digest.objectives)
    return {
        i
        for i in (*owners, *(line.owner_id for line in lines), *digest.participation.missing_ids)
        if i
    }


async def read_members(store: OkrStore, tenant_id: str, ids: Iterable[str]) -> dict[str, Member]:
    """The members of ``ids`` by id (one query per hundred); unknown ids left out."""
    return await _members(store, tenant_id, ids, {})


async def _members(
    store: OkrStore, tenant_id: str, wanted: Iterable[str], known: dict[str, Member]
) -> dict[str, Member]:
    """``known`` and the members of ``wanted`` it lacks (one query per hundred ids);
    ids the store does not know are left out."""
    missing = set(wanted) - known.keys()
    return {**known, **{m.id: m for m in await store.get_members(tenant_id, missing)}}


async def _nothing() -> list[Delivery]:
    return []
