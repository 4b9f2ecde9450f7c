"""``OkrStore.create_missing`` and pending owners, on every backend."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta

import pytest

from okr.models import PendingOwner
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.storage import samples
from tests.storage.conftest import BackendFactory
from tests.storage.interrupted import CreatesThenFails, StorageWentAway
from tests.storage.samples import T0

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
B = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"


def _pending(key_result_id: str | None, email: str = "cuong@contoso.example") -> PendingOwner:
    return PendingOwner(
        tenant_id=A,
        id=PendingOwner.id_for("obj-1", key_result_id),
        email=email,
        objective_id="obj-1",
        key_result_id=key_result_id,
        team_id=samples.TEAM_ID,
        created_at=T0,
    )


async def test_create_missing_creates_what_is_not_stored_and_leaves_the_rest(
    store: OkrStore,
) -> None:
    kept = await store.save_objective(samples.objective(A, title="Stored, then edited"))
    entities = [
        samples.objective(A, title="From the file"),  # same id as the stored one
        samples.key_result(A, "kr-1"),
        samples.key_result(A, "kr-2"),
        _pending("kr-2"),
    ]

    assert await store.create_missing(A, entities) == 3
    assert await store.create_missing(A, entities) == 0

    assert await store.get_objective(A, "obj-1") == kept
    assert {k.id for k in await store.list_key_results(A)} == {"kr-1", "kr-2"}
    assert [p.id for p in await store.list_pending_owners(A)] == ["key_result:kr-2"]


async def test_create_missing_refuses_another_tenants_entity(store: OkrStore) -> None:
    with pytest.raises(ValueError, match="not of this tenant"):
        await store.create_missing(A, [samples.objective(B)])
    assert await store.list_objectives(B) == []


async def test_pending_owners_are_found_by_email_and_team_and_deleted(store: OkrStore) -> None:
    await store.create_missing(
        A, [_pending(None), _pending("kr-1"), _pending("kr-2", email="dung@contoso.example")]
    )

    mine = await store.list_pending_owners(A, email="  Cuong@Contoso.example ")
    assert [p.id for p in mine] == ["key_result:kr-1", "objective:obj-1"]
    assert len(await store.list_pending_owners(A, team_id=samples.TEAM_ID, limit=2)) == 2
    assert await store.list_pending_owners(A, team_id="19:other@thread.tacv2") == []
    assert await store.list_pending_owners(B) == []

    await store.delete_pending_owner(mine[0])
    await store.delete_pending_owner(mine[0])  # gone already: fine
    assert [p.id for p in await store.list_pending_owners(A)] == [
        "key_result:kr-2",
        "objective:obj-1",
    ]
    updated = await store.save_pending_owner(dataclasses.replace(mine[1], email="e@x.example"))
    assert (await store.list_pending_owners(A, email="e@x.example")) == [updated]


async def test_an_interrupted_create_missing_is_completed_by_calling_again(
    backend_factory: BackendFactory,
) -> None:
    entities = [
        samples.key_result(A, f"kr-{n}", created_at=T0 + timedelta(seconds=n)) for n in range(5)
    ]
    backend = backend_factory()
    if isinstance(backend, SqliteBackend):
        pytest.skip("SQLite creates them in one statement: see the all-or-nothing test")
    async with OkrStore(CreatesThenFails(backend, writes=2)) as failing:  # type: ignore[arg-type]
        with pytest.raises(StorageWentAway):
            await failing.create_missing(A, entities)
        assert [k.id for k in await failing.list_key_results(A)] == ["kr-0", "kr-1"]
    async with OkrStore(backend_factory()) as again:
        assert await again.create_missing(A, entities) == 3
        assert [k.id for k in await again.list_key_results(A)] == [f"kr-{n}" for n in range(5)]


async def test_sqlite_creates_all_or_nothing(backend_factory: BackendFactory) -> None:
    backend = backend_factory()
    if not isinstance(backend, SqliteBackend):
        pytest.skip("only SQLite has transactions across documents here")
    entities = [samples.key_result(A, f"kr-{n}") for n in range(5)]
    async with OkrStore(backend) as store:
        # A real failure inside the statement, after two rows were inserted.
        with sqlite3.connect(backend.path) as db:
            db.execute(
                "CREATE TRIGGER third_insert_fails BEFORE INSERT ON documents "
                "WHEN (SELECT count(*) FROM documents WHERE kind = 'key_result') >= 2 "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
            await store.create_missing(A, entities)
        assert await store.list_key_results(A) == []
