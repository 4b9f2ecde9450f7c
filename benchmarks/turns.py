"""A person's request in process: time and store calls of a check-in submit and chat commands.

The app is built as ``app.build_app`` builds it (SQLite in a temporary folder,
local mode), served on 127.0.0.1, and sends its replies to the tests' local
connector (:class:`tests.connector.Connector`). One team of ``--owners``
owners, each with an objective of 3 key results, in a tenant of ``--members``
people (the rest are in the team too, which is what a picker or a name lookup
would have to wade through). Then, for every owner in turn: ``checkin`` (not
timed; it gives the card), the card submitted with three new values (timed),
and ``my okrs`` (timed). Each timed request is one POST answered in full: the
invoke response, or the ``my okrs`` card delivered to the connector.

The figures are milliseconds per request from the client's side, on one
connection, one request at a time, and the process's CPU milliseconds in
that time (the client's share included: it is the same for every version).
``--profile PATH`` writes cProfile statistics of the timed requests (the
client shows up too).

    .venv/bin/python -m benchmarks.turns --members 100
    .venv/bin/python -m benchmarks.turns --members 10000 --profile /tmp/turns.prof
    .venv/bin/python -m benchmarks.turns --commands "team okrs,new,settings,digest"
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

import app as app_module
from app import STORE_KEY, SUMMARIES_KEY, build_app
from cards import verbs
from cards.elements import CARD_SCHEMA
from okr.models import KeyResult, KeyResultKind, Member, Objective, ObjectiveState, Team, Tenant
from okr.periods import Period
from settings import Settings
from storage.counting import CountingBackend, OperationCounts
from storage.counting import counting as counting_backend
from storage.factory import backend_from_settings
from storage.store import OkrStore
from tests import factories as f
from tests.bot.test_checkin import submission
from tests.connector import Connector

TENANT = f.TENANT_ID
TEAM = f.SALES
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@dataclass
class Measured:
    """Milliseconds per request and store calls per request, by request kind."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)
    calls: dict[str, OperationCounts] = field(default_factory=dict)

    def add(self, kind: str, ms: float, cpu_ms: float, counts: OperationCounts) -> None:
        self.ms.setdefault(kind, []).append(ms)
        self.cpu_ms.setdefault(kind, []).append(cpu_ms)
        self.calls[kind] = counts  # the same every time once warm; the last one is kept

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for kind, values in self.ms.items():
            counts = self.calls[kind]
            result[kind] = {
                "n": len(values),
                "median_ms": round(statistics.median(values), 2),
                "mean_ms": round(statistics.fmean(values), 2),
                "p95_ms": round(sorted(values)[int(0.95 * (len(values) - 1))], 2),
                "cpu_median_ms": round(statistics.median(self.cpu_ms[kind]), 2),
                "point_reads": counts.point_reads,
                "queries": counts.queries,
                "writes": counts.writes,
                "by_kind": {f"{m}:{k}": n for (m, k), n in sorted(counts.by_kind.items())},
            }
        return result


def user(n: int) -> f.User:
    return f.User(
        id=f"29:owner-{n}",
        aad_object_id=f"aad-owner-{n}",
        name=f"Owner {n:05d}",
        locale="vi-VN" if n % 2 else "en-US",
        time_zone="Asia/Ho_Chi_Minh",
    )


def member_of(person: f.User) -> Member:
    return Member(
        tenant_id=TENANT,
        id=person.id,
        aad_object_id=person.aad_object_id,
        name=person.name,
        email=f"{person.aad_object_id}@example.com",
        time_zone=person.time_zone,
        locale=person.locale,
        team_ids=(TEAM.id,),
        updated_at=NOW,
    )


async def seed(store: OkrStore, owners: int, members: int) -> None:
    """The tenant, the team, ``members`` people and ``owners`` objectives of 3 key results."""
    await store.save_tenant(Tenant(id=TENANT, created_at=NOW))
    await store.save_team(
        Team(
            tenant_id=TENANT,
            id=TEAM.id,
            name=TEAM.name,
            owner_ids=(user(0).id,),
            installed=True,
            created_at=NOW,
        )
    )
    for n in range(max(members, owners)):
        await store.save_member(member_of(user(n)))
    for n in range(owners):
        owner = user(n)
        objective = Objective(
            tenant_id=TENANT,
            id=f"obj-{n}",
            title=f"Objective {n}",
            owner_id=owner.id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=TEAM.id,
            created_at=NOW,
        )
        await store.save_objective(objective)
        for k in range(3):
            await store.save_key_result(
                KeyResult(
                    tenant_id=TENANT,
                    id=f"kr-{n}-{k}",
                    objective_id=objective.id,
                    title=f"Key result {k}",
                    owner_id=owner.id,
                    kind=KeyResultKind.NUMBER,
                    start=Decimal(0),
                    target=Decimal(100),
                    current=Decimal(0),
                    created_at=NOW,
                )
            )


