"""The delivery engine: who gets what, once, across passes, crashes and instances."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cards.deliveries import DeliveryCards
from okr.models import (
    Cadence,
    CheckIn,
    CheckInStatus,
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
from scheduling.rounds import DeliveryEngine, PassKind
from scheduling.sender import PersonalTarget, SendOutcome, SendResult
from storage.counting import CountingBackend
from storage.store import OkrStore
from tests.storage.conftest import BackendFactory

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM = "19:team@thread.tacv2"
# Monday 30 Nov 2026. 09:00 in Ho Chi Minh City is 02:00 UTC; in Los Angeles 17:00 UTC.
MONDAY_HCM_10 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
MONDAY_LA_10 = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


class RecordingSender:
    """Records every card per recipient; answers per member as told."""

    def __init__(self, outcomes: Mapping[str, SendOutcome] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.outcomes = dict(outcomes or {})
        self.delay = 0.0

    async def send_card(
        self, target: ConversationRef | PersonalTarget, card: Mapping[str, Any], fallback_text: str
    ) -> SendResult:
        member = target.member_id
        assert member is not None
        if self.delay:
            await asyncio.sleep(self.delay)
        outcome = self.outcomes.get(member, SendOutcome.SENT)
        if outcome is SendOutcome.SENT:
            self.sent.append((member, dict(card)))
        created = None
        if isinstance(target, PersonalTarget):
            created = ConversationRef(
                tenant_id=target.tenant_id,
                id=member,
                kind=ConversationKind.PERSONAL,
                conversation_id=f"a:{member}",
                service_url=target.service_url,
                bot_id=target.bot_id,
                member_id=member,
            )
        return SendResult(outcome, activity_id="1", status=201, conversation=created)

    def recipients(self) -> Counter[str]:
        return Counter(member for member, _ in self.sent)


def engine(store: OkrStore, sender: RecordingSender, instance: str = "a") -> DeliveryEngine:
    return DeliveryEngine(
        store,
        sender,
        composer=DeliveryCards(),
        instance=instance,
        wall_clock=lambda: datetime.now(UTC),
    )


async def seed(store: OkrStore, owners: int = 2) -> None:
    """Binh (Ho Chi Minh City, Vietnamese), Alice (Los Angeles) and ``owners - 2`` more in HCM.

    The bot has been running: last week's round (23 Nov), its reminders and its
    summary went out to everyone.
    """
    await store.save_tenant(Tenant(id=TENANT, name="Contoso"))
    await store.save_team(
        Team(
            tenant_id=TENANT,
            id=TEAM,
            name="Sales",
            owner_ids=("alice",),
            settings=TeamSettings(cadence=Cadence.WEEKLY, time_zone="Asia/Ho_Chi_Minh"),
        )
    )
    await store.save_conversation(
        ConversationRef(
            tenant_id=TENANT,
            id=TEAM,
            kind=ConversationKind.CHANNEL,
            conversation_id=TEAM,
            service_url="http://127.0.0.1:9/",
            bot_id="28:bot",
            team_id=TEAM,
        )
    )
    people = [("binh", "Asia/Ho_Chi_Minh", "vi-VN"), ("alice", "America/Los_Angeles", "en-US")]
    people += [(f"p{i}", "Asia/Ho_Chi_Minh", "en-US") for i in range(owners - 2)]
    await store.save_objective(
        Objective(
            tenant_id=TENANT,
            id="obj",
            title="Grow",
            owner_id="alice",
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=TEAM,
        )
    )
    for member_id, zone, locale in people:
        await store.save_member(
            Member(
                tenant_id=TENANT,
                id=member_id,
                name=member_id.title(),
                time_zone=zone,
                locale=locale,
                team_ids=(TEAM,),
            )
        )
        await store.save_key_result(
            KeyResult(
                tenant_id=TENANT,
                id=f"kr-{member_id}",
                objective_id="obj",
                title=f"KR of {member_id}",
                owner_id=member_id,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(10),
                current=Decimal(0),
            )
        )
        for kind in ("checkin", "reminder", "summary"):
            last_week = f"checkin|{TEAM}|2026-11-23"
            await store.save_delivery(
                Delivery(
                    tenant_id=TENANT,
                    id=f"{last_week}|{member_id}|{kind}",
                    round_id=last_week,
                    member_id=member_id,
                    kind=kind,
                    state=DeliveryState.SENT,
                )
            )


async def test_each_owner_gets_the_card_at_their_own_nine_oclock(store: OkrStore) -> None:
    await seed(store)
    sender = RecordingSender()
    counts = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert sender.recipients() == Counter({"binh": 1})  # Alice's Monday 09:00 is later
    assert counts.sent == 1 and counts.ok
    [(_, card)] = sender.sent
    assert "Đến giờ cập nhật OKR" in str(card)  # in Binh's language
    again = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(hours=1))
    assert again.sent == 0 and again.skipped == 2  # Binh's card and Alice's last one
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_LA_10)
    assert sender.recipients() == Counter({"binh": 1, "alice": 1})
    # A 1:1 chat was opened for each and remembered for next time.
    chat = await store.get_conversation(TENANT, "alice")
    assert chat is not None and chat.kind is ConversationKind.PERSONAL


async def test_unreachable_people_are_marked_and_never_retried(store: OkrStore) -> None:
    await seed(store)
    sender = RecordingSender({"binh": SendOutcome.UNREACHABLE})
    counts = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert counts.unreachable == 1 and counts.sent == 0
    member = await store.get_member(TENANT, "binh")
    assert member is not None and not member.reachable
    [delivery] = await store.list_deliveries(TENANT, "checkin|" + TEAM + "|2026-11-30")
    assert delivery.state is DeliveryState.UNREACHABLE
    sender.outcomes.clear()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(hours=2))
    assert sender.sent == []


async def test_failed_sends_are_retried_by_later_passes_up_to_a_limit(store: OkrStore) -> None:
    await seed(store)
    sender = RecordingSender({"binh": SendOutcome.FAILED})
    first = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert first.failed == 1 and not first.ok
    sender.outcomes.clear()
    second = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert second.sent == 1 and second.retried >= 1
    assert sender.recipients() == Counter({"binh": 1})

    sender.outcomes["alice"] = SendOutcome.FAILED
    for _ in range(7):
        await engine(store, sender).run(PassKind.CHECKINS, MONDAY_LA_10)
    [alice] = [
        d
        for d in await store.list_deliveries(TENANT, "checkin|" + TEAM + "|2026-11-30")
        if d.member_id == "alice"
    ]
    assert alice.state is DeliveryState.FAILED and alice.attempts == 5  # then given up


async def test_a_delivery_left_pending_by_a_crash_is_finished_once(store: OkrStore) -> None:
    await seed(store)
    round_id = "checkin|" + TEAM + "|2026-11-30"
    # The crashed instance wrote the record, then died before (or while) sending.
    await store.save_delivery(
        Delivery(
            tenant_id=TENANT,
            id=f"{round_id}|binh|checkin",
            round_id=round_id,
            member_id="binh",
            kind="checkin",
        )
    )
    sender = RecordingSender()
    counts = await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert counts.sent == 1 and counts.retried == 1
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert sender.recipients() == Counter({"binh": 1})


async def test_nothing_is_sent_for_drafts_paused_people_or_recent_checkins(
    store: OkrStore,
) -> None:
    await seed(store, owners=5)
    binh = await store.get_member(TENANT, "binh")
    assert binh is not None
    await store.save_member(dataclasses.replace(binh, prompts_paused=True))
    await store.record_checkin(
        CheckIn(
            tenant_id=TENANT,
            id="recent",
            key_result_id="kr-p2",
            objective_id="obj",
            author_id="p2",
            value=Decimal(3),
            status=CheckInStatus.ON_TRACK,
            recorded_at=MONDAY_HCM_10 - timedelta(days=1),
        )
    )
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert sender.recipients() == Counter({"p0": 1, "p1": 1})


@pytest.mark.parametrize("instances", [2, 3])
async def test_several_instances_on_one_database_send_each_card_once(
    backend_factory: BackendFactory, instances: int
) -> None:
    async with OkrStore(backend_factory()) as setup:
        await seed(setup, owners=30)
    sender = RecordingSender()
    sender.delay = 0.001
    stores = [OkrStore(backend_factory()) for _ in range(instances)]
    for s in stores:
        await s.__aenter__()
    try:
        runs = [
            engine(s, sender, instance=f"i{n}").run(PassKind.CHECKINS, MONDAY_HCM_10)
            for n, s in enumerate(stores)
            for _ in range(2)
        ]
        results = await asyncio.gather(*runs)
        # Whoever lost the lease comes back later, as the scheduler would.
        await engine(stores[0], sender, instance="late").run(PassKind.CHECKINS, MONDAY_HCM_10)
    finally:
        for s in stores:
            await s.__aexit__(None, None, None)
    received = sender.recipients()
    assert set(received) == {"binh"} | {f"p{i}" for i in range(28)}
    assert max(received.values()) == 1
    assert sum(r.sent for r in results) <= 29


async def test_reminders_go_once_to_those_who_got_a_card_and_did_not_check_in(
    store: OkrStore,
) -> None:
    await seed(store, owners=3)
    sender = RecordingSender()
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    assert sender.recipients() == Counter({"binh": 1, "p0": 1})
    await store.record_checkin(
        CheckIn(
            tenant_id=TENANT,
            id="answered",
            key_result_id="kr-p0",
            objective_id="obj",
            author_id="p0",
            value=Decimal(4),
            status=CheckInStatus.ON_TRACK,
            recorded_at=MONDAY_HCM_10 + timedelta(hours=1),
        )
    )
    sender.sent.clear()
    early = await engine(store, sender).run(PassKind.REMINDERS, MONDAY_HCM_10 + timedelta(hours=5))
    assert early.sent == 0
    later = MONDAY_HCM_10 + timedelta(hours=24)
    await engine(store, sender).run(PassKind.REMINDERS, later)
    await engine(store, sender).run(PassKind.REMINDERS, later + timedelta(hours=1))
    assert sender.recipients() == Counter({"binh": 1})
    assert "Nhắc nhở" in str(sender.sent[0][1])


async def test_team_owners_get_one_summary_of_who_is_missing(store: OkrStore) -> None:
    await seed(store, owners=3)
    sender = RecordingSender({"p0": SendOutcome.UNREACHABLE})
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
    await engine(store, sender).run(PassKind.CHECKINS, MONDAY_LA_10)
    sender.sent.clear()
    wednesday = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)  # after Alice's reminder + 24 h
    for _ in range(2):
        await engine(store, sender).run(PassKind.REMINDERS, wednesday)
    summaries = [card for member, card in sender.sent if "Missing check-ins" in str(card)]
    assert len(summaries) == 1 and sender.recipients()["alice"] >= 1
    text = str(summaries[0])
    assert "Binh" in text and "P0" in text and "cannot reach" in text


async def test_one_tenant_can_be_run_alone(store: OkrStore) -> None:
    await seed(store)
    sender = RecordingSender()
    counts = await engine(store, sender).run(
        PassKind.CHECKINS, MONDAY_HCM_10, tenant_id="0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"
    )
    assert counts.sent == 0 and sender.sent == []


async def test_a_slow_pass_keeps_its_lease_so_no_other_instance_resends(store: OkrStore) -> None:
    await seed(store, owners=3)
    slow = RecordingSender()
    slow.delay = 0.6  # each send outlives the whole lease; renewal must keep it
    fast = RecordingSender()

    def make(sender: RecordingSender, name: str) -> DeliveryEngine:
        return DeliveryEngine(
            store,
            sender,
            composer=DeliveryCards(),
            instance=name,
            wall_clock=lambda: datetime.now(UTC),
            lease_ttl=timedelta(seconds=0.3),
            concurrency=1,
        )

    first = asyncio.create_task(make(slow, "slow").run(PassKind.CHECKINS, MONDAY_HCM_10))
    await asyncio.sleep(0.45)  # past the lease's first life
    second = await make(fast, "fast").run(PassKind.CHECKINS, MONDAY_HCM_10)
    await first
    assert second.busy_teams == 1 and fast.sent == []
    assert slow.recipients() == Counter({"binh": 1, "p0": 1})


async def test_no_summary_for_a_round_that_never_went_out(store: OkrStore) -> None:
    await seed(store, owners=3)
    sender = RecordingSender()
    wednesday = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    counts = await engine(store, sender).run(PassKind.REMINDERS, wednesday)
    assert counts.sent == 0 and sender.sent == []


async def test_an_idle_pass_writes_nothing(backend_factory: BackendFactory) -> None:
    async with OkrStore(backend_factory()) as setup:
        await seed(setup, owners=3)
    counting = CountingBackend(backend_factory())
    async with OkrStore(counting) as store:
        sender = RecordingSender()
        await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10)
        assert sender.recipients() == Counter({"binh": 1, "p0": 1})
        counting.reset()
        # Everyone due already has their card: the next pass reads, and notes when
        # something new can be due (one next-due entry, no lease).
        await engine(store, sender).run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=1))
        assert counting.reset().by_method == Counter({"query": 8, "upsert": 1})
        # From then on, until that instant: the index and the team list, nothing else.
        counts = await engine(store, sender).run(
            PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(minutes=2)
        )
        assert counting.reset().by_kind == Counter(
            {("query", "tenant"): 1, ("query", "due_index"): 1, ("query", "team"): 1}
        )
        assert counts.idle_teams == 1 and counts.sent == 0
        objective = await store.get_objective(TENANT, "obj")
        assert objective is not None
        await store.save_objective(dataclasses.replace(objective, state=ObjectiveState.DRAFT))
        counting.reset()
        await engine(store, sender).run(PassKind.REMINDERS, MONDAY_HCM_10 + timedelta(days=1))
        idle = counting.reset()
        # A team without an active objective costs the index, the team list and its
        # objectives, and notes that nothing is due (one upsert, no lease).
        assert idle.by_method == Counter({"query": 4, "upsert": 1}) and idle.point_reads == 0
