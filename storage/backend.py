"""The small set of document operations every storage backend implements.

Documents live in a *partition* (the tenant id; ``SYSTEM_PARTITION`` for the
cross-tenant registry the scheduler reads) and are keyed by ``(kind, id)``.
Each has an opaque ``etag`` that changes on every write. Backend-specific rules
(which characters an id may hold, how partitions map to storage) stay inside
the backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

# Partition that holds the registry of tenants. Tenant ids are GUIDs, so this
# cannot collide with one.
SYSTEM_PARTITION = "_system"

# How long one storage call may take before it raises StoreUnavailableError.
# Teams waits about 15 s for an invoke (a card's button) and a handler makes a
# few storage calls, so each gets a few seconds: long enough for a busy
# database, short enough that the person hears "please try again" in time.
CALL_DEADLINE_S = 3.0
# Scheduler passes answer nobody waiting: a busy database or a round's records
# for a large team (thousands of documents) must slow a pass down, not fail it.
PASS_DEADLINE_S = 30.0
# /readyz must answer within 2 s; its heartbeat write gets this long.
PING_DEADLINE_S = 1.0
# The document ``ping`` writes to prove that storage takes writes: one per
# store (not per instance), so it never accumulates.
HEARTBEAT_KIND = "heartbeat"
HEARTBEAT_ID = "readyz"

Scalar = str | int | bool | None


@dataclass(frozen=True, slots=True)
class Contains:
    """Matches an array field that holds ``value`` (e.g. a member's ``team_ids``)."""

    value: str


Match = Scalar | tuple[str, ...] | Contains
"""What a field of ``where`` is compared with: a value, a tuple of values any
of which it may equal (an ``IN``; an empty tuple matches nothing), or
:class:`Contains` for an array field."""


@dataclass(frozen=True, slots=True)
class Document:
    """A stored JSON body and the ETag it was read with."""

    body: dict[str, Any]
    etag: str


class DocumentBackend(Protocol):
    """Async document operations, scoped by partition.

    Errors: ``AlreadyExistsError`` from ``create``; ``ConflictError`` from
    ``replace``/``delete`` with a stale etag; ``NotFoundError`` when the document
    to replace or delete is missing. Nothing is changed when one of these is
    raised.

    Every call raises ``StoreUnavailableError`` when storage cannot be reached,
    refuses writes, or does not answer within ``CALL_DEADLINE_S``. A write that
    raised it may or may not have been applied; a write that returned is
    committed. The backend reconnects by itself on a later call.
    """

    async def open(self) -> None:
        """Connect, create what is missing (schema, database, containers)."""

    async def close(self) -> None:
        """Release connections. The backend may not be used afterwards."""

    async def ping(self) -> None:
        """Prove a write: upsert the heartbeat document within ``PING_DEADLINE_S``.

        Raises ``StoreUnavailableError`` otherwise (used by ``/readyz``).
        """

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Point read of one document, or None."""

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert a new document; return its etag."""

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Overwrite a document only if its etag is still ``etag``; return the new etag."""

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert or overwrite unconditionally; return the new etag."""

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Delete a document (only if its etag matches, when one is given)."""

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
        """Documents of one kind in one partition whose top-level fields equal ``where``.

        A ``None`` in ``where`` matches a field that is null or absent; a tuple,
        a field equal to any of its values (keep it to about 100 values).
        ``order_by`` names a top-level field whose stored values sort correctly
        as text (our datetimes are fixed-width UTC text). ``at_least`` keeps
        documents whose named text field is ``>=`` the given value.
        """

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
        """The documents :meth:`query` would return, as ``fields`` of each and nothing else.

        For pick-lists: ``(id, name)`` of a hundred people without sending,
        parsing and decoding a hundred whole documents. ``fields`` name
        top-level text fields (``id`` included); each row holds their values in
        that order, ``None`` where a document has none. Same filters, order,
        ties and limit as :meth:`query`.
        """


@runtime_checkable
class CreatesAtomically(Protocol):
    """A backend that can create many documents of one partition all or nothing.

    Optional: :meth:`storage.store.OkrStore.create_missing` uses it when the
    backend has it (SQLite), and one create per document otherwise, many at
    once in dependency layers (Cosmos DB, whose transactional batch the test
    server does not support).
    """

    async def create_missing(
        self, partition: str, documents: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> int:
        """Create each ``(kind, id, body)`` not stored yet, in one transaction; return how many.

        Documents that already exist are left as they are. If anything fails,
        nothing is created.
        """


@runtime_checkable
class WritesTogether(Protocol):
    """A backend that can create documents and then replace others in one commit.

    Optional: :meth:`storage.store.OkrStore.record_checkins` uses it when the
    backend has it (SQLite: one transaction, one flush to disk for a whole
    check-in card), and separate writes otherwise.
    """

    async def create_then_replace(
        self,
        partition: str,
        creates: Sequence[tuple[str, str, dict[str, Any]]],
        replaces: Sequence[tuple[str, str, dict[str, Any], str]],
    ) -> tuple[int, list[str | None]]:
        """Create each ``(kind, id, body)`` not stored yet; if that created all, replace each.

        A replace ``(kind, id, body, etag)`` is made only where the stored
        ETag is still ``etag``. All in one transaction: if anything fails,
        nothing is written. Returns how many were created, and for each
        replace its new ETag, or None where it was not made (not every
        document was created, or that document is gone or changed meanwhile).
        """


def heartbeat_body() -> dict[str, Any]:
    """The body ``ping`` upserts as ``(SYSTEM_PARTITION, HEARTBEAT_KIND, HEARTBEAT_ID)``."""
    return {"id": HEARTBEAT_ID, "at": datetime.now(UTC).isoformat()}