def moved_on(card: dict[str, Any], round_no: int) -> dict[str, Any]:
    """The card's submit data with every key result's value moved on."""
    return submission(card, **{f"value_{i}": str(10 + round_no) for i in range(3)})


async def run(
    owners: int,
    members: int,
    rounds: int,
    profile: str | None,
    commands: tuple[str, ...] = ("my okrs",),
) -> dict[str, Any]:
    counting: list[CountingBackend] = []

    def counted_store(settings: Settings, **kwargs: Any) -> OkrStore:
        # What the backend does (SQLite creates a card's check-ins in one statement).
        backend = counting_backend(backend_from_settings(settings, **kwargs))
        counting.append(backend)
        return OkrStore(backend)

    # Every store the app builds counts its calls.
    setattr(app_module, "store_from_settings", counted_store)  # noqa: B010
    measured = Measured()
    profiler = cProfile.Profile() if profile else None
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env(
            {
                "SQLITE_PATH": str(Path(folder) / "okr.sqlite3"),
                "LOG_FORMAT": "plain",
                "LOG_LEVEL": "WARNING",
                "SCHEDULER": "off",
            },
            env_file=None,
        )
        async with Connector() as connector:
            application = build_app(settings, clock=lambda: NOW)
            server = TestServer(application, host="127.0.0.1", port=0)
            await server.start_server()
            url = str(server.make_url("/api/messages"))
            try:
                store = application[STORE_KEY]
                await seed(store, owners, members)
                [meter] = counting
                async with ClientSession() as session:

                    async def post(activity: dict[str, Any]) -> dict[str, Any] | None:
                        response = await session.post(url, json=activity)
                        body = await response.read()
                        assert response.status in (200, 202), (response.status, body)
                        return json.loads(body) if body else None

                    async def timed(kind: str, activity: dict[str, Any]) -> Any:
                        meter.reset()
                        if profiler is not None:
                            profiler.enable()
                        start, cpu = time.perf_counter(), time.process_time()
                        result = await post(activity)
                        elapsed = (time.perf_counter() - start) * 1000
                        cpu_ms = (time.process_time() - cpu) * 1000
                        if profiler is not None:
                            profiler.disable()
                        # What the turn set going in the background (the owners' summary)
                        # is counted with it, not with the next request.
                        await application[SUMMARIES_KEY].settled()
                        measured.add(kind, elapsed, cpu_ms, meter.reset())
                        return result

                    cards: dict[int, dict[str, Any]] = {}
                    for n in range(owners):
                        person = user(n)
                        connector.calls.clear()
                        await post(f.personal_message("checkin", connector.url, user=person))
                        [cards[n]] = connector.cards(f.personal_conversation_id(person))
                    for round_no in range(rounds):
                        for n in range(owners):
                            person = user(n)
                            connector.calls.clear()
                            # A card of its own each time, as each round sends one.
                            data = moved_on(cards[n], round_no) | {"card_id": f"c{round_no}-{n}"}
                            activity = f.card_action(
                                verbs.CHECKIN_SUBMIT,
                                {"schema": CARD_SCHEMA, **data},
                                connector.url,
                                user=person,
                            )
                            body = await timed("submit", activity)
                            assert body is not None and body["statusCode"] == 200, body
                            for command in commands:
                                message = f.personal_message(command, connector.url, user=person)
                                await timed(command, message)
            finally:
                await server.close()
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    return {"owners": owners, "members": members, "rounds": rounds, **measured.summary()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=50)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="submits per owner")
    parser.add_argument("--profile", help="write cProfile statistics here")
    parser.add_argument(
        "--commands",
        default="my okrs",
        help="chat commands timed after each submit, comma separated",
    )
    args = parser.parse_args(argv)
    commands = tuple(c.strip() for c in args.commands.split(",") if c.strip())
    result = asyncio.run(run(args.owners, args.members, args.rounds, args.profile, commands))
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
