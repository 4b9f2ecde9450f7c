"""What a person's request reads and writes, counted exactly on SQLite and on Cosmos DB.

A check-in submit and every chat command make a fixed number of store calls:
what they show, never what the tenant holds. These tests run the real app
(HTTP, the activity gate, the SDK's adapter) over a store whose backend counts
its calls (:mod:`storage.counting`), so a read added on the request path shows
up here as a failing number, on purpose: change the number only with a reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

import app as app_module
from app import SUMMARIES_KEY
from bot.okr_views import MAX_MEMBER_CHOICES
from cards import verbs
from okr.models import KeyResult, KeyResultKind, Member, Objective, ObjectiveState, Team
from okr.periods import Period
from settings import Settings
from storage.backend import DocumentBackend
from storage.counting import CountingBackend, OperationCounts, counting
from storage.factory import backend_from_settings
from storage.store import OkrStore
from tests import factories as f
from tests.bot.test_authoring import inputs, invoke
from tests.bot.test_checkin import submission
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient, StartBot
from tests.connector import Connector
from tests.cosmos_server import (
    CosmosServer,
    cosmos,  # noqa: F401 (fixture)
    cosmos_backend,
    drop_cosmos_database,
    new_database_name,
)

Counted = tuple[BotClient, CountingBackend]


@pytest.fixture(params=["sqlite", pytest.param("cosmos", marks=pytest.mark.cosmos)])
def backend_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
async def counted_stores(
    backend_kind: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[list[CountingBackend]]:
    """The app's stores, built over a counting backend (SQLite, or a fresh Cosmos database)."""
    made: list[CountingBackend] = []
    database = new_database_name()
    server: CosmosServer | None = (
        request.getfixturevalue("cosmos") if backend_kind == "cosmos" else None
    )

    def store_from_settings(settings: Settings, **kwargs: Any) -> OkrStore:
        inner: DocumentBackend
        if server is not None:
            inner = cosmos_backend(server.endpoint, server.key, database)
        else:
            inner = backend_from_settings(settings, **kwargs)
        made.append(counting(inner))
        return OkrStore(made[-1])

    monkeypatch.setattr(app_module, "store_from_settings", store_from_settings)
    yield made
    if server is not None:
        await drop_cosmos_database(server.endpoint, server.key, database)


async def seed(bot: BotClient) -> None:
    """Binh owns an active Q4 objective of the Sales team with three key results."""
    await bot.store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj",
            title="Tăng doanh thu",
            owner_id=f.BINH.id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=f.SALES.id,
        )
    )
    for n in range(3):
        await bot.store.save_key_result(
            KeyResult(
                tenant_id=f.TENANT_ID,
                id=f"kr-{n}",
                objective_id="obj",
                title=f"Chỉ số {n}",
                owner_id=f.BINH.id,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(100),
                current=Decimal(0),
            )
        )


@pytest.fixture
async def counted(
    start_bot: StartBot, connector: Connector, counted_stores: list[CountingBackend]
) -> AsyncIterator[Counted]:
    """The bot installed in Sales, Binh's objective seeded, Binh known to it."""
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    bot = await start_bot()
    await bot.post(f.bot_added_to_team(connector.url))
    await seed(bot)
    [meter] = counted_stores
    yield bot, meter


def calls(counts: OperationCounts) -> dict[str, int]:
    """``{"read:member": 1, ...}``: the calls by method and document kind."""
    return {f"{method}:{kind}": n for (method, kind), n in sorted(counts.by_kind.items())}


async def test_a_three_key_result_submit_makes_seven_point_reads_and_no_query(
    counted: Counted, connector: Connector, backend_kind: str
) -> None:
    bot, meter = counted
    await bot.post(f.personal_message("checkin", connector.url, user=f.BINH))
    [card] = connector.cards(f.personal_conversation_id(f.BINH))
    data = submission(card, value_0="10", value_1="20", value_2="30")
    meter.reset()

    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    await bot.app[SUMMARIES_KEY].settled()

    counts = meter.reset()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    # SQLite: the check-ins and the three key results' mirrors in one commit.
    writes = (
        {"create_then_replace:checkin": 1, "create_then_replace:key_result": 3}
        if backend_kind == "sqlite"
        else {"create:checkin": 3, "replace:key_result": 3}
    )
    assert calls(counts) == {
        # The turn: the person, the card's key results, their objective and its
        # team (permissions), whether this card was recorded already.
        "read:member": 1,
        "read:key_result": 3,
        "read:objective": 1,
        "read:team": 2,  # one for the turn, one for the summary below
        "read:checkin": 1,
        # Recorded: the check-ins (together), each key result mirrors its own.
        **writes,
        # After the answer, in the background: the owners' summary of the round.
        "read:delivery": 1,
    }
    assert counts.queries == 0
    stored = [await bot.store.get_key_result(f.TENANT_ID, f"kr-{n}") for n in range(3)]
    assert [kr.current for kr in stored if kr is not None] == [10, 20, 30]


