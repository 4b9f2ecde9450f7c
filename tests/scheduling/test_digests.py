"""The digests pass: one post per team and slot in its digest channel, and the period report."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cards.deliveries import DeliveryCards
from okr.models import (
    Channel,
    ConversationKind,
    DeliveryState,
    DigestSnapshot,
    ObjectiveState,
    ObjectiveType,
    Team,
    Tenant,
)
from scheduling.digest_reads import read_team_digest
from scheduling.rounds import DeliveryEngine, PassKind
from scheduling.sender import SendOutcome
from storage.store import OkrStore
from tests.scheduling.digest_support import (
    FRIDAY,
    FRIDAY_SLOT,
    INSTALLED,
    NEXT_FRIDAY_SLOT,
    PostingSender,
    with_channel,
)
from tests.scheduling.test_rounds import TEAM, TENANT, seed

SLOT_ROUND = f"digest|{TEAM}|2026-12-04"
SLOT_DELIVERY = f"{SLOT_ROUND}|channel"


def digests(store: OkrStore, sender: PostingSender, instance: str = "a") -> DeliveryEngine:
    return DeliveryEngine(
        store,
        sender,
        composer=DeliveryCards(),
        instance=instance,
        wall_clock=lambda: datetime.now(UTC),
    )


async def seed_team(store: OkrStore) -> None:
    """:func:`seed`'s team, installed on Monday 30 Nov 2026: its first slot is Friday's."""
    await seed(store)
    team = await _team(store)
    await store.save_team(dataclasses.replace(team, created_at=INSTALLED))


async def change_team(store: OkrStore, **settings: Any) -> None:
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    changed = dataclasses.replace(team.settings, **settings)
    await store.save_team(dataclasses.replace(team, settings=changed))


async def test_the_digest_is_posted_once_in_general_at_the_teams_slot(store: OkrStore) -> None:
    await seed_team(store)
    sender = PostingSender()
    early = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT - timedelta(minutes=1))
    assert early.sent == 0 and sender.posts == []

    counts = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    late = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT + timedelta(days=2))

    assert (counts.sent, counts.failed, counts.skipped) == (1, 0, 0) and counts.ok
    [post] = sender.posts
    # A new post in General: its conversation is the channel itself, not a thread of it.
    assert post.conversation_id == TEAM and post.kind is ConversationKind.CHANNEL
    assert post.fallback_text == "Sales: this week's progress"
    assert "Week 10 of 14 · Q4 2026" in post.text
    assert (late.sent, late.skipped) == (0, 1)
    [record] = await store.list_deliveries(TENANT, SLOT_ROUND)
    assert record.id == SLOT_DELIVERY and record.member_id == TEAM
    assert (record.state, record.kind, record.activity_id) == (
        DeliveryState.SENT,
        "digest",
        "post-1",
    )


async def test_the_snapshot_is_stored_once_per_slot_and_next_week_compares_with_it(
    store: OkrStore,
) -> None:
    await seed_team(store)
    sender = PostingSender()
    await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    first = await store.get_snapshot(TENANT, DigestSnapshot.id_for(TEAM, FRIDAY))
    assert first is not None and first.overall == Decimal(0)
    # During the week Binh moves his key result from 0 to 5 of 10.
    kr = await store.get_key_result(TENANT, "kr-binh")
    assert kr is not None
    await store.save_key_result(dataclasses.replace(kr, current=Decimal(5)))

    await digests(store, sender).run(PassKind.DIGESTS, NEXT_FRIDAY_SLOT)

    assert len(sender.posts) == 2
    # The first digest has nothing to compare with.
    assert "First digest: changes show from the next one." in sender.posts[0].text
    # Two owners with one key result each: the team moved from 0 % to 25 %, +25 points.
    assert "+25 points since the last digest" in sender.posts[1].text
    assert "First digest" not in sender.posts[1].text
    second = await store.get_snapshot(TENANT, DigestSnapshot.id_for(TEAM, FRIDAY + timedelta(7)))
    assert second is not None and second.overall == Decimal("0.25")
    assert [p.day for p in second.trend] == [FRIDAY, FRIDAY + timedelta(7)]
    again = await store.get_snapshot(TENANT, DigestSnapshot.id_for(TEAM, FRIDAY))
    assert again == first  # the first week's was not rewritten


async def test_a_snapshot_left_by_a_crashed_attempt_does_not_stop_the_post(
    store: OkrStore,
) -> None:
    await seed_team(store)
    digest, _ = await read_team_digest(
        store, await _team(store), now=FRIDAY_SLOT - timedelta(minutes=5), slot=FRIDAY
    )
    stored = await store.save_snapshot(digest.snapshot)
    sender = PostingSender()
    counts = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    assert counts.sent == 1 and counts.ok and len(sender.posts) == 1
    kept = await store.get_snapshot(TENANT, stored.id)
    assert kept is not None and kept.etag == stored.etag  # created once, never overwritten


async def test_the_post_goes_to_the_chosen_channel_as_a_new_conversation(store: OkrStore) -> None:
    await seed_team(store)
    general = await store.get_conversation(TENANT, TEAM)
    assert general is not None
    wins = "19:wins@thread.tacv2"
    await change_team(store, digest_channel_id=wins)
    team = await _team(store)
    await store.save_team(
        dataclasses.replace(team, channels=(Channel(TEAM, "General"), Channel(wins, "Wins")))
    )
    sender = PostingSender()
    # The bot never spoke in Wins: General's service URL and bot serve, to Wins' id.
    await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    # Someone then talked to the bot in a thread of Wins: the stored reference is that thread's.
    await store.save_conversation(
        with_channel(general, id=wins, conversation_id=f"{wins};messageid=1700000000000")
    )
    await digests(store, sender).run(PassKind.DIGESTS, NEXT_FRIDAY_SLOT)

    assert [p.conversation_id for p in sender.posts] == [wins, wins]
    assert {p.service_url for p in sender.posts} == {general.service_url}
    [record] = await store.list_deliveries(TENANT, SLOT_ROUND)
    assert record.member_id == wins


async def test_a_team_with_no_stored_channel_fails_with_a_reason_and_a_log_line(
    store: OkrStore, caplog: pytest.LogCaptureFixture
) -> None:
    await seed_team(store)
    general = await store.get_conversation(TENANT, TEAM)
    assert general is not None
    await store.save_conversation(dataclasses.replace(general, active=False))
    sender = PostingSender()
    with caplog.at_level(logging.WARNING, logger="okr.scheduling"):
        counts = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    assert counts.failed == 1 and not counts.ok and sender.posts == []
    [record] = await store.list_deliveries(TENANT, SLOT_ROUND)
    assert record.state is DeliveryState.FAILED and record.attempts == 1
    assert record.last_error.startswith("no channel conversation stored for the team")
    assert any(SLOT_DELIVERY in r.getMessage() for r in caplog.records)


async def test_turned_off_or_without_active_objectives_a_team_gets_no_digest(
    store: OkrStore,
) -> None:
    await seed_team(store)
    await change_team(store, digest_enabled=False)
    sender = PostingSender()
    off = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    await change_team(store, digest_enabled=True)
    objective = await store.get_objective(TENANT, "obj")
    assert objective is not None
    await store.save_objective(dataclasses.replace(objective, state=ObjectiveState.DRAFT))
    idle = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)

    assert sender.posts == [] and off.ok and idle.ok
    assert (off.sent, off.skipped, idle.sent, idle.skipped) == (0, 0, 0, 0)
    assert await store.list_deliveries(TENANT, SLOT_ROUND) == []
    assert await store.get_snapshot(TENANT, DigestSnapshot.id_for(TEAM, FRIDAY)) is None


async def test_moving_the_digest_day_never_posts_a_slot_from_before_the_move(
    store: OkrStore,
) -> None:
    await seed_team(store)
    # On Saturday an owner moves the digest from Friday to Monday 09:00: Friday's is not sent.
    saturday = FRIDAY_SLOT + timedelta(days=1)
    await change_team(store, digest_weekday=0, digest_time=time(9), digest_changed_at=saturday)
    sender = PostingSender()
    await digests(store, sender).run(PassKind.DIGESTS, saturday + timedelta(hours=1))
    monday = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City
    await digests(store, sender).run(PassKind.DIGESTS, monday)
    assert len(sender.posts) == 1
    [record] = await store.list_deliveries(TENANT, f"digest|{TEAM}|2026-12-07")
    assert record.state is DeliveryState.SENT
    assert await store.list_deliveries(TENANT, SLOT_ROUND) == []


async def test_two_engines_racing_post_each_slot_once(store: OkrStore) -> None:
    await seed_team(store)
    sender = PostingSender()
    results = await asyncio.gather(
        *(digests(store, sender, name).run(PassKind.DIGESTS, FRIDAY_SLOT) for name in "abab")
    )
    assert len(sender.posts) == 1
    assert sum(r.sent for r in results) == 1 and all(r.ok for r in results)
    assert len(await store.list_deliveries(TENANT, SLOT_ROUND)) == 1


async def test_the_team_language_else_the_tenants_default(store: OkrStore) -> None:
    await seed_team(store)
    await store.save_tenant(dataclasses.replace(await _tenant(store), default_locale="vi-VN"))
    sender = PostingSender()
    await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    await change_team(store, language="en")
    await digests(store, sender).run(PassKind.DIGESTS, NEXT_FRIDAY_SLOT)
    assert [p.fallback_text for p in sender.posts] == [
        "Sales: tiến độ tuần này",
        "Sales: this week's progress",
    ]


async def test_a_refused_channel_post_is_not_retried_and_marks_nobody(store: OkrStore) -> None:
    await seed_team(store)
    sender = PostingSender(SendOutcome.UNREACHABLE)
    first = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT)
    sender.outcome = SendOutcome.SENT
    again = await digests(store, sender).run(PassKind.DIGESTS, FRIDAY_SLOT + timedelta(hours=1))
    assert first.unreachable == 1 and again.skipped == 1 and sender.posts == []
    assert all(m.reachable for m in await store.list_members(TENANT))


async def _team(store: OkrStore) -> Team:
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    return team


async def _tenant(store: OkrStore) -> Tenant:
    tenant = await store.get_tenant(TENANT)
    assert tenant is not None
    return tenant


# -- the period report ------------------------------------------------------------------

REPORT_ROUND = f"report|{TEAM}|2026-Q4"
AFTER_Q4 = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)  # Tuesday, 10:00 in Ho Chi Minh City


async def close_q4(store: OkrStore, *, also_open: bool = False) -> None:
    """Close the seed's Q4 objective (committed, 0.8) and add an aspirational one (0.6)."""
    objective = await store.get_objective(TENANT, "obj")
    assert objective is not None
    closed_at = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    stretch = await store.get_objective(TENANT, "stretch")
    await store.save_objective(
        dataclasses.replace(
            objective,
            state=ObjectiveState.CLOSED,
            score=Decimal("0.8"),
            closing_note="Pricing took a month longer than planned.",
            closed_at=closed_at,
            closed_by="alice",
        )
    )
    await store.save_objective(
        dataclasses.replace(
            objective,
            id="stretch",
            title="Open two markets",
            type=ObjectiveType.ASPIRATIONAL,
            state=ObjectiveState.ACTIVE if also_open else ObjectiveState.CLOSED,
            score=None if also_open else Decimal("0.6"),
            closing_note="",
            closed_at=None if also_open else closed_at - timedelta(days=1),
            closed_by=None if also_open else "alice",
            etag=stretch.etag if stretch is not None else None,
        )
    )


