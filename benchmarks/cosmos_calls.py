"""What one Cosmos DB store call costs this process, against a bare HTTP request.

Against the Cosmos-compatible test server (``tests/cosmos_server.py``, on
127.0.0.1), in this one process, each run times ``--calls`` sequential calls of
every operation below, one operation after another, and reports CPU
milliseconds per call of this process (``time.process_time``: every thread,
the SDK's included) and wall milliseconds per call, the median over
``--runs`` runs:

* through :class:`storage.cosmos.CosmosBackend`: ``read`` (point read of a
  stored document), ``create``, ``replace`` (with the ETag of the last write),
  ``upsert`` and ``query`` (one partition, three documents match);
* through :class:`storage.store.OkrStore`: ``kr_get`` (``get_key_result``:
  one point read and the decode) and ``kr_save`` (``save_key_result``: a
  replace, a read of its objective and a blind write of the next-due token);
  the store calls each makes are reported as well;
* the baseline, what an HTTP call to the same server costs at least: a plain
  ``aiohttp`` GET of a stored document (``http_get``) and POST of a new one
  (``http_post``), on one kept-open session, with no signature.

Ratios are to ``http_get`` for reads and queries and to ``http_post`` for
writes. Every call is checked: a read returns the body stored, a write's
ETag is new, a query returns the documents it should; a wrong answer fails
the run. Run from the repository root::

    .venv/bin/python -m benchmarks.cosmos_calls
    .venv/bin/python -m benchmarks.cosmos_calls --calls 300 --runs 5 --json /tmp/calls.json
    .venv/bin/python -m benchmarks.cosmos_calls --profile /tmp/calls.prof   # cProfile, top items
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.codec import samples
from okr.models import KeyResult, Objective
from storage.cosmos import CosmosBackend, encode_id
from storage.counting import CountingBackend
from storage.store import OkrStore
from tests.cosmos_server import (
    CONTAINER,
    cosmos_backend,
    cosmos_server,
    drop_cosmos_database,
    new_database_name,
)

TENANT = "11111111-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
KIND = "bench"
GROUPS = 8  # query groups; each holds at least QUERY_MATCHES documents
QUERY_MATCHES = 3
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

READS = ("read", "query", "kr_get", "http_get")
OPERATIONS = ("read", "create", "replace", "upsert", "query", "kr_get", "kr_save")
BASELINES = ("http_get", "http_post")


class WrongAnswerError(AssertionError):
    """A call did not store or read what it claims: the figures would be meaningless."""


@dataclass(frozen=True, slots=True)
class Measured:
    """One operation: medians over runs of per-call CPU and wall milliseconds."""

    operation: str
    cpu_ms: float
    wall_ms: float
    store_calls: float  # backend calls per operation (1 for the backend's own)
    baseline: str | None = None
    cpu_over_baseline: float | None = None
    wall_over_baseline: float | None = None


def _body(n: int, group: int, value: int = 0) -> dict[str, Any]:
    """A small document (~300 bytes), like a check-in's."""
    return {
        "id": f"doc-{n:05d}",
        "group": f"g{group}",
        "value": value,
        "note": "Two deals slipped to January; the rest are on track.",
        "author": "29:1a2b3c4d5e6f7a8b9c0d",
        "at": T0.isoformat(),
    }


def key_result_and_objective() -> tuple[KeyResult, Objective]:
    """The codec benchmark's key result and its objective, in this benchmark's tenant."""
    objective, key_result = samples()[:2]
    return (
        replace(key_result, tenant_id=TENANT),
        replace(objective, tenant_id=TENANT),
    )


