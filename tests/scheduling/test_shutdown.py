"""SIGTERM during a round: the cards in flight are finished, the leases released at once.

Container Apps stops a replica with SIGTERM (scale-in, a new revision, a
restart) and kills it 30 s later. A pass that died holding its team's lease
would make every other instance skip that team until the lease lapses (three
minutes); one that stops cleanly lets the next instance carry on at once.

The processes are real (``python app.py`` serving with its scheduler, and
``python app.py run checkins``), the cards go over HTTP to the local
connector, and what is asserted is what the connector received and what
storage holds: the delivery records and whether another instance can take
the lease right now. Nothing is asserted about how long anything took.

Determinism comes from the connector, as in ``test_exactly_once``: it lets
12 cards through and then holds every request unanswered, so at the moment of
SIGTERM the pass has cards in flight. The test answers them only once the
process has logged that it is stopping; the sender retries the 503 they get
and they go through. So the stopping process has to finish them, record them
and only then give its lease back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import signal
import socket
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from okr.models import DeliveryState
from okr.periods import Period
from scheduling.rounds import PassKind
from scheduling.scheduler import PassScheduler
from scheduling.sender import SendResult
from settings import Settings
from storage.factory import store_from_settings
from storage.store import OkrStore
from tests.connector import Connector
from tests.scheduling.connector_round import (
    MONDAY_HCM_10,
    TEAM,
    TENANT,
    Gate,
    cards_per_owner,
    finish_cli,
    run_cli,
    seed_round,
    start_cli,
)
from tests.scheduling.test_rounds import RecordingSender, engine, seed

MakeSettings = Callable[..., Settings]
NOW_ARG = "2026-11-30T10:00:00+07:00"
assert datetime.fromisoformat(NOW_ARG) == MONDAY_HCM_10
ROUND = f"checkin|{TEAM}|2026-11-30"
LEASE = f"{PassKind.CHECKINS.value}|{TEAM}"
STOPPING = "stopping: passes finish the cards in flight"
OWNERS = 42  # 41 due: Binh and p0..p39 (Alice's Monday 09:00 in Los Angeles is later)
PASSED = 12  # cards the connector lets through before it holds every request
CONCURRENCY = 16  # the engine's deliveries in flight per team: the most a stop can finish
LEFT = re.compile(r"(\d+) due card\(s\) not started")


def once_each(owners: list[str]) -> Counter[str]:
    return Counter(dict.fromkeys(owners, 1))


async def lease_is_free(store: OkrStore, name: str = LEASE) -> bool:
    """Whether another instance could take the lease right now (taken and given back)."""
    lease = await store.acquire_lease(
        TENANT, name, "another-instance", timedelta(seconds=5), datetime.now(UTC)
    )
    if lease is None:
        return False
    await store.release_lease(lease)
    return True


async def wait_until_cards_are_held(
    process: asyncio.subprocess.Process, gate: Gate, watcher: OkrStore, round_id: str
) -> None:
    """Until PASSED cards are recorded SENT and further requests wait at the connector."""
    deadline = asyncio.get_running_loop().time() + 30
    while not (
        gate.held
        and len(await watcher.list_deliveries(TENANT, round_id, DeliveryState.SENT)) == PASSED
    ):
        assert process.returncode is None, "the process ended by itself"
        assert asyncio.get_running_loop().time() < deadline, "the round never got going"
        await asyncio.sleep(0.02)


async def stderr_until(process: asyncio.subprocess.Process, marker: str) -> str:
    """Read the process's log (stderr) until a line holds ``marker``."""
    assert process.stderr is not None
    seen: list[str] = []
    async with asyncio.timeout(30):
        while True:
            raw = await process.stderr.readline()
            if not raw:
                raise AssertionError(f"no {marker!r} in the log: {''.join(seen)[-2000:]}")
            seen.append(raw.decode())
            if marker in seen[-1]:
                return "".join(seen)


async def test_sigterm_during_run_checkins_finishes_the_cards_in_flight_and_frees_the_team(
    make_settings: MakeSettings, connector: Connector
) -> None:
    settings = make_settings()
    async with store_from_settings(settings) as store:
        due = await seed_round(
            store, connector, owners=OWNERS, with_chat=["binh"] + [f"p{i}" for i in range(40)]
        )
    gate = Gate(opened=PASSED)
    connector.policies.append(gate)
    run = ("run", "checkins", "--now", NOW_ARG)

    first = await start_cli(settings.sqlite_path, *run)
    async with store_from_settings(settings) as watcher:
        await wait_until_cards_are_held(first, gate, watcher, ROUND)
        held = len(gate.held)
        first.send_signal(signal.SIGTERM)
        await stderr_until(first, STOPPING)
        gate.release()  # the held requests get 503; the retries go through
        stopped = await finish_cli(first)
        # The moment the process is gone: nothing half-done, and the team is free.
        pending = await watcher.list_deliveries(TENANT, ROUND, DeliveryState.PENDING)
        free = await lease_is_free(watcher)

    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr[-2000:]
    assert pending == [] and free
    sent_first = stopped.summary()["sent"]
    first_cards = cards_per_owner(connector)
    assert max(first_cards.values()) == 1 and sum(first_cards.values()) == sent_first
    # The cards in flight were finished, nothing beyond them was started, the rest is left.
    assert PASSED + held <= sent_first <= PASSED + CONCURRENCY
    left = LEFT.search(stopped.stderr)
    assert left, stopped.stderr[-2000:]
    assert sent_first + int(left[1]) == len(due)

    # The next instance, straight away: not busy, resumes nothing, sends only the rest.
    second = await run_cli(settings.sqlite_path, *run)

    assert second.returncode == 0, second.stderr[-2000:]
    assert second.summary()["busy_teams"] == 0
    assert second.summary()["retried"] == 0  # no PENDING record was left to resume
    assert second.summary()["sent"] == len(due) - sent_first
    assert cards_per_owner(connector) == once_each(due)


