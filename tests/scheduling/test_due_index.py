"""The next-due index: idle passes read almost nothing, and a change is never missed.

Each test warms the index (a pass that finds nothing new stores when something
new can be due), makes one change through the store, and checks that the next
pass sends what the change made due: on SQLite and on the Cosmos-compatible server.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from okr.due import DeliveryKind, nudge_request_id
from okr.models import (
    ConversationKind,
    ConversationRef,
    Delivery,
    DeliveryState,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
    Tenant,
)
from okr.periods import Period
from scheduling.rounds import PassKind
from storage.counting import CountingBackend
from storage.due_index import NextDue
from storage.store import OkrStore
from tests.scheduling.test_rounds import (
    MONDAY_HCM_10,
    TEAM,
    TENANT,
    RecordingSender,
    engine,
    seed,
)
from tests.storage import samples
from tests.storage.conftest import BackendFactory

ROUND = f"checkin|{TEAM}|2026-11-30"


async def warm(store: OkrStore, kind: PassKind, now: datetime) -> None:
    """Run passes until the team is idle for ``kind`` (its next-due entry holds)."""
    sender = RecordingSender()
    await engine(store, sender).run(kind, now)
    await engine(store, sender).run(kind, now)
    counts = await engine(store, sender).run(kind, now + timedelta(seconds=1))
    assert counts.idle_teams == 1


def key_result(id: str, owner: str, objective: str = "obj") -> KeyResult:
    return KeyResult(
        tenant_id=TENANT,
        id=id,
        objective_id=objective,
        title=id,
        owner_id=owner,
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(1),
        current=Decimal(0),
    )


async def test_a_new_owner_of_a_key_result_gets_the_card_at_once(store: OkrStore) -> None:
    await seed(store)
    await warm(store, PassKind.CHECKINS, MONDAY_HCM_10)
    await store.save_key_result(key_result("kr-carol", "carol"))  # no member record: team zone
    sender = RecordingSender()
    counts = await engine(store, sender).run(
        PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1)
    )
    assert sender.recipients() == Counter({"carol": 1}) and counts.idle_teams == 0


async def test_a_member_who_moves_east_is_asked_at_their_new_nine_oclock(store: OkrStore) -> None:
    await seed(store)
    await warm(store, PassKind.CHECKINS, MONDAY_HCM_10)  # Alice, in Los Angeles: not yet
    alice = await store.get_member(TENANT, "alice")
    assert alice is not None
    await store.save_member(dataclasses.replace(alice, time_zone="Asia/Ho_Chi_Minh"))
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1))
    assert sender.recipients() == Counter({"alice": 1})


async def test_an_objective_made_active_asks_its_owners(store: OkrStore) -> None:
    await seed(store)
    objective = await store.get_objective(TENANT, "obj")
    assert objective is not None
    draft = await store.save_objective(dataclasses.replace(objective, state=ObjectiveState.DRAFT))
    await warm(store, PassKind.CHECKINS, MONDAY_HCM_10)
    await store.save_objective(dataclasses.replace(draft, state=ObjectiveState.ACTIVE))
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1))
    assert sender.recipients() == Counter({"binh": 1})


async def test_a_team_settings_change_is_seen_by_the_next_pass(store: OkrStore) -> None:
    await seed(store)
    await warm(store, PassKind.CHECKINS, MONDAY_HCM_10)
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    await store.save_team(dataclasses.replace(team, installed=False))
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1))
    uninstalled = await store.get_team(TENANT, TEAM)
    assert uninstalled is not None
    await store.save_key_result(key_result("kr-carol", "carol"))
    await store.save_team(dataclasses.replace(uninstalled, installed=True))
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=2))
    assert sender.recipients() == Counter({"carol": 1})


async def test_remind_me_later_brings_the_reminder_at_the_chosen_time(store: OkrStore) -> None:
    await seed(store)
    await engine(store, RecordingSender()).run(PassKind.CHECKINS, MONDAY_HCM_10)
    # The team's reminder is 24 h after the card: the index waits for it.
    await warm(store, PassKind.REMINDERS, MONDAY_HCM_10)
    card = await store.get_delivery(TENANT, f"{ROUND}|binh|checkin")
    assert card is not None and card.state is DeliveryState.SENT
    soon = MONDAY_HCM_10 + timedelta(minutes=30)
    await store.save_delivery(dataclasses.replace(card, remind_at=soon))
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.REMINDERS, soon + timedelta(minutes=1))
    assert sender.recipients() == Counter({"binh": 1})
    [record] = [
        d
        for d in await store.list_deliveries(TENANT, ROUND)
        if d.kind == DeliveryKind.REMINDER.value
    ]
    assert record.member_id == "binh" and record.state is DeliveryState.SENT


async def test_a_nudge_request_reaches_the_owners_still_missing(store: OkrStore) -> None:
    await seed(store)
    await engine(store, RecordingSender()).run(PassKind.CHECKINS, MONDAY_HCM_10)
    await warm(store, PassKind.REMINDERS, MONDAY_HCM_10)
    await store.save_delivery(
        Delivery(
            tenant_id=TENANT,
            id=nudge_request_id(ROUND),
            round_id=ROUND,
            member_id="alice",
            kind=DeliveryKind.NUDGE_REQUEST.value,
            state=DeliveryState.SENT,
        )
    )
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.REMINDERS, MONDAY_HCM_10 + timedelta(minutes=1))
    assert sender.recipients() == Counter({"binh": 1})  # Alice's card has not gone out yet


async def test_a_change_racing_a_pass_is_seen_by_the_next_one(
    store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change lands after the pass read the team, before it stores its entry."""
    await seed(store)
    save_next_due = store.save_next_due

    async def change_first(tenant_id: str, entry: NextDue) -> None:
        await store.save_key_result(key_result("kr-carol", "carol"))
        await save_next_due(tenant_id, entry)

    monkeypatch.setattr(store, "save_next_due", change_first)
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)  # stores, changing meanwhile
    assert sender.recipients() == Counter({"binh": 1})
    monkeypatch.undo()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1))
    assert sender.recipients() == Counter({"binh": 1, "carol": 1})


