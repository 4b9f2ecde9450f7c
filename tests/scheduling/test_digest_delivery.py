"""The digests pass end to end: the app's engine and Teams sender against the local connector.

What counts is what arrived at the connector: one new post per team and slot in
its digest channel, whatever happens on the way (two instances at once, a
process killed mid-pass and run again). The engine's own logic is tested with
a fake sender in ``test_digests.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.delivery import delivery_engine
from okr.models import DeliveryState, DigestSnapshot
from scheduling.rounds import PassCounts, PassKind
from settings import Settings
from storage.factory import store_from_settings
from storage.store import OkrStore
from tests.connector import Call, Connector
from tests.scheduling.connector_round import Gate, finish_cli, run_cli, start_cli
from tests.scheduling.digest_support import FRIDAY, FRIDAY_SLOT, seed_digest_teams
from tests.scheduling.test_rounds import TENANT
from tests.storage.conftest import BackendFactory

MakeSettings = Callable[..., Settings]
# --now for the CLI: Friday 4 Dec 2026, 16:00 in Ho Chi Minh City.
NOW_ARG = "2026-12-04T16:00:00+07:00"
assert datetime.fromisoformat(NOW_ARG) == FRIDAY_SLOT


def posts_per_channel(connector: Connector) -> Counter[str]:
    """How many messages went through into each conversation."""
    return Counter(call.conversation_id or "" for call in connector.delivered())


def once_each(teams: list[str]) -> Counter[str]:
    return Counter(dict.fromkeys(teams, 1))


def is_new_post(call: Call) -> bool:
    """A message that starts a conversation in a channel: no thread in its address or body."""
    body = call.body if isinstance(call.body, dict) else {}
    conversation = str((body.get("conversation") or {}).get("id") or "")
    return (
        ";messageid=" not in (call.conversation_id or "")
        and ";messageid=" not in conversation
        and not body.get("replyToId")
    )


async def sent_records(store: OkrStore, teams: list[str]) -> int:
    """Digest records of Friday's slot that are SENT, across ``teams``."""
    sent = 0
    for team in teams:
        records = await store.list_deliveries(TENANT, f"digest|{team}|{FRIDAY.isoformat()}")
        sent += sum(r.state is DeliveryState.SENT for r in records)
    return sent


async def test_each_team_gets_one_new_post_in_its_chosen_channel(
    make_settings: MakeSettings, connector: Connector
) -> None:
    settings = make_settings()
    wins = "19:wins@thread.tacv2"
    async with store_from_settings(settings) as store:
        teams = await seed_digest_teams(store, connector.url, teams=3)
        # Team 1 chose a channel the bot never spoke in; it is reached through General's service.
        team = await store.get_team(TENANT, teams[1])
        assert team is not None
        chosen = dataclasses.replace(team.settings, digest_channel_id=wins)
        await store.save_team(dataclasses.replace(team, settings=chosen))
        async with delivery_engine(settings, store) as engine:
            first = await engine.run(PassKind.DIGESTS, FRIDAY_SLOT)
            again = await engine.run(PassKind.DIGESTS, FRIDAY_SLOT + timedelta(hours=5))
        snapshots = [
            await store.get_snapshot(TENANT, DigestSnapshot.id_for(t, FRIDAY)) for t in teams
        ]

    assert posts_per_channel(connector) == once_each([teams[0], wins, teams[2]])
    assert all(is_new_post(call) for call in connector.delivered())
    assert (first.sent, first.failed, again.sent, again.skipped) == (3, 0, 0, 3)
    assert all(s is not None and s.slot == FRIDAY for s in snapshots)
    cards = connector.cards(teams[2])
    assert len(cards) == 1 and "Team 2" in str(cards[0])


