"""Latency benchmark: a person's request to the app against a bare Agents SDK echo bot.

Three processes besides this one, all on 127.0.0.1: the app
(:mod:`benchmarks.serve_probed` ``app``: ``app.build_app(Settings.from_env())``
in local mode, scheduler off, on SQLite in a temporary folder or on the
Cosmos-compatible test server), the echo bot (:mod:`benchmarks.echo_bot`, the
same SDK and adapter and nothing else) and the connector
(:mod:`benchmarks.connector_server`), which stamps every reply as it arrives.

Before the clock starts, the store holds one tenant and one team with 50 owners,
each with an active objective of the current quarter and 3 key results, a
stored 1:1 chat whose ``serviceUrl`` is the connector, and ``--members`` people
in the tenant in all (owners included). Each owner asks the app for their
check-in card (``checkin``); the card the connector received is the one its
client submits.

Then ``--clients`` clients (each one owner, in their own chat) send, one
request after another, the same activities to the app and to the echo bot:

* ``submit``: the check-in card's ``adaptiveCard/action`` with new values (each
  submission carries a card id of its own, as a new round's card does, so each
  is recorded). Timed until the HTTP answer; the app's must be its
  "Check-in recorded" card.
* ``my okrs``, and every other chat command the bot registers: timed from
  sending until the reply reaches the connector (matched by conversation and
  ``replyToId``). The echo bot's baseline for all of them is its echo.

Each round measures the app and the echo bot one after the other, alternating
which goes first; the figures are the median over rounds of each round's
percentile. Per measure: p50, p95, p99 and their ratio to the echo bot's,
server CPU per request (``utime + stime`` from ``/proc/PID/stat`` around the
load), the event loop's worst and 99th-percentile lag (a 10 ms sleeper in the
server), and for the app's submit the store's point reads, queries and writes
per key result. Per configuration: resident memory after start-up (idle) and
at its peak (``VmHWM``). Run from the repository root::

    .venv/bin/python -m benchmarks.latency                       # SQLite, 100 members
    .venv/bin/python -m benchmarks.latency --backend both --members 100,10000 \\
        --json latency.json
    .venv/bin/python -m benchmarks.latency --rounds 1 --profile submit.prof

The exit status is non-zero when any request failed or a reply never arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from benchmarks.fanout import ConnectorProcess, _control, connector_process
from bot.features import Features
from cards import verbs
from cards.i18n import language_for_locale, text
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
from okr.periods import Period, quarter_of
from okr.text import fold
from storage.backend import PASS_DEADLINE_S
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests import factories
from tests.cosmos_server import (
    cosmos_backend,
    cosmos_server,
    drop_cosmos_database,
    new_database_name,
)

ROOT = Path(__file__).resolve().parent.parent
TENANT_ID = factories.TENANT_ID
TEAM_ID = "19:latency@thread.tacv2"
ZONE = "Asia/Ho_Chi_Minh"
OWNERS = 50
KEY_RESULTS_PER_OWNER = 3
SEED_BATCH = 200
PERCENTILES = (50, 95, 99)
SUBMIT = "submit"
MY_OKRS = "my okrs"
_REPLY_ROUTES = frozenset({"send_to_conversation", "reply_to_activity"})
_HTTP_TIMEOUT_S = 120.0


# -- the people and their data ----------------------------------------------------


def owner(i: int) -> factories.User:
    """Owner number ``i`` as Teams names them (half read Vietnamese)."""
    return factories.User(
        id=f"29:owner-{i}",
        aad_object_id=f"aad-owner-{i}",
        name=f"Owner {i}",
        locale="vi-VN" if i % 2 else "en-US",
        time_zone=ZONE,
    )


def objective_title(i: int) -> str:
    """The title of owner ``i``'s objective (``my okrs`` must name it)."""
    return f"Grow recurring revenue {i}"


def current_period() -> Period:
    """The quarter the app's real clock is in (where the team is)."""
    return quarter_of(datetime.now(ZoneInfo(ZONE)).date())


