"""SQLite backend: the embedded default, one file, no server.

Documents live in one table keyed by ``(partition, kind, id)`` with the JSON
body and an ETag. Fields the store filters on are indexed with expression
indexes over ``json_extract``. The schema is versioned with ``PRAGMA
user_version`` and migrated at open. WAL mode makes it safe for several
processes on one file: every write is a single statement, so it is atomic on
its own, and ETag checks happen inside that statement.

**Connections.** One writer connection and a few reader connections, each used
by one thread of its own (``sqlite3`` blocks, so writes and queries never run
on the event loop). In WAL mode readers do not wait for writers, so reads keep
answering while a write waits for a lock another process holds. Small reads
are the exception: one more reader connection answers point reads and small
queries on the event loop's own thread (a primary-key lookup takes about
10 µs; handing it to a thread and back cost 0.2 ms of CPU), with a busy
timeout of zero and a budget of 2 ms a statement; anything unusual (a lock, an
error, a file changed under it, a statement past its budget) sends the read to
the threads, and a read slower than ``_HERE_SLOW_S`` every read for a while. With ``synchronous =
FULL`` a write has been flushed to disk when it returns (see
docs/storage.md); writes queued together are committed together, one flush
for all of them.

**Deadlines.** Every call has a deadline (``CALL_DEADLINE_S``). SQLite's busy
timeout is set to what is left of it when the statement starts; a call still
queued at its deadline never runs; one still running shortly after is
interrupted. Each of these raises ``StoreUnavailableError``, as do the SQLite
errors that mean the file cannot be used now (locked, read-only, I/O error,
disk full, cannot open, corrupt).

**The file.** Before each call the backend checks (one ``stat``) that the file
at the configured path is still the one it has open (before a read, at most
once per ``_READ_CHECK_S``), and before a write that it may be written (asked
again when the file's status changes); after a write, that it is still the same
file, so a commit into a file deleted or swapped out meanwhile is never
reported as saved. A deleted file (folder and all) is put back from the copy still open (``VACUUM
INTO`` a new file, linked into place only if nothing else is there yet); a file
put in its place by someone else is switched to. Either way the connections
are reopened by themselves. A call that finds the file gone before touching it
waits for that and goes on; a write that finds it gone afterwards raises
``StoreUnavailableError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import os
import queue
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from storage.backend import (
    CALL_DEADLINE_S,
    HEARTBEAT_ID,
    HEARTBEAT_KIND,
    PING_DEADLINE_S,
    SYSTEM_PARTITION,
    Contains,
    Document,
    Match,
    heartbeat_body,
)
from storage.errors import (
    AlreadyExistsError,
    ConflictError,
    NotFoundError,
    StoreError,
    StoreUnavailableError,
)
from storage.repair import Repair

log = logging.getLogger("okr.storage")

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
    if field == "id":
        return "id"  # the primary key's column: the body's id is always the document's
    return f"json_extract(body, '$.{_checked_field(field)}')"


_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _checked_field(field: str) -> str:
    # Field names are interpolated into SQL (expression indexes need literals),
    # so only plain identifiers are accepted.
    if not _FIELD.match(field):
        raise ValueError(f"not a field name: {field!r}")
    return field


# A written member's rows of member_teams (in the triggers that keep that table).
_MEMBER_TEAMS_OF_NEW = """
        INSERT INTO member_teams (team_partition, team_id, member_name, member_id)
            SELECT DISTINCT NEW.partition, value, json_extract(NEW.body, '$.name'), NEW.id
            FROM json_each(NEW.body, '$.team_ids') WHERE type = 'text'"""

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
    # A team's digest snapshots newest first, without reading every one of them
    # (each is large, and a team keeps one per week).
    f"""
    CREATE INDEX documents_team_slot ON documents
        (partition, kind, {_json_path("team_id")}, {_json_path("slot")});
    """,
    # A pick-list of people (a team's, by name, the first hundred) reads the
    # tenant's people in name order and stops at a hundred, instead of sorting
    # every one of them.
    f"""
    CREATE INDEX documents_name ON documents (partition, kind, {_json_path("name")});
    """,
    # The first open objectives in creation order (a parent pick-list) read by
    # walking this index once per state, never sorting every open objective.
    f"""
    CREATE INDEX documents_state_created ON documents
        (partition, kind, {_json_path("state")}, {_json_path("created_at")});
    """,
    # A team's people by name (the owner pick-list), however few of the tenant's
    # they are: a member's teams and name, one row a team, kept by triggers on
    # every write of a member. Without it the name index walks the tenant's people
    # until it has found a hundred of the team (all of them, for a small team).
    f"""
    CREATE TABLE member_teams (
        team_partition TEXT NOT NULL,
        team_id TEXT NOT NULL,
        member_name TEXT,
        member_id TEXT NOT NULL
    );
    CREATE INDEX member_teams_by_name
        ON member_teams (team_partition, team_id, member_name, member_id);
    CREATE INDEX member_teams_by_member ON member_teams (team_partition, member_id);
    INSERT INTO member_teams (team_partition, team_id, member_name, member_id)
        SELECT DISTINCT documents.partition, teams.value, {_json_path("name")}, documents.id
        FROM documents, json_each(documents.body, '$.team_ids') AS teams
        WHERE documents.kind = 'member' AND teams.type = 'text';
    CREATE TRIGGER member_teams_insert AFTER INSERT ON documents WHEN NEW.kind = 'member'
    BEGIN
        {_MEMBER_TEAMS_OF_NEW};
    END;
    CREATE TRIGGER member_teams_update AFTER UPDATE ON documents WHEN NEW.kind = 'member'
    BEGIN
        DELETE FROM member_teams WHERE team_partition = OLD.partition AND member_id = OLD.id;
        {_MEMBER_TEAMS_OF_NEW};
    END;
    CREATE TRIGGER member_teams_delete AFTER DELETE ON documents WHEN OLD.kind = 'member'
    BEGIN
        DELETE FROM member_teams WHERE team_partition = OLD.partition AND member_id = OLD.id;
    END;
    """,
)
# (field, sort key) whose index walks the field's documents in sort-key order
# (then by id, the primary key every index ends with).
_ORDERED_INDEXES = {
    ("key_result_id", "recorded_at"): "documents_checkin_history",
    ("team_id", "slot"): "documents_team_slot",
    ("state", "created_at"): "documents_state_created",
}

Synchronous = Literal["FULL", "NORMAL"]

# Reader connections: reads are most of the traffic, and each holds the GIL
# only between SQLite steps.
_READERS = 3
# How long past its deadline a running statement is given before it is interrupted.
_GRACE_S = 0.5
# How far the busy timeout may be from what is left of a call's deadline (well
# within the grace above).
_BUSY_SLACK_MS = 50
# Most writes committed together (one flush to disk for all of them).
_GROUP_MAX = 64
# A bulk write (an import) gets this much longer per document than one call:
# about eight times what one document took on a busy shared machine.
_BULK_S_PER_DOCUMENT = 0.0005
# Opening (and migrating) at start-up may wait for another process's write.
_OPEN_DEADLINE_S = 30.0
# Restoring a deleted file copies the whole database.
_RECOVERY_DEADLINE_S = 60.0
# A read does not check the file again within this long of the last check
# that passed (a ``stat`` per call was 0.2 ms of CPU per check-in here).
_READ_CHECK_S = 0.1
# A read on the event loop's thread slower than this (the disk, not the lookup)
# sends reads back to the reader threads for _HERE_OFF_S.
_HERE_SLOW_S = 0.005
_HERE_OFF_S = 60.0
# A statement on the event loop's thread running longer than _HERE_BUDGET_S is
# interrupted (and run in a thread). SQLite's progress handler, called every
# _HERE_STEPS virtual-machine steps, looks at the clock: steps alone do not
# bound the time (one step may be a json_each over a whole document). A point
# read takes under a hundred steps and never calls it.
_HERE_STEPS = 100
_HERE_BUDGET_S = 0.002
# A query of more documents than this is read in a thread (and decoded there).
_HERE_ROWS = 100
# Rows of a few fields (a pick-list's names) have nothing to decode: the time budget
# alone sends a large one to a thread.
_HERE_FIELD_ROWS = 1000
_POINT_READ = "SELECT body, etag FROM documents WHERE partition = ? AND kind = ? AND id = ?"
# Every (kind, id, body) of a JSON array not stored yet, in one statement.
_CREATE_MISSING = (
    "INSERT INTO documents (partition, kind, id, etag, body) "
    "SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "lower(hex(randomblob(16))), json_extract(value, '$[2]') "
    "FROM json_each(?) WHERE true ON CONFLICT (partition, kind, id) DO NOTHING"
)
# A document's new body and ETag, only at the ETag it was read with.
_REPLACE = (
    "UPDATE documents SET body = ?, etag = ? "
    "WHERE partition = ? AND kind = ? AND id = ? AND etag = ?"
)

# SQLite primary result codes (``code & 0xFF``) that mean the file cannot be
# used now: BUSY, LOCKED, READONLY, INTERRUPT, IOERR, CORRUPT, FULL, CANTOPEN,
# PROTOCOL, NOTADB. Anything else (a constraint, a programming error) is raised as is.
_UNAVAILABLE_CODES = frozenset({5, 6, 8, 9, 10, 11, 13, 14, 15, 26})
# Of those, the ones after which the connections are reopened: the file may
# have been changed under them (READONLY, IOERR, CORRUPT, CANTOPEN, NOTADB).
_REOPEN_CODES = frozenset({8, 10, 11, 14, 26})


class _Reopen(StoreUnavailableError):
    """The connections must be reopened before the next call.

    ``untouched`` is True when nothing was executed, so the call may be
    retried once the connections are reopened.
    """

    def __init__(self, message: str, *, untouched: bool) -> None:
        super().__init__(message)
        self.untouched = untouched


def _unavailable(exc: sqlite3.Error) -> StoreUnavailableError | None:
    """The storage error a SQLite error stands for, if it means the file cannot be used."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in _UNAVAILABLE_CODES:
        return None
    message = f"SQLite {getattr(exc, 'sqlite_errorname', code)}: {exc}"
    if code & 0xFF in _REOPEN_CODES:
        return _Reopen(message, untouched=False)
    return StoreUnavailableError(message)


