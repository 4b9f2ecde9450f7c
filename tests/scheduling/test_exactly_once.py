"""Exactly-once, end to end: the app's engine and Teams sender against the local connector.

Everything goes over real HTTP to 127.0.0.1, and what counts is what arrived
at the connector: each due owner must get one check-in card, whatever happens
on the way (throttling, 429s and 5xx, two schedulers at once, a process
killed mid-round and run again). The engine's own logic is tested with a fake
sender in ``test_rounds.py``; these tests add the sender, the CLI and the
processes around it.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.delivery import delivery_engine
from bot.hosting import LoopbackServiceUrls
from bot.proactive import TeamsSender
from cards.deliveries import DeliveryCards
from cards.i18n import Language, text
from okr.models import ConversationKind, DeliveryState
from scheduling.rounds import DeliveryEngine, PassCounts, PassKind
from scheduling.throttle import TeamsRateLimiter
from settings import Settings
from storage.factory import store_from_settings
from storage.store import OkrStore
from tests.connector import Call, Connector, VirtualClock
from tests.scheduling.connector_round import (
    MONDAY_HCM_10,
    TEAM,
    TENANT,
    Gate,
    cards_per_owner,
    finish_cli,
    owner_of,
    run_cli,
    seed_round,
    start_cli,
)
from tests.storage.conftest import BackendFactory

MakeSettings = Callable[..., Settings]
ROUND = f"checkin|{TEAM}|2026-11-30"
# --now for the CLI: the same Monday 10:00 in Ho Chi Minh City.
NOW_ARG = "2026-11-30T10:00:00+07:00"
assert datetime.fromisoformat(NOW_ARG) == MONDAY_HCM_10


def once_each(owners: list[str]) -> Counter[str]:
    return Counter(dict.fromkeys(owners, 1))


async def test_each_due_owner_gets_one_card_in_their_own_chat_in_their_language(
    make_settings: MakeSettings, connector: Connector
) -> None:
    settings = make_settings()
    async with store_from_settings(settings) as store:
        due = await seed_round(store, connector, owners=4, with_chat={"p0"})
        async with delivery_engine(settings, store) as engine:
            first = await engine.run(PassKind.CHECKINS, MONDAY_HCM_10)
            calls_after_first = len(connector.calls)
            again = await engine.run(PassKind.CHECKINS, MONDAY_HCM_10 + timedelta(hours=1))
        chats = {m: await store.get_conversation(TENANT, m) for m in due}

    assert due == ["binh", "p0", "p1"]  # Alice's Monday 09:00 is later
    assert cards_per_owner(connector) == once_each(due)
    assert (first.sent, first.failed, first.unreachable) == (3, 0, 0)
    # A 1:1 chat was created once for each owner without one, and stored.
    created = connector.calls_to("create_conversation")
    assert sorted(c.body["members"][0]["id"] for c in created) == ["binh", "p1"]
    assert all(c.body["tenantId"] == TENANT for c in created)
    for member, call in zip(["binh", "p0", "p1"], _by_owner(connector), strict=True):
        chat = chats[member]
        assert chat is not None and chat.kind is ConversationKind.PERSONAL
        assert call.conversation_id == chat.conversation_id  # the card went into their chat
    assert chats["p0"] is not None and chats["p0"].conversation_id == "a:chat-p0"
    # In each owner's language.
    cards = {owner_of(connector, c): str(c.body["attachments"]) for c in connector.delivered()}
    assert text(Language.VI, "checkin.title") in cards["binh"]
    assert text(Language.EN, "checkin.title") in cards["p1"]
    assert text(Language.EN, "checkin.title") not in cards["binh"]
    # A second pass sends nothing.
    assert again.sent == 0 and again.skipped == 4  # three cards, and Alice's last one
    assert len(connector.calls) == calls_after_first


async def test_creating_a_chat_is_not_counted_as_a_retry(
    make_settings: MakeSettings, connector: Connector
) -> None:
    settings = make_settings()
    async with store_from_settings(settings) as store:
        await seed_round(store, connector, owners=3, with_chat={"p0"})
        async with delivery_engine(settings, store) as engine:
            counts = await engine.run(PassKind.CHECKINS, MONDAY_HCM_10)

    assert len(connector.calls_to("create_conversation")) == 1 and counts.sent == 2
    assert len(connector.calls) == 3 == len(connector.answered)  # nothing was retried
    assert counts.retried == 0


def _by_owner(connector: Connector) -> list[Call]:
    """The delivered sends, sorted by owner."""
    return sorted(connector.delivered(), key=lambda c: owner_of(connector, c))


def _tally(connector: Connector, name: str, tally: Counter[str]) -> None:
    """Count, under ``name``, the calls the connector's newest policy refuses."""
    inner = connector.policies.pop()

    def counted(call: Call) -> web.StreamResponse | None:
        refused = inner(call)
        assert refused is None or isinstance(refused, web.StreamResponse)  # answers at once
        if refused is not None:
            tally[name] += 1
        return refused

    connector.policies.append(counted)