async def seed(store: OkrStore, service_url: str, owners: int, members: int) -> None:
    """One tenant and team; ``owners`` owners with an objective, 3 key results and a chat each.

    ``members`` people in the tenant in all: the owners, then plain members of the team.
    """
    period = current_period()
    await store.save_tenant(Tenant(id=TENANT_ID, name="Latency"))
    await store.save_team(
        Team(
            tenant_id=TENANT_ID,
            id=TEAM_ID,
            name="Latency",
            owner_ids=(owner(0).id,),
            settings=TeamSettings(cadence=Cadence.WEEKLY, time_zone=ZONE),
        )
    )
    await store.save_conversation(
        ConversationRef(
            tenant_id=TENANT_ID,
            id=TEAM_ID,
            kind=ConversationKind.CHANNEL,
            conversation_id=TEAM_ID,
            service_url=service_url,
            bot_id=factories.BOT_ID,
            team_id=TEAM_ID,
        )
    )

    async def one_owner(i: int) -> None:
        user = owner(i)
        await store.save_member(_member(user.id, user.name, user.locale, user.aad_object_id))
        await store.save_objective(
            Objective(
                tenant_id=TENANT_ID,
                id=f"obj-{i}",
                title=objective_title(i),
                owner_id=user.id,
                period=period,
                state=ObjectiveState.ACTIVE,
                team_id=TEAM_ID,
            )
        )
        for k in range(KEY_RESULTS_PER_OWNER):
            await store.save_key_result(
                KeyResult(
                    tenant_id=TENANT_ID,
                    id=f"kr-{i}-{k}",
                    objective_id=f"obj-{i}",
                    title=f"Close 40 new enterprise deals ({k + 1})",
                    owner_id=user.id,
                    kind=KeyResultKind.NUMBER,
                    start=Decimal(0),
                    target=Decimal(40),
                    current=Decimal(12),
                )
            )
        await store.save_conversation(
            ConversationRef(
                tenant_id=TENANT_ID,
                id=user.id,
                kind=ConversationKind.PERSONAL,
                conversation_id=factories.personal_conversation_id(user),
                service_url=service_url,
                bot_id=factories.BOT_ID,
                member_id=user.id,
            )
        )

    async def one_member(j: int) -> None:
        locale = "vi-VN" if j % 2 else "en-US"
        await store.save_member(_member(f"29:member-{j}", f"Member {j}", locale, f"aad-member-{j}"))

    await _in_batches([one_owner(i) for i in range(owners)])
    await _in_batches([one_member(j) for j in range(owners, members)])


def _member(member_id: str, name: str, locale: str, aad_object_id: str) -> Member:
    return Member(
        tenant_id=TENANT_ID,
        id=member_id,
        aad_object_id=aad_object_id,
        name=name,
        locale=locale,
        time_zone=ZONE,
        team_ids=(TEAM_ID,),
    )


async def _in_batches(calls: Sequence[Any]) -> None:
    for start in range(0, len(calls), SEED_BATCH):
        await asyncio.gather(*calls[start : start + SEED_BATCH])


def chat_commands() -> list[str]:
    """Every chat command the app registers, by its canonical name (from ``app.FEATURES``)."""
    import app

    registry = Features(normalise=fold)
    for register in app.FEATURES:
        register(registry)
    return [command.name for command in registry.commands]


# -- the server processes ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Server:
    """A running app or echo bot: where it listens and its process id."""

    url: str
    pid: int


