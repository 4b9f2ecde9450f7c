"""Reading a team's digest from the store: the same numbers as the domain, few calls.

The history is ``tests/okr/digest_history.py``, stored; every backend call is
counted with the kind of document it touched.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from okr.cadence import round_id
from okr.digest import NoActiveObjectivesError
from okr.due import DeliveryKind, delivery_id
from okr.models import (
    Comparison,
    Delivery,
    DeliveryState,
    Kpi,
    Member,
    ObjectiveState,
)
from scheduling.digest_reads import read_team_digest
from storage.counting import CountingBackend
from storage.store import OkrStore
from tests.okr.digest_history import (
    FEB_27,
    NOW,
    OBJECTIVES,
    TEAM,
    TENANT,
    TODAY,
    A,
    B,
    C,
    D,
    today,
    week_before,
)
from tests.storage.conftest import BackendFactory

ROUND = round_id(TEAM.id, date(2026, 2, 23))
E = "29:e"  # in the tenant, named nowhere in the digest


UPTIME = Kpi(
    tenant_id=TENANT,
    id="uptime",
    title="Uptime",
    threshold=Decimal("99.5"),
    comparison=Comparison.AT_LEAST,
    current=Decimal("99.1"),
    team_id=TEAM.id,
)


async def _store_history(store: OkrStore) -> None:
    await store.save_team(TEAM)
    for member_id in (A, B, C, D, E):
        await store.save_member(Member(tenant_id=TENANT, id=member_id, team_ids=(TEAM.id,)))
    for objective in OBJECTIVES:
        await store.save_objective(objective)
    # Not this team's, not active, or not this tenant's: never in the digest.
    await store.save_objective(dataclasses.replace(OBJECTIVES[0], id="other", team_id="19:x"))
    await store.save_objective(
        dataclasses.replace(OBJECTIVES[0], id="draft", state=ObjectiveState.DRAFT)
    )
    await store.save_objective(dataclasses.replace(OBJECTIVES[0], id="t2", tenant_id="tenant-2"))
    for key_result in TODAY:
        await store.save_key_result(key_result)
    await store.save_key_result(dataclasses.replace(TODAY[0], id="kx", objective_id="other"))
    await store.save_kpi(UPTIME)
    await store.save_kpi(dataclasses.replace(UPTIME, id="fine", current=Decimal(100)))
    sent = DeliveryState.SENT
    states = {A: sent, B: sent, C: sent, D: DeliveryState.PENDING}  # D's card never went out
    for member_id, state in states.items():
        await store.save_delivery(
            Delivery(
                tenant_id=TENANT,
                id=delivery_id(ROUND, member_id, DeliveryKind.CHECKIN),
                round_id=ROUND,
                member_id=member_id,
                kind=DeliveryKind.CHECKIN.value,
                state=state,
            )
        )
    await store.save_snapshot(week_before().snapshot)


async def test_the_stored_history_gives_the_domains_numbers_in_a_few_calls(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as store:
        await _store_history(store)
        # This slot's own snapshot from an earlier posting: not "last week".
        await store.save_snapshot(today().snapshot)

    recorder = CountingBackend(backend_factory())
    async with OkrStore(recorder) as store:
        digest, members = await read_team_digest(store, TEAM, now=NOW, slot=FEB_27)

    assert dataclasses.replace(digest, kpis=()) == today()
    assert [(line.kpi.id, line.kpi.current) for line in digest.kpis] == [
        ("uptime", Decimal("99.1"))
    ]
    assert digest.participation.missing_ids == (B,)
    assert sorted(members) == [A, B, C, D]
    assert members[D].id == D
    assert recorder.counts.by_kind == Counter(
        {
            ("query", "objective"): 1,
            ("query", "key_result"): 1,  # the period's 3 active objectives, at once
            ("query", "digest_snapshot"): 1,
            ("query", "delivery"): 1,
            ("query", "kpi"): 1,
            # By id: A, B, C (asked), then D (owns a key result at risk). Never
            # the tenant's member list.
            ("query", "member"): 2,
        }
    )
    assert recorder.counts.writes == 0


async def test_reading_writes_nothing_and_the_snapshot_is_the_callers_to_save(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as store:
        await _store_history(store)
        digest, _ = await read_team_digest(store, TEAM, now=NOW, slot=FEB_27)
        assert await store.get_snapshot(TENANT, digest.snapshot.id) is None
        saved = await store.save_snapshot(digest.snapshot)
        latest = await store.latest_snapshot(TENANT, TEAM.id)
        assert latest is not None and latest.id == saved.id
        assert latest.trend == digest.trend
        assert latest.key_results == digest.snapshot.key_results


async def test_a_team_without_active_objectives_reads_no_key_results_and_no_people(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as store:
        await store.save_team(TEAM)
        await store.save_objective(dataclasses.replace(OBJECTIVES[0], state=ObjectiveState.CLOSED))
    recorder = CountingBackend(backend_factory())
    async with OkrStore(recorder) as store:
        with pytest.raises(NoActiveObjectivesError):
            await read_team_digest(store, TEAM, now=NOW, slot=FEB_27)
    assert ("query", "key_result") not in recorder.counts.by_kind
    assert ("read", "member") not in recorder.counts.by_kind
    assert ("query", "member") not in recorder.counts.by_kind


async def test_unknown_people_are_left_out_of_the_members(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as store:
        await _store_history(store)
        await store.save_objective(
            dataclasses.replace(OBJECTIVES[2], id="o9", owner_id="29:left", etag=None)
        )
        digest, members = await read_team_digest(
            store, TEAM, now=datetime(2026, 2, 27, 9, 0, tzinfo=UTC), slot=FEB_27
        )
    assert "o9" in {o.id for o in digest.objectives}
    assert "29:left" not in members
    assert sorted(members) == [A, B, C, D]
