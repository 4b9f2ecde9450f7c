"""Passes defer Python's full garbage collections, and only those, while they run."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime
from typing import Any

from scheduling.rounds import DeliveryEngine, FullCollectionsDeferred, PassKind


def test_only_the_oldest_generation_waits_and_only_while_a_pass_runs() -> None:
    deferred = FullCollectionsDeferred()
    young, middle, oldest = gc.get_threshold()
    with deferred():
        during = gc.get_threshold()
        with deferred():  # a nested or concurrent pass
            assert gc.get_threshold() == during
        assert gc.get_threshold() == during  # the other pass still runs
        assert gc.isenabled()
    assert during[:2] == (young, middle) and during[2] > 1_000_000
    assert gc.get_threshold() == (young, middle, oldest)


def test_young_cycles_are_still_collected_during_a_pass() -> None:
    deferred = FullCollectionsDeferred()
    with deferred():
        before = [s["collections"] for s in gc.get_stats()]
        for _ in range(100_000):
            cycle: list[Any] = []
            cycle.append(cycle)
        after = [s["collections"] for s in gc.get_stats()]
    assert after[0] > before[0]  # young collections went on
    assert after[2] == before[2]  # no full one


def test_a_failing_pass_restores_the_threshold() -> None:
    deferred = FullCollectionsDeferred()
    threshold = gc.get_threshold()
    try:
        with deferred():
            raise RuntimeError("pass failed")
    except RuntimeError:
        pass
    assert gc.get_threshold() == threshold


class _Store:
    def __init__(self) -> None:
        self.seen: tuple[int, int, int] | None = None

    async def list_tenants(self) -> list[Any]:
        self.seen = gc.get_threshold()
        return []


def test_a_pass_runs_with_full_collections_deferred() -> None:
    store = _Store()
    engine = DeliveryEngine(
        store,  # type: ignore[arg-type]
        sender=None,  # type: ignore[arg-type]
        composer=None,  # type: ignore[arg-type]
        instance="test",
        wall_clock=lambda: datetime(2026, 11, 30, tzinfo=UTC),
    )
    threshold = gc.get_threshold()
    asyncio.run(engine.run(PassKind.CHECKINS, datetime(2026, 11, 30, tzinfo=UTC)))
    assert store.seen is not None and store.seen[2] > 1_000_000
    assert gc.get_threshold() == threshold


def test_serving_freezes_what_start_up_made() -> None:
    import app

    frozen = gc.get_freeze_count()
    try:
        asyncio.run(app.freeze_start_up_objects(None))  # type: ignore[arg-type]
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual
