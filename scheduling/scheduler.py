"""APScheduler drives passes of the delivery engine inside the app.

APScheduler only says "run a pass now" every interval; what is due and what was
sent is decided from storage by the engine, so its in-memory job store can be
lost at any time (restart, crash, several instances) without skipping or
repeating anyone. APScheduler's own FAQ: job stores must never be shared
between processes; we share nothing but our own storage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduling.rounds import DeliveryEngine, PassKind
from storage.errors import StoreUnavailableError

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
        self._running: set[asyncio.Task[object]] = set()  # passes and tasks now running
        if not log.isEnabledFor(logging.DEBUG):
            # APScheduler logs every run at INFO; our own pass lines say what matters.
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            # One pass of a kind at a time; a late pass runs once, not once per missed tick.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def start(self) -> None:
        """Schedule every pass kind (check-ins, reminders, digests); the first runs right away."""
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
        with self._tracked():
            try:
                counts = await self._engine.run(kind, self._clock())
            except StoreUnavailableError as exc:
                log.warning("%s pass skipped: %s", kind.value, exc)
                return
            except Exception:
                log.exception("%s pass failed", kind.value)
                return
        if counts.sent or counts.failed or counts.unreachable or counts.errors:
            log.info("%s pass: %s", kind.value, counts.line())

    async def run_task(self, name: str) -> None:
        """One run of a task; failures are logged, never raised into APScheduler."""
        with self._tracked():
            try:
                await self._tasks[name](self._clock())
            except StoreUnavailableError as exc:
                log.warning("%s task skipped: %s", name, exc)
            except Exception:
                log.exception("%s task failed", name)

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            yield
        finally:
            self._running.discard(task)

    async def stop(self, grace: float, cancelled_grace: float = 5.0) -> None:
        """Stop scheduling, and end the running passes cleanly before the store closes.

        Running passes finish the cards they have in flight, record them and
        release their leases (:meth:`DeliveryEngine.stop`), so the next
        instance continues at once. Whatever still runs after ``grace`` seconds
        (a send waiting out Teams' throttling) is cancelled; it still releases
        its leases on the way out (up to ``cancelled_grace`` seconds more), and
        its cards in flight stay PENDING for the next pass to resume.

        Args:
            grace: Seconds running work may take to end by itself.
            cancelled_grace: Seconds cancelled work may take to clean up.
        """
        self._engine.stop()
        if self._scheduler.running:
            # No new runs; unlike shutdown(), pausing does not cancel the running ones.
            self._scheduler.pause()
        running = set(self._running)
        if running:
            log.info("waiting up to %g s for %d running pass(es) to end", grace, len(running))
            _, late = await asyncio.wait(running, timeout=grace)
            if late:
                log.warning("cancelling %d pass(es) still running after %g s", len(late), grace)
                for task in late:
                    task.cancel()
                await asyncio.wait(late, timeout=cancelled_grace)
        self.shutdown()

    def shutdown(self) -> None:
        """Stop scheduling at once; APScheduler cancels what is running (see :meth:`stop`)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
