"""The storage contract: every backend must pass every test here unchanged."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from okr.models import (
    CheckInStatus,
    DeliveryState,
    DigestSnapshot,
    KeyResultMark,
    ObjectiveMark,
    ObjectiveState,
    TrendPoint,
)
from storage.backend import HEARTBEAT_ID, HEARTBEAT_KIND, SYSTEM_PARTITION, DocumentBackend
from storage.codec import to_document
from storage.counting import CountingBackend
from storage.due_index import DueIndex, NextDue, Tokens
from storage.errors import ConflictError, NotFoundError
from storage.store import OkrStore
from tests.storage import samples
from tests.storage.conftest import BackendFactory
from tests.storage.samples import T0

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
B = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"


def _without_etag(entity: Any) -> Any:
    return dataclasses.replace(entity, etag=None)


async def _seed_kr(store: OkrStore, tenant: str = A, kr_id: str = "kr-1") -> None:
    if await store.get_objective(tenant, "obj-1") is None:
        await store.save_objective(samples.objective(tenant))
    await store.save_key_result(samples.key_result(tenant, kr_id))


# -- round trips -------------------------------------------------------------


@pytest.mark.parametrize(
    ("save", "get", "build", "key"),
    [
        ("save_team", "get_team", samples.team, samples.TEAM_ID),
        ("save_member", "get_member", samples.member, "29:owner-1"),
        ("save_conversation", "get_conversation", samples.conversation, "29:owner-1"),
        ("save_objective", "get_objective", samples.objective, "obj-1"),
        ("save_key_result", "get_key_result", samples.key_result, "kr-1"),
        ("save_initiative", "get_initiative", samples.initiative, "ini-1"),
        ("save_kpi", "get_kpi", samples.kpi, "kpi-1"),
        ("save_round", "get_round", samples.round_, "checkin|team|2026-11-30"),
        ("save_delivery", "get_delivery", samples.delivery, "checkin|team|2026-11-30|29:owner-1"),
    ],
)
async def test_every_entity_round_trips(
    store: OkrStore, save: str, get: str, build: Any, key: str
) -> None:
    entity = build(A)
    saved = await getattr(store, save)(entity)
    assert saved.etag
    loaded = await getattr(store, get)(A, key)
    assert loaded == saved
    assert _without_etag(loaded) == entity


async def test_an_objective_stored_before_starts_on_existed_loads_without_it(
    store: OkrStore,
) -> None:
    body = to_document(samples.objective(A))
    del body["starts_on"]
    await store.backend.create(A, "objective", "obj-1", body)
    loaded = await store.get_objective(A, "obj-1")
    assert loaded is not None
    assert loaded.starts_on is None
    assert _without_etag(loaded) == samples.objective(A, starts_on=None)


async def test_tenant_round_trips_and_is_listed_across_tenants(store: OkrStore) -> None:
    await store.save_tenant(samples.tenant(A))
    await store.save_tenant(samples.tenant(B))
    assert _without_etag(await store.get_tenant(A)) == samples.tenant(A)
    assert [t.id for t in await store.list_tenants()] == [A, B]


async def test_checkin_round_trips(store: OkrStore) -> None:
    await _seed_kr(store)
    stored, created = await store.record_checkin(samples.checkin(A))
    assert created
    assert await store.get_checkin(A, "ci-1") == samples.checkin(A) == stored


async def test_odd_ids_round_trip(store: OkrStore) -> None:
    odd = ["19:a/b#c?d\\e@thread.tacv2;messageid=1", "a:1Üñí©ødé 💬", "x" * 200, "with space"]
    for key in odd:
        await store.save_member(samples.member(A, key))
    for key in odd:
        loaded = await store.get_member(A, key)
        assert loaded is not None and loaded.id == key
    assert sorted(m.id for m in await store.list_members(A)) == sorted(odd)


# -- optimistic concurrency ---------------------------------------------------


async def test_create_twice_is_a_conflict(store: OkrStore) -> None:
    await store.save_objective(samples.objective(A))
    with pytest.raises(ConflictError):
        await store.save_objective(samples.objective(A, title="other"))
    loaded = await store.get_objective(A, "obj-1")
    assert loaded is not None and loaded.title == samples.objective(A).title


async def test_update_with_current_etag_succeeds_and_changes_etag(store: OkrStore) -> None:
    first = await store.save_objective(samples.objective(A))
    second = await store.save_objective(dataclasses.replace(first, title="Renamed"))
    assert second.etag != first.etag
    loaded = await store.get_objective(A, "obj-1")
    assert loaded is not None and loaded.title == "Renamed"


async def test_stale_etag_is_a_conflict_and_changes_nothing(store: OkrStore) -> None:
    first = await store.save_objective(samples.objective(A))
    await store.save_objective(dataclasses.replace(first, title="Winner"))
    with pytest.raises(ConflictError):
        await store.save_objective(dataclasses.replace(first, title="Loser"))
    loaded = await store.get_objective(A, "obj-1")
    assert loaded is not None and loaded.title == "Winner"


async def test_two_writers_with_same_etag_exactly_one_wins(
    store: OkrStore, backend_factory: BackendFactory
) -> None:
    base = await store.save_key_result(samples.key_result(A))
    async with OkrStore(backend_factory()) as other:
        writes = [
            store.save_key_result(dataclasses.replace(base, title="from store")),
            other.save_key_result(dataclasses.replace(base, title="from other")),
        ]
        results = await asyncio.gather(*writes, return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 1 and isinstance(losers[0], ConflictError)
    loaded = await store.get_key_result(A, "kr-1")
    assert loaded is not None and loaded.title == winners[0].title


async def test_update_of_missing_entity_is_not_found(store: OkrStore) -> None:
    ghost = dataclasses.replace(samples.objective(A), etag="0123")
    with pytest.raises(NotFoundError):
        await store.save_objective(ghost)
    assert await store.get_objective(A, "obj-1") is None


async def test_delete_needs_current_etag(store: OkrStore) -> None:
    first = await store.save_objective(samples.objective(A))
    second = await store.save_objective(dataclasses.replace(first, title="x"))
    assert first.etag is not None and second.etag is not None
    with pytest.raises(ConflictError):
        await store.delete_objective(A, "obj-1", first.etag)
    await store.delete_objective(A, "obj-1", second.etag)
    assert await store.get_objective(A, "obj-1") is None


# -- check-ins ---------------------------------------------------------------


async def test_fifty_concurrent_checkins_on_one_kr_are_all_recorded(store: OkrStore) -> None:
    await _seed_kr(store)
    checkins = [
        samples.checkin(A, f"ci-{i:02d}", value=str(13_000_000 + i), at=T0 + timedelta(minutes=i))
        for i in range(50)
    ]
    results = await asyncio.gather(*(store.record_checkin(c) for c in checkins))
    assert all(created for _, created in results)
    history = await store.list_checkins(A, key_result_id="kr-1")
    assert sorted(c.id for c in history) == sorted(c.id for c in checkins)
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None
    # The key result mirrors the newest check-in, whatever order they landed in.
    assert kr.last_checkin_id == "ci-49"
    assert kr.current == Decimal(13_000_049)


async def test_retried_checkin_is_stored_once(store: OkrStore) -> None:
    await _seed_kr(store)
    first, created_first = await store.record_checkin(samples.checkin(A, "ci-x", value="5"))
    again, created_again = await store.record_checkin(samples.checkin(A, "ci-x", value="5"))
    assert created_first and not created_again
    assert again == first
    assert [c.id for c in await store.list_checkins(A, key_result_id="kr-1")] == ["ci-x"]


async def test_retried_checkins_race_and_store_once(store: OkrStore) -> None:
    await _seed_kr(store)
    results = await asyncio.gather(
        *(store.record_checkin(samples.checkin(A, "double-click")) for _ in range(5))
    )
    assert sum(created for _, created in results) == 1
    assert len(await store.list_checkins(A, key_result_id="kr-1")) == 1


async def test_older_checkin_does_not_overwrite_newer_value(store: OkrStore) -> None:
    await _seed_kr(store)
    await store.record_checkin(samples.checkin(A, "new", value="20", at=T0 + timedelta(days=1)))
    await store.record_checkin(samples.checkin(A, "old", value="10", at=T0))
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.current == Decimal(20) and kr.last_checkin_id == "new"
    assert kr.last_status is CheckInStatus.AT_RISK


async def test_checkin_on_unknown_kr_is_refused(store: OkrStore) -> None:
    with pytest.raises(NotFoundError):
        await store.record_checkin(samples.checkin(A, kr_id="nope"))
    assert await store.get_checkin(A, "ci-1") is None


async def test_checkin_history_is_newest_first_with_limit_and_since(store: OkrStore) -> None:
    await _seed_kr(store)
    await _seed_kr(store, kr_id="kr-2")
    for i in range(5):
        await store.record_checkin(samples.checkin(A, f"c{i}", at=T0 + timedelta(hours=i)))
    await store.record_checkin(samples.checkin(A, "other", kr_id="kr-2"))
    history = await store.list_checkins(A, key_result_id="kr-1")
    assert [c.id for c in history] == ["c4", "c3", "c2", "c1", "c0"]
    assert [c.id for c in await store.list_checkins(A, key_result_id="kr-1", limit=2)] == [
        "c4",
        "c3",
    ]
    since = await store.list_checkins(A, key_result_id="kr-1", since=T0 + timedelta(hours=3))
    assert [c.id for c in since] == ["c4", "c3"]
    by_objective = await store.list_checkins(A, objective_id="obj-1")
    assert len(by_objective) == 6


# -- queries -------------------------------------------------------------------


async def test_objective_and_key_result_filters(store: OkrStore) -> None:
    await store.save_objective(samples.objective(A, "o1", created_at=T0))
    await store.save_objective(
        samples.objective(
            A,
            "o2",
            owner_id="29:other",
            state=ObjectiveState.DRAFT,
            team_id=None,
            parent_id="o1",
            created_at=T0 + timedelta(seconds=1),
        )
    )
    assert [o.id for o in await store.list_objectives(A)] == ["o1", "o2"]
    assert [o.id for o in await store.list_objectives(A, team_id=samples.TEAM_ID)] == ["o1"]
    assert [o.id for o in await store.list_objectives(A, owner_id="29:other")] == ["o2"]
    assert [o.id for o in await store.list_objectives(A, state=ObjectiveState.DRAFT)] == ["o2"]
    assert [o.id for o in await store.list_objectives(A, parent_id="o1")] == ["o2"]

    await store.save_key_result(samples.key_result(A, "k1", objective_id="o1"))
    await store.save_key_result(
        samples.key_result(A, "k2", objective_id="o2", owner_id="29:x", created_at=None)
    )
    assert [k.id for k in await store.list_key_results(A, objective_id="o1")] == ["k1"]
    assert [k.id for k in await store.list_key_results(A, owner_id="29:x")] == ["k2"]


async def test_key_results_of_several_objectives_come_in_one_query_per_hundred(
    backend_factory: BackendFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with OkrStore(CountingBackend(backend_factory())) as store:
        await _key_results_of_several_objectives(store, monkeypatch)


async def _key_results_of_several_objectives(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = store.backend
    assert isinstance(counting, CountingBackend)
    monkeypatch.setattr("storage.store.IDS_PER_QUERY", 2)  # four ids: two queries
    for n, objective in enumerate(["o1", "o2", "o3", "o4", "o1"]):
        await store.save_key_result(
            samples.key_result(
                A,
                f"k{n}",
                objective_id=objective,
                owner_id="29:x" if n == 2 else "29:owner-1",
                created_at=T0 + timedelta(seconds=10 - n),
            )
        )
    await store.save_key_result(samples.key_result(B, "k-b", objective_id="o1"))

    counting.reset()
    found = await store.list_key_results(A, objective_ids=["o1", "o3", "o2", "o1", "nope"])
    assert counting.reset().queries == 2
    by_owner = await store.list_key_results(A, objective_ids=["o1", "o3"], owner_id="29:x")

    # Newest created last, as for one objective; o4's and tenant B's left out.
    assert [(k.id, k.objective_id) for k in found] == [
        ("k4", "o1"),
        ("k2", "o3"),
        ("k1", "o2"),
        ("k0", "o1"),
    ]
    assert [k.id for k in by_owner] == ["k2"]
    assert await store.list_key_results(A, objective_ids=[]) == []
    assert await store.list_key_results(B, objective_ids=["o1"]) == [
        await store.get_key_result(B, "k-b")
    ]
    with pytest.raises(ValueError, match="not both"):
        await store.list_key_results(A, objective_id="o1", objective_ids=["o2"])


async def test_key_results_by_owners_and_last_status_in_one_query_per_hundred_ids(
    backend_factory: BackendFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with OkrStore(CountingBackend(backend_factory())) as store:
        counting = store.backend
        assert isinstance(counting, CountingBackend)
        monkeypatch.setattr("storage.store.IDS_PER_QUERY", 2)
        statuses = [CheckInStatus.AT_RISK, None, CheckInStatus.OFF_TRACK, CheckInStatus.ON_TRACK]
        for n, (objective, owner) in enumerate(
            [("o1", "29:a"), ("o1", "29:b"), ("o2", "29:c"), ("o3", "29:a"), ("o2", "29:d")]
        ):
            await store.save_key_result(
                samples.key_result(
                    A,
                    f"k{n}",
                    objective_id=objective,
                    owner_id=owner,
                    last_status=statuses[n % 4],
                    created_at=T0 + timedelta(seconds=10 - n),
                )
            )
        # Another tenant's at-risk key result of the same objective and owner.
        await store.save_key_result(
            samples.key_result(
                B, "k-b", objective_id="o1", owner_id="29:a", last_status=CheckInStatus.AT_RISK
            )
        )
        worrying = (CheckInStatus.AT_RISK, CheckInStatus.OFF_TRACK)

        counting.reset()
        owned = await store.list_key_results(
            A, objective_ids=["o1", "o2", "o3"], owner_ids=["29:a", "29:c", "29:a", "29:x"]
        )
        assert counting.reset().queries == 4  # two objective chunks x two owner chunks
        at_risk = await store.list_key_results(A, objective_ids=["o1", "o2"], statuses=worrying)
        assert counting.reset().queries == 1
        by_owners = await store.list_key_results(A, owner_ids=["29:b", "29:d"])
        counting.reset()

        # Creation order (newest created last) across the queries.
        assert [k.id for k in owned] == ["k3", "k2", "k0"]
        assert [(k.id, k.last_status) for k in at_risk] == [
            ("k4", CheckInStatus.AT_RISK),
            ("k2", CheckInStatus.OFF_TRACK),
            ("k0", CheckInStatus.AT_RISK),
        ]
        assert [k.id for k in by_owners] == ["k4", "k1"]
        assert await store.list_key_results(A, owner_ids=[]) == []
        assert await store.list_key_results(A, objective_ids=["o1"], statuses=[]) == []
        assert counting.reset().queries == 0  # an empty list asks nothing
        assert [k.id for k in await store.list_key_results(B, statuses=worrying)] == ["k-b"]
        with pytest.raises(ValueError, match="not both"):
            await store.list_key_results(A, owner_id="29:a", owner_ids=["29:b"])


async def test_member_lookups(store: OkrStore) -> None:
    await store.save_member(samples.member(A, "29:m1"))
    found = await store.find_member_by_aad(A, "aad-29:m1")
    assert found is not None and found.id == "29:m1"
    by_mail = await store.find_member_by_email(A, "  29M1@CONTOSO.example ")
    assert by_mail is not None and by_mail.id == "29:m1"
    assert await store.find_member_by_email(A, "nobody@contoso.example") is None


async def test_people_are_read_by_id_in_one_query_per_hundred(
    backend_factory: BackendFactory,
) -> None:
    counting = CountingBackend(backend_factory())
    async with OkrStore(counting) as store:
        for n in range(105):
            await store.save_member(samples.member(A, f"29:m{n:03}"))
        await store.save_member(samples.member(B, "29:m001"))  # another tenant's
        counting.reset()
        wanted = [f"29:m{n:03}" for n in (104, 3, 3, 1)] + ["29:nobody"]
        found = await store.get_members(A, wanted)
        assert [(m.tenant_id, m.id) for m in found] == [
            (A, "29:m001"),
            (A, "29:m003"),
            (A, "29:m104"),
        ]
        many = await store.get_members(A, [f"29:m{n:03}" for n in range(105)])
        assert [m.id for m in many] == [f"29:m{n:03}" for n in range(105)]
        counts = counting.reset()
        assert (counts.queries, counts.point_reads) == (3, 0)  # 1, then 100 + 5
        assert await store.get_members(A, []) == []


async def test_a_teams_people_are_listed_by_name_up_to_a_limit(store: OkrStore) -> None:
    def person(member_id: str, name: str, *team_ids: str) -> Any:
        return dataclasses.replace(samples.member(A, member_id), name=name, team_ids=team_ids)

    await store.save_member(person("29:m1", "Chi", "sales", "ops"))
    await store.save_member(person("29:m2", "An", "sales"))
    await store.save_member(person("29:m3", "Bảo", "ops"))
    await store.save_member(person("29:m4", "Dung"))
    await store.save_member(person("29:m5", "Bình", "sales-east"))  # a prefix is not the team
    await store.save_member(dataclasses.replace(person("29:m6", "Anh", "sales"), tenant_id=B))

    sales = await store.list_members_by_name(A, team_id="sales")
    assert [m.id for m in sales] == ["29:m2", "29:m1"]
    assert [m.id for m in await store.list_members_by_name(A, team_id="ops", limit=1)] == ["29:m3"]
    assert await store.list_members_by_name(A, team_id="nobody's") == []
    everyone = await store.list_members_by_name(A, limit=3)
    assert [m.name for m in everyone] == ["An", "Bình", "Bảo"]  # by stored text, then cut


async def test_a_pick_list_reads_its_people_as_names_in_one_query_of_no_documents(
    backend_factory: BackendFactory,
) -> None:
    def person(member_id: str, name: str, *team_ids: str, email: str | None = None) -> Any:
        member = samples.member(A, member_id)
        return dataclasses.replace(member, name=name, email=email, team_ids=team_ids)

    counting = CountingBackend(backend_factory())
    async with OkrStore(counting) as store:
        await store.save_member(person("29:m1", "Chi", "sales", "ops", email="chi@contoso.vn"))
        await store.save_member(person("29:m2", "An", "sales"))
        await store.save_member(person("29:m3", "", "sales", email="bao@contoso.vn"))
        await store.save_member(person("29:m4", "", "sales"))
        await store.save_member(person("29:m5", "Bình", "sales-east"))
        await store.save_member(person("29:m6", "Anh", "sales", email="x@fabrikam.vn"))
        await store.save_member(dataclasses.replace(person("29:m6", "Ánh", "sales"), tenant_id=B))
        counting.reset()

        sales = await store.list_member_names(A, team_id="sales")
        counts = counting.reset()
        assert [(m.id, m.name, m.email, m.display_name) for m in sales] == [
            ("29:m3", "", "bao@contoso.vn", "bao@contoso.vn"),  # no name sorts first
            ("29:m4", "", None, "29:m4"),
            ("29:m2", "An", None, "An"),
            ("29:m6", "Anh", "x@fabrikam.vn", "Anh"),
            ("29:m1", "Chi", "chi@contoso.vn", "Chi"),
        ]
        assert (counts.queries, counts.point_reads, counts.documents, counts.rows) == (1, 0, 0, 5)
        assert dict(counts.by_kind) == {("query_fields", "member"): 1}
        # The same people, in the same order, as the whole documents would be.
        for team, limit in [("sales", None), ("sales", 2), ("ops", 1), ("nobody's", None)]:
            whole = await store.list_members_by_name(A, team_id=team, limit=limit)
            names = await store.list_member_names(A, team_id=team, limit=limit)
            assert [(m.id, m.display_name) for m in names] == [
                (m.id, m.display_name) for m in whole
            ]
        assert [m.id for m in await store.list_member_names(A, limit=3)] == [
            "29:m3",
            "29:m4",
            "29:m2",
        ]
        assert [m.name for m in await store.list_member_names(B)] == ["Ánh"]
        assert await store.list_member_names(A, team_id="sales", limit=0) == []


async def test_a_pick_list_reads_open_objectives_as_titles_in_creation_order(
    backend_factory: BackendFactory,
) -> None:
    counting = CountingBackend(backend_factory())
    async with OkrStore(counting) as store:
        # Created out of id order, two in one instant (an import writes many at once).
        for id_, title, state, second in [
            ("o3", "Ba", ObjectiveState.ACTIVE, 1),
            ("o1", "Một", ObjectiveState.DRAFT, 1),
            ("o2", "Hai", ObjectiveState.CLOSED, 0),
            ("o4", "Bốn", ObjectiveState.ACTIVE, 2),
            ("o0", "Không", ObjectiveState.ACTIVE, 0),
        ]:
            objective = samples.objective(
                A, id_, title=title, state=state, created_at=T0 + timedelta(seconds=second)
            )
            await store.save_objective(objective)
        await store.save_objective(samples.objective(B, "o5", title="Năm", created_at=T0))
        counting.reset()

        open_ = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)
        titles = await store.list_objective_titles(A, states=open_)
        counts = counting.reset()
        assert titles == [("Không", "o0"), ("Một", "o1"), ("Ba", "o3"), ("Bốn", "o4")]
        assert (counts.queries, counts.documents, counts.rows) == (1, 0, 4)
        assert dict(counts.by_kind) == {("query_fields", "objective"): 1}
        for states, limit in [(open_, 2), (open_, 3), (None, None), (None, 1), ((), None)]:
            whole = await store.list_objectives(A, states=states, limit=limit)
            assert await store.list_objective_titles(A, states=states, limit=limit) == [
                (o.title, o.id) for o in whole
            ]
        assert await store.list_objective_titles(A, states=open_, limit=2) == [
            ("Không", "o0"),
            ("Một", "o1"),
        ]
        assert await store.list_objective_titles(B) == [("Năm", "o5")]


async def test_delivery_and_conversation_filters(store: OkrStore) -> None:
    d1 = await store.save_delivery(samples.delivery(A, "29:m1"))
    await store.save_delivery(samples.delivery(A, "29:m2"))
    await store.save_delivery(dataclasses.replace(d1, state=DeliveryState.SENT, attempts=1))
    round_id = d1.round_id
    assert len(await store.list_deliveries(A, round_id)) == 2
    sent = await store.list_deliveries(A, round_id, DeliveryState.SENT)
    assert [d.member_id for d in sent] == ["29:m1"]
    await store.save_conversation(samples.conversation(A, "29:m1"))
    await store.save_conversation(dataclasses.replace(samples.conversation(A, "c2"), team_id=None))
    assert [c.id for c in await store.list_conversations(A, team_id=samples.TEAM_ID)] == ["29:m1"]
    assert len(await store.list_conversations(A)) == 2


async def test_list_initiatives_kpis_teams_rounds(store: OkrStore) -> None:
    await store.save_initiative(samples.initiative(A))
    await store.save_kpi(samples.kpi(A))
    await store.save_team(samples.team(A))
    await store.save_round(samples.round_(A))
    assert [i.id for i in await store.list_initiatives(A, "obj-1")] == ["ini-1"]
    assert [k.id for k in await store.list_kpis(A, samples.TEAM_ID)] == ["kpi-1"]
    assert [t.id for t in await store.list_teams(A)] == [samples.TEAM_ID]
    assert [r.id for r in await store.list_rounds(A, samples.TEAM_ID)] == [samples.round_(A).id]


# -- leases --------------------------------------------------------------------


async def test_lease_is_exclusive_until_it_expires(store: OkrStore) -> None:
    ttl = timedelta(minutes=5)
    mine = await store.acquire_lease(A, "round:t", "me", ttl, T0)
    assert mine is not None and mine.expires_at == T0 + ttl
    assert await store.acquire_lease(A, "round:t", "you", ttl, T0 + timedelta(minutes=4)) is None
    renewed = await store.acquire_lease(A, "round:t", "me", ttl, T0 + timedelta(minutes=4))
    assert renewed is not None and renewed.expires_at == T0 + timedelta(minutes=9)
    taken = await store.acquire_lease(A, "round:t", "you", ttl, T0 + timedelta(minutes=10))
    assert taken is not None and taken.holder == "you"
    # The old holder's release must not free the new holder's lease.
    await store.release_lease(renewed)
    assert await store.acquire_lease(A, "round:t", "me", ttl, T0 + timedelta(minutes=11)) is None
    await store.release_lease(taken)
    assert await store.acquire_lease(A, "round:t", "me", ttl, T0 + timedelta(minutes=11))


async def test_concurrent_lease_acquisition_has_one_winner(
    store: OkrStore, backend_factory: BackendFactory
) -> None:
    async with OkrStore(backend_factory()) as other:
        attempts = [
            (store if i % 2 else other).acquire_lease(
                A, "round:t", f"holder-{i}", timedelta(minutes=1), T0
            )
            for i in range(10)
        ]
        results = await asyncio.gather(*attempts)
    assert sum(r is not None for r in results) == 1


# -- tenant isolation ----------------------------------------------------------


async def test_tenant_a_cannot_read_tenant_b(store: OkrStore) -> None:
    await _seed_kr(store, tenant=B)
    await store.record_checkin(samples.checkin(B))
    await store.save_team(samples.team(B))
    await store.save_member(samples.member(B))
    await store.save_conversation(samples.conversation(B))
    await store.save_initiative(samples.initiative(B))
    await store.save_kpi(samples.kpi(B))
    await store.save_round(samples.round_(B))
    await store.save_delivery(samples.delivery(B))

    assert await store.get_objective(A, "obj-1") is None
    assert await store.get_key_result(A, "kr-1") is None
    assert await store.get_checkin(A, "ci-1") is None
    assert await store.get_team(A, samples.TEAM_ID) is None
    assert await store.get_member(A, "29:owner-1") is None
    assert await store.find_member_by_aad(A, "aad-29:owner-1") is None
    assert await store.find_member_by_email(A, samples.member(B).email or "") is None
    assert await store.get_conversation(A, "29:owner-1") is None
    assert await store.get_initiative(A, "ini-1") is None
    assert await store.get_kpi(A, "kpi-1") is None
    assert await store.get_round(A, samples.round_(B).id) is None
    assert await store.get_delivery(A, samples.delivery(B).id) is None
    assert await store.list_objectives(A) == []
    assert await store.list_key_results(A) == []
    assert await store.list_checkins(A) == []
    assert await store.list_teams(A) == []
    assert await store.list_members(A) == []
    assert await store.list_conversations(A) == []
    assert await store.list_initiatives(A, "obj-1") == []
    assert await store.list_kpis(A) == []
    assert await store.list_rounds(A, samples.TEAM_ID) == []
    assert await store.list_deliveries(A, samples.round_(B).id) == []


async def test_tenant_a_cannot_change_tenant_b(store: OkrStore) -> None:
    await _seed_kr(store, tenant=B)
    theirs = await store.get_key_result(B, "kr-1")
    objective_b = await store.get_objective(B, "obj-1")
    assert theirs is not None and objective_b is not None and objective_b.etag is not None

    # B's etag, A's tenant id: lands in A's partition, where nothing exists.
    hijack = dataclasses.replace(theirs, tenant_id=A, title="hijacked")
    with pytest.raises(NotFoundError):
        await store.save_key_result(hijack)
    with pytest.raises(NotFoundError):
        await store.record_checkin(samples.checkin(A))
    with pytest.raises(NotFoundError):
        await store.delete_objective(A, "obj-1", objective_b.etag)
    # Creating the same id in A makes a separate A entity; B is untouched.
    await store.save_key_result(dataclasses.replace(theirs, tenant_id=A, etag=None, title="A's"))

    after = await store.get_key_result(B, "kr-1")
    assert after == theirs
    assert await store.get_objective(B, "obj-1") == objective_b
    assert await store.list_checkins(B) == []


# -- restart -------------------------------------------------------------------


async def test_a_new_store_on_the_same_database_sees_everything(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(backend_factory()) as first:
        await first.save_tenant(samples.tenant(A))
        await first.save_team(samples.team(A))
        await _seed_kr(first)
        await first.record_checkin(samples.checkin(A))
        await first.acquire_lease(A, "round:t", "me", timedelta(minutes=1), T0)
    async with OkrStore(backend_factory()) as second:
        assert await second.get_tenant(A) is not None
        assert await second.get_team(A, samples.TEAM_ID) is not None
        kr = await second.get_key_result(A, "kr-1")
        assert kr is not None and kr.last_checkin_id == "ci-1"
        assert [c.id for c in await second.list_checkins(A, key_result_id="kr-1")] == ["ci-1"]
        assert await second.acquire_lease(A, "round:t", "you", timedelta(minutes=1), T0) is None


# -- readiness -------------------------------------------------------------------


async def test_ping_proves_a_write_with_one_heartbeat_document(store: OkrStore) -> None:
    await store.ping()
    first = await store.backend.read(SYSTEM_PARTITION, HEARTBEAT_KIND, HEARTBEAT_ID)
    await store.ping()
    second = await store.backend.read(SYSTEM_PARTITION, HEARTBEAT_KIND, HEARTBEAT_ID)

    assert first is not None and second is not None and first.etag != second.etag
    assert await store.backend.query(SYSTEM_PARTITION, HEARTBEAT_KIND) == [second]
    assert await store.list_tenants() == []


# -- digest snapshots ----------------------------------------------------------


def _snapshot(tenant: str, slot: date, overall: str) -> DigestSnapshot:
    return DigestSnapshot(
        tenant_id=tenant,
        id=DigestSnapshot.id_for(samples.TEAM_ID, slot),
        team_id=samples.TEAM_ID,
        slot=slot,
        taken_at=T0 + timedelta(days=(slot - T0.date()).days),
        period_label="2026-Q4",
        overall=Decimal(overall),
        expected=Decimal("0.5"),
        objectives=(ObjectiveMark("obj-1", Decimal("0.4"), CheckInStatus.AT_RISK),),
        key_results=(
            KeyResultMark("kr-1", "obj-1", Decimal("0.4"), CheckInStatus.AT_RISK, T0),
            KeyResultMark("kr-2", "obj-1", Decimal(0)),
        ),
        trend=(TrendPoint(slot, Decimal(overall), Decimal("0.5")),),
    )


async def test_snapshots_round_trip_and_the_previous_one_is_found(store: OkrStore) -> None:
    first = _snapshot(A, date(2026, 11, 20), "0.3")
    second = _snapshot(A, date(2026, 11, 27), "0.4")
    await store.save_snapshot(first)
    saved = await store.save_snapshot(second)
    assert _without_etag(saved) == second
    assert _without_etag(await store.get_snapshot(A, second.id)) == second
    latest = await store.latest_snapshot(A, samples.TEAM_ID)
    assert latest is not None and latest.id == second.id
    # The digest of 27/11 posted again compares with 20/11, not with itself.
    before = await store.latest_snapshot(A, samples.TEAM_ID, before=second.slot)
    assert before is not None and _without_etag(before) == first
    assert await store.latest_snapshot(A, samples.TEAM_ID, before=first.slot) is None
    assert await store.latest_snapshot(B, samples.TEAM_ID) is None  # other tenant
    with pytest.raises(ConflictError):
        await store.save_snapshot(second)  # one per team and slot


async def test_the_latest_checkin_note_is_mirrored_on_the_key_result(store: OkrStore) -> None:
    await _seed_kr(store)
    await store.record_checkin(samples.checkin(A, "ci-note"))
    kr = await store.get_key_result(A, "kr-1")
    assert kr is not None and kr.last_note == "Chậm hơn dự kiến ✓"


# -- order of equal sort keys --------------------------------------------------


async def _documents_in_one_instant(backend_factory: BackendFactory) -> DocumentBackend:
    backend = backend_factory()
    await backend.open()
    # Inserted out of id order, two groups of equal sort keys (a CSV import or
    # a three-key-result check-in writes many documents in one instant).
    for id, at in [("d", "t2"), ("b", "t1"), ("e", "t1"), ("a", "t2"), ("c", "t1"), ("f", "t0")]:
        await backend.create(A, "thing", id, {"id": id, "at": at})
    return backend


async def _ids(backend: DocumentBackend, **query: Any) -> list[str]:
    return [doc.body["id"] for doc in await backend.query(A, "thing", order_by="at", **query)]


async def test_equal_sort_keys_come_in_id_order_in_the_same_direction(
    backend_factory: BackendFactory,
) -> None:
    backend = await _documents_in_one_instant(backend_factory)
    try:
        assert await _ids(backend) == ["f", "b", "c", "e", "a", "d"]
        assert await _ids(backend, descending=True) == ["d", "a", "e", "c", "b", "f"]
        # A limit that cuts a group of equal keys cuts it by id, as the full order does.
        assert await _ids(backend, limit=2) == ["f", "b"]
        assert await _ids(backend, limit=3) == ["f", "b", "c"]
        assert await _ids(backend, descending=True, limit=3) == ["d", "a", "e"]
        assert await _ids(backend, descending=True, limit=4) == ["d", "a", "e", "c"]
        assert await _ids(backend, limit=10) == ["f", "b", "c", "e", "a", "d"]
        assert await _ids(backend, where={"at": "t1"}, limit=2) == ["b", "c"]
        assert await _ids(backend, at_least=("at", "t1"), descending=True, limit=3) == [
            "d",
            "a",
            "e",
        ]
    finally:
        await backend.close()


async def test_fields_of_documents_come_in_the_order_and_limit_of_the_documents(
    backend_factory: BackendFactory,
) -> None:
    backend = await _documents_in_one_instant(backend_factory)
    try:
        await backend.create(A, "thing", "g", {"id": "g", "at": "t1", "note": "ghi"})
        await backend.create(B, "thing", "h", {"id": "h", "at": "t0", "note": "elsewhere"})
        for query in [
            {},
            {"descending": True},
            {"limit": 3},
            {"descending": True, "limit": 4},
            {"where": {"at": "t1"}, "limit": 2},
            {"where": {"at": ("t0", "t2")}},
            {"limit": 0},
            {"where": {"at": ()}},
        ]:
            documents = await backend.query(A, "thing", order_by="at", **query)
            rows = await backend.query_fields(A, "thing", ("note", "id"), order_by="at", **query)
            assert rows == [(d.body.get("note"), d.body["id"]) for d in documents], query
        assert await backend.query_fields(A, "thing", ("id", "note"), order_by="at", limit=4) == [
            ("f", None),
            ("b", None),
            ("c", None),
            ("e", None),
        ]
        assert await backend.query_fields(B, "thing", ("id", "note")) == [("h", "elsewhere")]
    finally:
        await backend.close()


# -- the next-due index ------------------------------------------------------


def _next_due(team_id: str, kind: str, based_on: Tokens) -> NextDue:
    return NextDue(team_id, kind, T0 + timedelta(hours=1), T0, based_on)


async def test_the_next_due_index_is_read_in_one_query_and_holds_until_a_token_changes(
    backend_factory: BackendFactory,
) -> None:
    async with OkrStore(CountingBackend(backend_factory())) as store:
        counting = store.backend
        assert isinstance(counting, CountingBackend)
        empty = await store.read_due_index(A)
        assert empty == DueIndex(None, {}, {})
        await store.mark_team_changed(A, samples.TEAM_ID)
        await store.mark_tenant_changed(A)
        index = await store.read_due_index(A)
        tokens = index.tokens(samples.TEAM_ID)
        assert tokens.team and tokens.tenant and tokens.team != tokens.tenant
        await store.save_next_due(A, _next_due(samples.TEAM_ID, "checkins", tokens))
        await store.save_next_due(A, _next_due("19:other@thread", "checkins", index.tokens("x")))
        counting.reset()
        index = await store.read_due_index(A)
        assert counting.reset().total == 1  # one query for the whole tenant
        assert index.entries[("checkins", samples.TEAM_ID)] == _next_due(
            samples.TEAM_ID, "checkins", tokens
        )
        assert index.idle("checkins", samples.TEAM_ID, T0 + timedelta(minutes=59))
        assert not index.idle("checkins", samples.TEAM_ID, T0 + timedelta(hours=1))  # due then
        assert not index.idle("checkins", samples.TEAM_ID, T0 - timedelta(seconds=1))  # before
        assert not index.idle("reminders", samples.TEAM_ID, T0)  # another pass kind
        assert index.idle("checkins", "19:other@thread", T0)
        assert await store.read_due_index(B) == DueIndex(None, {}, {})  # other tenant

        await store.mark_team_changed(A, samples.TEAM_ID)
        index = await store.read_due_index(A)
        assert not index.idle("checkins", samples.TEAM_ID, T0)
        assert index.idle("checkins", "19:other@thread", T0)  # another team's change
        await store.mark_tenant_changed(A)
        assert not (await store.read_due_index(A)).idle("checkins", "19:other@thread", T0)


ROUND_OF_TEAM = f"checkin|{samples.TEAM_ID}|2026-11-30"


async def _team_token(store: OkrStore) -> Tokens:
    return (await store.read_due_index(A)).tokens(samples.TEAM_ID)


async def test_writes_that_can_make_work_due_earlier_change_a_token(store: OkrStore) -> None:
    """Each save below changes the team's token or the tenant's; a check-in changes neither."""
    changes = [
        store.save_team(samples.team(A)),
        store.save_member(samples.member(A)),
        store.save_objective(samples.objective(A)),
        store.save_key_result(samples.key_result(A)),
        store.save_delivery(
            dataclasses.replace(
                samples.delivery(A),
                id=f"{ROUND_OF_TEAM}|29:owner-1|checkin",
                round_id=ROUND_OF_TEAM,
                remind_at=T0,
            )
        ),
        store.save_tenant(samples.tenant(A)),
        store.create_missing(A, [samples.key_result(A, "kr-imported")]),  # an import
    ]
    for change in changes:
        before = await _team_token(store)
        await change
        assert await _team_token(store) != before
    before = await _team_token(store)
    await store.record_checkin(samples.checkin(A, "ci-index"))
    await store.save_delivery(samples.delivery(A, "29:owner-2"))  # a plain record: no change
    assert await _team_token(store) == before
    objective = await store.get_objective(A, "obj-1")
    stored = await store.get_key_result(A, "kr-1")
    assert objective is not None and stored is not None
    await store.delete_key_result(A, "kr-1", stored.etag or "")
    assert await _team_token(store) != before
    before = await _team_token(store)
    await store.delete_objective(A, "obj-1", objective.etag or "")
    assert await _team_token(store) != before