async def test_sigterm_to_the_serving_app_mid_round_lets_the_next_instance_continue_at_once(
    make_settings: MakeSettings, connector: Connector
) -> None:
    """``python app.py`` with its scheduler, stopped as Container Apps stops a replica.

    The round is made due at the real present (the scheduler runs on the wall
    clock): everyone's check-in day is today, at midnight in Ho Chi Minh City.
    """
    settings = make_settings()
    async with store_from_settings(settings) as store:
        due = await seed_round(
            store, connector, owners=OWNERS, with_chat=["binh"] + [f"p{i}" for i in range(40)]
        )
        round_id = await make_due_now(store)
        due = [*due, "alice"]  # Alice moves to Ho Chi Minh City too
    gate = Gate(opened=PASSED)
    connector.policies.append(gate)

    server = await start_server(settings.sqlite_path)
    async with store_from_settings(settings) as watcher:
        await wait_until_cards_are_held(server, gate, watcher, round_id)
        held = len(gate.held)
        server.send_signal(signal.SIGTERM)
        await stderr_until(server, STOPPING)
        gate.release()
        stopped = await finish_cli(server)
        pending = await watcher.list_deliveries(TENANT, round_id, DeliveryState.PENDING)
        free = await lease_is_free(watcher)

    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert "cancelling" not in stopped.stderr  # it ended by itself, within its grace
    assert pending == [] and free
    first_cards = cards_per_owner(connector)
    assert max(first_cards.values()) == 1
    assert PASSED + held <= sum(first_cards.values()) <= PASSED + CONCURRENCY

    second = await run_cli(settings.sqlite_path, "run", "checkins")  # now, as its scheduler would

    assert second.returncode == 0, second.stderr[-2000:]
    assert second.summary()["busy_teams"] == 0 and second.summary()["retried"] == 0
    assert second.summary()["sent"] == len(due) - sum(first_cards.values())
    assert cards_per_owner(connector) == once_each(due)


async def test_a_pass_that_outlives_its_grace_is_cancelled_and_still_gives_its_lease_back(
    store: OkrStore,
) -> None:
    """The backstop: a send that never returns (Teams holding the request) is cancelled.

    Its card stays PENDING, which the next pass resumes; the lease is released
    on the way out all the same.
    """
    await seed(store)  # Binh is due at MONDAY_HCM_10
    sender = HangingSender()
    scheduler = PassScheduler(
        engine(store, sender),
        interval=timedelta(minutes=1),
        clock=lambda: MONDAY_HCM_10,
    )
    running = asyncio.create_task(scheduler.run_pass(PassKind.CHECKINS))
    await sender.sending.wait()
    assert not await lease_is_free(store)

    await scheduler.stop(grace=0.1)

    assert running.done()
    assert await lease_is_free(store)
    [record] = await store.list_deliveries(TENANT, ROUND)
    assert record.state is DeliveryState.PENDING  # in flight when cancelled: resumed next time
    assert sender.sent == []


class HangingSender(RecordingSender):
    """A send that Teams never answers."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()

    async def send_card(self, *args: Any, **kwargs: Any) -> SendResult:
        self.sending.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def make_due_now(store: OkrStore) -> str:
    """Move the seeded round to today: every owner in Ho Chi Minh City, due at 00:00 today."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    today = datetime.now(zone).date()
    team = await store.get_team(TENANT, TEAM)
    assert team is not None
    # The scheduler runs the digests pass too; its channel post is not what these tests count.
    settings = dataclasses.replace(
        team.settings, weekday=today.weekday(), time_of_day=time(0, 0), digest_enabled=False
    )
    await store.save_team(dataclasses.replace(team, settings=settings))
    alice = await store.get_member(TENANT, "alice")
    assert alice is not None
    await store.save_member(dataclasses.replace(alice, time_zone="Asia/Ho_Chi_Minh"))
    objective = await store.get_objective(TENANT, "obj")
    assert objective is not None
    period = Period.custom(today - timedelta(days=30), today + timedelta(days=30))
    await store.save_objective(dataclasses.replace(objective, period=period))
    return f"checkin|{TEAM}|{today.isoformat()}"


async def start_server(sqlite_path: Path) -> asyncio.subprocess.Process:
    """``python app.py`` serving in local mode, its scheduler on, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = {
        "SCHEDULER": "on",
        "SCHEDULER_INTERVAL_SECONDS": "3600",  # one pass at start-up: the one stopped
        "PORT": str(port),
        "INSTANCE_NAME": "replica-1",
    }
    return await start_cli(sqlite_path, env=serve)
