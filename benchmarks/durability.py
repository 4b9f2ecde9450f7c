"""What durability costs on SQLite: check-ins with ``synchronous = FULL`` against ``NORMAL``.

In WAL mode a commit with ``NORMAL`` is written to the WAL file but not flushed
to disk (that happens at checkpoints), so it survives the process crashing but
not the machine losing power; ``FULL`` flushes the WAL at every commit. The
backend uses ``FULL`` (see docs/storage.md); this measures what that costs.

Each mode records check-ins through ``OkrStore.record_checkin`` (one point read,
two writes) on a fresh file in the same folder: first one at a time, as people
send them, then in batches of concurrent calls, as a busy tenant would. The
modes alternate over several rounds so that drift on a shared machine falls on
both. The result is a ratio, FULL over NORMAL, for latency and throughput.
Run from the repository root::

    .venv/bin/python -m benchmarks.durability                  # 500 check-ins per mode and round
    .venv/bin/python -m benchmarks.durability --checkins 100 --rounds 2 --json /tmp/d.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from okr.models import CheckIn, CheckInStatus, KeyResult, KeyResultKind, Objective, ObjectiveState
from okr.periods import Period
from storage.sqlite import SqliteBackend, Synchronous
from storage.store import OkrStore

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
KEY_RESULTS = 20
MODES: tuple[Synchronous, ...] = ("NORMAL", "FULL")


@dataclass(frozen=True, slots=True)
class Measured:
    """One mode's figures over every round."""

    mode: str
    checkins: int
    median_ms: float
    p95_ms: float
    concurrent_per_s: float


def _objective() -> Objective:
    return Objective(
        tenant_id=TENANT,
        id="obj-1",
        team_id="19:team@thread.tacv2",
        owner_id="29:owner",
        title="Ship it",
        period=Period.quarter(2026, 4),
        state=ObjectiveState.ACTIVE,
        created_at=T0,
    )


def _key_result(n: int) -> KeyResult:
    return KeyResult(
        tenant_id=TENANT,
        id=f"kr-{n}",
        objective_id="obj-1",
        owner_id="29:owner",
        title=f"Key result {n}",
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(100),
        current=Decimal(0),
        unit="",
        created_at=T0,
    )


def _checkin(n: int, prefix: str) -> CheckIn:
    return CheckIn(
        tenant_id=TENANT,
        id=f"{prefix}-{n}",
        key_result_id=f"kr-{n % KEY_RESULTS}",
        objective_id="obj-1",
        author_id="29:owner",
        value=Decimal(n % 100),
        status=CheckInStatus.ON_TRACK,
        recorded_at=T0 + timedelta(seconds=n),
    )


async def _run_mode(
    folder: Path, mode: Synchronous, round_: int, checkins: int
) -> tuple[list[float], float]:
    """One round of one mode: per-call latencies (s) one at a time, and concurrent rate (/s)."""
    path = folder / f"{mode.lower()}-{round_}.sqlite3"
    async with OkrStore(SqliteBackend(path, synchronous=mode)) as store:
        await store.save_objective(_objective())
        for n in range(KEY_RESULTS):
            await store.save_key_result(_key_result(n))
        latencies = []
        for n in range(checkins):
            started = time.perf_counter()
            await store.record_checkin(_checkin(n, "one"))
            latencies.append(time.perf_counter() - started)
        batch = 25
        started = time.perf_counter()
        for first in range(0, checkins, batch):
            await asyncio.gather(
                *(
                    store.record_checkin(_checkin(n, "many"))
                    for n in range(first, min(first + batch, checkins))
                )
            )
        rate = checkins / (time.perf_counter() - started)
    return latencies, rate


async def measure(checkins: int, rounds: int, folder: Path) -> list[Measured]:
    """Every mode, alternating over ``rounds``."""
    latencies: dict[str, list[float]] = {mode: [] for mode in MODES}
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    for round_ in range(rounds):
        for mode in MODES if round_ % 2 == 0 else tuple(reversed(MODES)):
            one, rate = await _run_mode(folder, mode, round_, checkins)
            latencies[mode].extend(one)
            rates[mode].append(rate)
    return [
        Measured(
            mode=mode,
            checkins=len(latencies[mode]),
            median_ms=statistics.median(latencies[mode]) * 1000,
            p95_ms=statistics.quantiles(latencies[mode], n=20)[-1] * 1000,
            concurrent_per_s=statistics.median(rates[mode]),
        )
        for mode in MODES
    ]


def main(argv: list[str] | None = None) -> int:
    """Measure, print a table and the FULL/NORMAL ratios; optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--checkins", type=int, default=500, help="per mode and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--dir", type=Path, help="folder for the files (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="okr-durability-", dir=args.dir) as folder:
        results = asyncio.run(measure(args.checkins, args.rounds, Path(folder)))
    by_mode = {r.mode: r for r in results}
    full, normal = by_mode["FULL"], by_mode["NORMAL"]
    ratios = {
        "median_latency_full_over_normal": full.median_ms / normal.median_ms,
        "p95_latency_full_over_normal": full.p95_ms / normal.p95_ms,
        "concurrent_throughput_full_over_normal": full.concurrent_per_s / normal.concurrent_per_s,
    }
    print(f"{'mode':<8}{'check-ins':>10}{'median ms':>11}{'p95 ms':>9}{'concurrent/s':>14}")
    for r in results:
        print(
            f"{r.mode:<8}{r.checkins:>10}{r.median_ms:>11.2f}{r.p95_ms:>9.2f}"
            f"{r.concurrent_per_s:>14.0f}"
        )
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}")
    if args.json is not None:
        args.json.write_text(json.dumps({"modes": [asdict(r) for r in results], **ratios}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
