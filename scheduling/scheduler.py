"""APScheduler drives passes of the delivery engine inside the app.

APScheduler only says "run a pass now" every interval; what is due and what was
sent is decided from storage by the engine, so its in-memory job store can be
lost at any time (restart, crash, several instances) without skipping or
repeating anyone. APScheduler's own FAQ: job stores must never be shared
between processes; we share nothing but our own storage.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduling.rounds import DeliveryEngine, PassKind

log = logging.getLogger("okr.scheduling")

# Other work the scheduler repeats every interval (e.g. rosters to read again), by name.
Task = Callable[[datetime], Awaitable[object]]


class PassScheduler:
    """Runs every pass kind, and each of ``tasks``, every ``interval``."""

    def __init__(
        self,
        engine: DeliveryEngine,
        *,
        interval: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tasks: Mapping[str, Task] | None = None,
    ) -> None:
        self._engine = engine
        self._tasks = dict(tasks or {})
        self._clock = clock
        self._interval = interval
        if not log.isEnabledFor(logging.DEBUG):
            # APScheduler logs every run at INFO; our own pass lines say what matters.
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            # One pass of a kind at a time; a late pass runs once, not once per missed tick.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def start(self) -> None:
        """Schedule both passes; the first runs right away."""
        for kind in PassKind:
            self._scheduler.add_job(
                self.run_pass,
                IntervalTrigger(seconds=self._interval.total_seconds(), timezone=UTC),
                args=[kind],
                id=f"pass-{kind.value}",
                next_run_time=datetime.now(UTC),
            )
        for name in self._tasks:
            self._scheduler.add_job(
                self.run_task,
                IntervalTrigger(seconds=self._interval.total_seconds(), timezone=UTC),
                args=[name],
                id=f"task-{name}",
                next_run_time=datetime.now(UTC),
            )
        self._scheduler.start()
        log.info("scheduler started: passes every %s", self._interval)

    async def run_pass(self, kind: PassKind) -> None:
        """One pass; failures are logged, never raised into APScheduler."""
        try:
            counts = await self._engine.run(kind, self._clock())
        except Exception:
            log.exception("%s pass failed", kind.value)
            return
        if counts.sent or counts.failed or counts.unreachable or counts.errors:
            log.info("%s pass: %s", kind.value, counts.line())

    async def run_task(self, name: str) -> None:
        """One run of a task; failures are logged, never raised into APScheduler."""
        try:
            await self._tasks[name](self._clock())
        except Exception:
            log.exception("%s task failed", name)

    def shutdown(self) -> None:
        """Stop scheduling (a running pass finishes on its own)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
