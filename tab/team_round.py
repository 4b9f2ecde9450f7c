"""What a team tab's first page adds to the list: the current round's participation and
what is at risk, read for that alone on each request.

The team's weekly digest computes both (:mod:`okr.digest`), from every objective
and key result of the team: for a thousand objectives, most of a page's cost.
The tab reads only what the two need, with the same rules, so its figures are
the digest's:

* **at risk**: the key results of the reported period's active objectives
  (:func:`okr.digest.reported_period`) whose owner's last status is at risk or
  off track, by a store query on that status; worst first, then least progress;
* **participation**: of those the round asked (its delivery records), who has
  not checked in every key result the round asks them about
  (:func:`okr.due.round_summary`), from the key results of those people only.

Both are read for each request: a check-in shows on the next load of the tab.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from okr.digest import (
    Participation,
    digest_today,
    participation_round_date,
    participation_round_id,
    reported_period,
)
from okr.due import TeamSnapshot, owner_rounds, round_summary
from okr.models import CheckInStatus, KeyResult, Member, Objective, ObjectiveState, Team
from okr.progress import key_result_progress
from scheduling.digest_reads import read_members
from scheduling.rounds import asked_in
from storage.store import OkrStore

# Off track before at risk, as the digest orders them.
_WORRYING = (CheckInStatus.OFF_TRACK, CheckInStatus.AT_RISK)


@dataclass(frozen=True, slots=True)
class TeamRound:
    """The round's participation, what is at risk, and what showing them needs.

    Attributes:
        participation: The current round's (``round_date`` None before the first round).
        at_risk: Key results at risk or off track, worst first, then least progress.
        titles: The reported objectives' titles by id.
        people: The members named (those at risk's owners, those missing) by id.
    """

    participation: Participation
    at_risk: tuple[KeyResult, ...]
    titles: dict[str, str]
    people: dict[str, Member]


Round = TeamRound | None


async def read_round(
    store: OkrStore, team: Team, now: datetime, objectives: Sequence[Objective]
) -> Round:
    """The team's round now from ``objectives`` (the team's, in any state), or None when
    no active objective runs today (the digest has nothing to report either)."""
    period = reported_period(objectives, digest_today(team, now))
    if period is None:
        return None
    tenant = team.tenant_id
    reported = [o for o in objectives if o.state is ObjectiveState.ACTIVE and o.period == period]
    worrying, (participation, asked) = await asyncio.gather(
        store.list_key_results(tenant, objective_ids=[o.id for o in reported], statuses=_WORRYING),
        _participation(store, team, now, objectives),
    )
    at_risk = sorted(
        worrying,
        key=lambda kr: (
            _WORRYING.index(kr.last_status) if kr.last_status in _WORRYING else len(_WORRYING),
            key_result_progress(kr).clamped,
            kr.title,
            kr.id,
        ),
    )
    owners = {kr.owner_id for kr in at_risk if kr.owner_id} - asked.keys()
    people = {**asked, **await read_members(store, tenant, owners)}
    titles = {o.id: o.title for o in reported}
    return TeamRound(participation, tuple(at_risk), titles, people)


async def _participation(
    store: OkrStore, team: Team, now: datetime, objectives: Sequence[Objective]
) -> tuple[Participation, dict[str, Member]]:
    """The round's participation, and those it asked by id.

    Only the asked people's key results are read: whether the others checked in
    changes nothing of who among the asked is missing.
    """
    round_date = participation_round_date(team, now)
    round_id = participation_round_id(team, now)
    if round_date is None or round_id is None:
        return Participation(round_date=None, asked=0, checked_in=0), {}
    tenant = team.tenant_id
    asked = asked_in(await store.list_deliveries(tenant, round_id))
    running = [
        o.id
        for o in objectives
        if o.state is ObjectiveState.ACTIVE and o.period.contains_day(round_date)
    ]
    key_results, members = await asyncio.gather(
        store.list_key_results(tenant, objective_ids=running, owner_ids=sorted(asked)),
        read_members(store, tenant, asked),
    )
    snapshot = TeamSnapshot(
        team=team,
        members=tuple(members.values()),
        objectives=tuple(objectives),
        key_results=tuple(key_results),
    )
    summary = round_summary(snapshot, round_date, owner_rounds(snapshot, round_date))
    missing = tuple(e.member.id for e in summary.among(asked).missing) if summary else ()
    participation = Participation(
        round_date=round_date,
        asked=len(asked),
        checked_in=len(asked) - len(missing),
        missing_ids=missing,
    )
    return participation, members
