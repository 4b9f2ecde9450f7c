"""``OkrStore.create_missing`` and pending owners, on every backend."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from okr.models import PendingOwner
from storage.sqlite import SqliteBackend
from storage.store import CREATES_IN_FLIGHT, Creatable, OkrStore, _layers
from tests.storage import samples
from tests.storage.conftest import BackendFactory
from tests.storage.interrupted import CreatesConcurrently, CreatesThenFails, StorageWentAway
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
    entities: list[Creatable] = [
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
    async with OkrStore(CreatesThenFails(backend, writes=2)) as failing:
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


# -- many creates in flight (Cosmos DB's path, on every backend) ---------------------

Key = tuple[str, str]


def _an_import(tenant_id: str) -> tuple[list[Creatable], dict[Key, set[Key]]]:
    """An import's entities in its write order, and what each must be written after.

    Two chains of three aligned objectives (parents first), two key results
    each with ten check-ins before them, a pending owner and an initiative
    after each key result, a KPI: 163 documents in layers of 3, 42, 46, ...
    """
    entities: list[Creatable] = []
    after: dict[Key, set[Key]] = {}
    for chain in range(2):
        parent: str | None = None
        for level in range(3):
            o = f"obj-{chain}-{level}"
            entities.append(samples.objective(tenant_id, o, parent_id=parent))
            after[("objective", o)] = {("objective", parent)} if parent else set()
            for k in range(2):
                kr = f"kr-{chain}-{level}-{k}"
                checkins = [f"ci-{chain}-{level}-{k}-{n}" for n in range(10)]
                for n, ci in enumerate(checkins):
                    checkin = samples.checkin(tenant_id, ci, at=T0 + timedelta(days=n), kr_id=kr)
                    entities.append(dataclasses.replace(checkin, objective_id=o))
                    after[("checkin", ci)] = {("objective", o)}
                entities.append(
                    samples.key_result(tenant_id, kr, objective_id=o, last_checkin_id=checkins[-1])
                )
                after[("key_result", kr)] = {("objective", o)} | {("checkin", c) for c in checkins}
                entities.append(
                    dataclasses.replace(
                        _pending(kr), tenant_id=tenant_id, objective_id=o, id=f"key_result:{kr}"
                    )
                )
                after[("pending_owner", f"key_result:{kr}")] = {
                    ("objective", o),
                    ("key_result", kr),
                }
                initiative = f"ini-{chain}-{level}-{k}"
                entities.append(
                    dataclasses.replace(
                        samples.initiative(tenant_id),
                        id=initiative,
                        objective_id=o,
                        key_result_id=kr,
                    )
                )
                after[("initiative", initiative)] = {("objective", o), ("key_result", kr)}
            parent = o
    entities.append(samples.kpi(tenant_id))
    after[("kpi", entities[-1].id)] = set()
    return entities, after


async def _stored_before(backend_factory: BackendFactory, tenant_id: str) -> list[object]:
    """Stored before the import, with content the import's own entities do not have."""
    edited = samples.key_result(tenant_id, "kr-0-1-0", objective_id="obj-0-1", title="Sửa tay")
    checkin = samples.checkin(tenant_id, "ci-1-2-1-4", kr_id="kr-1-2-1", value="1")
    async with OkrStore(backend_factory()) as store:
        await store.create_missing(tenant_id, [edited, checkin])
        return [
            await store.get_key_result(tenant_id, edited.id),
            await store.get_checkin(tenant_id, checkin.id),
        ]


async def _documents(backend: object, tenant_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every document the import writes, bodies without the tenant, sorted by id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for kind in ("objective", "key_result", "checkin", "pending_owner", "initiative", "kpi"):
        docs = await backend.query(tenant_id, kind)  # type: ignore[attr-defined]
        bodies = [{k: v for k, v in d.body.items() if k != "tenant_id"} for d in docs]
        found[kind] = sorted(bodies, key=lambda b: str(b["id"]))
    return found


@pytest.mark.parametrize("fail_after", [2, 30, 75])
async def test_a_create_missing_interrupted_inside_a_layer_reruns_to_what_a_clean_run_stores(
    backend_factory: BackendFactory, fail_after: int
) -> None:
    # 2: inside the first layer (the chains' roots, the KPI); 30: inside the
    # second (the next objectives, 40 check-ins); 75: inside the third.
    entities, _ = _an_import(A)
    kept = await _stored_before(backend_factory, A)
    async with OkrStore(CreatesConcurrently(backend_factory(), fail_after)) as failing:
        with pytest.raises(StorageWentAway):
            await failing.create_missing(A, entities)
        assert len(failing.backend.written) == fail_after  # type: ignore[attr-defined]
    async with OkrStore(CreatesConcurrently(backend_factory())) as again:
        assert await again.create_missing(A, entities) == 161 - fail_after
        assert await again.create_missing(A, entities) == 0
        resumed = await _documents(again.backend, A)
        assert await again.get_key_result(A, "kr-0-1-0") == kept[0]
        assert await again.get_checkin(A, "ci-1-2-1-4") == kept[1]
    await _stored_before(backend_factory, B)
    async with OkrStore(CreatesConcurrently(backend_factory())) as clean:
        assert await clean.create_missing(B, _an_import(B)[0]) == 161
        assert resumed == await _documents(clean.backend, B)
    assert {kind: len(bodies) for kind, bodies in resumed.items()} == {
        "objective": 6,
        "key_result": 12,
        "checkin": 120,
        "pending_owner": 12,
        "initiative": 12,
        "kpi": 1,
    }
    assert resumed["key_result"][2]["title"] == "Sửa tay"  # kr-0-1-0, stored before


async def test_create_missing_writes_many_at_once_and_nothing_before_what_it_refers_to(
    backend_factory: BackendFactory,
) -> None:
    entities, after = _an_import(A)
    backend = CreatesConcurrently(backend_factory())
    async with OkrStore(backend) as store:
        # Given in an order no layer follows: the store sorts it out.
        assert await store.create_missing(A, list(reversed(entities))) == 163

    assert len(backend.written) == 163
    assert backend.most_in_flight == CREATES_IN_FLIGHT
    late = {key: sorted(after[key] - backend.written_before[key]) for key in after}
    assert {key: waited for key, waited in late.items() if waited} == {}


def test_objectives_whose_parents_form_a_cycle_are_refused() -> None:
    one = samples.objective(A, "obj-1", parent_id="obj-2")
    two = samples.objective(A, "obj-2", parent_id="obj-1")
    with pytest.raises(ValueError, match="among its own parents"):
        _layers([samples.objective(A, "obj-0"), one, two])
