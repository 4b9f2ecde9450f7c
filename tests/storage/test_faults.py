"""Storage taken away from a running app: it says so promptly, and comes back by itself.

Each fault is made for real: another process holding SQLite's write lock, a
file whose mode forbids writing, the database folder deleted; the Cosmos test
server frozen with SIGSTOP, and killed and started again. Every call then
raises ``StoreUnavailableError`` while the fault lasts (these calls used to wait
on the fault; nothing here is timed), ``/readyz``
answers 503, nothing is stored half-way, and once the fault is gone the same
store works again without a restart.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from storage.errors import StoreUnavailableError
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.conftest import BotClient, StartBot
from tests.cosmos_server import cosmos_backend, new_database_name
from tests.storage import samples
from tests.storage.faults import CosmosProcess, LockHolder, unprivileged
from tests.storage.samples import T0

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
# Not a measurement: a guard so that a call waiting on the fault (as the old code
# did, 22 to 60 s, until the fault was cleared) fails the test instead of hanging
# it. Each fault is held until the call has answered. How fast calls give up is
# the storage deadline's job (CALL_DEADLINE_S), not something timed here.
HANG_GUARD_S = 60.0


async def assert_unavailable(call: Awaitable[object]) -> None:
    """``call`` gives up with StoreUnavailableError while the fault lasts."""
    with pytest.raises(StoreUnavailableError):
        async with asyncio.timeout(HANG_GUARD_S):
            await call


async def readyz(bot: BotClient) -> int:
    """The status /readyz answers while the fault lasts (it must answer, not wait)."""
    async with asyncio.timeout(HANG_GUARD_S):
        response = await bot.get("readyz")
    return response.status


async def seed(store: OkrStore) -> None:
    await store.save_objective(samples.objective(TENANT))
    await store.save_key_result(samples.key_result(TENANT))


async def checkin_ids(store: OkrStore) -> list[str]:
    return [c.id for c in await store.list_checkins(TENANT, key_result_id="kr-1")]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "okr.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(db_path)) as opened:
        await seed(opened)
        yield opened


# -- SQLite: another process holds the write lock ---------------------------------


async def test_while_another_process_holds_the_lock_writes_fail_promptly_and_reads_go_on(
    store: OkrStore, db_path: Path
) -> None:
    async with LockHolder(db_path):
        write = asyncio.create_task(store.record_checkin(samples.checkin(TENANT)))
        key_result = await store.get_key_result(TENANT, "kr-1")

        assert key_result is not None and key_result.last_checkin_id is None
        assert not write.done()  # the read did not queue behind the waiting write
        await assert_unavailable(write)
        await assert_unavailable(store.ping())
        assert await store.get_checkin(TENANT, "ci-1") is None  # nothing half-written

    stored, created = await store.record_checkin(samples.checkin(TENANT))
    key_result = await store.get_key_result(TENANT, "kr-1")
    assert created and key_result is not None and key_result.last_checkin_id == stored.id
    await store.ping()


async def test_readyz_is_503_while_the_sqlite_file_is_locked_and_200_after(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot = await start_bot()
    assert await readyz(bot) == 200

    async with LockHolder(tmp_path / "okr.sqlite3"):  # the file tests/conftest.py configures
        assert await readyz(bot) == 503

    assert await readyz(bot) == 200


# -- SQLite: the file is made unwritable --------------------------------------------


@pytest.fixture
def unprivileged_folder() -> Iterator[Path]:
    with unprivileged() as folder:
        yield folder


async def test_an_unwritable_file_refuses_writes_promptly_and_takes_them_again_once_writable(
    unprivileged_folder: Path,
) -> None:
    path = unprivileged_folder / "okr.sqlite3"
    async with OkrStore(SqliteBackend(path)) as store:
        await seed(store)

        path.chmod(0o444)
        await assert_unavailable(store.record_checkin(samples.checkin(TENANT)))
        await assert_unavailable(store.ping())
        assert await store.get_key_result(TENANT, "kr-1") is not None  # reads are still served
        assert await store.get_checkin(TENANT, "ci-1") is None

        path.chmod(0o644)
        _stored, created = await store.record_checkin(samples.checkin(TENANT))
        assert created
        await store.ping()


async def test_readyz_is_503_while_the_sqlite_file_is_unwritable_and_200_after(
    start_bot: StartBot, unprivileged_folder: Path
) -> None:
    path = unprivileged_folder / "okr.sqlite3"
    bot = await start_bot({"SQLITE_PATH": str(path)})
    assert await readyz(bot) == 200

    path.chmod(0o444)
    assert await readyz(bot) == 503

    path.chmod(0o644)
    assert await readyz(bot) == 200


# -- SQLite: the folder (or the file) is deleted --------------------------------------


@pytest.mark.parametrize("deleted", ["folder", "file"])
async def test_a_deleted_database_is_put_back_from_the_open_copy_and_loses_nothing(
    store: OkrStore, db_path: Path, deleted: str
) -> None:
    await store.record_checkin(samples.checkin(TENANT, "ci-1"))

    if deleted == "folder":
        shutil.rmtree(db_path.parent)
    else:  # the main file alone: its -wal file, still beside it, must not be read into the copy
        db_path.unlink()  # noqa: ASYNC240 (the fault itself)
    _stored, created = await store.record_checkin(
        samples.checkin(TENANT, "ci-2", at=T0 + timedelta(hours=1))
    )
    await store.ping()

    assert created
    async with OkrStore(SqliteBackend(db_path)) as restarted:
        assert await checkin_ids(restarted) == ["ci-2", "ci-1"]
        key_result = await restarted.get_key_result(TENANT, "kr-1")
        assert key_result is not None and key_result.last_checkin_id == "ci-2"
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_while_the_deleted_folder_cannot_be_made_again_calls_fail_promptly_then_recover(
    store: OkrStore, db_path: Path
) -> None:
    await store.record_checkin(samples.checkin(TENANT, "ci-1"))
    shutil.rmtree(db_path.parent)
    db_path.parent.write_text("a file where the folder was")  # so it cannot be made again

    await assert_unavailable(store.record_checkin(samples.checkin(TENANT, "ci-2")))
    await assert_unavailable(store.get_key_result(TENANT, "kr-1"))
    await assert_unavailable(store.ping())

    db_path.parent.unlink()
    _stored, created = await store.record_checkin(samples.checkin(TENANT, "ci-2"))
    assert created
    async with OkrStore(SqliteBackend(db_path)) as restarted:
        assert sorted(await checkin_ids(restarted)) == ["ci-1", "ci-2"]


async def test_readyz_is_503_while_the_deleted_folder_cannot_be_made_again_and_200_after(
    start_bot: StartBot, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    bot = await start_bot({"SQLITE_PATH": str(folder / "okr.sqlite3")})
    await seed(bot.store)
    shutil.rmtree(folder)
    folder.write_text("a file where the folder was")

    assert await readyz(bot) == 503

    folder.unlink()
    assert await readyz(bot) == 200
    assert await bot.store.get_key_result(TENANT, "kr-1") is not None


async def test_a_write_is_reported_saved_only_if_it_is_in_the_file_at_the_path(
    store: OkrStore, db_path: Path, tmp_path: Path
) -> None:
    """A write that commits into a file swapped out meanwhile raises instead of returning."""
    other = tmp_path / "other" / "okr.sqlite3"
    async with OkrStore(SqliteBackend(other)) as other_store:
        await seed(other_store)
    folder = db_path.parent
    async with LockHolder(db_path):
        write = asyncio.create_task(store.save_team(samples.team(TENANT)))
        # Give the write time to pass its checks and wait for the lock. If it
        # has not, it finds the new file instead: the assertions hold either way.
        await asyncio.sleep(1)
        folder.rename(tmp_path / "swapped-out")
        other.parent.rename(folder)
    try:
        await write
        reported_saved = True
    except StoreUnavailableError:
        reported_saved = False
    await store.save_member(samples.member(TENANT))  # the store carries on, on the new file

    async with OkrStore(SqliteBackend(db_path)) as restarted:
        saved = await restarted.get_team(TENANT, samples.TEAM_ID) is not None
        assert saved or not reported_saved
        assert await restarted.get_member(TENANT, "29:owner-1") is not None


# -- Cosmos: the server is frozen, or killed and started again -------------------------


@pytest.fixture
def cosmos_process() -> Iterator[CosmosProcess]:
    server = CosmosProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _cosmos_store(server: CosmosProcess) -> OkrStore:
    return OkrStore(cosmos_backend(server.endpoint, server.key, new_database_name()))


@pytest.mark.cosmos
async def test_a_frozen_cosmos_fails_calls_promptly_and_serves_again_once_thawed(
    cosmos_process: CosmosProcess,
) -> None:
    async with _cosmos_store(cosmos_process) as store:
        await seed(store)

        cosmos_process.freeze()
        try:
            await assert_unavailable(store.record_checkin(samples.checkin(TENANT)))
            await assert_unavailable(store.get_key_result(TENANT, "kr-1"))
            await assert_unavailable(store.ping())
        finally:
            cosmos_process.thaw()

        await store.record_checkin(samples.checkin(TENANT))
        key_result = await store.get_key_result(TENANT, "kr-1")
        assert key_result is not None and key_result.last_checkin_id == "ci-1"
        assert await checkin_ids(store) == ["ci-1"]
        await store.ping()


@pytest.mark.cosmos
async def test_a_cosmos_killed_mid_request_fails_it_promptly_and_is_used_again_once_restarted(
    cosmos_process: CosmosProcess,
) -> None:
    async with _cosmos_store(cosmos_process) as store:
        await seed(store)
        cosmos_process.freeze()
        in_flight = asyncio.create_task(store.save_team(samples.team(TENANT)))
        await asyncio.sleep(0.2)  # on the wire; if not yet, it fails the same way

        cosmos_process.kill()
        await assert_unavailable(in_flight)
        await assert_unavailable(store.ping())

        # The test server comes back empty, as if the container had been
        # deleted: the store makes it again, as a restart of the app would.
        cosmos_process.start()
        await store.save_team(samples.team(TENANT))
        assert await store.get_team(TENANT, samples.TEAM_ID) is not None
        await store.ping()


@pytest.mark.cosmos
async def test_readyz_is_503_while_cosmos_is_frozen_and_200_once_thawed(
    start_bot: StartBot, cosmos_process: CosmosProcess
) -> None:
    bot = await start_bot(
        {
            "STORAGE": "cosmos",
            "COSMOS_ENDPOINT": cosmos_process.endpoint,
            "COSMOS_KEY": cosmos_process.key,
            "COSMOS_VERIFY_TLS": "false",
            "COSMOS_DATABASE": new_database_name(),
        }
    )
    assert await readyz(bot) == 200

    cosmos_process.freeze()
    try:
        assert await readyz(bot) == 503
    finally:
        cosmos_process.thaw()

    await bot.store.list_tenants()  # an ordinary call waits for the reconnect readyz began
    assert await readyz(bot) == 200