@contextlib.contextmanager
def served(target: str, env: Mapping[str, str], profile: Path | None = None) -> Iterator[Server]:
    """Start :mod:`benchmarks.serve_probed` for ``target``; stop it (SIGTERM) on exit."""
    command = [sys.executable, "-m", "benchmarks.serve_probed", target]
    if profile is not None:
        command += ["--profile", str(profile)]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {target} process exited before printing its URL")
        started = json.loads(line)
        yield Server(started["url"], int(started["pid"]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """``utime + stime`` of a process so far (``/proc/PID/stat``)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now (``VmRSS``) and at its peak so far (``VmHWM``), MiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0]) / 1024
    return {"rss_mib": figures["VmRSS"], "peak_mib": figures["VmHWM"]}


def _clean_environment() -> dict[str, str]:
    """This environment without the bot's credentials: the app runs in local mode."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONNECTIONS__", "CONNECTIONSMAP__", "STORAGE", "COSMOS_", "SQLITE_"))
    }


@contextlib.asynccontextmanager
async def storage(
    backend: str, folder: Path, cosmos: tuple[str, str] | None
) -> AsyncIterator[tuple[dict[str, str], OkrStore]]:
    """The app's storage environment and a store on the same data, to seed and to read."""
    env = {**_clean_environment(), "SCHEDULER": "off", "LOG_LEVEL": "WARNING"}
    if backend == "sqlite":
        path = folder / "okr.sqlite3"
        env |= {"STORAGE": "sqlite", "SQLITE_PATH": str(path)}
        async with OkrStore(SqliteBackend(path, deadline_s=PASS_DEADLINE_S)) as store:
            yield env, store
        return
    assert cosmos is not None
    endpoint, key = cosmos
    database = new_database_name("latency")
    env |= {
        "STORAGE": "cosmos",
        "COSMOS_ENDPOINT": endpoint,
        "COSMOS_KEY": key,
        "COSMOS_DATABASE": database,
        "COSMOS_VERIFY_TLS": "false",
    }
    try:
        async with OkrStore(cosmos_backend(endpoint, key, database)) as store:
            yield env, store
    finally:
        await drop_cosmos_database(endpoint, key, database)


# -- driving the clients ----------------------------------------------------------


@dataclass(slots=True)
class Sent:
    """One request a client made."""

    client: int
    conversation_id: str
    activity_id: str
    sent: float  # time.monotonic() when sent
    answered: float = 0.0
    status: int = 0
    body: Any = None


async def drive(
    session: aiohttp.ClientSession, server: Server, plans: Sequence[Sequence[dict[str, Any]]]
) -> list[Sent]:
    """Each client sends its activities one after the other; every client at once."""
    url = server.url + "api/messages"

    async def client(index: int, activities: Sequence[dict[str, Any]]) -> list[Sent]:
        done = []
        for activity in activities:
            sent = Sent(index, activity["conversation"]["id"], activity["id"], time.monotonic())
            async with session.post(url, json=activity) as response:
                raw = await response.read()
                sent.answered = time.monotonic()
                sent.status = response.status
            if activity["type"] == "invoke":
                sent.body = json.loads(raw) if raw else None
            done.append(sent)
        return done

    per_client = await asyncio.gather(*(client(i, plan) for i, plan in enumerate(plans)))
    return [s for sent in per_client for s in sent]


def replies(sent: Sequence[Sent], arrivals: Sequence[Sequence[Any]]) -> list[Reply | None]:
    """The reply to each message as it reached the connector (None: it never did).

    The reply is the first activity into the message's conversation after it was
    sent that answers it (``replyToId``) or, failing that, that arrived before the
    client's next message (a proactive send into the person's chat).
    """
    into: dict[str, list[tuple[float, str | None, str | None]]] = {}
    for at, conversation_id, reply_to, route, said in arrivals:
        if route in _REPLY_ROUTES and conversation_id is not None:
            into.setdefault(conversation_id, []).append((at, reply_to, said))
    for stamps in into.values():
        stamps.sort(key=lambda stamp: stamp[0])
    following: dict[int, float] = {}
    by_client: dict[int, list[Sent]] = {}
    for s in sent:
        by_client.setdefault(s.client, []).append(s)
    for mine in by_client.values():
        mine.sort(key=lambda s: s.sent)
        for earlier, later in itertools.pairwise(mine):
            following[id(earlier)] = later.sent
    found: list[Reply | None] = []
    for s in sent:
        after = [stamp for stamp in into.get(s.conversation_id, ()) if stamp[0] >= s.sent]
        answering = [stamp for stamp in after if stamp[1] == s.activity_id]
        before_next = [stamp for stamp in after if stamp[0] < following.get(id(s), float("inf"))]
        first = answering[0] if answering else (before_next[0] if before_next else None)
        found.append(None if first is None else Reply(first[0] - s.sent, first[2]))
    return found


@dataclass(frozen=True, slots=True)
class Reply:
    """A message's reply: seconds until it reached the connector, and its text if any."""

    seconds: float
    text: str | None


def apologies() -> frozenset[str]:
    """The app's apologies for a turn that failed (storage down or too slow, a bug)."""
    return frozenset(
        str(text(language_for_locale(locale), key))
        for locale in ("en-US", "vi-VN")
        for key in ("error.storage_unavailable", "error.internal")
    )


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# -- one phase: one measure on one server -----------------------------------------


@dataclass
class Phase:
    """The figures of one measure on one server in one round."""

    latencies_ms: list[float]
    failed: int
    cpu_ms_per_request: float
    lag_max_ms: float
    lag_p99_ms: float
    store: dict[str, Any] | None = None
    replies_naming_objective: int | None = None
    callback_max_ms: float = 0.0  # the longest single callback: a stall, not queueing
    callbacks_over_50ms: int = 0

    def pct(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


class Bench:
    """One configuration's running servers and the cards their clients submit."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        connector: ConnectorProcess,
        servers: Mapping[str, Server],
        clients: int,
    ) -> None:
        self.session = session
        self.connector = connector
        self.servers = servers
        self.clients = clients
        self.cards: dict[int, dict[str, Any]] = {}  # owner -> submit data of their card
        self.errors: list[str] = []

    async def reset_connector(self) -> None:
        await _control(self.connector, "POST", "reset", {"arrivals": True})

    async def activities(self, conversation_id: str) -> list[dict[str, Any]]:
        async with self.session.get(
            self.connector.control + "activities", params={"conversation": conversation_id}
        ) as response:
            response.raise_for_status()
            found: list[dict[str, Any]] = await response.json()
            return found

    def message(self, client: int, words: str) -> dict[str, Any]:
        return factories.personal_message(
            words, self.connector.url, user=owner(client), tenant_id=TENANT_ID
        )

    def submit(self, client: int, tag: str) -> dict[str, Any]:
        """Client ``client``'s check-in card submitted with new values, as a new card."""
        data = dict(self.cards[client])
        data["card_id"] = f"{data['card_id']}.{tag}"
        step = sum(tag.encode()) % 25
        for name in list(data):
            if name.startswith("value_"):
                data[name] = str(13 + (step + int(name.removeprefix("value_"))) % 25)
        return factories.card_action(
            verbs.CHECKIN_SUBMIT, data, self.connector.url, user=owner(client), tenant_id=TENANT_ID
        )

    async def fetch_cards(self, attempts: int = 3) -> None:
        """Each owner asks the app for their check-in card; keep what its client will submit.

        An owner whose card did not come (the app apologised: storage too slow
        under the load) asks again, up to ``attempts`` times in all.
        """
        await self.reset_connector()
        for _ in range(attempts):
            waiting = [c for c in range(self.clients) if c not in self.cards]
            if not waiting:
                return
            await drive(
                self.session, self.servers["app"], [[self.message(c, "checkin")] for c in waiting]
            )
            for c in waiting:
                conversation_id = factories.personal_conversation_id(owner(c))
                for activity in await self.activities(conversation_id):
                    for attachment in activity.get("attachments") or ():
                        data = submit_data(attachment.get("content"))
                        if data is not None:
                            self.cards[c] = data
        missing = [c for c in range(self.clients) if c not in self.cards]
        if missing:
            raise RuntimeError(f"no check-in card reached owners {missing} in {attempts} attempts")

    async def phase(
        self, target: str, measure: str, requests: int, tag: str, profile: bool = False
    ) -> Phase:
        """Run ``requests`` of ``measure`` per client against ``target``; the figures."""
        server = self.servers[target]
        if measure == SUBMIT:
            plans = [
                [self.submit(c, f"{tag}.{k}") for k in range(requests)] for c in range(self.clients)
            ]
        else:
            plans = [
                [self.message(c, measure) for _ in range(requests)] for c in range(self.clients)
            ]
        await self.reset_connector()
        await self._probe(server, "start", {"profile": profile})
        cpu = cpu_seconds(server.pid)
        sent = await drive(self.session, server, plans)
        cpu = cpu_seconds(server.pid) - cpu
        probe = await self._probe(server, "stop", {})
        count = len(sent)
        failed = sum(1 for s in sent if s.status >= 300)
        if measure == SUBMIT:
            confirmed = confirmation_titles() if target == "app" else None
            latencies = []
            for s in sent:
                if not answered_with_card(s.body, confirmed):
                    failed += 1
                latencies.append(1000 * (s.answered - s.sent))
            phase = Phase(
                latencies, failed, 1000 * cpu / count, probe["lag_max_ms"], probe["lag_p99_ms"]
            )
            phase.store = probe.get("store")
            phase.callback_max_ms = probe.get("callback_max_ms", 0.0)
            phase.callbacks_over_50ms = probe.get("callbacks_over_50ms", 0)
            return phase
        answers = await self._replies(sent)
        # A lost reply or an apology (the turn failed) is a failed request, not a time.
        sorry = apologies()
        good = [r for r in answers if r is not None and r.text not in sorry]
        failed += len(answers) - len(good)
        latencies = [1000 * r.seconds for r in good]
        phase = Phase(
            latencies, failed, 1000 * cpu / count, probe["lag_max_ms"], probe["lag_p99_ms"]
        )
        phase.store = probe.get("store")
        phase.callback_max_ms = probe.get("callback_max_ms", 0.0)
        phase.callbacks_over_50ms = probe.get("callbacks_over_50ms", 0)
        if target == "app" and measure == MY_OKRS:
            phase.replies_naming_objective = await self._naming_objective()
        return phase

    async def _replies(self, sent: list[Sent]) -> list[Reply | None]:
        # The app answers a message after its reply was sent; allow stragglers a moment.
        deadline = time.monotonic() + 10
        while True:
            arrivals = await _control(self.connector, "GET", "arrivals")
            found = replies(sent, arrivals)
            if all(r is not None for r in found) or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.2)

    async def _naming_objective(self) -> int:
        """How many clients' chats got a reply naming their own objective."""
        named = 0
        for c in range(self.clients):
            conversation_id = factories.personal_conversation_id(owner(c))
            shown = json.dumps(await self.activities(conversation_id), ensure_ascii=False)
            named += objective_title(c) in shown
        return named

    async def _probe(self, server: Server, what: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.session.post(f"{server.url}probe/{what}", json=body) as response:
            response.raise_for_status()
            answer: dict[str, Any] = await response.json()
            return answer


def submit_data(card: Any) -> dict[str, Any] | None:
    """The data a person's press of the card's submit button sends: action data and inputs."""
    action = _find(
        card, lambda e: e.get("type") == "Action.Execute" and e.get("verb") == verbs.CHECKIN_SUBMIT
    )
    if action is None:
        return None
    data = dict(action.get("data") or {})
    inputs: list[dict[str, Any]] = []
    _collect_inputs(card, inputs)
    for field_ in inputs:
        value = field_.get("value", "")
        data[field_["id"]] = value if isinstance(value, str) else str(value)
    return data


def _find(element: Any, wanted: Any) -> dict[str, Any] | None:
    if isinstance(element, dict):
        if wanted(element):
            return element
        element = list(element.values())
    if isinstance(element, list):
        for child in element:
            found = _find(child, wanted)
            if found is not None:
                return found
    return None


def _collect_inputs(element: Any, into: list[dict[str, Any]]) -> None:
    if isinstance(element, dict):
        if str(element.get("type", "")).startswith("Input.") and "id" in element:
            into.append(element)
        for child in element.values():
            _collect_inputs(child, into)
    elif isinstance(element, list):
        for child in element:
            _collect_inputs(child, into)


def confirmation_titles() -> tuple[str, ...]:
    """The app's "Check-in recorded" title in every language a client reads."""
    return tuple(
        str(text(language_for_locale(locale), "checkin.recorded_title"))
        for locale in ("en-US", "vi-VN")
    )


def answered_with_card(body: Any, titles: Sequence[str] | None) -> bool:
    """Whether an invoke was answered with a card (saying one of ``titles``, when given)."""
    if not isinstance(body, dict) or body.get("type") != "application/vnd.microsoft.card.adaptive":
        return False
    if titles is None:
        return True
    shown = json.dumps(body.get("value"), ensure_ascii=False)
    return any(t in shown for t in titles)


# -- one configuration: a backend and a tenant size --------------------------------


@dataclass
class Measure:
    """One measure's figures: the median over rounds of each round's figure."""

    name: str
    target: str
    baseline: str  # the echo measure it is compared with
    requests: int = 0
    failed: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    cpu_ms_per_request: float = 0.0
    lag_max_ms: float = 0.0
    lag_p99_ms: float = 0.0
    callback_max_ms: float = 0.0  # the worst over rounds, not the median
    callbacks_over_50ms: int = 0  # summed over rounds
    rounds: list[dict[str, float]] = field(default_factory=list)
    store_per_key_result: dict[str, float] | None = None
    replies_naming_objective: int | None = None


@dataclass
class Config:
    """The figures of one backend at one tenant size."""

    backend: str
    members: int
    owners: int
    clients: int
    rounds: int
    seed_s: float = 0.0
    memory: dict[str, dict[str, float]] = field(default_factory=dict)  # server -> idle/peak
    measures: dict[str, Measure] = field(default_factory=dict)  # "app submit", "echo message", ...
    errors: list[str] = field(default_factory=list)

    def ratio(self, name: str, key: str) -> float:
        measure = self.measures[name]
        base = self.measures[measure.baseline]
        value, against = getattr(measure, key), getattr(base, key)
        return value / against if against else float("nan")


def _summarise(name: str, target: str, baseline: str, phases: list[Phase]) -> Measure:
    measure = Measure(name, target, baseline)
    measure.requests = sum(len(p.latencies_ms) for p in phases)
    measure.failed = sum(p.failed for p in phases)
    for p in phases:
        figures = {f"p{q}_ms": p.pct(q) for q in PERCENTILES}
        figures |= {
            "cpu_ms_per_request": p.cpu_ms_per_request,
            "lag_max_ms": p.lag_max_ms,
            "lag_p99_ms": p.lag_p99_ms,
        }
        measure.rounds.append(figures)
    for key in ("p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_request", "lag_max_ms", "lag_p99_ms"):
        setattr(measure, key, statistics.median(r[key] for r in measure.rounds))
    measure.callback_max_ms = max((p.callback_max_ms for p in phases), default=0.0)
    measure.callbacks_over_50ms = sum(p.callbacks_over_50ms for p in phases)
    named = [p.replies_naming_objective for p in phases if p.replies_naming_objective is not None]
    if named:
        measure.replies_naming_objective = min(named)
    return measure


@dataclass(frozen=True, slots=True)
class Load:
    """What the clients send."""

    owners: int = OWNERS
    clients: int = 50
    rounds: int = 3
    requests: int = 20  # submits and `my okrs` per client per round
    command_requests: int = 4  # each other command, per client per round
    profile: Path | None = None
    folder: Path | None = None  # keep each configuration's SQLite file here


async def run_config(
    backend: str,
    members: int,
    load: Load,
    connector: ConnectorProcess,
    cosmos: tuple[str, str] | None,
) -> Config:
    """Seed, start both servers, drive the rounds; the figures."""
    config = Config(backend, members, load.owners, load.clients, load.rounds)
    commands = [c for c in chat_commands() if c != MY_OKRS] if load.command_requests else []
    with contextlib.ExitStack() as stack:
        if load.folder is not None:
            folder = load.folder / f"{backend}-{members}"
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="latency-")))
        async with storage(backend, folder, cosmos) as (env, store):
            started = time.perf_counter()
            await seed(store, connector.url, load.owners, max(members, load.owners))
            config.seed_s = time.perf_counter() - started
            with (
                served("app", env, load.profile) as app_server,
                served("echo", env) as echo_server,
            ):
                servers = {"app": app_server, "echo": echo_server}
                idle = {name: memory_mib(s.pid)["rss_mib"] for name, s in servers.items()}
                timeout = aiohttp.ClientTimeout(total=_HTTP_TIMEOUT_S)
                async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=0), timeout=timeout
                ) as session:
                    bench = Bench(session, connector, servers, load.clients)
                    await bench.fetch_cards()
                    # Warm-up, not measured: one of each per client on both servers.
                    for target in servers:
                        await bench.phase(target, SUBMIT, 1, "warm")
                        await bench.phase(target, MY_OKRS, 1, "warm")
                    phases: dict[str, list[Phase]] = {}
                    for r in range(load.rounds):
                        order = ("app", "echo") if r % 2 == 0 else ("echo", "app")
                        for measure in (SUBMIT, MY_OKRS):
                            for target in order:
                                profile = r == 0 and target == "app" and measure == SUBMIT
                                phase = await bench.phase(
                                    target, measure, load.requests, f"r{r}", profile
                                )
                                echoed = target == "echo" and measure == MY_OKRS
                                key = f"{target} {'message' if echoed else measure}"
                                phases.setdefault(key, []).append(phase)
                        for command in commands:
                            phase = await bench.phase(
                                "app", command, load.command_requests, f"r{r}"
                            )
                            phases.setdefault(f"app {command}", []).append(phase)
                        print(f"latency: {backend} {members}: round {r + 1} done", file=sys.stderr)
                config.memory = {
                    name: {"idle_mib": idle[name], "peak_mib": memory_mib(s.pid)["peak_mib"]}
                    for name, s in servers.items()
                }
            config.errors += bench.errors
        for key, measured in phases.items():
            target = key.split(" ", 1)[0]
            baseline = "echo submit" if key.endswith(SUBMIT) else "echo message"
            config.measures[key] = _summarise(key, target, baseline, measured)
        submits = config.measures["app submit"]
        stores = [p.store for p in phases["app submit"] if p.store is not None]
        if stores:
            per = len(phases["app submit"][0].latencies_ms) * KEY_RESULTS_PER_OWNER
            submits.store_per_key_result = {
                kind: statistics.median(s[kind] for s in stores) / per
                for kind in ("point_reads", "queries", "writes")
            }
    return config