async def test_a_check_in_changes_no_token_and_sends_nothing(store: OkrStore) -> None:
    """A check-in only spares cards: the index stays, and the pass stays idle."""
    await seed(store)
    await warm(store, PassKind.CHECKINS, MONDAY_HCM_10)
    kr = await store.get_key_result(TENANT, "kr-alice")
    assert kr is not None
    checkin = dataclasses.replace(
        samples.checkin(TENANT, "ci-alice", at=MONDAY_HCM_10, kr_id="kr-alice"),
        objective_id="obj",
    )
    await store.record_checkin(checkin)
    counts = await engine(store, RecordingSender()).run(
        PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1)
    )
    assert counts.idle_teams == 1


async def seed_teams(store: OkrStore, teams: int, owners: int) -> None:
    """``teams`` teams in Ho Chi Minh City, each with ``owners`` owners of one key result."""
    await store.save_tenant(Tenant(id=TENANT))
    period = Period.quarter(2026, 4)
    for t in range(teams):
        team_id = f"19:team-{t}@thread.tacv2"
        await store.save_team(
            Team(
                tenant_id=TENANT,
                id=team_id,
                settings=TeamSettings(time_zone="Asia/Ho_Chi_Minh", digest_enabled=False),
                created_at=MONDAY_HCM_10 - timedelta(days=60),
            )
        )
        objective = Objective(
            tenant_id=TENANT,
            id=f"obj-{t}",
            title="o",
            owner_id=f"{t}-0",
            period=period,
            state=ObjectiveState.ACTIVE,
            team_id=team_id,
        )
        await store.save_objective(objective)
        await store.save_conversation(
            ConversationRef(
                tenant_id=TENANT,
                id=team_id,
                kind=ConversationKind.CHANNEL,
                conversation_id=team_id,
                service_url="http://127.0.0.1:9/",
                bot_id="28:bot",
                team_id=team_id,
            )
        )
        for o in range(owners):
            await store.save_member(Member(tenant_id=TENANT, id=f"{t}-{o}", team_ids=(team_id,)))
            await store.save_key_result(key_result(f"kr-{t}-{o}", f"{t}-{o}", objective.id))


@pytest.mark.parametrize("owners", [3, 12])
async def test_an_idle_pass_costs_three_queries_whatever_the_number_of_owners(
    backend_factory: BackendFactory, owners: int
) -> None:
    now = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # a Wednesday evening
    counting = CountingBackend(backend_factory())
    async with OkrStore(counting) as store:
        await seed_teams(store, teams=3, owners=owners)
        sender = RecordingSender()
        for _ in range(3):  # cards, then reminders and summaries go out; then entries are stored
            for kind in PassKind:
                await engine(store, sender).run(kind, now)
        assert len(sender.sent) == 3 * 2 * owners  # a card and a reminder each
        counting.reset()
        for kind in PassKind:
            counts = await engine(store, sender).run(kind, now + timedelta(minutes=1))
            assert counts.idle_teams == 3
        calls = counting.reset()
        # Per pass: the tenants, the tenant's index, its teams.
        assert calls.by_kind == Counter(
            {("query", "tenant"): 3, ("query", "due_index"): 3, ("query", "team"): 3}
        )
        assert calls.total == 9 and calls.writes == 0
