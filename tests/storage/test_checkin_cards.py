"""A check-in card's check-ins are stored together: all of them, or none (every backend)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from storage.errors import NotFoundError, StoreUnavailableError
from storage.store import OkrStore
from tests.storage import samples

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"


async def _two_key_results(store: OkrStore) -> None:
    await store.save_objective(samples.objective(A))
    for kr_id in ("kr-1", "kr-2"):
        await store.save_key_result(samples.key_result(A, kr_id))


async def test_a_card_records_every_check_in_and_each_key_result_shows_its_own(
    store: OkrStore,
) -> None:
    await _two_key_results(store)
    card = [
        samples.checkin(A, "card|kr-1", value="13000000", kr_id="kr-1"),
        samples.checkin(A, "card|kr-2", value="14000000", kr_id="kr-2"),
    ]
    stored = await store.record_checkins(A, card)
    assert [c.id for c in stored] == ["card|kr-1", "card|kr-2"]
    for kr_id, value in (("kr-1", 13_000_000), ("kr-2", 14_000_000)):
        kr = await store.get_key_result(A, kr_id)
        assert kr is not None and kr.current == value
        assert len(await store.list_checkins(A, key_result_id=kr_id)) == 1
    # The same card again with other values: the first submission is what stays.
    replay = [
        samples.checkin(A, "card|kr-1", value="1", kr_id="kr-1"),
        samples.checkin(A, "card|kr-2", value="2", kr_id="kr-2"),
    ]
    again = await store.record_checkins(A, replay)
    assert [c.value for c in again] == [13_000_000, 14_000_000]
    assert len(await store.list_checkins(A, key_result_id="kr-1")) == 1


class _FailsOnSecondCreate:
    """The store's backend, without one-statement creates, failing its second create."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.creates = 0

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        self.creates += 1
        if self.creates == 2:
            raise StoreUnavailableError("storage went away mid-card")
        etag: str = await self._inner.create(partition, kind, id, body)
        return etag

    def __getattr__(self, name: str) -> Any:
        if name == "create_missing":
            raise AttributeError(name)
        return getattr(self._inner, name)


async def test_a_card_whose_second_check_in_cannot_be_stored_stores_nothing(
    store: OkrStore,
) -> None:
    await _two_key_results(store)
    before = [await store.get_key_result(A, k) for k in ("kr-1", "kr-2")]
    failing = OkrStore(_FailsOnSecondCreate(store.backend))  # type: ignore[arg-type]
    card = [
        samples.checkin(A, "card|kr-1", value="13000000", kr_id="kr-1"),
        samples.checkin(A, "card|kr-2", value="14000000", kr_id="kr-2"),
    ]
    with pytest.raises(StoreUnavailableError):
        await failing.record_checkins(A, card)
    for kr_id in ("kr-1", "kr-2"):
        assert await store.list_checkins(A, key_result_id=kr_id) == []
    assert [await store.get_key_result(A, k) for k in ("kr-1", "kr-2")] == before
    # Pressing Send again records the whole card.
    assert len(await store.record_checkins(A, card)) == 2


async def test_a_card_naming_a_missing_key_result_stores_nothing(store: OkrStore) -> None:
    await _two_key_results(store)
    card = [
        samples.checkin(A, "card|kr-1", kr_id="kr-1"),
        samples.checkin(A, "card|gone", kr_id="gone"),
    ]
    with pytest.raises(NotFoundError):
        await store.record_checkins(A, card)
    assert await store.list_checkins(A, key_result_id="kr-1") == []


async def test_a_card_with_its_key_results_in_hand_reads_nothing_more(store: OkrStore) -> None:
    """The submit handler has just read the key results: recording costs only the writes."""
    from storage.counting import CountingBackend

    await _two_key_results(store)
    key_results = [await store.get_key_result(A, k) for k in ("kr-1", "kr-2")]
    counting = CountingBackend(store.backend)
    card = [
        samples.checkin(A, "card|kr-1", value="13000000", kr_id="kr-1"),
        samples.checkin(A, "card|kr-2", value="14000000", kr_id="kr-2"),
    ]
    await OkrStore(counting).record_checkins(A, card, [k for k in key_results if k])
    assert counting.counts.point_reads == 0 and counting.counts.queries == 0
    assert counting.counts.writes == 4  # two check-ins, two key results mirrored


class _SlowReplaces:
    """The store's backend, counting the replaces in flight at once; one key result's fails."""

    def __init__(self, inner: Any, failing_id: str | None = None) -> None:
        self._inner = inner
        self._failing_id = failing_id
        self.in_flight = 0
        self.most_in_flight = 0

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            if id == self._failing_id:
                raise StoreUnavailableError("storage went away mid-card")
            etag = await self._inner.replace(partition, kind, id, body, etag)
            return etag
        finally:
            self.in_flight -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_a_cards_key_results_are_updated_at_once_and_a_failed_one_on_the_next_press(
    store: OkrStore,
) -> None:
    await _two_key_results(store)
    await store.save_key_result(samples.key_result(A, "kr-3"))
    card = [
        samples.checkin(A, f"card|kr-{n}", value=f"1{n}000000", kr_id=f"kr-{n}") for n in (1, 2, 3)
    ]
    slow = _SlowReplaces(store.backend, failing_id="kr-2")

    with pytest.raises(StoreUnavailableError):
        await OkrStore(slow).record_checkins(A, card)

    assert slow.most_in_flight == 3
    currents = {k: (await store.get_key_result(A, k)) for k in ("kr-1", "kr-2", "kr-3")}
    assert {k: kr.current if kr else None for k, kr in currents.items()} == {
        "kr-1": 11_000_000,
        "kr-2": samples.key_result(A, "kr-2").current,
        "kr-3": 13_000_000,
    }
    # Pressing Send again completes the card: each key result shows its own check-in.
    stored = await store.record_checkins(A, card)
    assert [c.value for c in stored] == [11_000_000, 12_000_000, 13_000_000]
    for n in (1, 2, 3):
        kr = await store.get_key_result(A, f"kr-{n}")
        assert kr is not None and kr.current == n * 1_000_000 + 10_000_000
        assert kr.last_checkin_id == f"card|kr-{n}"
