"""A team's round (participation, at risk): the digest's figures, read from less, and read
once a minute at most per tenant and team; a few hundred are kept."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from okr.digest import NoActiveObjectivesError
from scheduling.digest_reads import read_team_digest
from storage.counting import CountingBackend
from storage.store import OkrStore
from tab.team_round import read_round
from tests.okr.digest_history import FEB_27, TEAM, TENANT, A, B, C, D
from tests.okr.digest_history import NOW as HISTORY_NOW
from tests.scheduling.test_digest_reads import _store_history as store_history
from tests.storage.conftest import BackendFactory

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def test_the_round_is_the_digests_participation_and_at_risk_read_from_less(
    backend_factory: BackendFactory,
) -> None:
    """The digest's stored history (tests/okr/digest_history.py): B was asked and is
    missing, D's card never went out; k4 off track, k2 and k8 at risk."""
    async with OkrStore(backend_factory()) as store:
        await store_history(store)
        digest, named = await read_team_digest(store, TEAM, now=HISTORY_NOW, slot=FEB_27)

    recorder = CountingBackend(backend_factory())
    async with OkrStore(recorder) as store:
        objectives = await store.list_objectives(TENANT, team_id=TEAM.id)
        recorder.reset()
        found = await read_round(store, TEAM, HISTORY_NOW, objectives)

    assert found is not None
    assert found.participation == digest.participation
    assert found.participation.missing_ids == (B,)
    assert [kr.id for kr in found.at_risk] == [line.id for line in digest.at_risk]
    assert [kr.id for kr in found.at_risk] == ["k4", "k2", "k8"]
    assert found.titles == {line.id: line.title for line in digest.objectives}
    assert found.people == {i: named[i] for i in (A, B, C, D)}
    assert recorder.counts.by_kind == Counter(
        {
            ("query", "key_result"): 2,  # at risk; the asked people's
            ("query", "delivery"): 1,
            ("query", "member"): 2,  # A, B, C (asked), then D (owns one at risk)
        }
    )
    # Documents: the 3 at risk, A's, B's and C's 7 key results (not D's k8), 4
    # deliveries, 4 members. Never the team's other key results, nor the snapshot.
    assert recorder.counts.documents == 3 + 7 + 4 + 4
    assert recorder.counts.writes == 0


async def test_no_round_without_an_active_objective_running_today(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as store:
        await store_history(store)
        objectives = await store.list_objectives(TENANT, team_id=TEAM.id)
        later = HISTORY_NOW + timedelta(days=120)  # after the period: the digest has none either

        assert await read_round(store, TEAM, later, objectives) is None
        with pytest.raises(NoActiveObjectivesError):
            await read_team_digest(store, TEAM, now=later, slot=later.date())
