"""Closing cards in the check-in pass: one per (team, period, owner) once a period has ended."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta

from okr.due import TeamSnapshot, closing_delivery_id, closings_due
from okr.models import Member, ObjectiveState, Team
from okr.periods import Period
from scheduling.rounds import PassKind
from storage.store import OkrStore
from tests.scheduling.test_rounds import TEAM, TENANT, RecordingSender, engine, seed

# Q4 2026 ends on Thursday 31 Dec. The first round after it is Monday 4 Jan 2027,
# 09:00 in each owner's zone: Alice (the objective's owner) is in Los Angeles (17:00 UTC).
FIRST_ROUND_AFTER = datetime(2027, 1, 4, 18, 0, tzinfo=UTC)
LAST_ROUND_IN = datetime(2026, 12, 28, 18, 0, tzinfo=UTC)


async def test_the_first_round_after_the_period_sends_a_closing_card_instead_of_questions(
    store: OkrStore,
) -> None:
    await seed(store)
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, LAST_ROUND_IN)
    assert all("Time to close" not in str(card) for _, card in sender.sent)
    sender.sent.clear()

    counts = await engine(store, sender).run(PassKind.CHECKINS, FIRST_ROUND_AFTER)
    # Alice owns the objective: one closing card. Nobody is asked about its key results.
    assert sender.recipients() == Counter({"alice": 1})
    [(_, card)] = sender.sent
    assert "Close the period" in str(card) and "Carry over to Q1 2027" in str(card)
    assert counts.sent == 1 and counts.ok
    record = await store.get_delivery(TENANT, f"closing|{TEAM}|2026-Q4|alice")
    assert record is not None and record.kind == "closing"

    # Once per period, not per round: the next pass and next week's round send nothing.
    for later in (FIRST_ROUND_AFTER + timedelta(hours=2), FIRST_ROUND_AFTER + timedelta(days=7)):
        again = await engine(store, sender).run(PassKind.CHECKINS, later)
        assert again.sent == 0
    assert sender.recipients() == Counter({"alice": 1})


async def test_two_instances_send_one_closing_card(store: OkrStore) -> None:
    await seed(store)
    sender = RecordingSender()
    sender.delay = 0.05
    import asyncio

    await asyncio.gather(
        engine(store, sender, "a").run(PassKind.CHECKINS, FIRST_ROUND_AFTER),
        engine(store, sender, "b").run(PassKind.CHECKINS, FIRST_ROUND_AFTER),
    )
    assert sender.recipients() == Counter({"alice": 1})


async def test_a_closed_objective_gets_no_closing_card(store: OkrStore) -> None:
    await seed(store)
    objective = await store.get_objective(TENANT, "obj")
    assert objective is not None
    await store.save_objective(dataclasses.replace(objective, state=ObjectiveState.CLOSED))
    sender = RecordingSender()
    counts = await engine(store, sender).run(PassKind.CHECKINS, FIRST_ROUND_AFTER)
    assert sender.sent == [] and counts.sent == 0


async def test_closings_due_groups_by_owner_and_period_and_skips_paused_owners(
    store: OkrStore,
) -> None:
    await seed(store)
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    [objective] = await store.list_objectives(TENANT)
    other = dataclasses.replace(objective, id="obj-2", etag=None)
    running = dataclasses.replace(objective, id="obj-3", period=Period.quarter(2027, 1))
    members = tuple(await store.list_members(TENANT))
    key_results = tuple(await store.list_key_results(TENANT))
    snapshot = TeamSnapshot(team, members, (objective, other, running), key_results)
    [due] = closings_due(FIRST_ROUND_AFTER, snapshot)
    assert (due.member.id, due.period.label) == ("alice", "2026-Q4")
    assert [o.id for o in due.objectives] == ["obj", "obj-2"]
    assert due.delivery_id == closing_delivery_id(TEAM, objective.period, "alice")
    assert due.delivery_id == f"closing|{TEAM}|2026-Q4|alice"
    assert {kr.objective_id for kr in due.key_results} == {"obj"}
    # Before Alice's first round after the end (her Monday 09:00), nothing yet.
    assert closings_due(FIRST_ROUND_AFTER - timedelta(hours=2), snapshot) == []
    paused = tuple(
        dataclasses.replace(m, prompts_paused=True) if m.id == "alice" else m for m in members
    )
    assert closings_due(FIRST_ROUND_AFTER, TeamSnapshot(team, paused, (objective,))) == []
    unknown: Team = team
    bare = TeamSnapshot(unknown, (Member(tenant_id=TENANT, id="x"),), (objective,))
    assert [d.member.id for d in closings_due(FIRST_ROUND_AFTER, bare)] == ["alice"]
