"""A check-in corrected within its round: both kept, the earlier one marked (every backend)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from okr.models import CheckIn, CheckInStatus
from storage.errors import NotFoundError
from storage.store import OkrStore
from tests.storage import samples
from tests.storage.samples import T0

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"


async def _checked_in(store: OkrStore) -> CheckIn:
    await store.save_objective(samples.objective(A))
    await store.save_key_result(samples.key_result(A))
    [earlier] = await store.record_checkins(A, [samples.checkin(A, "card|kr-1", value="13000000")])
    return earlier


def _correction(checkin_id: str, value: str, minutes: int = 5) -> CheckIn:
    return dataclasses.replace(
        samples.checkin(A, checkin_id, value=value, at=T0 + timedelta(minutes=minutes)),
        status=CheckInStatus.ON_TRACK,
        supersedes="card|kr-1",
    )


async def test_a_correction_replaces_the_check_in_and_history_keeps_both_marked(
    store: OkrStore,
) -> None:
    await _checked_in(store)
    [stored] = await store.correct_checkins(A, [_correction("fix|kr-1", "15000000")])
    assert stored.id == "fix|kr-1"
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.current == Decimal(15_000_000)
    assert kr.last_checkin_id == "fix|kr-1" and kr.last_status is CheckInStatus.ON_TRACK
    # History leaves the replaced one out (progress, scores, exports read it so) ...
    assert [c.id for c in await store.list_checkins(A, key_result_id="kr-1")] == ["fix|kr-1"]
    assert [c.id for c in await store.list_checkins(A, key_result_id="kr-1", limit=1)] == [
        "fix|kr-1"
    ]
    # ... and keeps it, saying by which check-in it was replaced.
    everything = await store.list_checkins(A, key_result_id="kr-1", include_superseded=True)
    assert [(c.id, c.superseded_by, c.supersedes) for c in everything] == [
        ("fix|kr-1", None, "card|kr-1"),
        ("card|kr-1", "fix|kr-1", None),
    ]
    earlier = await store.get_checkin(A, "card|kr-1")
    assert earlier is not None and earlier.value == Decimal(13_000_000)  # never overwritten


async def test_a_correction_submitted_twice_is_stored_once(store: OkrStore) -> None:
    await _checked_in(store)
    results = await asyncio.gather(
        *(store.correct_checkins(A, [_correction("fix|kr-1", "15000000")]) for _ in range(4))
    )
    assert {r[0].id for r in results} == {"fix|kr-1"}
    history = await store.list_checkins(A, key_result_id="kr-1", include_superseded=True)
    assert len(history) == 2


async def test_of_two_corrections_of_one_check_in_the_first_stands(store: OkrStore) -> None:
    await _checked_in(store)
    [first] = await store.correct_checkins(A, [_correction("fix-a|kr-1", "15000000")])
    [second] = await store.correct_checkins(A, [_correction("fix-b|kr-1", "99", minutes=6)])
    assert second == first
    assert await store.get_checkin(A, "fix-b|kr-1") is None  # not left behind
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.current == Decimal(15_000_000)


async def test_corrections_racing_leave_exactly_one_standing(store: OkrStore) -> None:
    await _checked_in(store)
    results = await asyncio.gather(
        *(
            store.correct_checkins(A, [_correction(f"fix-{i}|kr-1", str(100 + i), minutes=i)])
            for i in range(5)
        )
    )
    [standing] = {r[0].id for r in results}
    history = await store.list_checkins(A, key_result_id="kr-1", include_superseded=True)
    assert sorted(c.id for c in history) == sorted(["card|kr-1", standing])
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.last_checkin_id == standing


async def test_correcting_a_check_in_that_does_not_exist_stores_nothing(store: OkrStore) -> None:
    await _checked_in(store)
    missing = dataclasses.replace(_correction("fix|kr-1", "1"), supersedes="no-such|kr-1")
    with pytest.raises(NotFoundError):
        await store.correct_checkins(A, [missing])
    assert await store.get_checkin(A, "fix|kr-1") is None
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.current == Decimal(13_000_000)
