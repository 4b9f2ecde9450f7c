"""Fan-out benchmark: one check-in round to many owners across tenants, over real HTTP.

The app's own delivery engine (storage on SQLite, the Teams sender with its rate
limiter, one pass of ``PassKind.CHECKINS``) sends to the local connector service
(:mod:`benchmarks.connector_server`, in a process of its own) that enforces
Teams' limits and fails on demand. Afterwards the connector says what arrived:
every owner must have exactly one card (duplicates and lost both 0), in their
own chat.

Scenarios (``--scenarios``, comma separated, in this order by default):

* ``raw`` — baseline: the same number of plain HTTP POSTs of a check-in card
  activity to the connector, no engine, no storage, no limits (as many in
  flight as the engine has workers). What this machine's HTTP stack does.
* ``unlimited`` — the engine and sender with the rate limiter's windows opened
  wide, connector not throttling: the engine's own ceiling.
* ``stored`` — the main figure: Teams' limits on both sides, every owner has a
  stored 1:1 chat (the usual case once the bot is installed).
* ``faults`` — ``stored`` plus 1 % of requests answered 429 (``Retry-After: 1``)
  and 0.5 % answered 503.
* ``create`` — ``stored`` without stored chats: each card first opens the 1:1
  chat (two requests per card, so half the card rate).

Each scenario runs in a fresh process (peak memory is per scenario), on a fresh
SQLite file seeded before the clock starts. Elapsed time is the pass alone.
Run from the repository root::

    .venv/bin/python -m benchmarks.fanout                 # 10,000 owners, every scenario
    .venv/bin/python -m benchmarks.fanout --owners 1000 --scenarios stored,faults

The exit status is non-zero when any scenario lost or duplicated a card.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import cProfile
import json
import logging
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from bot.delivery import delivery_engine
from bot.proactive import build_sender
from bot.replies import ADAPTIVE_CARD
from cards.checkin import checkin_card
from cards.deliveries import DeliveryCards, checkin_items
from cards.i18n import language_for_locale
from okr.cadence import round_id
from okr.due import DeliveryKind, delivery_id
from okr.models import (
    Cadence,
    ConversationKind,
    ConversationRef,
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
from scheduling.rounds import DeliveryEngine, PassCounts, PassKind, card_id_for
from scheduling.throttle import TENANT_WINDOWS, TeamsRateLimiter, Window
from settings import Settings
from storage.backend import PASS_DEADLINE_S
from storage.sqlite import SqliteBackend
from storage.store import OkrStore

ROOT = Path(__file__).resolve().parent.parent
ZONE = "Asia/Ho_Chi_Minh"
# Monday 30 Nov 2026, 10:00 in Ho Chi Minh City: an hour after the weekly round is due.
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
PERIOD = Period.quarter(2026, 4)
BOT_ID = "28:okr-bot"
# What the engine keeps in flight per team (DeliveryEngine's default); the raw
# baseline keeps as many per tenant.
CONCURRENCY = 16
SEED_BATCH = 500
FAULTS = [
    {"share": 0.01, "status": 429, "seed": 429, "retry_after": "1"},
    {"share": 0.005, "status": 503, "seed": 503},
]
PER_TENANT_LIMIT = TENANT_WINDOWS[0].limit / TENANT_WINDOWS[0].seconds  # requests per second


@dataclass(frozen=True, slots=True)
class Probes:
    """Optional instruments around the pass (both slow it down)."""

    trace_memory: bool = False  # tracemalloc peak
    profile: Path | None = None  # cProfile statistics of the pass, written here


@dataclass(frozen=True, slots=True)
class Scenario:
    """One way of running the round."""

    name: str
    engine: bool = True  # False: raw POSTs, no engine
    limits: bool = True  # Teams' limits on both sides
    faults: bool = False
    stored_chats: bool = True


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("raw", engine=False, limits=False),
        Scenario("unlimited", limits=False),
        Scenario("stored"),
        Scenario("faults", faults=True),
        Scenario("create", stored_chats=False),
    )
}


@dataclass
class Result:
    """The figures of one scenario."""

    scenario: str
    owners: int
    tenants: int
    delivered: int = 0
    duplicates: int = 0  # owners with more than one card
    lost: int = 0  # owners with none
    misdelivered: int = 0  # cards in a chat whose card names another owner
    elapsed_s: float = 0.0
    cards_per_s: float = 0.0
    requests: int = 0  # every request that reached the connector, refused ones included
    requests_per_s: float = 0.0
    limit_per_s: float = 0.0  # requests per second Teams allows these tenants
    card_share_of_limit: float = 0.0  # cards/s over what the limit allows for cards
    request_share_of_limit: float = 0.0
    refused: int = 0  # answered 429/5xx by the connector (throttle or injected)
    violations: int = 0  # requests over Teams' limits as the connector counted them
    violations_by_scope: dict[str, int] = field(default_factory=dict)  # tenant / conversation
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    retried: int = 0
    second_pass_sent: int = -1  # a second pass right after must send nothing
    cpu_s: float = 0.0  # this process's CPU seconds during the pass
    cpu_ms_per_card: float = 0.0
    connector_cpu_s: float = 0.0
    seed_s: float = 0.0
    rss_after_seed_mib: float = 0.0
    peak_rss_mib: float = 0.0
    tracemalloc_peak_mib: float | None = None
    error_logs: dict[str, int] = field(default_factory=dict)  # ERROR records per logger
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every owner got exactly one card, in their chat, and nothing failed."""
        return (
            self.duplicates == 0
            and self.lost == 0
            and self.misdelivered == 0
            and not self.errors
            and self.failed == 0
        )


