"""One repair of a backend's connections at a time, run in the background.

A backend that finds its connection broken (a SQLite file deleted, a Cosmos
client that timed out) repairs it before the next call. The repair may take
longer than one call's deadline (copying a database, creating a container), so
it runs as a task of its own: every call that needs it waits up to its own
deadline, and the first to find none running starts it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from storage.errors import StoreUnavailableError

log = logging.getLogger("okr.storage")


class Repair:
    """Runs ``repair`` in the background when a call needs it, one at a time.

    Args:
        what: What is repaired, for messages ("Cosmos DB", a file's path).
        repair: Reconnects; raises if it cannot. A failed repair is logged and
            forgotten: the next call that needs one starts it again.
    """

    def __init__(self, what: str, repair: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._what = what
        self._repair = repair
        self._task: asyncio.Task[None] | None = None

    async def wait(self, deadline: float) -> None:
        """Start the repair unless it is running, and wait for it until ``deadline`` (monotonic).

        Raises:
            StoreUnavailableError: it failed, or was not done by the deadline.
        """
        if self._task is None:
            self._task = asyncio.create_task(self._repair())
            self._task.add_done_callback(self._done)
        try:
            async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                await asyncio.shield(self._task)
        except TimeoutError:
            raise StoreUnavailableError(f"{self._what} is being reconnected") from None
        except Exception as exc:
            raise StoreUnavailableError(f"{self._what} could not be reconnected: {exc}") from exc

    def cancel(self) -> None:
        """Stop a repair in progress (the backend is closing)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _done(self, task: asyncio.Task[None]) -> None:
        if self._task is task:
            self._task = None
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.warning("%s could not be reconnected: %s", self._what, exc)
