"""Scaling benchmark: idle passes and the event loop at 100, 1,000 and 10,000 owners.

For each size, a fresh SQLite file holds one tenant with a few teams, one active
objective per team and one key result per owner (each with a stored 1:1 chat).
The app's delivery engine then runs, with a no-op sender (nothing leaves the
process, so the figures are the engine's and storage's alone):

1. **the due pass**: the check-in pass that sends the round to every owner; then
   the reminders pass right after it (nothing due, everything read) and the
   digests pass (it posts last week's digest, still due on Monday);
2. **first idle passes** of each kind (check-ins, reminders, digests) a minute
   later: nothing is due, and the next-due index (if the code has one) is cold;
3. **warm idle passes** of each kind a minute after that.

For each pass it records the wall time, the store calls (document operations)
and the **loop lag**: a probe task sleeps 5 ms in a loop and records how late it
wakes; the max and p99 lateness are the longest the event loop was blocked.

Speeds are given as ratios to a baseline measured in the same run: the median
time of one ``list_teams`` query of the same store (a pass cannot do less).
Run from the repository root::

    .venv/bin/python -m benchmarks.scaling                      # 100, 1,000, 10,000 owners
    .venv/bin/python -m benchmarks.scaling --owners 100,1000 --json /tmp/scaling.json

It imports only what the code before the next-due index had too, so it can be
copied into an older checkout and run there for "before" figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from cards.deliveries import DeliveryCards
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
from scheduling.rounds import DeliveryEngine, PassCounts, PassKind
from scheduling.sender import PersonalTarget, SendOutcome, SendResult
from storage.backend import PASS_DEADLINE_S
from storage.codec import to_document
from storage.counting import CountingBackend
from storage.sqlite import SqliteBackend
from storage.store import OkrStore

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ZONE = "Asia/Ho_Chi_Minh"
# Monday 30 Nov 2026, 10:00 in Ho Chi Minh City: the weekly 09:00 round is due.
DUE = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
PERIOD = Period.quarter(2026, 4)
SERVICE_URL = "http://127.0.0.1:9/"
PROBE_S = 0.005
BASELINE_RUNS = 21

T = TypeVar("T")


class NoopSender:
    """Accepts every card at once; counts them."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_card(
        self, target: ConversationRef | PersonalTarget, card: Mapping[str, Any], fallback_text: str
    ) -> SendResult:
        self.sent += 1
        return SendResult(SendOutcome.SENT, activity_id="1", status=201)

    async def update_card(
        self,
        target: ConversationRef,
        activity_id: str,
        card: Mapping[str, Any],
        fallback_text: str,
    ) -> SendResult:
        return SendResult(SendOutcome.SENT, activity_id=activity_id, status=200)


@dataclass
class PassFigures:
    """One pass: time, store calls, loop lag."""

    name: str
    elapsed_ms: float
    store_calls: int
    writes: int
    lag_max_ms: float
    lag_p99_ms: float
    busy_lag_max_ms: float
    busy_lag_p99_ms: float
    sent: int


@dataclass
class SizeResult:
    """Every pass at one size, and the baseline measured with it."""

    owners: int
    teams: int
    baseline_ms: float
    passes: list[PassFigures] = field(default_factory=list)


class LagProbe:
    """Sleeps :data:`PROBE_S` in a loop and records how late each wake-up is.

    Besides the wall-clock lateness it records the part the process itself can
    be blamed for: the lateness, capped by the CPU time the process used
    meanwhile. On a shared machine a process that is not scheduled wakes late
    without having blocked anything; that part is not counted.
    """

    def __init__(self) -> None:
        self.late: list[float] = []
        self.busy_late: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started, cpu = loop.time(), time.process_time()
            await asyncio.sleep(PROBE_S)
            late = max(0.0, loop.time() - started - PROBE_S)
            self.late.append(late)
            self.busy_late.append(min(late, time.process_time() - cpu))

    async def __aenter__(self) -> LagProbe:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)  # let it start
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        await asyncio.sleep(PROBE_S)  # a last wake-up after the pass
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    def figures(self, busy: bool = False) -> tuple[float, float]:
        """Max and p99 lateness (of the process's own, when ``busy``), in ms."""
        samples = self.busy_late if busy else self.late
        if not samples:
            return 0.0, 0.0
        ordered = sorted(samples)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return ordered[-1] * 1000, p99 * 1000