# -- the connector process ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectorProcess:
    """The running connector: its serviceUrl and control URL."""

    url: str
    control: str


@contextlib.contextmanager
def connector_process() -> Iterator[ConnectorProcess]:
    """Start :mod:`benchmarks.connector_server`; stop it (SIGTERM) on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.connector_server"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the connector process exited before printing its URL")
        urls = json.loads(line)
        yield ConnectorProcess(urls["url"], urls["control"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _control(connector: ConnectorProcess, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, connector.control + path, json=body) as response,
    ):
        response.raise_for_status()
        return await response.json()


# -- the data ---------------------------------------------------------------------


def tenant_id(t: int) -> str:
    """The id of tenant number ``t``."""
    return f"00000000-0000-4000-8000-{t:012d}"


def team_id(t: int) -> str:
    """The one team of tenant ``t``."""
    return f"19:bench-{t}@thread.tacv2"


def owner_ids(owners: int, tenants: int) -> dict[str, int]:
    """Every owner's Teams user id and tenant number (owners spread evenly)."""
    return {f"29:owner-{i}": i % tenants for i in range(owners)}


def chat_id(member_id: str) -> str:
    """The stored 1:1 conversation id of an owner."""
    return "a:chat-" + member_id.removeprefix("29:")


def _locale(member_id: str) -> str:
    # Half the people read Vietnamese: both catalogs are exercised.
    return "vi-VN" if int(member_id.rsplit("-", 1)[1]) % 2 else "en-US"


async def seed(store: OkrStore, service_url: str, owners: int, tenants: int, chats: bool) -> None:
    """Tenants, one team each with a channel, an active objective, one key result per owner.

    Nothing was sent yet in this round; with ``chats`` every owner has a stored 1:1 chat.
    """
    for t in range(tenants):
        tid, team = tenant_id(t), team_id(t)
        await store.save_tenant(Tenant(id=tid, name=f"Tenant {t}"))
        await store.save_team(
            Team(
                tenant_id=tid,
                id=team,
                name=f"Team {t}",
                owner_ids=("29:owner-0",),
                settings=TeamSettings(cadence=Cadence.WEEKLY, time_zone=ZONE),
            )
        )
        await store.save_conversation(
            ConversationRef(
                tenant_id=tid,
                id=team,
                kind=ConversationKind.CHANNEL,
                conversation_id=team,
                service_url=service_url,
                bot_id=BOT_ID,
                team_id=team,
            )
        )
        await store.save_objective(
            Objective(
                tenant_id=tid,
                id=f"obj-{t}",
                title="Grow recurring revenue",
                owner_id="29:owner-0",
                period=PERIOD,
                state=ObjectiveState.ACTIVE,
                team_id=team,
            )
        )

    async def one(member_id: str, t: int) -> None:
        tid = tenant_id(t)
        await store.save_member(
            Member(
                tenant_id=tid,
                id=member_id,
                name=f"Owner {member_id}",
                locale=_locale(member_id),
                team_ids=(team_id(t),),
            )
        )
        await store.save_key_result(_key_result(tid, f"obj-{t}", member_id))
        if chats:
            await store.save_conversation(
                ConversationRef(
                    tenant_id=tid,
                    id=member_id,
                    kind=ConversationKind.PERSONAL,
                    conversation_id=chat_id(member_id),
                    service_url=service_url,
                    bot_id=BOT_ID,
                    member_id=member_id,
                )
            )

    everyone = list(owner_ids(owners, tenants).items())
    for start in range(0, len(everyone), SEED_BATCH):
        await asyncio.gather(*(one(m, t) for m, t in everyone[start : start + SEED_BATCH]))


