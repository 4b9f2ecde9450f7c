"""A check-in card's check-ins are stored together: all of them, or none (every backend)."""

from __future__ import annotations

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