class _Job:
    """One call queued for a connection's thread, and where its outcome goes."""

    __slots__ = ("abandoned", "after", "before", "deadline", "fn", "future", "kind", "loop")

    def __init__(
        self,
        kind: Literal["setup", "alone", "write", "close"],
        fn: Callable[[Any], Any],
        deadline: float,
        before: Callable[[], None] | None = None,
        after: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.fn = fn
        self.deadline = deadline
        self.before = before
        self.after = after
        self.loop = asyncio.get_running_loop()
        self.future: asyncio.Future[Any] = self.loop.create_future()
        self.abandoned = False  # the caller stopped waiting: never start it

    def deliver(self, result: Any = None, error: BaseException | None = None) -> None:
        """Hand the outcome to the caller's event loop (called in the connection's thread)."""

        def settle() -> None:
            if self.future.done():
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(result)

        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            self.loop.call_soon_threadsafe(settle)


class _Connection:
    """One SQLite connection and the one thread that uses it.

    With ``group_commit`` (the writer), writes queued together run in one
    transaction with one commit, so a burst of writes costs one flush to disk
    rather than one each. Every write job is a single statement: one that
    fails (a duplicate id) is undone alone, and its caller gets the error once
    the others are committed.
    """

    def __init__(self, name: str, *, group_commit: bool = False) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._group_commit = group_commit
        self._db: sqlite3.Connection | None = None
        self._running: list[_Job] = []
        self._closed = False
        self._busy_ms = -1  # the connection's busy timeout (ms) as last set; -1: unknown
        self.pending = 0  # calls queued or running, to spread reads
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    async def connect(
        self, path: Path, deadline: float, setup: Callable[[sqlite3.Connection], None]
    ) -> None:
        """Open the connection in its thread and run ``setup`` on it."""

        def job(_db: None) -> None:
            db = sqlite3.connect(
                path, isolation_level=None, timeout=max(deadline - time.monotonic(), 0.001)
            )
            try:
                setup(db)
            except BaseException:
                db.close()
                raise
            self._db = db

        await self._submit(_Job("setup", job, deadline))

    async def run[T](
        self,
        job: Callable[[sqlite3.Connection], T],
        deadline: float,
        *,
        write: bool = False,
        before: Callable[[], None] | None = None,
        after: Callable[[], None] | None = None,
    ) -> T:
        """Run ``job`` by ``deadline`` (monotonic), or raise StoreUnavailableError.

        ``before`` runs first (nothing is done if it raises), ``after`` once the
        write is committed. A ``write`` job must be one statement: it may share
        a transaction with other writes.
        """
        kind: Literal["alone", "write"] = "write" if write and self._group_commit else "alone"
        result: T = await self._submit(_Job(kind, job, deadline, before, after))
        return result

    async def _submit(self, job: _Job) -> Any:
        if self._closed:  # replaced by a reopen: the caller retries on the new one
            raise _Reopen("SQLite connection was closed", untouched=True)
        self.pending += 1
        self._jobs.put(job)
        try:
            async with asyncio.timeout(job.deadline - time.monotonic() + _GRACE_S):
                return await job.future
        except TimeoutError:
            job.abandoned = True
            db = self._db
            if job in self._running and db is not None:
                db.interrupt()  # a statement still running past its deadline
            raise StoreUnavailableError(
                "SQLite did not answer within the call's deadline"
            ) from None
        except BaseException:
            job.abandoned = True
            raise
        finally:
            self.pending -= 1

    async def close(self) -> None:
        """Close the connection after the calls queued before it, and end the thread."""
        if self._closed:
            return
        self._closed = True
        job = _Job("close", lambda _db: None, math.inf)
        self._jobs.put(job)
        # Calls queued before end by their own deadlines; a thread stuck in the
        # file system is left to finish on its own.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CALL_DEADLINE_S + _GRACE_S):
                await job.future

    # -- in the connection's thread -------------------------------------------------

    def _serve(self) -> None:
        carried: _Job | None = None
        while True:
            job = carried if carried is not None else self._jobs.get()
            carried = None
            if job.kind == "close":
                db, self._db = self._db, None
                if db is not None:
                    with contextlib.suppress(sqlite3.Error):
                        db.close()
                job.deliver()
                return
            batch = [job]
            while job.kind == "write" and len(batch) < _GROUP_MAX:
                try:
                    queued = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if queued.kind != "write":
                    carried = queued
                    break
                batch.append(queued)
            now = time.monotonic()
            live = []
            for each in batch:
                if each.abandoned:
                    continue
                if now >= each.deadline:  # waited in the queue until the caller gave up
                    each.deliver(error=StoreUnavailableError("SQLite was busy until the deadline"))
                    continue
                live.append(each)
            if not live:
                continue
            self._running = live
            try:
                if len(live) == 1:
                    self._run_one(live[0])
                else:
                    self._run_group(live)
            finally:
                self._running = []

    def _set_busy_timeout(self, db: sqlite3.Connection, deadline: float) -> None:
        """Set SQLite's busy timeout to what is left until ``deadline``, give or take a little.

        Within ``_BUSY_SLACK_MS`` of the value already set, it is left as it is:
        each new value is a statement of its own to prepare, and would push the
        store's prepared statements out of the connection's statement cache.
        """
        millis = _millis_left(deadline)
        if abs(millis - self._busy_ms) > _BUSY_SLACK_MS:
            db.execute(f"PRAGMA busy_timeout = {millis}")
            self._busy_ms = millis

    def _run_one(self, job: _Job) -> None:
        db = self._db
        try:
            if job.kind != "setup":
                if db is None:
                    raise _Reopen("SQLite connection was closed", untouched=True)
                self._set_busy_timeout(db, job.deadline)
            if job.before is not None:
                job.before()
            result = job.fn(db)
            if job.after is not None:
                job.after()
        except Exception as exc:
            job.deliver(error=_translated(exc))
        else:
            job.deliver(result)

    def _run_group(self, jobs: list[_Job]) -> None:
        db = self._db
        if db is None:
            for job in jobs:
                job.deliver(error=_Reopen("SQLite connection was closed", untouched=True))
            return
        outcomes: list[tuple[_Job, Any, Exception | None]] = []
        try:
            self._set_busy_timeout(db, min(j.deadline for j in jobs))
            db.execute("BEGIN IMMEDIATE")
            for job in jobs:
                try:
                    if job.before is not None:
                        job.before()
                    outcomes.append((job, job.fn(db), None))
                except sqlite3.Error as exc:
                    if _unavailable(exc) is not None:
                        raise  # the transaction cannot go on
                    outcomes.append((job, None, exc))  # this statement alone was undone
                except Exception as exc:
                    outcomes.append((job, None, exc))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")  # if SQLite has not already
            for job in jobs:
                job.deliver(error=_translated(exc))
            return
        for job, result, failed in outcomes:
            error = failed
            if error is None and job.after is not None:
                try:
                    job.after()
                except Exception as exc:
                    error = exc
            if error is None:
                job.deliver(result)
            else:
                job.deliver(error=_translated(error))


class _Elsewhere:
    """What :meth:`SqliteBackend._read_here` answers when a point read is for the threads."""


_ELSEWHERE = _Elsewhere()


def _open_here(path: Path, identity: tuple[int, int]) -> sqlite3.Connection | None:
    """A read-only connection for point reads on this thread, or None if it cannot be had now.

    Its busy timeout is zero: a read that would wait goes to a thread instead.
    """
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return None
    try:
        db.execute("PRAGMA query_only = 1")
        if _identity(path) != identity:
            db.close()
            return None
    except (sqlite3.Error, OSError):
        db.close()
        return None
    return db


def _millis_left(deadline: float) -> int:
    return max(int((deadline - time.monotonic()) * 1000), 1)


def _translated(exc: Exception) -> Exception:
    """``exc``, or the storage error it stands for when it means the file cannot be used."""
    if isinstance(exc, sqlite3.Error) and (unavailable := _unavailable(exc)) is not None:
        unavailable.__cause__ = exc
        return unavailable
    return exc


@dataclass(slots=True)
class _Files:
    """The open connections, and which file (``st_dev``, ``st_ino``) they have open."""

    writer: _Connection
    readers: tuple[_Connection, ...]
    identity: tuple[int, int]
    closed: bool = False
    # When a check last found the open file at the path (monotonic), and the
    # file's status when it was last found writable (see SqliteBackend._check_file).
    checked_at: float = -math.inf
    writable_as: tuple[int, ...] | None = None
    # The read connection of the event loop's thread (see SqliteBackend._rows_here),
    # and when its statement started (perf_counter).
    here: sqlite3.Connection | None = None
    here_thread: int | None = None
    here_started: float = 0.0

    def here_over_budget(self) -> bool:
        """SQLite's progress handler: True (interrupt) once a statement ran past its budget."""
        return time.perf_counter() - self.here_started > _HERE_BUDGET_S

    def reader(self) -> _Connection:
        return min(self.readers, key=lambda c: c.pending)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        here, self.here = self.here, None
        if here is not None:
            with contextlib.suppress(sqlite3.Error):  # another thread's: left to the collector
                here.close()
        for connection in (self.writer, *self.readers):
            try:
                await connection.close()
            except Exception:  # closing what is already broken: nothing left to save
                log.warning("closing a SQLite connection failed", exc_info=True)


class SqliteBackend:
    """A :class:`~storage.backend.DocumentBackend` on one SQLite file.

    Args:
        path: The database file; its folder is created if missing.
        deadline_s: How long one call may take (``StoreUnavailableError`` after).
        synchronous: ``FULL`` (a returned write survives a power cut) or
            ``NORMAL`` (it survives a crash of the process; used by the benchmark).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        deadline_s: float = CALL_DEADLINE_S,
        synchronous: Synchronous = "FULL",
    ) -> None:
        if str(path) == ":memory:":
            raise ValueError("SqliteBackend needs a file: each connection would get its own memory")
        self._path = Path(path)
        self._deadline_s = deadline_s
        self._synchronous = synchronous
        self._files: _Files | None = None
        self._broken = False
        self._repair = Repair(str(self._path), self._recover)
        # Point reads asked for in this turn of the event loop, read together at its end.
        self._point_reads: (
            list[tuple[tuple[str, str, str], asyncio.Future[Document | None]]] | None
        ) = None
        self._reading: set[asyncio.Task[None]] = set()
        # Until then (monotonic), point reads are not answered on the event loop's thread.
        self._here_off_until = -math.inf

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    # -- lifecycle -------------------------------------------------------------

    async def open(self) -> None:
        """Open the file (creating folders), switch to WAL, apply pending migrations."""
        self._files = await self._open_files(time.monotonic() + _OPEN_DEADLINE_S)
        self._broken = False

    async def close(self) -> None:
        """Close the connections; restore the file first if it was deleted meanwhile."""
        files, self._files = self._files, None
        self._repair.cancel()
        if files is None:
            return
        try:
            if not files.closed:
                deadline = time.monotonic() + _RECOVERY_DEADLINE_S
                await files.writer.run(lambda db: self._settle(db, files), deadline)
        except (StoreError, OSError):
            log.exception("SQLite file %s could not be checked or restored on close", self._path)
        await files.close()

    async def _open_files(self, deadline: float) -> _Files:
        """Open the writer (migrating the file) and the readers on the file at the path."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        identity: list[tuple[int, int]] = []

        def setup_writer(db: sqlite3.Connection) -> None:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {self._synchronous}")
            _migrate(db, self._path)
            identity.append(_identity(self._path))

        def setup_reader(db: sqlite3.Connection) -> None:
            db.execute("PRAGMA query_only = 1")
            if _identity(self._path) != identity[0]:
                raise _Reopen(f"{self._path} changed while opening", untouched=True)

        writer = _Connection("sqlite-writer", group_commit=True)
        opened = [writer]
        try:
            await writer.connect(self._path, deadline, setup_writer)
            for n in range(_READERS):
                reader = _Connection(f"sqlite-reader-{n}")
                opened.append(reader)
                await reader.connect(self._path, deadline, setup_reader)
        except BaseException:
            for connection in opened:
                await connection.close()
            raise
        files = _Files(writer, tuple(opened[1:]), identity[0])
        files.here = _open_here(self._path, identity[0])
        if files.here is not None:
            files.here_thread = threading.get_ident()
            files.here.set_progress_handler(files.here_over_budget, _HERE_STEPS)
        return files

    async def schema_version(self) -> int:
        """The schema version of the open file."""
        row = await self._read(lambda db: db.execute("PRAGMA user_version").fetchone())
        return int(row[0]) if row else 0

    async def ping(self) -> None:
        """Upsert the heartbeat document within ``PING_DEADLINE_S``."""
        await self._write(
            _upsert_job(
                SYSTEM_PARTITION, HEARTBEAT_KIND, HEARTBEAT_ID, heartbeat_body(), _new_etag()
            ),
            deadline_s=PING_DEADLINE_S,
        )

    # -- running calls -----------------------------------------------------------

    async def _read[T](self, job: Callable[[sqlite3.Connection], T]) -> T:
        return await self._call(job, write=False)

    async def _write[T](
        self, job: Callable[[sqlite3.Connection], T], deadline_s: float | None = None
    ) -> T:
        return await self._call(job, write=True, deadline_s=deadline_s)

    async def _call[T](
        self,
        job: Callable[[sqlite3.Connection], T],
        *,
        write: bool,
        deadline_s: float | None = None,
    ) -> T:
        deadline = time.monotonic() + (self._deadline_s if deadline_s is None else deadline_s)
        for _attempt in range(2):
            files = await self._ready(deadline)
            connection = files.writer if write else files.reader()

            def before(files: _Files = files) -> None:
                self._check_file(files, write=write, untouched=True, read=not write)

            def after(files: _Files = files) -> None:
                # The commit went into the file at the path, not one deleted meanwhile.
                self._check_file(files, write=False, untouched=False)

            try:
                return await connection.run(
                    job, deadline, write=write, before=before, after=after if write else None
                )
            except _Reopen as exc:
                if self._files is files:
                    self._broken = True
                if not exc.untouched:
                    raise StoreUnavailableError(str(exc)) from exc
                log.warning("SQLite: %s; reopening", exc)
        raise StoreUnavailableError(f"{self._path} keeps changing under the store")

    async def _ready(self, deadline: float) -> _Files:
        """The open connections, once any restore or reopen in progress is done."""
        if self._files is None:
            raise StoreError("SQLite store is not open (use `async with store:`)")
        if self._broken:
            await self._repair.wait(deadline)
        if self._files is None:
            raise StoreError("SQLite store is not open (use `async with store:`)")
        return self._files

    async def _recover(self) -> None:
        """Put a database back at the path if it was deleted, then reopen every connection."""
        old = self._files
        if old is None:
            return
        deadline = time.monotonic() + _RECOVERY_DEADLINE_S
        if not old.closed and await old.writer.run(lambda db: self._settle(db, old), deadline):
            # Another file is at the path now; the old connections may still
            # share the -wal and -shm files beside it: close them first.
            await old.close()
        new = await self._open_files(deadline)
        if self._files is not old:  # the store was closed meanwhile
            await new.close()
            return
        self._files, self._broken = new, False
        await old.close()

    def _settle(self, db: sqlite3.Connection, files: _Files) -> bool:
        """In the writer's thread: see that a database is at the path; True if not the open one.

        If nothing is there, a copy of the open database is written next to the
        path and linked into place only if the path is still free, so a file
        someone else put there meanwhile is kept. Either way the open
        database's WAL is checkpointed and emptied before its connections are
        closed: when only the main file was deleted or replaced, that WAL is
        still beside the path, and the file there must never read it.
        """
        identity = _identity_or_none(self._path)
        if identity == files.identity:
            return False
        if identity is not None:
            log.error("SQLite file %s was replaced while open; switching to it", self._path)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return True
        folder = self._path.parent
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / f".{self._path.name}.restore-{uuid.uuid4().hex}"
        try:
            db.execute("VACUUM INTO ?", (str(copy),))
            _fsync(copy)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            os.link(copy, self._path)
            _fsync(folder)
            log.error("SQLite file %s was deleted while open; restored it", self._path)
        except FileExistsError:
            log.error("SQLite file %s was deleted while open; using the one put back", self._path)
        finally:
            copy.unlink(missing_ok=True)
        return True

    def _check_file(
        self, files: _Files, *, write: bool, untouched: bool, read: bool = False
    ) -> None:
        """In a connection's thread: raise unless the path is still the open, writable file.

        ``read``: the check before a read, skipped within ``_READ_CHECK_S`` of
        the last check that passed (any call's): a read from a file deleted or
        replaced a moment ago answers what was stored a moment ago, which any
        read may. Writes check before and after, every time: one is never
        reported saved unless it is in the file at the path.
        """
        now = time.monotonic()
        if read and now - files.checked_at < _READ_CHECK_S:
            return
        files.checked_at = -math.inf  # until this check passes, every call checks
        try:
            status = os.stat(self._path)
        except FileNotFoundError:
            raise _Reopen(f"{self._path} was deleted", untouched=untouched) from None
        except OSError as exc:
            raise StoreUnavailableError(f"{self._path} cannot be reached: {exc}") from exc
        if (status.st_dev, status.st_ino) != files.identity:
            raise _Reopen(f"{self._path} was replaced by another file", untouched=untouched)
        files.checked_at = now
        if write and not self._writable(files, status):
            # The open connection could still write, but a restart could not:
            # refuse now rather than then.
            raise StoreUnavailableError(f"{self._path} is not writable")

    def _writable(self, files: _Files, status: os.stat_result) -> bool:
        """Whether the file may be written; asked again only once its status changed.

        A change of mode, owner or ACL changes the file's ``st_ctime_ns`` too
        (as does a checkpoint writing into it: then it is simply asked again).
        """
        key = (status.st_mode, status.st_uid, status.st_gid, status.st_ctime_ns)
        if key == files.writable_as:
            return True
        if not os.access(self._path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
            files.writable_as = None
            return False
        files.writable_as = key
        return True

    # -- documents ---------------------------------------------------------------

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Point read by primary key.

        Answered on the event loop's thread when it can be (:meth:`_read_here`).
        Otherwise the point reads asked for in one turn of the event loop (a
        request's key results read at once, other requests' reads meanwhile)
        are read together, in one call to a reader thread: handing a call to a
        thread and its answer back costs several times what a point read does.
        """
        key = (partition, kind, id)
        found = self._read_here(key)
        if not isinstance(found, _Elsewhere):
            return found
        loop = asyncio.get_running_loop()
        wanted: asyncio.Future[Document | None] = loop.create_future()
        if self._point_reads is None:
            self._point_reads = []
            loop.call_soon(self._start_point_reads)
        self._point_reads.append((key, wanted))
        return await wanted

    def _read_here(self, key: tuple[str, str, str]) -> Document | _Elsewhere | None:
        """The document at ``key`` read on this thread, or ``_ELSEWHERE`` to read it in a thread.

        See :meth:`_rows_here`. A document whose stored body is not JSON
        raises, as from a thread.
        """
        rows = self._rows_here(_POINT_READ, key, 1)
        if isinstance(rows, _Elsewhere):
            return rows
        return Document(json.loads(rows[0][0]), rows[0][1]) if rows else None

    def _rows_here(self, sql: str, params: Sequence[Any], at_most: int) -> list[Any] | _Elsewhere:
        """The rows of a read statement run on this thread, or ``_ELSEWHERE`` to run it in a thread.

        More than ``at_most`` rows go to a thread too: their JSON is decoded
        there, not on the event loop.

        Only when nothing needs handling: the files open and not being
        repaired, the file at the path still the open one (the same check as a
        thread's, a ``stat`` at most every ``_READ_CHECK_S``), no lock in the
        way (busy timeout zero), no SQLite error, and a small statement: one
        that runs past ``_HERE_BUDGET_S`` (a query over many documents) is
        interrupted and run in a thread instead. One that took
        longer than ``_HERE_SLOW_S`` all the same (the disk was slow) sends
        every read to the threads for ``_HERE_OFF_S``, so a slow disk never
        holds the event loop.
        """
        files = self._files
        if (
            files is None
            or self._broken
            or files.here is None
            or files.here_thread != threading.get_ident()
            or time.monotonic() < self._here_off_until
        ):
            return _ELSEWHERE
        started = time.perf_counter()
        try:
            self._check_file(files, write=False, untouched=True, read=True)
            files.here_started = time.perf_counter()
            cursor = files.here.execute(sql, params)
            rows = cursor.fetchmany(at_most + 1)
            cursor.close()
        except (StoreError, sqlite3.Error) as exc:
            # A thread's read checks again and handles it (reopen, restore, deadline).
            log.debug("SQLite: read sent to a thread (%s)", exc)
            return _ELSEWHERE
        if len(rows) > at_most:
            return _ELSEWHERE
        took = time.perf_counter() - started
        if took > _HERE_SLOW_S:
            self._here_off_until = time.monotonic() + _HERE_OFF_S
            log.warning(
                "SQLite: a read took %.0f ms on the event loop; reads go to threads for %.0f s",
                took * 1000,
                _HERE_OFF_S,
            )
        return rows

    def _start_point_reads(self) -> None:
        queued, self._point_reads = self._point_reads or [], None
        task = asyncio.ensure_future(self._read_together(queued))
        self._reading.add(task)
        task.add_done_callback(self._reading.discard)

    async def _read_together(
        self, queued: list[tuple[tuple[str, str, str], asyncio.Future[Document | None]]]
    ) -> None:
        keys = [key for key, _wanted in queued]

        def job(db: sqlite3.Connection) -> list[Document | Exception | None]:
            found: list[Document | Exception | None] = []
            for key in keys:
                row = db.execute(_POINT_READ, key).fetchone()
                try:
                    found.append(None if row is None else Document(json.loads(row[0]), row[1]))
                except Exception as exc:  # this document's body, not the file: its reader's
                    found.append(exc)
            return found

        try:
            outcomes = await self._read(job)
        except BaseException as exc:
            for _key, wanted in queued:
                if wanted.done():
                    continue  # its caller stopped waiting
                if isinstance(exc, asyncio.CancelledError):
                    wanted.cancel()
                else:
                    wanted.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_key, wanted), outcome in zip(queued, outcomes, strict=True):
            if wanted.done():
                continue
            if isinstance(outcome, Exception):
                wanted.set_exception(outcome)
            else:
                wanted.set_result(outcome)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert; a duplicate key raises AlreadyExistsError."""
        etag = _new_etag()
        text = _dump(body)

        def job(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO documents (partition, kind, id, etag, body) VALUES (?, ?, ?, ?, ?)",
                (partition, kind, id, etag, text),
            )

        try:
            await self._write(job)
        except sqlite3.IntegrityError as exc:
            raise AlreadyExistsError(f"{kind} {id!r} already exists") from exc
        return etag

    async def create_missing(
        self, partition: str, documents: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> int:
        """Insert every ``(kind, id, body)`` not stored yet, in one statement: all or none.

        One statement, so it is atomic on its own and never interleaves with the
        other writes; existing documents are left unchanged. Its deadline grows
        with the number of documents (an import of 100,000 rows takes seconds).
        """
        rows = json.dumps([[kind, id, _dump(body)] for kind, id, body in documents])

        def job(db: sqlite3.Connection) -> int:
            return max(db.execute(_CREATE_MISSING, (partition, rows)).rowcount, 0)

        return await self._write(
            job, deadline_s=self._deadline_s + len(documents) * _BULK_S_PER_DOCUMENT
        )

    async def create_then_replace(
        self,
        partition: str,
        creates: Sequence[tuple[str, str, dict[str, Any]]],
        replaces: Sequence[tuple[str, str, dict[str, Any], str]],
    ) -> tuple[int, list[str | None]]:
        """:meth:`create_missing`, then each replace at its ETag if all were created: one commit.

        A check-in card's check-ins and its key results' mirrors in one
        transaction, so one flush to disk instead of two. The statements run
        inside a savepoint of their own: a failure undoes them all and nothing
        else (writes queued with them are committed without them), and alone
        the savepoint is the transaction.
        """
        rows = json.dumps([[kind, id, _dump(body)] for kind, id, body in creates])
        updates = [
            (_dump(body), _new_etag(), partition, kind, id, etag)
            for kind, id, body, etag in replaces
        ]

        def job(db: sqlite3.Connection) -> tuple[int, list[str | None]]:
            grouped = db.in_transaction  # inside a group commit's transaction, or alone
            db.execute("SAVEPOINT create_then_replace")
            try:
                created = max(db.execute(_CREATE_MISSING, (partition, rows)).rowcount, 0)
                done: list[str | None] = [None] * len(updates)
                if created == len(creates):
                    for n, update in enumerate(updates):
                        if db.execute(_REPLACE, update).rowcount == 1:
                            done[n] = update[1]
                db.execute("RELEASE create_then_replace")  # alone: the commit
            except BaseException:
                # SQLite may have rolled the whole transaction back itself (a full disk).
                with contextlib.suppress(sqlite3.Error):
                    if grouped:
                        db.execute("ROLLBACK TO create_then_replace")
                        db.execute("RELEASE create_then_replace")
                    else:
                        db.execute("ROLLBACK")
                raise
            return created, done

        return await self._write(job)

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Update only if the stored etag is still ``etag`` (checked in the same statement)."""
        new_etag = _new_etag()
        text = _dump(body)

        def job(db: sqlite3.Connection) -> int:
            return db.execute(_REPLACE, (text, new_etag, partition, kind, id, etag)).rowcount

        if await self._write(job) == 0:
            await self._raise_missing_or_stale(partition, kind, id)
        return new_etag

    async def _raise_missing_or_stale(self, partition: str, kind: str, id: str) -> None:
        if await self.read(partition, kind, id) is None:
            raise NotFoundError(f"{kind} {id!r} not found")
        raise ConflictError(f"{kind} {id!r} was changed by someone else")

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert or overwrite."""
        etag = _new_etag()
        await self._write(_upsert_job(partition, kind, id, body, etag))
        return etag

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Delete (only at ``etag`` when given)."""
        sql = "DELETE FROM documents WHERE partition = ? AND kind = ? AND id = ?"
        params: tuple[str, ...] = (partition, kind, id)
        if etag is not None:
            sql += " AND etag = ?"
            params += (etag,)
        if await self._write(lambda db: db.execute(sql, params).rowcount) == 0:
            await self._raise_missing_or_stale(partition, kind, id)

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
        """Equality (or ``IN``) filters on top-level JSON fields, optional range, order, limit."""
        if any(value == () for value in (where or {}).values()):
            return []  # any of no values: nothing matches
        text, params = query_sql(partition, kind, where, order_by, descending, limit, at_least)
        rows = self._rows_here(text, params, _HERE_ROWS)
        if not isinstance(rows, _Elsewhere):
            return [Document(json.loads(body), etag) for body, etag in rows]

        def job(db: sqlite3.Connection) -> list[Document]:
            rows = db.execute(text, params).fetchall()
            return [Document(json.loads(body), etag) for body, etag in rows]

        return await self._read(job)

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
        """``fields`` of the documents :meth:`query` would return, extracted by SQLite."""
        if any(value == () for value in (where or {}).values()):
            return []
        text, params = fields_sql(partition, kind, fields, where, order_by, descending, limit)
        rows = self._rows_here(text, params, _HERE_FIELD_ROWS)
        if not isinstance(rows, _Elsewhere):
            return rows

        def job(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
            found: list[tuple[Any, ...]] = db.execute(text, params).fetchall()
            return found

        return await self._read(job)


def query_sql(
    partition: str,
    kind: str,
    where: Mapping[str, Match] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    limit: int | None = None,
    at_least: tuple[str, str] | None = None,
    *,
    columns: str = "body, etag",
) -> tuple[str, list[Any]]:
    """The statement and parameters of :meth:`SqliteBackend.query`; ``columns``: what it selects.

    People of a team (``team_ids`` containing it) are read from ``member_teams``
    in name order, each person looked up by id: what the team holds, never the tenant.
    """
    team = where.get("team_ids") if where is not None and kind == "member" else None
    params: list[Any]
    if isinstance(team, Contains):
        sql = [f"SELECT {columns} FROM member_teams INDEXED BY member_teams_by_name"]
        sql.append("CROSS JOIN documents WHERE team_partition = ? AND team_id = ?")
        sql.append("AND partition = team_partition AND kind = ? AND id = member_id")
        params = [partition, team.value, kind]
    else:
        sql = [f"SELECT {columns} FROM documents {_index_for(where or {}, order_by)}"]
        sql.append("WHERE partition = ? AND kind = ?")
        params = [partition, kind]
    for field, value in (where or {}).items():
        if field == "team_ids" and isinstance(team, Contains):
            continue  # the join above
        if value is None:
            sql.append(f"AND {_json_path(field)} IS NULL")
        elif isinstance(value, tuple):
            sql.append(f"AND {_json_path(field)} IN ({', '.join('?' * len(value))})")
            params.extend(value)
        elif isinstance(value, Contains):
            # No index: the rows of the partition's kind are filtered in SQL, never decoded.
            path = f"'$.{_checked_field(field)}'"
            sql.append(f"AND EXISTS (SELECT 1 FROM json_each(body, {path}) WHERE value = ?)")
            params.append(value.value)
        else:
            sql.append(f"AND {_json_path(field)} = ?")
            params.append(value)
    if at_least is not None:
        sql.append(f"AND {_json_path(at_least[0])} >= ?")
        params.append(at_least[1])
    if order_by is not None:
        direction = "DESC" if descending else "ASC"
        # A team's people by name: in the order member_teams holds them, so a limit stops early.
        key = "member_name" if order_by == "name" and isinstance(team, Contains) else None
        sql.append(
            f"ORDER BY {key or _json_path(order_by)} {direction}, "
            f"{'member_id' if key else 'id'} {direction}"
        )
    if limit is not None:
        sql.append("LIMIT ?")
        params.append(int(limit))
    return " ".join(sql), params


def fields_sql(
    partition: str,
    kind: str,
    fields: Sequence[str],
    where: Mapping[str, Match] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    limit: int | None = None,
) -> tuple[str, list[Any]]:
    """The statement and parameters of :meth:`SqliteBackend.query_fields`.

    A field compared with several values, whose index is in ``order_by``'s
    order (the open objectives' states, by creation), is read one value at a
    time, each walking the index to ``limit`` at most, and the parts merged:
    so the first hundred open objectives cost a hundred, not every open one.
    """
    where = where or {}
    split = next(
        (
            field
            for field, value in where.items()
            if isinstance(value, tuple) and (field, order_by) in _ORDERED_INDEXES
        ),
        None,
    )
    if split is None or order_by is None or limit is None:
        columns = ", ".join(_json_path(f) for f in fields)
        return query_sql(partition, kind, where, order_by, descending, limit, columns=columns)
    named = [f"{_json_path(f)} AS f{n}" for n, f in enumerate(fields)]
    columns = ", ".join([*named, f"{_json_path(order_by)} AS sort_key", "id AS sort_id"])
    parts: list[str] = []
    params: list[Any] = []
    values = where[split]
    assert isinstance(values, tuple)
    for value in dict.fromkeys(values):
        part, part_params = query_sql(
            partition, kind, {**where, split: value}, order_by, descending, limit, columns=columns
        )
        parts.append(f"SELECT * FROM ({part})")
        params += part_params
    direction = "DESC" if descending else "ASC"
    text = (
        f"SELECT {', '.join(f'f{n}' for n in range(len(fields)))} FROM "
        f"({' UNION ALL '.join(parts)}) "
        f"ORDER BY sort_key {direction}, sort_id {direction} LIMIT ?"
    )
    return text, [*params, int(limit)]


def _index_for(where: Mapping[str, Match], order_by: str | None) -> str:
    """``INDEXED BY`` the index of the first indexed field ``where`` compares with values.

    Without statistics (nobody runs ``ANALYZE`` on the file) SQLite's planner
    prefers the primary key's ``(partition, kind)`` prefix to an expression
    index, so a query by objective read every key result of the tenant (4 ms
    each with 1,000 of them; 0.07 ms by the index). Naming the index makes the
    plan the same on every file, whatever it holds.
    """
    fields = [
        f
        for f, value in where.items()
        if value is not None and not isinstance(value, Contains) and f in _INDEXED_FIELDS
    ]
    if not fields:
        if order_by == "created_at" and isinstance(where.get("state"), (str, tuple)):
            return "INDEXED BY documents_state_created"  # objectives of some states
        # People by name (a picker): in name order already, so a limit stops early.
        return "INDEXED BY documents_name" if order_by == "name" else ""
    if "key_result_id" in fields and order_by == "recorded_at":
        return "INDEXED BY documents_checkin_history"  # in history order already
    if "team_id" in fields and order_by == "slot":
        return "INDEXED BY documents_team_slot"  # snapshots, in slot order already
    return f"INDEXED BY documents_{fields[0]}"


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Apply pending migrations (in the writer's thread, at open)."""
    # BEGIN IMMEDIATE takes the write lock, so two processes starting
    # together migrate one after the other, the second finding nothing to do.
    db.execute("BEGIN IMMEDIATE")
    try:
        row = db.execute("PRAGMA user_version").fetchone()
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} has schema version {version}, newer than this "
                f"app knows ({len(MIGRATIONS)}); upgrade the app"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            statement = ""
            for piece in script.split(";"):
                statement += piece + ";"
                # A trigger's body holds statements of its own: run it whole.
                if sqlite3.complete_statement(statement):
                    if statement.strip(" \n;"):
                        db.execute(statement)
                    statement = ""
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _upsert_job(
    partition: str, kind: str, id: str, body: dict[str, Any], etag: str
) -> Callable[[sqlite3.Connection], None]:
    text = _dump(body)

    def job(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO documents (partition, kind, id, etag, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (partition, kind, id) DO UPDATE SET body = excluded.body, "
            "etag = excluded.etag",
            (partition, kind, id, etag, text),
        )

    return job


def _identity(path: Path) -> tuple[int, int]:
    """Which file is at ``path``: ``(st_dev, st_ino)``."""
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def _identity_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return _identity(path)
    except FileNotFoundError:
        return None


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Etags:
    """New etags: this process's random prefix and a counter.

    An etag only has to differ from every other etag its document has had.
    The 64-bit random prefix keeps two processes on one file (or a process and
    its fork, which draws a new one) from ever producing the same etag; the
    counter keeps this process from repeating one. It costs a tenth of a
    ``uuid4`` (which reads ``os.urandom`` and builds a UUID object per write).
    """

    def __init__(self) -> None:
        self._renew()
        os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count()  # next() is atomic: writes run in several threads

    def new(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"


_etags = _Etags()


def _new_etag() -> str:
    return _etags.new()


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