def _key_result(tid: str, objective_id: str, member_id: str) -> KeyResult:
    return KeyResult(
        tenant_id=tid,
        id=f"kr-{member_id.removeprefix('29:')}",
        objective_id=objective_id,
        title="Close 40 new enterprise deals",
        owner_id=member_id,
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(40),
        current=Decimal(12),
    )


# -- one scenario -----------------------------------------------------------------


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_s() -> float:
    return time.process_time()


def _open_limiter() -> TeamsRateLimiter:
    """A limiter that never waits (the engine's ceiling without Teams' limits)."""
    wide = (Window(10**9, 1.0),)
    return TeamsRateLimiter(tenant_windows=wide, conversation_windows=wide, margin=0.0)


async def run_scenario(
    scenario: Scenario,
    connector: ConnectorProcess,
    owners: int,
    tenants: int,
    probes: Probes = Probes(),
) -> Result:
    """Run one scenario against a running connector and check what arrived."""
    result = Result(scenario.name, owners, tenants)
    await _control(
        connector,
        "POST",
        "reset",
        {"throttle": scenario.limits, "faults": FAULTS if scenario.faults else []},
    )
    with tempfile.TemporaryDirectory(prefix="fanout-") as folder:
        if scenario.engine:
            await _run_engine(scenario, connector, owners, tenants, Path(folder), result, probes)
        else:
            await _run_raw(connector, owners, tenants, result)
    summary = await _control(connector, "GET", "summary")
    _judge(scenario, summary, result)
    return result


async def _run_engine(
    scenario: Scenario,
    connector: ConnectorProcess,
    owners: int,
    tenants: int,
    folder: Path,
    result: Result,
    probes: Probes,
) -> None:
    settings = Settings.from_env(
        {"SQLITE_PATH": str(folder / "okr.sqlite3"), "SCHEDULER": "off", "LOG_LEVEL": "WARNING"},
        env_file=None,
    )
    # The deadline the app's scheduler passes use (app.py), not a person's turn's.
    async with OkrStore(SqliteBackend(settings.sqlite_path, deadline_s=PASS_DEADLINE_S)) as store:
        started = time.perf_counter()
        await seed(store, connector.url, owners, tenants, scenario.stored_chats)
        result.seed_s = time.perf_counter() - started
        result.rss_after_seed_mib = _rss_mib()
        engine_context = (
            delivery_engine(settings, store)
            if scenario.limits
            else _unlimited_engine(settings, store)
        )
        async with engine_context as engine:
            profiler = cProfile.Profile() if probes.profile is not None else None
            if probes.trace_memory:
                tracemalloc.start()
            if profiler is not None:
                profiler.enable()
            cpu = _cpu_s()
            started = time.perf_counter()
            counts = await engine.run(PassKind.CHECKINS, NOW)
            result.elapsed_s = time.perf_counter() - started
            result.cpu_s = _cpu_s() - cpu
            if profiler is not None and probes.profile is not None:
                profiler.disable()
                profiler.dump_stats(probes.profile)
            if probes.trace_memory:
                result.tracemalloc_peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            result.peak_rss_mib = _rss_mib()
            again = await engine.run(PassKind.CHECKINS, NOW)
    _take_counts(counts, result)
    result.second_pass_sent = again.sent
    result.errors += again.errors


@contextlib.asynccontextmanager
async def _unlimited_engine(settings: Settings, store: OkrStore) -> Any:
    async with build_sender(settings, _open_limiter()) as sender:
        yield DeliveryEngine(
            store,
            sender,
            composer=DeliveryCards(),
            instance="bench",
            wall_clock=lambda: datetime.now(UTC),
        )


