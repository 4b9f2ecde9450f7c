"""Count the document operations a store makes, by the kind a Cosmos bill knows.

Wrap any backend to see what a store call costs::

    counting = CountingBackend(backend)
    async with OkrStore(counting) as store:
        await store.record_checkin(checkin)
    counting.counts  # OperationCounts(point_reads=1, queries=0, writes=2, ...)

Calls are counted when made, so failed ones (a stale ETag, a duplicate id)
count too: they are billed as well.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.backend import CreatesAtomically, Document, DocumentBackend, Match, WritesTogether


@dataclass(slots=True)
class OperationCounts:
    """Document operations made, by kind and by backend method."""

    point_reads: int = 0
    queries: int = 0
    # create, replace, upsert, delete; create_missing: one statement, one write;
    # create_then_replace: one write for its creates and one for each replace.
    writes: int = 0
    documents: int = 0  # documents returned by point reads and queries (each one decoded)
    rows: int = 0  # rows of fields returned by ``query_fields`` (no document decoded)
    by_method: Counter[str] = field(default_factory=Counter)
    # (method, document kind), e.g. ("query", "member"): which reads a feature makes.
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """All document operations (pings excluded)."""
        return self.point_reads + self.queries + self.writes


class CountingBackend:
    """A :class:`~storage.backend.DocumentBackend` that counts the calls it forwards."""

    def __init__(self, inner: DocumentBackend) -> None:
        self.inner = inner
        self.counts = OperationCounts()

    def reset(self) -> OperationCounts:
        """Start counting afresh; return what was counted so far."""
        counted, self.counts = self.counts, OperationCounts()
        return counted

    def _count(self, method: str, kind: str | None = None) -> None:
        self.counts.by_method[method] += 1
        if kind is not None:
            self.counts.by_kind[method, kind] += 1
        if method == "read":
            self.counts.point_reads += 1
        elif method in ("query", "query_fields"):
            self.counts.queries += 1
        elif method != "ping":
            self.counts.writes += 1

    async def open(self) -> None:
        """Open the wrapped backend (not counted)."""
        await self.inner.open()

    async def close(self) -> None:
        """Close the wrapped backend (not counted)."""
        await self.inner.close()

    async def ping(self) -> None:
        """Forward; counted under ``by_method`` only."""
        self._count("ping")
        await self.inner.ping()

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Forward a point read."""
        self._count("read", kind)
        found = await self.inner.read(partition, kind, id)
        self.counts.documents += found is not None
        return found

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Forward a write."""
        self._count("create", kind)
        return await self.inner.create(partition, kind, id, body)

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Forward a write."""
        self._count("replace", kind)
        return await self.inner.replace(partition, kind, id, body, etag)

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Forward a write."""
        self._count("upsert", kind)
        return await self.inner.upsert(partition, kind, id, body)

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Forward a write."""
        self._count("delete", kind)
        await self.inner.delete(partition, kind, id, etag)

    async def query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[Document]:
        """Forward a query."""
        self._count("query", kind)
        inner = self.inner
        found = await inner.query(partition, kind, where, order_by, descending, limit, at_least)
        self.counts.documents += len(found)
        return found

    async def query_fields(
        self,
        partition: str,
        kind: str,
        fields: Sequence[str],
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """Forward a query of fields: one query, its rows counted apart from documents."""
        self._count("query_fields", kind)
        inner = self.inner
        found = await inner.query_fields(
            partition, kind, fields, where, order_by, descending, limit
        )
        self.counts.rows += len(found)
        return found


class AtomicCountingBackend(CountingBackend):
    """A :class:`CountingBackend` that keeps its backend's one-statement creates.

    :class:`CountingBackend` has no ``create_missing``, so a store over it
    creates one document per request, as on Cosmos DB; this one forwards it (and
    counts it as one write), so a count on SQLite is what SQLite does.
    """

    async def create_missing(
        self, partition: str, documents: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> int:
        """Forward a many-document create; one write."""
        assert isinstance(self.inner, CreatesAtomically)
        self._count("create_missing", documents[0][0] if documents else None)
        return await self.inner.create_missing(partition, documents)


class JointCountingBackend(AtomicCountingBackend):
    """An :class:`AtomicCountingBackend` that keeps its backend's joint writes too.

    ``create_then_replace`` (SQLite: a check-in card in one commit) is counted
    as one write for its creates and one for each replace.
    """

    async def create_then_replace(
        self,
        partition: str,
        creates: Sequence[tuple[str, str, dict[str, Any]]],
        replaces: Sequence[tuple[str, str, dict[str, Any], str]],
    ) -> tuple[int, list[str | None]]:
        """Forward creates and replaces made in one commit; one write, and one per replace."""
        assert isinstance(self.inner, WritesTogether)
        self._count("create_then_replace", creates[0][0] if creates else None)
        for kind, _id, _body, _etag in replaces:
            self.counts.writes += 1
            self.counts.by_kind["create_then_replace", kind] += 1
        return await self.inner.create_then_replace(partition, creates, replaces)


def counting(inner: DocumentBackend) -> CountingBackend:
    """A counting wrapper that does what ``inner`` does: one-statement creates, joint writes."""
    if isinstance(inner, CreatesAtomically) and isinstance(inner, WritesTogether):
        return JointCountingBackend(inner)
    if isinstance(inner, CreatesAtomically):
        return AtomicCountingBackend(inner)
    return CountingBackend(inner)
