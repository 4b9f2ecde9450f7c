"""Build the delivery engine with the Teams sender, for the app and for ``run``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from bot.proactive import build_sender
from scheduling.rounds import DeliveryEngine
from scheduling.throttle import TeamsRateLimiter
from settings import Settings
from storage.store import OkrStore


@contextlib.asynccontextmanager
async def delivery_engine(
    settings: Settings,
    store: OkrStore,
    *,
    progress: Callable[[str], None] | None = None,
) -> AsyncIterator[DeliveryEngine]:
    """An engine sending through Teams within its limits; the sender closes on exit."""
    async with build_sender(settings, TeamsRateLimiter()) as sender:
        yield DeliveryEngine(
            store,
            sender,
            instance=settings.instance_name,
            wall_clock=lambda: datetime.now(UTC),
            progress=progress,
        )