async def test_two_instances_on_one_database_post_each_digest_once(
    backend_factory: BackendFactory, make_settings: MakeSettings, connector: Connector
) -> None:
    """Two app instances (own store object, own sender) run the digests pass at once.

    On one SQLite file and on the Cosmos-compatible server.
    """
    async with OkrStore(backend_factory()) as setup:
        teams = await seed_digest_teams(setup, connector.url, teams=6)
    results: list[PassCounts] = []
    async with (
        OkrStore(backend_factory()) as store_a,
        OkrStore(backend_factory()) as store_b,
        delivery_engine(make_settings(INSTANCE_NAME="a"), store_a) as a,
        delivery_engine(make_settings(INSTANCE_NAME="b"), store_b) as b,
    ):
        results += await asyncio.gather(
            *(e.run(PassKind.DIGESTS, FRIDAY_SLOT) for e in (a, b, b, a))
        )
        # Whoever found a team busy comes back on its next tick, as the scheduler would.
        results.append(await b.run(PassKind.DIGESTS, FRIDAY_SLOT + timedelta(minutes=1)))
        snapshots = [await store_a.get_snapshot(TENANT, f"{t}|{FRIDAY}") for t in teams]

    assert posts_per_channel(connector) == once_each(teams)
    assert sum(r.sent for r in results) == len(teams)
    assert all(r.failed == 0 and r.ok for r in results)
    assert all(s is not None for s in snapshots)


async def test_a_digests_pass_killed_midway_is_finished_by_the_next_run_without_reposting(
    make_settings: MakeSettings, connector: Connector
) -> None:
    """SIGKILL during ``python app.py run digests``, then run again: one post per team.

    The connector lets 5 posts through and then holds every request unanswered,
    so at the kill 5 teams have their digest, the sixth's record is PENDING (its
    snapshot already stored) and the others have none. The next run posts the
    seven missing, stores no snapshot twice, and posts nothing twice.
    """
    settings = make_settings()
    async with store_from_settings(settings) as store:
        teams = await seed_digest_teams(store, connector.url, teams=12)
    gate = Gate(opened=5)
    connector.policies.append(gate)
    run = ("run", "digests", "--now", NOW_ARG)

    first = await start_cli(settings.sqlite_path, *run)
    async with store_from_settings(settings) as watcher:
        deadline = asyncio.get_running_loop().time() + 20
        while not (gate.held and await sent_records(watcher, teams) == 5):
            assert first.returncode is None, "the first run ended by itself"
            assert asyncio.get_running_loop().time() < deadline, "the first run never got going"
            await asyncio.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        killed = await finish_cli(first)
        gate.release()
        held_team = gate.held[0].conversation_id
        assert held_team is not None
        [pending] = await watcher.list_deliveries(
            TENANT, f"digest|{held_team}|{FRIDAY}", DeliveryState.PENDING
        )
        held_snapshot = await watcher.get_snapshot(TENANT, f"{held_team}|{FRIDAY}")
        assert held_snapshot is not None  # stored before the post
        # The dead process's lease on that team lapses in 3 minutes: take it over as
        # an instance that late would, then free it.
        later = datetime.now(UTC) + timedelta(minutes=4)
        lease = await watcher.acquire_lease(
            TENANT, f"digests|{held_team}", "test", timedelta(seconds=1), later
        )
        assert lease is not None
        await watcher.release_lease(lease)
    assert killed.returncode == -signal.SIGKILL
    delivered_first = posts_per_channel(connector)
    assert sum(delivered_first.values()) == 5 and max(delivered_first.values()) == 1

    delivered_before = len(connector.delivered())
    second = await run_cli(settings.sqlite_path, *run)

    assert second.returncode == 0, second.stderr[-2000:]
    summary = second.summary()
    assert summary["sent"] == len(teams) - 5 and summary["failed"] == 0
    assert summary["retried"] == 1 and summary["skipped"] == 5  # the PENDING one resumed
    assert posts_per_channel(connector) == once_each(teams)
    reposted = Counter(c.conversation_id for c in connector.delivered()[delivered_before:])
    assert not set(reposted) & set(delivered_first)
    async with store_from_settings(settings) as store:
        kept = await store.get_snapshot(TENANT, f"{held_team}|{FRIDAY}")
        assert kept is not None and kept.etag == held_snapshot.etag  # not stored twice
        assert pending.id == f"digest|{held_team}|{FRIDAY}|channel"