async def test_two_hundred_owners_at_teams_limits_with_injected_429s_and_503s(
    make_settings: MakeSettings, connector: Connector
) -> None:
    """One round to 200 owners through the app's sender, Teams' limits enforced by the connector.

    The connector counts every request against 50/s per tenant and 7/1 s,
    8/2 s, 60/30 s per conversation, and answers a seeded 1 % with 429
    (Retry-After: 1) and 0.5 % with 503.

    Virtual time, shared by the sender's rate limiter, its waits and the
    connector's throttle (time moves only once every request let through has
    arrived). In real time the same round takes four seconds, and on a
    starved CPU a request can spend longer between the limiter and the
    connector than the limiter's 50 ms margin: the connector then sees a
    violation the sender did not make, and the test would be flaky.
    """
    clock = VirtualClock(settled=lambda: len(connector.calls) >= limiter.granted)
    limiter = TeamsRateLimiter(clock=clock, sleep=clock.sleep)  # the app's margin
    throttle = connector.throttle(clock)
    injected: Counter[str] = Counter()
    connector.fail_at_random(0.01, 429, seed=7, retry_after="1")
    _tally(connector, "429", injected)
    connector.fail_at_random(0.005, 503, seed=11)
    _tally(connector, "503", injected)
    settings = make_settings()
    sender = TeamsSender(
        limiter=limiter, service_urls=LoopbackServiceUrls(), clock=clock, sleep=clock.sleep
    )
    async with store_from_settings(settings) as store, sender:
        people = ["binh"] + [f"p{i}" for i in range(199)]
        due = await seed_round(store, connector, owners=201, with_chat=people)
        engine = DeliveryEngine(
            store,
            sender,
            composer=DeliveryCards(),
            instance="a",
            wall_clock=lambda: datetime.now(UTC),
        )
        counts = await engine.run(PassKind.CHECKINS, MONDAY_HCM_10)
        records = await store.list_deliveries(TENANT, ROUND)

    assert len(due) == 200
    assert throttle.violations == []
    assert injected["429"] >= 1 and injected["503"] >= 1
    assert cards_per_owner(connector) == once_each(due)
    refused = len(connector.calls) - len(connector.answered)
    assert refused == injected.total()
    assert (counts.sent, counts.failed, counts.unreachable, counts.skipped) == (200, 0, 0, 1)
    assert counts.retried == refused  # every refusal was retried once more, nothing else
    assert Counter(r.state for r in records) == Counter({DeliveryState.SENT: 200})
    # How close to the limit a round runs is a benchmark figure (benchmarks/fanout.py,
    # docs/performance.md), not an assertion here.


async def test_two_schedulers_on_one_database_send_each_card_once(
    backend_factory: BackendFactory, make_settings: MakeSettings, connector: Connector
) -> None:
    """Two app instances (own store object, own sender) run the same pass at once.

    Runs on one SQLite file and on the Cosmos-compatible server. The team's
    lease keeps them apart: without it, one instance would take the other's
    PENDING records (cards in flight) for a crash's leftovers and send them
    again.
    """
    async with OkrStore(backend_factory()) as setup:
        due = await seed_round(
            setup, connector, owners=32, with_chat=[f"p{i}" for i in range(0, 30, 2)]
        )
    results: list[PassCounts] = []
    async with (
        OkrStore(backend_factory()) as store_a,
        OkrStore(backend_factory()) as store_b,
        delivery_engine(make_settings(INSTANCE_NAME="a"), store_a) as a,
        delivery_engine(make_settings(INSTANCE_NAME="b"), store_b) as b,
    ):
        results += await asyncio.gather(
            *(e.run(PassKind.CHECKINS, MONDAY_HCM_10) for e in (a, b, b, a))
        )
        # Whoever found the team busy comes back on its next tick, as the scheduler would.
        results.append(await b.run(PassKind.CHECKINS, MONDAY_HCM_10))

    assert cards_per_owner(connector) == once_each(due)
    assert len(connector.calls_to("create_conversation")) == len(due) - 15
    assert sum(r.sent for r in results) == len(due)
    assert all(r.failed == 0 and r.ok for r in results)


