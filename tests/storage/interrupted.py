"""A backend that goes away after a number of writes: the interrupted-import fault."""

from __future__ import annotations

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
