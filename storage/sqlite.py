"""SQLite backend: the embedded default, one file, no server.

Documents live in one table keyed by ``(partition, kind, id)`` with the JSON
body and an ETag. Fields the store filters on are indexed with expression
indexes over ``json_extract``. The schema is versioned with ``PRAGMA
user_version`` and migrated at open. WAL mode and a busy timeout make it safe
for several processes on one file: every write is a single statement, so it is
atomic on its own, and ETag checks happen inside that statement.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from storage.backend import Document, Scalar
from storage.errors import AlreadyExistsError, ConflictError, NotFoundError, StoreError

# Fields filtered on by OkrStore; each gets an expression index.
_INDEXED_FIELDS = (
    "key_result_id",
    "objective_id",
    "owner_id",
    "team_id",
    "round_id",
    "aad_object_id",
    "author_id",
)


def _json_path(field: str) -> str:
    return f"json_extract(body, '$.{_checked_field(field)}')"


_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _checked_field(field: str) -> str:
    # Field names are interpolated into SQL (expression indexes need literals),
    # so only plain identifiers are accepted.
    if not _FIELD.match(field):
        raise ValueError(f"not a field name: {field!r}")
    return field


# Migration N brings the schema from user_version N-1 to N. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE documents (
        partition TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        etag TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (partition, kind, id)
    ) WITHOUT ROWID;
    """
    + "".join(
        f"CREATE INDEX documents_{f} ON documents (partition, kind, {_json_path(f)});\n"
        for f in _INDEXED_FIELDS
    )
    + f"""
    CREATE INDEX documents_checkin_history ON documents
        (partition, kind, {_json_path("key_result_id")}, {_json_path("recorded_at")});
    """,
)

_BUSY_TIMEOUT_MS = 30_000


class SqliteBackend:
    """A :class:`~storage.backend.DocumentBackend` on one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self._path = Path(path)
        self._db: aiosqlite.Connection | None = None
        self._migrate_lock = asyncio.Lock()

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    async def open(self) -> None:
        """Open the file (creating folders), switch to WAL, apply pending migrations."""
        if str(self._path) != ":memory:":
            self._path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self._path, isolation_level=None, timeout=30)
        await db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        self._db = db
        await self._migrate()

    async def _migrate(self) -> None:
        db = self._conn()
        async with self._migrate_lock:
            # BEGIN IMMEDIATE takes the write lock, so two processes starting
            # together migrate one after the other, the second finding nothing to do.
            await db.execute("BEGIN IMMEDIATE")
            try:
                async with db.execute("PRAGMA user_version") as cur:
                    row = await cur.fetchone()
                version = int(row[0]) if row else 0
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"{self._path} has schema version {version}, newer than this "
                        f"app knows ({len(MIGRATIONS)}); upgrade the app"
                    )
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in filter(str.strip, script.split(";")):
                        await db.execute(statement)
                    await db.execute(f"PRAGMA user_version = {number}")
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise

    async def schema_version(self) -> int:
        """The schema version of the open file."""
        async with self._conn().execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        """Close the connection."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("SQLite store is not open (use `async with store:`)")
        return self._db

    async def ping(self) -> None:
        """Run a trivial query."""
        async with self._conn().execute("SELECT 1") as cur:
            await cur.fetchone()

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Point read by primary key."""
        async with self._conn().execute(
            "SELECT body, etag FROM documents WHERE partition = ? AND kind = ? AND id = ?",
            (partition, kind, id),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else Document(json.loads(row[0]), row[1])

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert; a duplicate key raises AlreadyExistsError."""
        etag = _new_etag()
        try:
            await self._conn().execute(
                "INSERT INTO documents (partition, kind, id, etag, body) VALUES (?, ?, ?, ?, ?)",
                (partition, kind, id, etag, _dump(body)),
            )
        except sqlite3.IntegrityError as exc:
            raise AlreadyExistsError(f"{kind} {id!r} already exists") from exc
        return etag

    async def create_missing(
        self, partition: str, documents: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> int:
        """Insert every ``(kind, id, body)`` not stored yet, in one statement: all or none.

        One statement, so it is atomic on its own and never interleaves with the
        other calls on this connection; existing documents are left unchanged.
        """
        rows = json.dumps([[kind, id, _dump(body)] for kind, id, body in documents])
        cur = await self._conn().execute(
            "INSERT INTO documents (partition, kind, id, etag, body) "
            "SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
            "lower(hex(randomblob(16))), json_extract(value, '$[2]') "
            "FROM json_each(?) WHERE true ON CONFLICT (partition, kind, id) DO NOTHING",
            (partition, rows),
        )
        return max(cur.rowcount, 0)

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Update only if the stored etag is still ``etag`` (checked in the same statement)."""
        new_etag = _new_etag()
        cur = await self._conn().execute(
            "UPDATE documents SET body = ?, etag = ? "
            "WHERE partition = ? AND kind = ? AND id = ? AND etag = ?",
            (_dump(body), new_etag, partition, kind, id, etag),
        )
        if cur.rowcount == 0:
            await self._raise_missing_or_stale(partition, kind, id)
        return new_etag

    async def _raise_missing_or_stale(self, partition: str, kind: str, id: str) -> None:
        if await self.read(partition, kind, id) is None:
            raise NotFoundError(f"{kind} {id!r} not found")
        raise ConflictError(f"{kind} {id!r} was changed by someone else")

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert or overwrite."""
        etag = _new_etag()
        await self._conn().execute(
            "INSERT INTO documents (partition, kind, id, etag, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (partition, kind, id) DO UPDATE SET body = excluded.body, "
            "etag = excluded.etag",
            (partition, kind, id, etag, _dump(body)),
        )
        return etag

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Delete (only at ``etag`` when given)."""
        sql = "DELETE FROM documents WHERE partition = ? AND kind = ? AND id = ?"
        params: tuple[str, ...] = (partition, kind, id)
        if etag is not None:
            sql += " AND etag = ?"
            params += (etag,)
        cur = await self._conn().execute(sql, params)
        if cur.rowcount == 0:
            await self._raise_missing_or_stale(partition, kind, id)

    async def query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Scalar] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[Document]:
        """Equality filters on top-level JSON fields, optional range, order and limit."""
        sql = ["SELECT body, etag FROM documents WHERE partition = ? AND kind = ?"]
        params: list[Any] = [partition, kind]
        for field, value in (where or {}).items():
            if value is None:
                sql.append(f"AND {_json_path(field)} IS NULL")
            else:
                sql.append(f"AND {_json_path(field)} = ?")
                params.append(value)
        if at_least is not None:
            sql.append(f"AND {_json_path(at_least[0])} >= ?")
            params.append(at_least[1])
        if order_by is not None:
            direction = "DESC" if descending else "ASC"
            sql.append(f"ORDER BY {_json_path(order_by)} {direction}, id {direction}")
        if limit is not None:
            sql.append("LIMIT ?")
            params.append(int(limit))
        async with self._conn().execute(" ".join(sql), params) as cur:
            rows = await cur.fetchall()
        return [Document(json.loads(body), etag) for body, etag in rows]


def _new_etag() -> str:
    return uuid.uuid4().hex


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