async def test_the_same_card_pressed_again_reads_its_checkins_and_writes_nothing(
    counted: Counted, connector: Connector
) -> None:
    bot, meter = counted
    await bot.post(f.personal_message("checkin", connector.url, user=f.BINH))
    [card] = connector.cards(f.personal_conversation_id(f.BINH))
    data = submission(card, value_0="10", value_1="20", value_2="30")
    first = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    await bot.app[SUMMARIES_KEY].settled()
    meter.reset()

    again = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)

    counts = meter.reset()
    assert again == first
    assert calls(counts) == {
        "read:member": 1,
        "read:key_result": 3,
        "read:objective": 1,
        "read:team": 1,
        "read:checkin": 3,  # the first tells it was recorded; then the other two
    }
    assert len(await bot.store.list_checkins(f.TENANT_ID)) == 3


CommandCalls = Callable[[BotClient, Connector], Any]


async def add_elsewhere(bot: BotClient, start: int, stop: int) -> None:
    """People of other teams, each owning an objective of one with a key result."""
    store = bot.store
    for n in range(start, stop):
        person = f"29:elsewhere-{n}"
        await store.save_team(
            Team(tenant_id=f.TENANT_ID, id=f"ops-{n}", name=f"Ops {n}", owner_ids=(person,))
        )
        await store.save_member(
            Member(tenant_id=f.TENANT_ID, id=person, name=f"Người {n:03d}", team_ids=("ops",))
        )
        objective = Objective(
            tenant_id=f.TENANT_ID,
            id=f"ops-{n}",
            title=f"Ops objective {n}",
            owner_id=person,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id="ops",
        )
        await store.save_objective(objective)
        await store.save_key_result(
            KeyResult(
                tenant_id=f.TENANT_ID,
                id=f"ops-kr-{n}",
                objective_id=objective.id,
                title="Ops key result",
                owner_id=person,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(10),
                current=Decimal(0),
            )
        )


# Every chat command, as Binh types it in his chat with the bot (status names his objective).
COMMANDS = (
    "help",
    "my okrs",
    "team okrs",
    "status Tăng doanh thu",
    "checkin",
    "close",
    "new",
    "templates",
    "digest",
    "settings",
    "language",
)


async def command_costs(
    bot: BotClient, connector: Connector, meter: CountingBackend
) -> dict[str, tuple[dict[str, int], int]]:
    """Each command's store calls and the documents they returned."""
    costs = {}
    for command in COMMANDS:
        meter.reset()
        response = await bot.post(f.personal_message(command, connector.url, user=f.BINH))
        await bot.app[SUMMARIES_KEY].settled()
        assert response.status == 202, command
        counts = meter.reset()
        costs[command] = (calls(counts), counts.documents)
    return costs


async def test_no_command_reads_more_when_the_tenant_grows_elsewhere(
    counted: Counted, connector: Connector
) -> None:
    bot, meter = counted
    await add_elsewhere(bot, 0, 5)
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))  # Binh is known
    small = await command_costs(bot, connector, meter)

    await add_elsewhere(bot, 5, 200)
    large = await command_costs(bot, connector, meter)

    # Every command makes the same calls, whatever the tenant holds elsewhere.
    assert {c: calls for c, (calls, _) in large.items()} == {
        c: calls for c, (calls, _) in small.items()
    }
    documents = {c: (small[c][1], large[c][1]) for c in COMMANDS}
    # Every command reads what it shows for Binh, and no document of the other team:
    # `status` searches every objective's title (one query of titles, no document) and
    # reads the match alone; `new` reads its pick-lists as names and titles (see below).
    assert {c: before for c, (before, after) in documents.items() if before != after} == {}


