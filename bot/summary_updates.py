"""Late answers update the team owners' summary, off the request's path.

A check-in handler tells :class:`SummaryUpdates` which round it recorded
into (``Turn.round_changed``) and answers the person at once; the update runs
as a background task (:class:`scheduling.summaries.SummaryRefresh`). One task
per round at a time: answers that arrive while it runs make it run once more,
so the last update reads the last answer. Failures are logged, never lost
silently; the app waits for running updates when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from storage.errors import StoreUnavailableError

log = logging.getLogger("okr.summaries")

Refresh = Callable[[str, str], Awaitable[int]]


class SummaryUpdates:
    """Runs summary refreshes in the background, one at a time per round."""

    def __init__(self, refresh: Refresh) -> None:
        """Run ``refresh(tenant_id, round_id)`` for each round told about."""
        self._refresh = refresh
        self._running: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._again: set[tuple[str, str]] = set()

    def round_changed(self, tenant_id: str, round_id: str) -> None:
        """A check-in of ``round_id`` was recorded: update what was sent about the round."""
        key = (tenant_id, round_id)
        if key in self._running:
            self._again.add(key)  # the running update may have read before this answer
            return
        self._running[key] = asyncio.create_task(self._run(key))

    async def _run(self, key: tuple[str, str]) -> None:
        try:
            while True:
                self._again.discard(key)
                try:
                    await self._refresh(*key)
                except StoreUnavailableError as exc:
                    log.warning("summary of round %s not updated: %s", key[1], exc)
                except Exception:
                    log.exception("summary of round %s not updated", key[1])
                if key not in self._again:
                    return
        finally:
            self._running.pop(key, None)

    async def settled(self) -> None:
        """Return once no update is running (tests; shutdown)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def close(self, timeout_s: float) -> None:
        """Let running updates finish within ``timeout_s``, then cancel the rest."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self.settled()
        for task in list(self._running.values()):
            task.cancel()
            log.warning("a summary update was cancelled at shutdown")
