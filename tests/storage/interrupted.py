"""A backend that goes away after a number of writes: the interrupted-import fault."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from storage.backend import DocumentBackend


class StorageWentAway(ConnectionError):
    """The injected failure."""


class CreatesThenFails:
    """Wraps a backend; ``create`` fails once ``writes`` documents were created through it.

    Everything else passes through, so what was written before the failure is
    really stored, as when a process dies or the network drops mid-import.
    """

    def __init__(self, inner: DocumentBackend, writes: int) -> None:
        self._inner = inner
        self._left = writes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        if self._left == 0:
            raise StorageWentAway("storage went away (injected)")
        self._left -= 1
        return await self._inner.create(partition, kind, id, body)


class CreatesConcurrently:
    """Wraps a backend without its ``create_missing``: the store creates one at a time.

    So ``OkrStore.create_missing`` takes the Cosmos DB path (many creates in
    flight, in layers) on every backend. Each create waits a little, seeded
    at random, so creates finish out of the order they started in. It
    records the most creates in flight at once, and for each create the
    documents whose create had returned when it started (``written_before``).
    After ``fail_after`` creates (if given) every create fails, as a backend
    that went away.
    """

    def __init__(self, inner: DocumentBackend, fail_after: int | None = None) -> None:
        self._inner = inner
        self._left = fail_after
        self._random = random.Random(13)
        self._in_flight = 0
        self.most_in_flight = 0
        self.written: list[tuple[str, str]] = []
        self.written_before: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}

    def __getattr__(self, name: str) -> Any:
        if name == "create_missing":
            raise AttributeError(name)
        return getattr(self._inner, name)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        if self._left is not None:
            if self._left == 0:
                raise StorageWentAway("storage went away (injected)")
            self._left -= 1
        self.written_before[(kind, id)] = frozenset(self.written)
        self._in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            await asyncio.sleep(self._random.random() / 500)
            etag = await self._inner.create(partition, kind, id, body)
        finally:
            self._in_flight -= 1
        self.written.append((kind, id))
        return etag