# -- reporting --------------------------------------------------------------------


def table(configs: Sequence[Config]) -> str:
    """The figures as Markdown: one table of latencies, one of memory and store calls."""
    head = (
        "| backend | members | measure | p50 ms | p95 ms | p99 ms | echo p50 | echo p95 "
        "| echo p99 | ×echo p50 | ×echo p95 | ×echo p99 | CPU ms/request | ×echo CPU "
        "| loop lag max / p99 ms | longest callback ms (over 50 ms) | failed |"
    )
    rows = [head, "|" + "---|" * 17]
    configs = [c for c in configs if "app submit" in c.measures]
    for c in configs:
        for name, m in c.measures.items():
            if m.target != "app":
                continue
            base = c.measures[m.baseline]
            rows.append(
                f"| {c.backend} | {c.members:,} | {name.removeprefix('app ')} "
                f"| {m.p50_ms:.0f} | {m.p95_ms:.0f} | {m.p99_ms:.0f} "
                f"| {base.p50_ms:.0f} | {base.p95_ms:.0f} | {base.p99_ms:.0f} "
                f"| {c.ratio(name, 'p50_ms'):.1f} | {c.ratio(name, 'p95_ms'):.1f} "
                f"| {c.ratio(name, 'p99_ms'):.1f} | {m.cpu_ms_per_request:.1f} "
                f"| {c.ratio(name, 'cpu_ms_per_request'):.1f} "
                f"| {m.lag_max_ms:.0f} / {m.lag_p99_ms:.0f} "
                f"| {m.callback_max_ms:.1f} ({m.callbacks_over_50ms}) | {m.failed} |"
            )
        for name in ("echo submit", "echo message"):
            m = c.measures[name]
            rows.append(
                f"| {c.backend} | {c.members:,} | *echo {name.removeprefix('echo ')}* "
                f"| {m.p50_ms:.0f} | {m.p95_ms:.0f} | {m.p99_ms:.0f} | | | | | | "
                f"| {m.cpu_ms_per_request:.1f} | | {m.lag_max_ms:.0f} / {m.lag_p99_ms:.0f} "
                f"| {m.callback_max_ms:.1f} ({m.callbacks_over_50ms}) | {m.failed} |"
            )
    rows += [
        "",
        "| backend | members | app RSS idle / peak MiB | echo RSS idle / peak MiB "
        "| submit: point reads / queries / writes per key result |",
        "|---|---|---|---|---|",
    ]
    for c in configs:
        app, echo = c.memory.get("app", {}), c.memory.get("echo", {})
        store = c.measures["app submit"].store_per_key_result or {}
        calls = " / ".join(
            f"{store.get(k, float('nan')):.2f}" for k in ("point_reads", "queries", "writes")
        )
        rows.append(
            f"| {c.backend} | {c.members:,} "
            f"| {app.get('idle_mib', 0):.0f} / {app.get('peak_mib', 0):.0f} "
            f"| {echo.get('idle_mib', 0):.0f} / {echo.get('peak_mib', 0):.0f} | {calls} |"
        )
    return "\n".join(rows)


