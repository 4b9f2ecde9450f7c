"""The Teams tab's cost, as ratios to serving a static file of the same size from the same app.

Two figures, each timed over real HTTP on 127.0.0.1 against the whole app
(``app.build_app``, local mode, SQLite), interleaved round by round with its
baseline so that a shared machine's drift falls on both:

* **team API call**: ``GET /api/tab/okrs?view=team`` for a team of ``--objectives``
  active objectives (3 key results each, ``--checkins`` check-ins per key result,
  so every key result has its chart): its first page (100 objectives, with the
  round's participation and what is at risk), against ``GET /tab/`` of a file
  as large as the answer; and the first page as the page asks for it
  (``limit=20``);
* **team, every page**: the same list followed page by page to its end, against
  one file as large as all the pages together;
* **personal tab, first load**: the page's HTML, every asset it loads (the files
  ``index.html`` names and the ES modules they import, followed), then
  ``/api/tab/session`` and ``/api/tab/okrs?view=my`` for a person who owns
  ``--mine`` of the objectives, one request after another as a browser's first
  visit does them, against one static file as large as all of it together.

The API is asked for gzip (``--no-gzip``: for answers as they are), as a browser
does; sizes are the bytes on the wire, and the static files are that large.
The static files live in a copy of ``tab/static/`` made for the run, served by
the same app (``tab.routes.STATIC_ROOT`` points at it). Figures are medians
over ``--rounds``. Run from the repository root::

    .venv/bin/python -m benchmarks.tab
    .venv/bin/python -m benchmarks.tab --objectives 50 --rounds 3 --json /tmp/tab.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from aiohttp import ClientSession, hdrs
from aiohttp.test_utils import TestServer

import tab.routes
from app import STORE_KEY, build_app
from okr.models import (
    CheckIn,
    CheckInStatus,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveState,
    Team,
    Tenant,
)
from okr.periods import Period
from settings import Settings
from storage.codec import to_document
from storage.store import OkrStore

TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
TEAM = "19:bench-team@thread.tacv2"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
PERIOD = Period.quarter(2026, 4)
PEOPLE = 100
# The objectives the page asks for first (tab/static/js/main.js FIRST_PAGE), then 100 a time.
FIRST_PAGE = 20
_REFERENCE = re.compile(r"""(?:src|href)="([^"#?]+)""")
_IMPORT = re.compile(r"""(?:import|from)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")


@dataclass(frozen=True)
class Figure:
    """One measured request (or sequence), its baseline, and their ratio."""

    name: str
    requests: int
    bytes: int
    median_ms: float
    static_median_ms: float
    ratio: float


async def seed(store: OkrStore, objectives: int, checkins: int, mine: int) -> None:
    """A team of ``objectives`` active objectives owned by 100 people, ``mine`` of them member 0's.

    Written a statement at a time (SQLite's bulk create): the seed is not what is measured.
    """
    await store.save_tenant(Tenant(id=TENANT, name="Bench"))
    await store.save_team(Team(tenant_id=TENANT, id=TEAM, name="Bench team"))
    for n in range(PEOPLE):
        await store.save_member(
            Member(tenant_id=TENANT, id=f"29:p{n}", name=f"Person {n}", team_ids=(TEAM,))
        )
    entities: list[Objective | KeyResult] = []
    history: list[tuple[str, str, dict[str, Any]]] = []
    for n in range(objectives):
        owner = "29:p0" if n < mine else f"29:p{1 + n % (PEOPLE - 1)}"
        entities.append(
            Objective(
                tenant_id=TENANT,
                id=f"o{n}",
                title=f"Objective {n}: grow <the> business & more",
                owner_id=owner,
                period=PERIOD,
                state=ObjectiveState.ACTIVE,
                team_id=TEAM,
            )
        )
        for k in range(3):
            kr_id = f"o{n}-kr{k}"
            values = [Decimal(5 * (c + 1) + k) for c in range(checkins)]
            when = [NOW - timedelta(days=7 * (checkins - c)) for c in range(checkins)]
            entities.append(
                KeyResult(
                    tenant_id=TENANT,
                    id=kr_id,
                    objective_id=f"o{n}",
                    title=f"Key result {k} of {n}",
                    owner_id=owner,
                    kind=KeyResultKind.NUMBER,
                    start=Decimal(0),
                    target=Decimal(100),
                    current=values[-1] if values else Decimal(0),
                    unit="deals",
                    last_checkin_at=when[-1] if when else None,
                    last_status=CheckInStatus.ON_TRACK if values else None,
                    last_note="on its way" if values else "",
                )
            )
            for c in range(checkins):
                checkin = CheckIn(
                    tenant_id=TENANT,
                    id=f"{kr_id}-c{c}",
                    key_result_id=kr_id,
                    objective_id=f"o{n}",
                    author_id=owner,
                    value=values[c],
                    status=CheckInStatus.ON_TRACK,
                    recorded_at=when[c],
                    note="note",
                )
                history.append(("checkin", checkin.id, to_document(checkin)))
    await store.create_missing(TENANT, entities)
    if history:
        await store.backend.create_missing(TENANT, history)  # type: ignore[attr-defined]


def page_assets(static: Path) -> list[str]:
    """What a first visit loads, in the order found (paths under ``/tab/``)."""
    found: list[str] = []
    queue = ["index.html"]
    while queue:
        name = queue.pop(0)
        if name in found or not (static / name).is_file():
            continue
        found.append(name)
        text = (static / name).read_text(encoding="utf-8", errors="replace")
        pattern = _REFERENCE if name.endswith(".html") else _IMPORT
        for reference in pattern.findall(text) if name.endswith((".html", ".js")) else []:
            if "://" in reference or reference.startswith("//"):
                continue
            queue.append(urljoin(name, reference).lstrip("/").removeprefix("tab/"))
    return found


async def _timed(session: ClientSession, urls: list[str], headers: dict[str, str]) -> int:
    size = 0
    for url in urls:
        async with session.get(url, headers=headers) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"{url}: {response.status}")
            # The bytes on the wire: a gzipped answer's, not the JSON it decompresses to.
            size += int(response.headers.get(hdrs.CONTENT_LENGTH, len(body)))
    return size


async def _measure(
    session: ClientSession,
    urls: list[str],
    static_url: str,
    headers: dict[str, str],
    rounds: int,
) -> tuple[list[float], list[float], int]:
    measured, static = [], []
    size = 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = await _timed(session, urls, headers)
        measured.append(time.perf_counter() - start)
        start = time.perf_counter()
        await _timed(session, [static_url], {})
        static.append(time.perf_counter() - start)
    return measured, static, size


def _figure(
    name: str, requests: int, size: int, measured: list[float], static: list[float]
) -> Figure:
    median, base = statistics.median(measured), statistics.median(static)
    return Figure(name, requests, size, median * 1000, base * 1000, median / base)


async def run(
    objectives: int, checkins: int, mine: int, rounds: int, encoding: str = "gzip"
) -> list[Figure]:
    """Seed, serve, and measure the figures; the API is asked with ``Accept-Encoding: encoding``
    (``identity``: answers as they are)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        static = root / "static"
        shutil.copytree(tab.routes.STATIC_ROOT, static)
        settings = Settings.from_env(
            {
                "SQLITE_PATH": str(root / "bench.sqlite3"),
                "SCHEDULER": "off",
                "LOG_LEVEL": "WARNING",
            },
            env_file=None,
        )
        original, tab.routes.STATIC_ROOT = tab.routes.STATIC_ROOT, static
        try:
            app = build_app(settings, clock=lambda: NOW)
        finally:
            tab.routes.STATIC_ROOT = original
        server = TestServer(app, host="127.0.0.1", port=0)
        await server.start_server()
        try:
            await seed(app[STORE_KEY], objectives, checkins, mine)
            async with ClientSession() as session:
                url = str(server.make_url("/"))
                return await _figures(session, url, static, rounds, encoding)
        finally:
            await server.close()


async def _figures(
    session: ClientSession, base: str, static: Path, rounds: int, encoding: str
) -> list[Figure]:
    async with session.post(
        base + "api/tab/dev/sign-in", json={"tenant_id": TENANT, "member_id": "29:p0"}
    ) as response:
        token = (await response.json())["token"]
    signed = {"Authorization": f"Bearer {token}", "Accept-Encoding": encoding}

    def same_size(name: str, size: int) -> str:
        (static / name).write_bytes(b"x" * size)
        return base + "tab/" + name

    team_url = base + f"api/tab/okrs?view=team&team={TEAM}"
    pages = [team_url]
    while True:
        async with session.get(pages[-1], headers=signed) as response:
            following = (await response.json())["next_offset"]
        if following is None:
            break
        pages.append(f"{team_url}&offset={following}")
    size = await _timed(session, [team_url], signed)  # also warms the app up
    same = same_size("team.bin", size)

    measured, baseline, _ = await _measure(session, [team_url], same, signed, rounds)
    team = _figure("team API call", 1, size, measured, baseline)
    first = f"{team_url}&limit={FIRST_PAGE}"
    size = await _timed(session, [first], signed)
    measured, baseline, _ = await _measure(
        session, [first], same_size("team-first.bin", size), signed, rounds
    )
    team_first = _figure(f"team, the page's first {FIRST_PAGE}", 1, size, measured, baseline)
    size = await _timed(session, pages, signed)
    measured, baseline, _ = await _measure(
        session, pages, same_size("team-pages.bin", size), signed, rounds
    )
    every_page = _figure("team, every page", len(pages), size, measured, baseline)
    assets = [base + "tab/" + name for name in page_assets(static)]
    first_load = [*assets, base + "api/tab/session", base + "api/tab/okrs?view=my"]
    size = await _timed(session, first_load, signed)
    measured, baseline, _ = await _measure(
        session, first_load, same_size("first-load.bin", size), signed, rounds
    )
    personal = _figure("personal tab, first load", len(first_load), size, measured, baseline)
    return [team, team_first, every_page, personal]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally save) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--checkins", type=int, default=4, help="per key result")
    parser.add_argument("--mine", type=int, default=5, help="objectives the person owns")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-gzip", action="store_true", help="ask the API for answers as they are, not gzipped"
    )
    args = parser.parse_args(argv)
    encoding = "identity" if args.no_gzip else "gzip"
    figures = asyncio.run(run(args.objectives, args.checkins, args.mine, args.rounds, encoding))
    columns = ("requests", "bytes", "median ms", "static ms")
    print(f"{'what':<28} " + " ".join(f"{c:>10}" for c in columns) + f" {'ratio':>7}")
    for f in figures:
        print(
            f"{f.name:<28} {f.requests:>10} {f.bytes:>10} {f.median_ms:>10.1f} "
            f"{f.static_median_ms:>10.2f} {f.ratio:>7.1f}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "objectives": args.objectives,
                    "checkins_per_key_result": args.checkins,
                    "rounds": args.rounds,
                    "accept_encoding": encoding,
                    "figures": [asdict(f) for f in figures],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
