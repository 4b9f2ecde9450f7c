"""Build the delivery engine with the Teams sender, for the app and for ``run``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

from bot.proactive import TeamsSender, build_sender
from bot.roster_retry import RosterRetry
from bot.summary_updates import SummaryUpdates
from cards.deliveries import DeliveryCards
from scheduling.rounds import DeliveryEngine
from scheduling.scheduler import PassScheduler
from scheduling.summaries import SummaryRefresh
from scheduling.throttle import TeamsRateLimiter
from settings import Settings
from storage.store import OkrStore


def _engine(
    settings: Settings,
    store: OkrStore,
    sender: TeamsSender,
    progress: Callable[[str], None] | None = None,
) -> DeliveryEngine:
    return DeliveryEngine(
        store,
        sender,
        composer=DeliveryCards(),
        instance=settings.instance_name,
        wall_clock=lambda: datetime.now(UTC),
        progress=progress,
    )


@contextlib.asynccontextmanager
async def delivery_engine(
    settings: Settings,
    store: OkrStore,
    *,
    progress: Callable[[str], None] | None = None,
) -> AsyncIterator[DeliveryEngine]:
    """An engine sending through Teams within its limits; the sender closes on exit."""
    async with build_sender(settings, TeamsRateLimiter()) as sender:
        yield _engine(settings, store, sender, progress)


@contextlib.asynccontextmanager
async def app_scheduler(
    settings: Settings, store: OkrStore, limiter: TeamsRateLimiter | None = None
) -> AsyncIterator[PassScheduler]:
    """The app's scheduler: every pass, and rosters that could not be read at install.

    ``limiter``: the process's rate limiter, shared with its other senders.
    """
    async with build_sender(settings, limiter or TeamsRateLimiter()) as sender:
        yield PassScheduler(
            _engine(settings, store, sender),
            interval=timedelta(seconds=settings.scheduler_interval_seconds),
            tasks={"rosters": RosterRetry(store, sender)},
        )


def summary_updates(
    settings: Settings, store: OkrStore, limiter: TeamsRateLimiter
) -> tuple[SummaryUpdates, TeamsSender]:
    """Late answers update the owners' summaries in the background; close the sender after."""
    sender = build_sender(settings, limiter)
    refresh = SummaryRefresh(store, sender, composer=DeliveryCards())
    return SummaryUpdates(refresh), sender