class Bench:
    """The documents, the store and the HTTP session one benchmark uses."""

    def __init__(
        self, backend: CosmosBackend, http: aiohttp.ClientSession, endpoint: str, database: str
    ) -> None:
        self.backend = backend
        self.counting = CountingBackend(backend)
        self.store = OkrStore(self.counting)  # opened through the backend itself
        self.http = http
        self.docs_url = f"{endpoint.rstrip('/')}/dbs/{database}/colls/{CONTAINER}/docs"
        self.etags: dict[str, str] = {}  # replaced document id -> its last ETag
        self.values: dict[str, int] = {}  # replaced document id -> its last value
        self.created = 0
        self.posted = 0
        self.key_result: KeyResult | None = None
        self.seeded = 0

    async def seed(self, calls: int) -> None:
        """The documents reads, replaces and queries use, and a key result with its objective."""
        self.seeded = max(calls, GROUPS * QUERY_MATCHES)
        for n in range(self.seeded):
            id_ = _body(n, 0)["id"]
            self.etags[id_] = await self.backend.create(TENANT, KIND, id_, _body(n, n % GROUPS))
            self.values[id_] = 0
        key_result, objective = key_result_and_objective()
        await self.store.save_objective(objective)
        self.key_result = await self.store.save_key_result(key_result)

    # -- the operations: each makes `calls` sequential calls and checks them --

    async def read(self, calls: int) -> None:
        for n in range(calls):
            id_ = _body(n, 0)["id"]
            doc = await self.backend.read(TENANT, KIND, id_)
            if doc is None or doc.body["value"] != self.values[id_] or doc.body["id"] != id_:
                raise WrongAnswerError(f"read {id_}: {doc}")

    async def create(self, calls: int) -> None:
        for _ in range(calls):
            self.created += 1
            id_ = f"new-{self.created:06d}"
            etag = await self.backend.create(
                TENANT, KIND, id_, {**_body(0, 0), "id": id_, "value": self.created}
            )
            if not etag:
                raise WrongAnswerError(f"create {id_}: no ETag")

    async def replace(self, calls: int) -> None:
        for n in range(calls):
            id_ = _body(n, 0)["id"]
            value = self.values[id_] + 1
            etag = await self.backend.replace(
                TENANT, KIND, id_, _body(n, n % GROUPS, value), self.etags[id_]
            )
            if etag == self.etags[id_]:
                raise WrongAnswerError(f"replace {id_}: the ETag did not change")
            self.etags[id_], self.values[id_] = etag, value

    async def upsert(self, calls: int) -> None:
        for n in range(calls):
            id_ = f"up-{n % 16:02d}"
            if not await self.backend.upsert(TENANT, KIND, id_, {**_body(0, 0), "id": id_}):
                raise WrongAnswerError(f"upsert {id_}: no ETag")

    async def query(self, calls: int) -> None:
        for n in range(calls):
            group = n % GROUPS
            found = await self.backend.query(
                TENANT, KIND, where={"group": f"g{group}"}, order_by="id", limit=QUERY_MATCHES
            )
            expected = [_body(m, 0)["id"] for m in range(group, self.seeded, GROUPS)]
            expected = expected[:QUERY_MATCHES]
            if [d.body["id"] for d in found] != expected:
                raise WrongAnswerError(f"query g{group}: {[d.body['id'] for d in found]}")

    async def kr_get(self, calls: int) -> None:
        assert self.key_result is not None
        for _ in range(calls):
            got = await self.store.get_key_result(TENANT, self.key_result.id)
            if got != self.key_result:
                raise WrongAnswerError(f"get_key_result: {got}")

    async def kr_save(self, calls: int) -> None:
        assert self.key_result is not None
        for _ in range(calls):
            wanted = replace(self.key_result, current=self.key_result.current + 1)
            saved = await self.store.save_key_result(wanted)
            if saved.etag == self.key_result.etag or saved.current != wanted.current:
                raise WrongAnswerError(f"save_key_result: {saved}")
            self.key_result = saved

    async def http_get(self, calls: int) -> None:
        headers = {"x-ms-documentdb-partitionkey": json.dumps([TENANT])}
        for n in range(calls):
            id_ = _body(n, 0)["id"]
            async with self.http.get(
                f"{self.docs_url}/{encode_id(KIND, id_)}", headers=headers
            ) as response:
                item = await response.json(content_type=None)
            if response.status != 200 or item.get("docId") != id_:
                raise WrongAnswerError(f"GET {id_}: {response.status} {item}")

    async def http_post(self, calls: int) -> None:
        headers = {"x-ms-documentdb-partitionkey": json.dumps([TENANT])}
        for _ in range(calls):
            self.posted += 1
            id_ = f"post-{self.posted:06d}"
            item = {
                **_body(0, 0),
                "id": encode_id(KIND, id_),
                "tenantId": TENANT,
                "docKind": KIND,
                "docId": id_,
            }
            async with self.http.post(self.docs_url, json=item, headers=headers) as response:
                stored = await response.json(content_type=None)
            if response.status != 201 or not stored.get("_etag"):
                raise WrongAnswerError(f"POST {id_}: {response.status} {stored}")