async def test_a_closed_period_gets_one_report_with_its_scores_averages_and_notes(
    store: OkrStore,
) -> None:
    await seed_team(store)
    await close_q4(store)
    sender = PostingSender()
    results = await asyncio.gather(
        *(digests(store, sender, name).run(PassKind.DIGESTS, AFTER_Q4) for name in "abab")
    )
    later = await digests(store, sender).run(PassKind.DIGESTS, AFTER_Q4 + timedelta(days=3))

    [post] = sender.posts
    assert post.conversation_id == TEAM  # General, a new post
    assert sum(r.sent for r in results) == 1 and later.skipped == 1 and later.sent == 0
    assert post.fallback_text == "Q4 2026 is closed: Sales"
    [chart] = [e for e in post.card["body"] if e["type"] == "Chart.HorizontalBar"]
    assert [(d["x"], d["y"]) for d in chart["data"]] == [("Grow", 0.8), ("Open two markets", 0.6)]
    fallback = [item["text"] for item in chart["fallback"]["items"]]
    assert fallback == ["Grow — 0.8", "Open two markets — 0.6"]
    assert [f["value"] for f in post.card["body"][2]["facts"]] == [
        "0.8 (1 scored objective)",
        "0.6 (1 scored objective)",
    ]
    assert "Pricing took a month longer than planned." in post.text
    assert "Nothing written under what we learned." in post.text
    [record] = await store.list_deliveries(TENANT, REPORT_ROUND)
    assert (record.id, record.state, record.kind) == (
        f"{REPORT_ROUND}|channel",
        DeliveryState.SENT,
        "report",
    )


async def test_no_report_while_an_objective_of_the_period_is_open_or_it_has_not_ended(
    store: OkrStore,
) -> None:
    await seed_team(store)
    await close_q4(store, also_open=True)
    sender = PostingSender()
    open_one = await digests(store, sender).run(PassKind.DIGESTS, AFTER_Q4)
    await close_q4(store)
    # Closed early: 31 December, 23:00 in Ho Chi Minh City, is still Q4 there.
    early = await digests(store, sender).run(
        PassKind.DIGESTS, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    )
    assert (open_one.sent, early.sent) == (0, 0) and sender.posts == []
    assert await store.list_deliveries(TENANT, REPORT_ROUND) == []


async def test_the_report_is_in_the_teams_language(store: OkrStore) -> None:
    await seed_team(store)
    await close_q4(store)
    await change_team(store, language="vi")
    sender = PostingSender()
    await digests(store, sender).run(PassKind.DIGESTS, AFTER_Q4)
    [post] = sender.posts
    assert post.fallback_text == "Quý 4/2026 đã kết thúc: Sales"
    assert "Grow — 0,8" in post.text
