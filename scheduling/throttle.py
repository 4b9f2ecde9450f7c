"""Teams' rate limits for proactive messages, kept by one object per process.

Teams allows an app at most 50 requests per second per tenant, and at most
7 per second, 8 per 2 seconds and 60 per 30 seconds into one conversation.
:class:`TeamsRateLimiter` holds every send of the process to all of those
windows at once, so that several tenants are served in parallel, each within
its own limit.

How it stays exact: each tenant and each conversation keeps the times of its
recent requests; a request may go at ``now`` when, for every window of
``limit`` requests per ``seconds``, the ``limit``-th most recent request is at
least ``seconds`` old. Waiters queue on a FIFO lock per conversation, then per
tenant, so only the head of each queue sleeps (no thundering herd when
thousands of sends wait for one tenant) and the time is recorded in both
histories at once, after both have been checked. Pure asyncio: the clock and
the sleep are injected, so tests run in virtual time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from contextlib import AsyncExitStack
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` requests in any ``seconds``-long stretch of time."""

    limit: int
    seconds: float


# Teams' documented bot limits.
TENANT_WINDOWS = (Window(50, 1.0),)
CONVERSATION_WINDOWS = (Window(7, 1.0), Window(8, 2.0), Window(60, 30.0))

# Teams counts a request when it arrives, we when we send it; the network between
# adds jitter, so by default each window is held this much longer than documented.
DEFAULT_MARGIN = 0.05

# Stale histories are dropped every so many grants (at least), to bound memory on
# rounds that touch tens of thousands of one-off conversations.
_SWEEP_EVERY = 1024


class _History:
    """Recent request times of one tenant or one conversation, and its queue."""

    __slots__ = ("lock", "times", "users", "windows")

    def __init__(self, windows: tuple[Window, ...]) -> None:
        self.windows = windows
        self.times: deque[float] = deque()
        self.lock = asyncio.Lock()
        self.users = 0  # acquirers holding a reference: never swept while > 0

    def ready_at(self, now: float, margin: float, horizon: float) -> float:
        """The earliest instant >= ``now`` at which one more request fits every window."""
        times = self.times
        while times and times[0] + horizon <= now:
            times.popleft()
        ready = now
        for window in self.windows:
            if len(times) >= window.limit:
                ready = max(ready, times[-window.limit] + window.seconds + margin)
        return ready


class TeamsRateLimiter:
    """Every proactive request of the process waits here for its turn.

    Build one in ``app.py`` and hand it to every sender; it is not tied to an
    event loop until first used.

    Attributes:
        granted: Requests let through so far (for statistics and tests).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        tenant_windows: tuple[Window, ...] = TENANT_WINDOWS,
        conversation_windows: tuple[Window, ...] = CONVERSATION_WINDOWS,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        """Create a limiter.

        Args:
            clock: Monotonic seconds.
            sleep: Waits that many seconds of ``clock``.
            tenant_windows: Limits per tenant (all conversations of the tenant).
            conversation_windows: Limits per conversation.
            margin: Seconds added to every window, for network jitter (0 in
                virtual-time tests).
        """
        if margin < 0:
            raise ValueError("margin must not be negative")
        self._clock = clock
        self._sleep = sleep
        self._tenant_windows = tenant_windows
        self._conversation_windows = conversation_windows
        self._margin = margin
        longest = max(w.seconds for w in (*tenant_windows, *conversation_windows))
        self._horizon = longest + margin
        self._tenants: dict[str, _History] = {}
        self._conversations: dict[tuple[str, str], _History] = {}
        self._since_sweep = 0
        self._sweep_after = _SWEEP_EVERY
        self.granted = 0

    async def acquire(self, tenant_id: str, conversation_id: str | None = None) -> float:
        """Wait until one request for the tenant (and conversation) fits, and count it.

        Args:
            tenant_id: The tenant the request is for.
            conversation_id: The conversation it goes into; None for requests
                that are not in a conversation (creating one).

        Returns:
            The seconds waited.
        """
        started = self._clock()
        tenant = self._history(self._tenants, tenant_id, self._tenant_windows)
        conversation = (
            self._history(
                self._conversations, (tenant_id, conversation_id), self._conversation_windows
            )
            if conversation_id is not None
            else None
        )
        try:
            async with AsyncExitStack() as held:
                # Conversation first, then tenant, always: no lock-order cycles. While the
                # conversation lock is held nobody else records into it, and time only moves
                # forward, so it is still ready after the wait for the tenant.
                if conversation is not None:
                    await held.enter_async_context(conversation.lock)
                    await self._wait(conversation)
                await held.enter_async_context(tenant.lock)
                await self._wait(tenant)
                now = self._clock()
                tenant.times.append(now)
                if conversation is not None:
                    conversation.times.append(now)
                self.granted += 1
        finally:
            tenant.users -= 1
            if conversation is not None:
                conversation.users -= 1
        self._maybe_sweep()
        return now - started

    def _history[K: Hashable](
        self, histories: dict[K, _History], key: K, windows: tuple[Window, ...]
    ) -> _History:
        history = histories.get(key)
        if history is None:
            history = histories[key] = _History(windows)
        history.users += 1
        return history

    async def _wait(self, history: _History) -> None:
        while True:
            now = self._clock()
            ready = history.ready_at(now, self._margin, self._horizon)
            if ready <= now:
                return
            await self._sleep(ready - now)

    def _maybe_sweep(self) -> None:
        self._since_sweep += 1
        if self._since_sweep < self._sweep_after:
            return
        now = self._clock()
        self._sweep(self._conversations, now)
        self._sweep(self._tenants, now)
        # Next sweep after as many grants as histories remain: amortised O(1) per grant.
        self._since_sweep = 0
        self._sweep_after = max(_SWEEP_EVERY, len(self._conversations))

    def _sweep[K: Hashable](self, histories: dict[K, _History], now: float) -> None:
        stale = [
            key
            for key, history in histories.items()
            if history.users == 0
            and (not history.times or history.times[-1] + self._horizon <= now)
        ]
        for key in stale:
            del histories[key]

    @property
    def tracked(self) -> int:
        """Tenants and conversations with a history in memory (for memory tests)."""
        return len(self._tenants) + len(self._conversations)