def profile_top(path: Path, count: int = 15) -> str:
    """The profile's top entries by cumulative and by own time."""
    out = []
    for order in ("cumulative", "tottime"):
        stream = _Lines()
        pstats.Stats(str(path), stream=stream).sort_stats(order).print_stats(count)  # type: ignore[arg-type]
        out.append(stream.text())
    return "\n".join(out)


class _Lines:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, part: str) -> None:
        self.parts.append(part)

    def text(self) -> str:
        return "".join(self.parts)


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() or "unknown"


async def run(backends: Sequence[str], sizes: Sequence[int], load: Load) -> list[Config]:
    """Every backend at every tenant size, against one connector (and one Cosmos server)."""
    configs = []
    with contextlib.ExitStack() as stack:
        connector = stack.enter_context(connector_process())
        cosmos = tuple(stack.enter_context(cosmos_server())) if "cosmos" in backends else None
        first = True
        for backend in backends:
            for members in sizes:
                print(f"latency: {backend}, {members:,} members ...", file=sys.stderr)
                this_load = load if first else Load(**{**asdict(load), "profile": None})
                first = False
                try:
                    config = await run_config(backend, members, this_load, connector, cosmos)  # type: ignore[arg-type]
                except Exception as exc:  # one size failing keeps the others' figures
                    print(f"latency: {backend}, {members:,} members failed: {exc}", file=sys.stderr)
                    config = Config(backend, members, load.owners, load.clients, load.rounds)
                    config.errors.append(f"{type(exc).__name__}: {exc}")
                configs.append(config)
    return configs


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the tables; non-zero if a request failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "cosmos", "both"), default="sqlite")
    parser.add_argument(
        "--members", default="100", help="people in the tenant (comma-separated sizes, >= owners)"
    )
    parser.add_argument("--owners", type=int, default=OWNERS)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (<= owners)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--requests", type=int, default=20, help="submits and `my okrs` per client per round"
    )
    parser.add_argument(
        "--command-requests",
        type=int,
        default=4,
        help="each other command per client per round (0: none)",
    )
    parser.add_argument(
        "--profile", type=Path, help="cProfile the app during the first submit load"
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--dir", type=Path, help="keep the SQLite files here (default: temporary)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.members.split(",") if s.strip()]
    if args.clients > args.owners or args.clients < 1 or args.rounds < 1 or args.requests < 1:
        parser.error("need 1 <= clients <= owners, rounds >= 1, requests >= 1")
    backends = ["sqlite", "cosmos"] if args.backend == "both" else [args.backend]
    load_average = os.getloadavg()
    print(f"latency: load average {load_average[0]:.2f}, {os.cpu_count()} CPUs", file=sys.stderr)
    load = Load(
        args.owners,
        args.clients,
        args.rounds,
        args.requests,
        args.command_requests,
        args.profile,
        args.dir,
    )
    configs = asyncio.run(run(backends, sizes, load))
    print(table(configs))
    if args.profile is not None and args.profile.exists():
        print(profile_top(args.profile), file=sys.stderr)
    if args.json is not None:
        figures = {
            "commit": _commit(),
            "command": [
                "python",
                "-m",
                "benchmarks.latency",
                *(argv if argv is not None else sys.argv[1:]),
            ],
            "load_average": list(load_average),
            "cpus": os.cpu_count(),
            "configs": [asdict(c) for c in configs],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    failed = sum(m.failed for c in configs for m in c.measures.values())
    return 0 if failed == 0 and not any(c.errors for c in configs) else 1


if __name__ == "__main__":
    sys.exit(main())