async def seed(store: OkrStore, owners: int, teams: int) -> None:
    """One tenant, ``teams`` teams in Ho Chi Minh City, owners spread over them."""
    await store.save_tenant(Tenant(id=TENANT, name="Contoso"))
    for t in range(teams):
        team_id = _team_id(t)
        await store.save_team(
            Team(
                tenant_id=TENANT,
                id=team_id,
                name=f"Team {t}",
                owner_ids=(_owner(t),),
                settings=TeamSettings(cadence=Cadence.WEEKLY, time_zone=ZONE),
                created_at=DUE - timedelta(days=60),
            )
        )
        await store.save_conversation(
            ConversationRef(
                tenant_id=TENANT,
                id=team_id,
                kind=ConversationKind.CHANNEL,
                conversation_id=team_id,
                service_url=SERVICE_URL,
                bot_id="28:bot",
                team_id=team_id,
            )
        )
        await store.save_objective(
            Objective(
                tenant_id=TENANT,
                id=f"obj-{t}",
                title="Grow recurring revenue",
                owner_id=_owner(t),
                period=PERIOD,
                state=ObjectiveState.ACTIVE,
                team_id=team_id,
            )
        )
    # Bulk, straight into the backend: seeding is not what is measured.
    documents: list[tuple[str, str, dict[str, Any]]] = []
    for n in range(owners):
        t = n % teams
        member_id = _owner(n)
        member = Member(
            tenant_id=TENANT,
            id=member_id,
            name=f"Owner {n}",
            locale="vi-VN" if n % 2 else "en-US",
            time_zone=ZONE,
            team_ids=(_team_id(t),),
        )
        key_result = KeyResult(
            tenant_id=TENANT,
            id=f"kr-{n}",
            objective_id=f"obj-{t}",
            title="Close 40 new enterprise deals",
            owner_id=member_id,
            kind=KeyResultKind.NUMBER,
            start=Decimal(0),
            target=Decimal(40),
            current=Decimal(12),
            created_at=DUE - timedelta(days=30, seconds=-n),
        )
        chat = ConversationRef(
            tenant_id=TENANT,
            id=member_id,
            kind=ConversationKind.PERSONAL,
            conversation_id=f"a:{member_id}",
            service_url=SERVICE_URL,
            bot_id="28:bot",
            member_id=member_id,
        )
        documents += [
            ("member", member.id, to_document(member)),
            ("key_result", key_result.id, to_document(key_result)),
            ("conversation", chat.id, to_document(chat)),
        ]
    backend = store.backend
    inner = backend.inner if isinstance(backend, CountingBackend) else backend
    assert isinstance(inner, SqliteBackend)
    for start in range(0, len(documents), 3000):
        await inner.create_missing(TENANT, documents[start : start + 3000])


def _team_id(t: int) -> str:
    return f"19:team-{t}@thread.tacv2"


def _owner(n: int) -> str:
    return f"29:owner-{n}"


async def _measured(
    name: str, counting: CountingBackend, run: Callable[[], Awaitable[PassCounts]]
) -> tuple[PassFigures, PassCounts]:
    counting.reset()
    async with LagProbe() as probe:
        started = time.perf_counter()
        counts = await run()
        elapsed = time.perf_counter() - started
    calls = counting.reset()
    lag_max, lag_p99 = probe.figures()
    busy_max, busy_p99 = probe.figures(busy=True)
    figures = PassFigures(
        name=name,
        elapsed_ms=elapsed * 1000,
        store_calls=calls.total,
        writes=calls.writes,
        lag_max_ms=lag_max,
        lag_p99_ms=lag_p99,
        busy_lag_max_ms=busy_max,
        busy_lag_p99_ms=busy_p99,
        sent=counts.sent,
    )
    return figures, counts


