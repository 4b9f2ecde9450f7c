"""What one check-in costs on Cosmos DB, in store calls (what the bill is made of).

Counted through ``CountingBackend`` around the Cosmos backend; request units
summed from ``x-ms-request-charge``. The test server charges a flat 1 RU per
request, so its RU total equals the number of HTTP requests: on real Cosmos a
1 KB point read is 1 RU and writes cost several RU each, by size and indexing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from storage.cosmos import CosmosBackend
from storage.counting import CountingBackend, OperationCounts
from storage.store import OkrStore
from tests.cosmos_server import (
    CosmosServer,
    cosmos_backend,
    cosmos_server,
    drop_cosmos_database,
    new_database_name,
)
from tests.storage import samples

pytestmark = pytest.mark.cosmos

TENANT = "7f1f6a3e-0000-4000-8000-00000000c05d"


@dataclass
class Meter:
    store: OkrStore
    counting: CountingBackend
    cosmos: CosmosBackend
    ru_mark: float = 0.0

    def take(self) -> tuple[OperationCounts, float]:
        """Calls and request units since the last take."""
        spent = self.cosmos.request_charge - self.ru_mark
        self.ru_mark = self.cosmos.request_charge
        return self.counting.reset(), spent


@pytest.fixture(scope="module")
def cosmos() -> Iterator[CosmosServer]:
    with cosmos_server() as server:
        yield server


@pytest.fixture
async def meter(cosmos: CosmosServer) -> AsyncIterator[Meter]:
    name = new_database_name()
    backend = cosmos_backend(cosmos.endpoint, cosmos.key, name)
    counting = CountingBackend(backend)
    async with OkrStore(counting) as store:
        await store.save_key_result(samples.key_result(TENANT))
        meter = Meter(store, counting, backend)
        meter.take()
        yield meter
    await drop_cosmos_database(cosmos.endpoint, cosmos.key, name)


def calls(counts: OperationCounts) -> tuple[int, int, int]:
    return counts.point_reads, counts.queries, counts.writes


async def test_a_new_checkin_costs_one_point_read_and_two_writes(meter: Meter) -> None:
    _, created = await meter.store.record_checkin(samples.checkin(TENANT, "ci-1"))

    counts, ru = meter.take()
    assert created
    # Read the key result, create the check-in, replace the key result (If-Match).
    assert calls(counts) == (1, 0, 2)
    assert dict(counts.by_method) == {"read": 1, "create": 1, "replace": 1}
    assert ru == 3  # one request each on the test server


async def test_a_retried_checkin_costs_two_point_reads_and_one_refused_write(
    meter: Meter,
) -> None:
    checkin = samples.checkin(TENANT, "ci-1")
    await meter.store.record_checkin(checkin)
    meter.take()

    stored, created = await meter.store.record_checkin(checkin)

    counts, ru = meter.take()
    assert (stored, created) == (checkin, False)
    # Read the key result, create refused (409), read the stored check-in; the
    # key result already mirrors it, so no replace.
    assert calls(counts) == (2, 0, 1)
    assert dict(counts.by_method) == {"read": 2, "create": 1}
    assert ru == 3


async def test_an_older_checkin_does_not_rewrite_the_key_result(meter: Meter) -> None:
    newer = samples.checkin(TENANT, "ci-2")
    await meter.store.record_checkin(newer)
    meter.take()

    older = samples.checkin(TENANT, "ci-1", at=newer.recorded_at - timedelta(days=1))
    await meter.store.record_checkin(older)

    counts, ru = meter.take()
    assert dict(counts.by_method) == {"read": 1, "create": 1}
    assert ru == 2
