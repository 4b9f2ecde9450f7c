"""How long a large Viva Goals import takes (issue 13): 5,000 objectives, 50,000 check-ins.

Builds an export in memory with the field names of tests/cli/viva_sample.py:
``--objectives`` objectives ("Big rock") in four quarters and ten teams, each
with ``--key-results`` key results ("Kpi", string numbers with thousands
separators, half of them owned by people the bot has not met) and
``--checkins`` check-ins spread over the key results, with HTML notes in
Vietnamese. Writes it as a ZIP, then times on a fresh store:

* **read**: :func:`cli.viva_export.read_export` (unzip, parse, HTML to text);
* **dry run**: the plan and the read of what is stored (nothing written);
* **import**: the whole run, writing every document;
* **again**: the same run once more, which finds everything stored and writes nothing
  (``--no-again`` skips it).

Run from the repository root::

    .venv/bin/python -m benchmarks.viva_import                      # SQLite, the issue's size
    .venv/bin/python -m benchmarks.viva_import --backend cosmos --objectives 500 --checkins 5000
    .venv/bin/python -m benchmarks.viva_import --backend sqlite cosmos   # both, one after the other
    .venv/bin/python -m benchmarks.viva_import --objectives 50 --checkins 500 --json /tmp/v.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cli.main import CSV_DEADLINE_S
from cli.viva_export import read_export
from cli.viva_import import import_viva_goals
from okr.models import Member, Team, Tenant
from storage.backend import Document, DocumentBackend, Match
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli import viva_sample as v

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
TEAMS = 10
PEOPLE = 200  # half of them known to the bot
QUARTERS = [
    {"ID": 100 + q, "Time Period Name": f"Q{q} 2026", "Start Date": start, "End Date": end}
    for q, (start, end) in enumerate(
        [
            ("2026-01-01", "2026-03-31"),
            ("2026-04-01", "2026-06-30"),
            ("2026-07-01", "2026-09-30"),
            ("2026-10-01", "2026-12-31"),
        ],
        start=1,
    )
]


def build_export(objectives: int, key_results: int, checkins: int) -> dict[str, Any]:
    """The export's files: ``objectives`` objectives with ``key_results`` each, and check-ins."""
    people = [
        v.person(10_000 + i, f"Người {i}", f"person{i}@contoso.example") for i in range(PEOPLE)
    ]
    teams = [{"ID": 700 + t, "Name": f"Nhóm {t}"} for t in range(TEAMS)]
    items: list[dict[str, Any]] = []
    kr_ids: list[int] = []
    next_id = 1
    for o in range(objectives):
        quarter = QUARTERS[o % 4]
        objective_id = next_id
        next_id += 1
        closed = quarter["ID"] != 104 and o % 3 == 0
        items.append(
            v.item(
                objective_id,
                f"Mục tiêu {o}: tăng trưởng bền vững",
                "Big rock",
                people[o % PEOPLE],
                quarter,
                parents=(objective_id - 1 - key_results,) if o % 10 else (),
                teams=[teams[o % TEAMS]],
                description=f"<p>Mục tiêu <b>{o}</b> &amp; kết quả</p>",
                status="Closed" if closed else "On Track",
                score="0.7" if closed else None,
            )
        )
        for k in range(key_results):
            kr_ids.append(next_id)
            items.append(
                v.item(
                    next_id,
                    f"Kết quả {o}.{k}",
                    "Kpi",
                    people[(o + k + 1) % PEOPLE],
                    quarter,
                    parents=(objective_id,),
                    outcome=v.metric("1,000", "2,500", "Increase From", "VND" if k else "khách"),
                    weights=[{"ID": objective_id, "Title": "", "Weight": f"{100 // key_results}%"}],
                )
            )
            next_id += 1
    found = [
        v.checkin(
            900_000 + c,
            kr_ids[c % len(kr_ids)],
            f"2026-{(c % 12) + 1:02d}-{(c % 27) + 1:02d}T09:00:00Z",
            f"{1_000 + c % 1_500:,}",
            ("On Track", "At Risk", "Behind")[c % 3],
            people[c % PEOPLE],
            f"<p>Cập nhật số <b>{c}</b>: ổn &amp; đúng hướng</p>",
        )
        for c in range(checkins)
    ]
    return {
        "TimePeriods.json": QUARTERS,
        "Teams.json": [
            {"ID": t["ID"], "Team Name": t["Name"], "Team Type": "Team", "Status": "Active"}
            for t in teams
        ],
        "Users.json": people,
        "objectives.json": items,
        "checkins.json": found,
    }


@contextlib.asynccontextmanager
async def fresh_store(backend: str, folder: Path, latency_ms: float = 0) -> AsyncIterator[OkrStore]:
    """An empty store with the tenant, its teams and the half of the people the bot has met.

    ``latency_ms`` (Cosmos DB only) is added to each call, as a round trip to a
    real account would: the local test server answers in well under 1 ms.
    Both backends get the deadline of ``python app.py import-viva-goals``.
    """
    if backend == "sqlite":
        opened = OkrStore(SqliteBackend(folder / "okr.sqlite3", deadline_s=CSV_DEADLINE_S))
        async with opened as store:
            yield await _seed(store)
        return
    from tests.cosmos_server import (
        cosmos_backend,
        cosmos_server,
        drop_cosmos_database,
        new_database_name,
    )

    with cosmos_server() as (endpoint, key):
        database = new_database_name("viva")
        cosmos = cosmos_backend(endpoint, key, database, deadline_s=CSV_DEADLINE_S)
        try:
            wrapped = Distant(cosmos, latency_ms / 1000) if latency_ms else cosmos
            async with OkrStore(wrapped) as store:
                yield await _seed(store)
        finally:
            await drop_cosmos_database(endpoint, key, database)


