"""What the operator-command tests share: the tenant, the sample file, running ``app.py``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

from okr.models import Member, Team, Tenant
from storage.sqlite import SqliteBackend
from storage.store import OkrStore

ROOT = Path(__file__).resolve().parents[2]
TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
TEAM = "19:team@thread.tacv2"
# Lines 2-7; the tests refer to line numbers of this file.
GOOD = (Path(__file__).parent / "good_okrs.csv").read_text(encoding="utf-8")


def app(
    db: Path, *args: str, env: dict[str, str] | None = None, stdout: IO[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python app.py ARGS`` on the SQLite file ``db``, as an operator would.

    ``stdout`` replaces the captured standard output (e.g. with ``/dev/full``).
    """
    environment = {**os.environ, "SQLITE_PATH": str(db), "LOG_FORMAT": "plain", **(env or {})}
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=environment,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )


async def seed(store: OkrStore) -> OkrStore:
    """The tenant and team the bot was installed in, with An and Binh known."""
    await store.save_tenant(Tenant(id=TENANT))
    await store.save_team(Team(tenant_id=TENANT, id=TEAM, name="Sales"))
    for member_id, email in (
        ("29:an", "An@Contoso.example"),
        ("29:binh", "binh@contoso.example"),
    ):
        await store.save_member(Member(tenant_id=TENANT, id=member_id, email=email, name=member_id))
    return store


def seed_file(db: Path) -> None:
    """:func:`seed` the SQLite file ``db`` (for tests that run ``app.py``)."""

    async def run() -> None:
        async with OkrStore(SqliteBackend(db)) as store:
            await seed(store)

    asyncio.run(run())