def _take_counts(counts: PassCounts, result: Result) -> None:
    result.sent = counts.sent
    result.failed = counts.failed
    result.unreachable = counts.unreachable
    result.retried = counts.retried
    result.errors += counts.errors


async def _run_raw(connector: ConnectorProcess, owners: int, tenants: int, result: Result) -> None:
    """The same number of card activities, POSTed straight to the connector."""
    everyone = list(owner_ids(owners, tenants).items())
    bodies = [_raw_activity(member_id, tenant_id(t)) for member_id, t in everyone]
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    for (member_id, _), body in zip(everyone, bodies, strict=True):
        queue.put_nowait((chat_id(member_id), body))
    failures: list[str] = []
    result.rss_after_seed_mib = _rss_mib()
    async with aiohttp.ClientSession(base_url=connector.url) as session:

        async def worker() -> None:
            while not queue.empty():
                conversation_id, body = queue.get_nowait()
                async with session.post(
                    f"/v3/conversations/{conversation_id}/activities", json=body
                ) as response:
                    if response.status >= 300:
                        failures.append(f"HTTP {response.status}")
                    await response.read()

        cpu = _cpu_s()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY * tenants)))
        result.elapsed_s = time.perf_counter() - started
        result.cpu_s = _cpu_s() - cpu
    result.peak_rss_mib = _rss_mib()
    result.sent = owners - len(failures)
    result.failed = len(failures)


def _raw_activity(member_id: str, tid: str) -> dict[str, Any]:
    """A check-in card activity as the sender would post it (same card, same size)."""
    lang = language_for_locale(_locale(member_id))
    objective = Objective(
        tenant_id=tid, id="obj", title="Grow recurring revenue", owner_id=None, period=PERIOD
    )
    kr = _key_result(tid, "obj", member_id)
    items = checkin_items([kr], {"obj": objective}, lang, NOW, ZONE)
    # The same card id the engine would give this owner's card (see _judge).
    team = team_id(next(t for t in range(1000) if tenant_id(t) == tid))
    delivery = delivery_id(round_id(team, NOW.date()), member_id, DeliveryKind.CHECKIN)
    card = checkin_card(lang, items, card_id=card_id_for(delivery), round_id="raw")
    return {
        "type": "message",
        "serviceUrl": "",
        "from": {"id": BOT_ID},
        "conversation": {"id": chat_id(member_id), "tenantId": tid},
        "channelData": {"tenant": {"id": tid}},
        "summary": "1 key result to check in",
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }


def _judge(scenario: Scenario, summary: dict[str, Any], result: Result) -> None:
    """Count cards per owner from what the connector delivered."""
    owners = owner_ids(result.owners, result.tenants)
    owner_of = {chat_id(m): m for m in owners}
    owner_of.update(summary["created"])
    per_owner: Counter[str] = Counter()
    for conversation_id, count in summary["delivered"].items():
        per_owner[owner_of.get(conversation_id, f"unknown:{conversation_id}")] += count
    # A card's id is a digest of its delivery id (round, owner, kind): the card in
    # each chat must be the one made for that chat's owner.
    expected = {
        card_id_for(delivery_id(round_id(team_id(t), NOW.date()), m, DeliveryKind.CHECKIN)): m
        for m, t in owners.items()
    }
    for conversation_id, card_ids in summary["card_ids"].items():
        owner = owner_of.get(conversation_id)
        result.misdelivered += sum(1 for c in card_ids if expected.get(c) != owner)
    result.delivered = sum(per_owner.values())
    result.duplicates = sum(1 for m in owners if per_owner[m] > 1)
    result.lost = sum(1 for m in owners if per_owner[m] == 0)
    strangers = [m for m in per_owner if m not in owners]
    if strangers:
        result.errors.append(f"cards for {len(strangers)} unknown conversations")
    result.requests = summary["requests"]
    result.refused = summary["refused"]
    result.violations = summary["violations"]
    result.violations_by_scope = summary["violations_by_scope"]
    result.connector_cpu_s = summary["cpu_seconds"]
    elapsed = result.elapsed_s or float("nan")
    result.cards_per_s = result.delivered / elapsed
    result.requests_per_s = result.requests / elapsed
    result.cpu_ms_per_card = 1000 * result.cpu_s / max(1, result.delivered)
    if scenario.limits:
        result.limit_per_s = PER_TENANT_LIMIT * result.tenants
        requests_per_card = 1 if scenario.stored_chats else 2
        result.card_share_of_limit = result.cards_per_s / (result.limit_per_s / requests_per_card)
        result.request_share_of_limit = result.requests_per_s / result.limit_per_s
    else:
        # No limit applies: the share says how far above Teams' limit this machine can go.
        result.limit_per_s = PER_TENANT_LIMIT * result.tenants
        result.card_share_of_limit = result.cards_per_s / result.limit_per_s
        result.request_share_of_limit = result.requests_per_s / result.limit_per_s