async def add_people_and_objectives(
    bot: BotClient, team_id: str, people: int, objectives: int
) -> None:
    """``people`` people and ``objectives`` open objectives more, all in ``team_id``."""
    for n in range(people):
        await bot.store.save_member(
            Member(
                tenant_id=f.TENANT_ID,
                id=f"29:{team_id}-{n}",
                name=f"An {n:03d}",
                team_ids=(team_id,),
            )
        )
    for n in range(objectives):
        await bot.store.save_objective(
            Objective(
                tenant_id=f.TENANT_ID,
                id=f"{team_id}-objective-{n:03d}",
                title=f"Mục tiêu {n:03d}",
                owner_id=f"29:{team_id}-0",
                period=Period.quarter(2026, 4),
                state=ObjectiveState.ACTIVE,
                team_id=team_id,
            )
        )


NewForm = tuple[dict[str, int], int, int, list[tuple[str, str]], list[tuple[str, str]]]


async def new_form(bot: BotClient, connector: Connector, meter: CountingBackend) -> NewForm:
    """Binh's `new`: its calls, documents and rows read, the owners and parents it offers."""
    meter.reset()
    await bot.post(f.personal_message("new", connector.url, user=f.BINH))
    await bot.app[SUMMARIES_KEY].settled()
    counts = meter.reset()
    fields = inputs(connector.cards(f.personal_conversation_id(f.BINH))[-1])
    owners = [(c["title"], c["value"]) for c in fields["owner"]["choices"]]
    parents = [
        (c["title"], c["value"]) for c in fields["parent"]["choices"] if c["value"] != "none"
    ]
    return calls(counts), counts.documents, counts.rows, owners, parents


async def offered_from_whole_documents(
    bot: BotClient,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The owners and parents `new` offered when it read whole documents (its teammates, Sales)."""
    store, limit = bot.store, MAX_MEMBER_CHOICES
    binh = await store.get_member(f.TENANT_ID, f.BINH.id)
    assert binh is not None
    sales = await store.list_members_by_name(f.TENANT_ID, team_id=f.SALES.id, limit=limit)
    others = sorted((m for m in sales if m.id != binh.id), key=lambda m: m.name.casefold())
    owners = [(m.display_name, m.id) for m in [binh, *others]][:limit]
    open_ = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)
    objectives = await store.list_objectives(f.TENANT_ID, states=open_, limit=limit + 1)
    return owners, [(o.title, o.id) for o in objectives][:limit]


async def test_new_reads_names_and_titles_not_documents_however_large_the_tenant(
    counted: Counted, connector: Connector
) -> None:
    bot, meter = counted
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))  # Binh is known
    # A teammate Teams gave no name: the list names them by e-mail, sorted where no name sorts.
    nameless = Member(
        tenant_id=f.TENANT_ID, id="29:nameless", email="khach@contoso.com", team_ids=(f.SALES.id,)
    )
    await bot.store.save_member(nameless)
    await add_people_and_objectives(bot, f.SALES.id, 3, 2)

    calls_before, documents_before, rows_before, owners, parents = await new_form(
        bot, connector, meter
    )
    assert calls_before == {
        # The turn: the person, their team, the tenant (fiscal year), the chat's reference.
        "read:member": 1,
        "read:team": 1,
        "read:tenant": 1,
        "read:conversation": 1,
        # The pick-lists: Sales's people by name, the open objectives; names and titles only.
        "query_fields:member": 1,
        "query_fields:objective": 1,
    }
    assert documents_before == 4
    assert (owners, parents) == await offered_from_whole_documents(bot)
    assert owners[0] == (f.BINH.name, f.BINH.id)
    assert ("khach@contoso.com", "29:nameless") in owners
    assert parents == [  # in creation order; none has a creation time here, so by id
        ("Mục tiêu 000", f"{f.SALES.id}-objective-000"),
        ("Mục tiêu 001", f"{f.SALES.id}-objective-001"),
        ("Tăng doanh thu", "obj"),
    ]
    sales_people = len(owners)
    assert rows_before == sales_people + len(parents)

    # 300 people and 200 open objectives more in another team.
    await add_people_and_objectives(bot, "ops", 300, 200)
    calls_after, documents_after, rows_after, owners_after, parents_after = await new_form(
        bot, connector, meter
    )

    assert (calls_after, documents_after) == (calls_before, documents_before)
    assert owners_after == owners  # Binh's teammates only: nobody of Ops
    # Parents are any open objective of the tenant, as many as the list shows (and one
    # more read, in case it is the objective edited).
    assert (owners_after, parents_after) == await offered_from_whole_documents(bot)
    assert parents_after[:3] == parents and len(parents_after) == MAX_MEMBER_CHOICES
    assert rows_after == sales_people + MAX_MEMBER_CHOICES + 1