async def measure(owners: int, teams: int, folder: Path) -> SizeResult:
    """Every pass at one size, on a fresh SQLite file in ``folder``."""
    counting = CountingBackend(
        SqliteBackend(folder / f"scaling-{owners}.sqlite3", deadline_s=PASS_DEADLINE_S)
    )
    async with OkrStore(counting) as store:
        await seed(store, owners, teams)
        baseline = []
        for _ in range(BASELINE_RUNS):
            started = time.perf_counter()
            await store.list_teams(TENANT)
            baseline.append(time.perf_counter() - started)
        result = SizeResult(owners, teams, statistics.median(baseline) * 1000)
        sender = NoopSender()
        engine = DeliveryEngine(
            store,
            sender,
            composer=DeliveryCards(),
            instance="bench",
            wall_clock=lambda: datetime.now(UTC),
        )

        def pass_at(kind: PassKind, now: datetime) -> Callable[[], Awaitable[PassCounts]]:
            return lambda: engine.run(kind, now, TENANT)

        figures, counts = await _measured(
            "due (check-ins)", counting, pass_at(PassKind.CHECKINS, DUE)
        )
        if counts.sent != owners or counts.errors:
            raise RuntimeError(f"the due pass sent {counts.sent} of {owners}: {counts.errors}")
        result.passes.append(figures)
        # Right after the round: no reminder is due yet, but the pass reads every
        # team's owners and records. Last Friday's digest is still due: it is posted.
        for name, kind in (
            ("reminders after the round", PassKind.REMINDERS),
            ("digests (posts)", PassKind.DIGESTS),
        ):
            figures, counts = await _measured(name, counting, pass_at(kind, DUE))
            if counts.errors:
                raise RuntimeError(f"{name}: {counts.errors}")
            result.passes.append(figures)
        for label, offset in (("first idle", 1), ("warm idle", 2)):
            for kind in PassKind:
                now = DUE + timedelta(minutes=offset)
                figures, counts = await _measured(
                    f"{label} {kind.value}", counting, pass_at(kind, now)
                )
                if counts.sent or counts.errors:
                    raise RuntimeError(f"{label} {kind.value} was not idle: {counts.line()}")
                result.passes.append(figures)
    return result


def table(results: list[SizeResult]) -> str:
    """A Markdown table: one row per (size, pass)."""
    smallest = {p.name: p for p in results[0].passes}
    lines = [
        "| owners | pass | elapsed ms | ÷ list_teams | ÷ same pass at "
        f"{results[0].owners:,} | store calls | writes | loop lag max / p99 ms "
        "| of it the process's own: max / p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for p in r.passes:
            ratio_small = p.elapsed_ms / smallest[p.name].elapsed_ms
            lines.append(
                f"| {r.owners:,} | {p.name} | {p.elapsed_ms:.1f} | "
                f"{p.elapsed_ms / r.baseline_ms:.0f} | {ratio_small:.2f} | {p.store_calls} | "
                f"{p.writes} | {p.lag_max_ms:.1f} / {p.lag_p99_ms:.1f} | "
                f"{p.busy_lag_max_ms:.1f} / {p.busy_lag_p99_ms:.1f} |"
            )
    baselines = ", ".join(f"{r.owners:,}: {r.baseline_ms:.2f} ms" for r in results)
    lines.append("")
    lines.append(f"Baseline (median `list_teams` of the same store): {baselines}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the sizes asked for; print the table (and write JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--owners", default="100,1000,10000", help="sizes, comma separated")
    parser.add_argument("--teams", type=int, default=4, help="teams in the tenant")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.owners.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for owners in sizes:
            results.append(asyncio.run(measure(owners, args.teams, Path(folder))))
            print(f"{owners} owners done", file=sys.stderr)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