async def test_a_process_killed_mid_round_is_finished_by_the_next_run_without_resending(
    make_settings: MakeSettings, connector: Connector
) -> None:
    """SIGKILL during ``python app.py run checkins``, then run again: one card per owner.

    The connector answers the first 12 sends and then holds every further
    request unanswered. That makes the kill deterministic: the process cannot
    get further than 12 delivered cards, every held card is certainly *not*
    delivered (its request was never answered, and is answered with an error
    only after the process is dead), and the test kills only once the 12 SENT
    records are in the database. So at the moment of the kill there are
    exactly 12 sent cards, and PENDING records for the held requests: the
    state a crash with requests in flight leaves. The next run must resume
    those and send every card not yet sent, and nothing else.

    Not exercised: the one window where a crash still duplicates a card,
    when Teams has accepted a message but the process dies before writing
    SENT (one storage write long). A held request is by construction never
    accepted.
    """
    settings = make_settings()
    async with store_from_settings(settings) as store:
        # Stored chats for all: every request is a card, and nothing is retried over HTTP.
        due = await seed_round(
            store, connector, owners=42, with_chat=["binh"] + [f"p{i}" for i in range(40)]
        )
    gate = Gate(opened=12)
    connector.policies.append(gate)
    run = ("run", "checkins", "--now", NOW_ARG)

    first = await start_cli(settings.sqlite_path, *run)
    async with store_from_settings(settings) as watcher:
        deadline = asyncio.get_running_loop().time() + 20
        while not (
            gate.held
            and len(await watcher.list_deliveries(TENANT, ROUND, DeliveryState.SENT)) == 12
        ):
            assert first.returncode is None, "the first run ended by itself"
            assert asyncio.get_running_loop().time() < deadline, "the first run never got going"
            await asyncio.sleep(0.02)
        held = len(gate.held)
        os.kill(first.pid, signal.SIGKILL)
        killed = await finish_cli(first)
        gate.release()
        pending = await watcher.list_deliveries(TENANT, ROUND, DeliveryState.PENDING)
    assert killed.returncode == -signal.SIGKILL
    delivered_first = cards_per_owner(connector)
    assert sum(delivered_first.values()) == 12 and max(delivered_first.values()) == 1
    assert len(pending) >= held  # one request in flight per owner, each recorded first

    # The dead process's lease still holds the team: a run right now finds it busy...
    busy = await run_cli(settings.sqlite_path, *run)
    assert busy.returncode == 0 and busy.summary()["busy_teams"] == 1
    assert busy.summary()["sent"] == 0
    # ... until it lapses (3 minutes). Take it over as an instance that late would, then free it.
    async with store_from_settings(settings) as store:
        later = datetime.now(UTC) + timedelta(minutes=4)
        lease = await store.acquire_lease(
            TENANT, f"checkins|{TEAM}", "test", timedelta(seconds=1), later
        )
        assert lease is not None
        await store.release_lease(lease)

    delivered_before = len(connector.delivered())
    second = await run_cli(settings.sqlite_path, *run)

    assert second.returncode == 0, second.stderr[-2000:]
    summary = second.summary()
    assert summary["sent"] == len(due) - 12 and summary["failed"] == 0
    assert summary["retried"] == len(pending) >= held  # their PENDING records were resumed
    assert cards_per_owner(connector) == once_each(due)
    resent = cards_per_owner(connector, connector.delivered()[delivered_before:])
    assert not set(resent) & set(delivered_first)


async def test_the_run_command_reports_and_exits_as_documented(
    make_settings: MakeSettings, connector: Connector
) -> None:
    settings = make_settings()
    empty = await run_cli(settings.sqlite_path, "run", "reminders", "--now", NOW_ARG)
    assert empty.returncode == 0, empty.stderr
    assert empty.summary() == {
        "sent": 0,
        "skipped": 0,
        "failed": 0,
        "unreachable": 0,
        "retried": 0,
        "busy_teams": 0,
    }

    garbage = await run_cli(settings.sqlite_path, "run", "checkins", "--now", "garbage")
    assert garbage.returncode == 2 and garbage.stdout == ""
    assert "'garbage' is not an ISO-8601 time" in garbage.stderr

    async with store_from_settings(settings) as store:
        due = await seed_round(store, connector, owners=4, with_chat=["binh", "p0", "p1"])
    connector.fail_next(1000, 400, route="send_to_conversation")
    refused = await run_cli(settings.sqlite_path, "run", "checkins", "--now", NOW_ARG)
    assert refused.returncode == 1
    assert refused.summary()["failed"] == len(due) and refused.summary()["sent"] == 0
    assert connector.delivered() == [] and len(connector.calls) == len(due)  # 400: no retries