async def _timed(call: Callable[[int], Awaitable[None]], calls: int) -> tuple[float, float]:
    """CPU and wall milliseconds per call of ``calls`` sequential calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    await call(calls)
    return (
        (time.process_time() - cpu) * 1000 / calls,
        (time.perf_counter() - wall) * 1000 / calls,
    )


async def measure(
    endpoint: str,
    key: str,
    database: str,
    calls: int,
    runs: int,
    profile: cProfile.Profile | None = None,
    operations: tuple[str, ...] = OPERATIONS,
) -> list[Measured]:
    """Seed ``database`` on the server and time every operation; the database is kept."""
    backend = cosmos_backend(endpoint, key, database)
    connector = aiohttp.TCPConnector(ssl=False)
    async with OkrStore(backend), aiohttp.ClientSession(connector=connector) as http:
        bench = Bench(backend, http, endpoint, database)
        await bench.seed(calls)
        names = (*operations, *BASELINES)
        for name in names:  # warm up: connections open, caches filled
            await getattr(bench, name)(min(calls, 5))
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        store_calls: dict[str, float] = {}
        for run in range(runs):
            # Alternate the order so that a shared machine's drift falls on all of them.
            for name in names if run % 2 == 0 else reversed(names):
                bench.counting.reset()
                if profile is not None:
                    profile.enable()
                c, w = await _timed(getattr(bench, name), calls)
                if profile is not None:
                    profile.disable()
                cpu[name].append(c)
                wall[name].append(w)
                store_calls[name] = bench.counting.counts.total / calls
    medians = {
        name: (statistics.median(cpu[name]), statistics.median(wall[name])) for name in names
    }
    figures = []
    for name in names:
        c, w = medians[name]
        if name in BASELINES:
            figures.append(Measured(name, c, w, 0.0))
            continue
        base = "http_get" if name in READS else "http_post"
        bc, bw = medians[base]
        calls_made = store_calls[name] if name.startswith("kr_") else 1.0
        figures.append(Measured(name, c, w, calls_made, base, c / bc, w / bw))
    return figures


def table(figures: list[Measured]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| operation | store calls | CPU ms/op | wall ms/op | CPU / baseline | wall / baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        ratios = (
            f"{f.cpu_over_baseline:.1f}x ({f.baseline}) | {f.wall_over_baseline:.1f}x"
            if f.cpu_over_baseline is not None and f.wall_over_baseline is not None
            else "baseline | baseline"
        )
        calls = f"{f.store_calls:g}" if f.store_calls else "-"
        lines.append(f"| {f.operation} | {calls} | {f.cpu_ms:.3f} | {f.wall_ms:.3f} | {ratios} |")
    return "\n".join(lines)


def profile_top(profile: cProfile.Profile, limit: int = 40) -> str:
    """The profile's top functions by cumulative and by own time."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


async def run(args: argparse.Namespace) -> tuple[list[Measured], cProfile.Profile | None]:
    """Start the test server (or reuse one), measure on a fresh database, drop it."""
    profile = cProfile.Profile() if args.profile is not None else None
    with cosmos_server() as (endpoint, key):
        database = new_database_name("calls")
        try:
            figures = await measure(
                endpoint, key, database, args.calls, args.runs, profile, args.operations
            )
        finally:
            await drop_cosmos_database(endpoint, key, database)
    return figures, profile


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the table (and the profile's top items)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per operation")
    parser.add_argument("--runs", type=int, default=3, help="runs; the figures are medians")
    parser.add_argument("--profile", type=Path, help="cProfile the timed calls; write stats here")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--operations",
        type=lambda text: tuple(name.strip() for name in text.split(",") if name.strip()),
        default=OPERATIONS,
        help=f"comma-separated, of {','.join(OPERATIONS)} (default: all); baselines always run",
    )
    args = parser.parse_args(argv)
    if unknown := set(args.operations) - set(OPERATIONS):
        parser.error(f"unknown operations: {', '.join(sorted(unknown))}")
    if args.calls < 1 or args.runs < 1:
        parser.error("need calls >= 1 and runs >= 1")
    figures, profile = asyncio.run(run(args))
    print(table(figures))
    if profile is not None:
        profile.dump_stats(args.profile)
        print(profile_top(profile), file=sys.stderr)
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "calls": args.calls,
                    "runs": args.runs,
                    "operations": [asdict(f) for f in figures],
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
