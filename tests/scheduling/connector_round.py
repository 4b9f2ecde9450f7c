"""A check-in round that goes over real HTTP to the local connector service.

Builds on :func:`tests.scheduling.test_rounds.seed` (a tenant, a team, owners
with one key result each and last week's round already delivered) and points
the team at the connector. Reads back who received what, holds requests
unanswered on demand, and runs ``python app.py run ...`` as a separate process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from okr.models import ConversationKind, ConversationRef
from storage.store import OkrStore
from tests.connector import Call, Connector, Member
from tests.scheduling.test_rounds import MONDAY_HCM_10, TEAM, TENANT, seed

__all__ = ["MONDAY_HCM_10", "TEAM", "TENANT"]

ROOT = Path(__file__).resolve().parents[2]
BOT_ID = "28:bot"
_CLI_LIMIT_S = 30.0
_SUMMARY = re.compile(
    r"^(checkins|reminders|digests) at \S+: sent=(?P<sent>\d+) skipped=(?P<skipped>\d+) "
    r"failed=(?P<failed>\d+) unreachable=(?P<unreachable>\d+) retried=(?P<retried>\d+) "
    r"busy_teams=(?P<busy_teams>\d+)$",
    re.MULTILINE,
)


async def seed_round(
    store: OkrStore, connector: Connector, owners: int, *, with_chat: Collection[str] = ()
) -> list[str]:
    """Seed ``owners`` owners whose team talks to ``connector``; return who is due at 10:00 HCM.

    Binh (Vietnamese) and ``p0 .. p{owners-3}`` live in Ho Chi Minh City and are
    due at :data:`MONDAY_HCM_10`; Alice (Los Angeles) is not. Members in
    ``with_chat`` already have a 1:1 chat with the bot (``a:chat-<id>``), known
    to the connector; the others have none yet.
    """
    await seed(store, owners=owners)
    channel = await store.get_conversation(TENANT, TEAM)
    assert channel is not None
    await store.save_conversation(dataclasses.replace(channel, service_url=connector.url))
    for member_id in with_chat:
        chat_id = f"a:chat-{member_id}"
        await store.save_conversation(
            ConversationRef(
                tenant_id=TENANT,
                id=member_id,
                kind=ConversationKind.PERSONAL,
                conversation_id=chat_id,
                service_url=connector.url,
                bot_id=BOT_ID,
                member_id=member_id,
            )
        )
        connector.conversation_members[chat_id] = [Member(member_id, member_id, "")]
        connector.conversation_tenants[chat_id] = TENANT
    return ["binh"] + [f"p{i}" for i in range(owners - 2)]


def owner_of(connector: Connector, call: Call) -> str:
    """The one person in the 1:1 conversation a send went into."""
    assert call.conversation_id is not None
    [member] = connector.conversation_members[call.conversation_id]
    return member.id


def cards_per_owner(connector: Connector, calls: list[Call] | None = None) -> Counter[str]:
    """How many cards went through to each person (``calls``: those delivered, by default)."""
    delivered = connector.delivered() if calls is None else calls
    return Counter(owner_of(connector, call) for call in delivered)


class Gate:
    """A connector policy: the first ``opened`` sends go through, then every request waits.

    Held requests are never answered until :meth:`release`, which answers them
    with 503 (too late for anyone to read it) and lets later requests through.
    """

    def __init__(self, opened: int) -> None:
        self._remaining = opened
        self._released = asyncio.Event()
        self.held: list[Call] = []

    def __call__(self, call: Call) -> Awaitable[web.StreamResponse] | None:
        if self._released.is_set():
            return None
        if call.route == "send_to_conversation" and self._remaining > 0:
            self._remaining -= 1
            return None
        self.held.append(call)
        return self._hold()

    async def _hold(self) -> web.StreamResponse:
        await self._released.wait()
        return web.json_response({"error": {"code": "ServiceError"}}, status=503)

    def release(self) -> None:
        """Answer every held request with an error and let the rest through."""
        self._released.set()


@dataclass(frozen=True)
class CliRun:
    """How ``python app.py ...`` ended."""

    returncode: int
    stdout: str
    stderr: str

    def summary(self) -> dict[str, int]:
        """The counts of the pass's summary line (the test fails without one)."""
        found = _SUMMARY.search(self.stdout)
        assert found, f"no summary line in {self.stdout!r} (stderr: {self.stderr[-2000:]!r})"
        return {k: int(v) for k, v in found.groupdict().items()}


async def start_cli(
    sqlite_path: Path, *args: str, env: Mapping[str, str] | None = None
) -> asyncio.subprocess.Process:
    """Start ``python app.py ARGS`` in local mode on ``sqlite_path`` (no .env, no credentials).

    ``env`` adds to or overrides the few variables set (e.g. ``SCHEDULER=on`` to serve).
    """
    env = {
        "PATH": "/usr/bin:/bin",
        "SQLITE_PATH": str(sqlite_path),
        "LOG_FORMAT": "plain",
        "SCHEDULER": "off",
        **(env or {}),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "app.py",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish_cli(process: asyncio.subprocess.Process) -> CliRun:
    """Wait for the process to end (killing it after a generous limit) and collect its output."""
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), _CLI_LIMIT_S)
    except TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
        raise AssertionError(
            f"app.py did not finish in {_CLI_LIMIT_S} s: {stderr.decode()[-2000:]}"
        ) from None
    assert process.returncode is not None
    return CliRun(process.returncode, stdout.decode(), stderr.decode())


async def run_cli(sqlite_path: Path, *args: str) -> CliRun:
    """Run ``python app.py ARGS`` to the end."""
    return await finish_cli(await start_cli(sqlite_path, *args))