class Distant:
    """A backend whose every document call takes ``latency_s`` longer (a network's round trip)."""

    def __init__(self, inner: DocumentBackend, latency_s: float) -> None:
        self._inner = inner
        self._latency_s = latency_s

    async def open(self) -> None:
        await self._inner.open()

    async def close(self) -> None:
        await self._inner.close()

    async def ping(self) -> None:
        await self._inner.ping()

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        await asyncio.sleep(self._latency_s)
        return await self._inner.read(partition, kind, id)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        await asyncio.sleep(self._latency_s)
        return await self._inner.create(partition, kind, id, body)

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        await asyncio.sleep(self._latency_s)
        return await self._inner.replace(partition, kind, id, body, etag)

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        await asyncio.sleep(self._latency_s)
        return await self._inner.upsert(partition, kind, id, body)

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        await asyncio.sleep(self._latency_s)
        await self._inner.delete(partition, kind, id, etag)

    async def query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[Document]:
        await asyncio.sleep(self._latency_s)
        return await self._inner.query(
            partition, kind, where, order_by, descending, limit, at_least
        )

    async def query_fields(
        self,
        partition: str,
        kind: str,
        fields: Sequence[str],
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        await asyncio.sleep(self._latency_s)
        return await self._inner.query_fields(
            partition, kind, fields, where, order_by, descending, limit
        )


async def _seed(store: OkrStore) -> OkrStore:
    await store.save_tenant(Tenant(id=TENANT))
    for t in range(TEAMS):
        await store.save_team(Team(tenant_id=TENANT, id=f"19:team{t}@thread.tacv2"))
    for i in range(0, PEOPLE, 2):
        email = f"Person{i}@contoso.example"
        await store.save_member(Member(tenant_id=TENANT, id=f"29:p{i}", email=email))
    return store


async def measure(args: argparse.Namespace, backend: str, folder: Path) -> dict[str, Any]:
    files = build_export(args.objectives, args.key_results, args.checkins)
    path = folder / "export.zip"
    path.write_bytes(v.zip_bytes(files))
    teams = {str(700 + t): f"19:team{t}@thread.tacv2" for t in range(TEAMS)}
    started = time.perf_counter()
    export = read_export(path)
    read_s = time.perf_counter() - started
    async with fresh_store(backend, folder, args.latency_ms) as store:
        started = time.perf_counter()
        dry = await import_viva_goals(store, TENANT, export, teams=teams, dry_run=True)
        dry_s = time.perf_counter() - started
        started = time.perf_counter()
        done = await import_viva_goals(store, TENANT, export, teams=teams)
        import_s = time.perf_counter() - started
        again, again_s = None, None
        if not args.no_again:
            started = time.perf_counter()
            again = await import_viva_goals(store, TENANT, export, teams=teams)
            again_s = time.perf_counter() - started
    return {
        "backend": backend,
        "latency_ms_added": args.latency_ms if backend == "cosmos" else 0,
        "export": {
            "items": len(export.items),
            "objectives": args.objectives,
            "checkins": len(export.checkins),
            "zip_bytes": path.stat().st_size,
        },
        "documents": {
            "planned": len(dry.plan.entities),
            "written": done.written,
            "written_again": again.written if again is not None else None,
        },
        "seconds": {
            "read": round(read_s, 2),
            "dry_run": round(dry_s, 2),
            "import": round(import_s, 2),
            "again": round(again_s, 2) if again_s is not None else None,
        },
        "documents_per_second": round(done.written / import_s) if import_s else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.viva_import")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "cosmos"],
        nargs="+",
        default=["sqlite"],
        help="one or more, measured one after the other (figures as a list then)",
    )
    parser.add_argument("--objectives", type=int, default=5_000)
    parser.add_argument("--key-results", type=int, default=2, help="per objective")
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0,
        help="added to each Cosmos DB call, as a network round trip (the test server is local)",
    )
    parser.add_argument(
        "--no-again",
        action="store_true",
        help="skip the second run: the Cosmos test server scans every document for each "
        "of its queries, so at the issue's size it takes hours (real Cosmos DB has indexes)",
    )
    parser.add_argument("--dir", type=Path, help="where the ZIP and SQLite file go (a temp dir)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        folder = args.dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        runs = []
        for backend in dict.fromkeys(args.backend):
            (folder / backend).mkdir(exist_ok=True)
            runs.append(asyncio.run(measure(args, backend, folder / backend)))
    text = json.dumps(runs[0] if len(runs) == 1 else runs, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text)
    return 0 if all(run["documents"]["written_again"] in (0, None) for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