# -- running ----------------------------------------------------------------------


class _CountingHandler(logging.Handler):
    """Counts ERROR records per logger instead of printing them (one per retried request)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.name] += 1


def _child(
    name: str, connector: ConnectorProcess, owners: int, tenants: int, probes: Probes
) -> dict[str, Any]:
    """Run one scenario in this (fresh) process; the result as a dict."""
    root = logging.getLogger()
    handler = _CountingHandler()
    saved = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    try:
        result = asyncio.run(run_scenario(SCENARIOS[name], connector, owners, tenants, probes))
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    result.error_logs = dict(handler.counts)
    return asdict(result)


def run(
    names: list[str],
    owners: int,
    tenants: int,
    *,
    in_process: bool = False,
    probes: Probes = Probes(),
) -> list[Result]:
    """Start the connector and run each named scenario (in a fresh process unless told)."""
    results = []
    with connector_process() as connector:
        for name in names:
            print(f"fanout: {name}, {owners} owners, {tenants} tenants ...", file=sys.stderr)
            if in_process:
                figures = _child(name, connector, owners, tenants, _for(probes, name))
            else:
                spawn = multiprocessing.get_context("spawn")
                with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
                    figures = pool.submit(
                        _child, name, connector, owners, tenants, _for(probes, name)
                    ).result()
            result = Result(**figures)
            results.append(result)
            print(f"fanout: {name}: {_line(result)}", file=sys.stderr)
    return results


def _for(probes: Probes, scenario: str) -> Probes:
    """One profile file per scenario: ``<stem>.<scenario>.prof``."""
    if probes.profile is None:
        return probes
    path = probes.profile.with_name(f"{probes.profile.stem}.{scenario}.prof")
    return Probes(probes.trace_memory, path)


def _line(r: Result) -> str:
    return (
        f"delivered={r.delivered} duplicates={r.duplicates} lost={r.lost} "
        f"elapsed={r.elapsed_s:.1f}s cards/s={r.cards_per_s:.1f} "
        f"share={r.card_share_of_limit:.3f} peak_rss={r.peak_rss_mib:.0f}MiB "
        f"violations={r.violations} refused={r.refused} retried={r.retried}"
        + (f" errors={r.errors}" if r.errors else "")
    )


def table(results: list[Result]) -> str:
    """The figures as a Markdown table."""
    head = (
        "| scenario | owners | delivered | duplicates | lost | elapsed s | cards/s "
        "| cards/s ÷ limit | requests/s ÷ limit | 429/5xx answered | over-limit arrivals "
        "| retried | CPU ms/card | engine peak RSS MiB |"
    )
    rows = [head, "|" + "---|" * 14]
    for r in results:
        rows.append(
            f"| {r.scenario} | {r.owners:,} | {r.delivered:,} | {r.duplicates} | {r.lost} "
            f"| {r.elapsed_s:.1f} | {r.cards_per_s:.1f} | {r.card_share_of_limit:.3f} "
            f"| {r.request_share_of_limit:.3f} | {r.refused} | {r.violations} | {r.retried} "
            f"| {r.cpu_ms_per_card:.2f} | {r.peak_rss_mib:.0f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the table; non-zero if a card was lost or doubled."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--owners", type=int, default=10_000, help="key-result owners in all")
    parser.add_argument("--tenants", type=int, default=2)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run scenarios in this process (quick checks; peak memory is then cumulative)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="cProfile each pass; statistics go to <stem>.<scenario>.prof beside this path",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or args.owners < args.tenants or args.tenants < 1:
        parser.error(f"unknown scenarios {unknown}" if unknown else "need owners >= tenants >= 1")
    print(f"fanout: load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs", file=sys.stderr)
    results = run(
        names,
        args.owners,
        args.tenants,
        in_process=args.in_process,
        probes=Probes(args.tracemalloc, args.profile),
    )
    print(table(results))
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
