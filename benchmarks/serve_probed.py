"""Serve the app (or the echo bot) with the latency benchmark's instruments attached.

``python -m benchmarks.serve_probed app`` builds the real app with
``app.build_app(Settings.from_env())`` (so the environment chooses storage,
local mode and the scheduler as for ``python app.py``);
``python -m benchmarks.serve_probed echo`` serves :mod:`benchmarks.echo_bot`.
Either listens on 127.0.0.1 and a free port and prints one JSON line,
``{"url": "http://127.0.0.1:PORT/", "pid": PID}``, once it accepts requests.

Instruments, on two extra routes:

* an **event-loop lag probe**: a task sleeps 10 ms again and again and records
  how late it wakes; a late wake-up is a stall every request waiting on the
  loop shared;
* the **longest single callback** the loop ran (a task's step, an I/O
  callback), and how many took over 50 ms: a stall, where the lag under a
  saturating load is mostly queueing;
* for the app, the **store's document operations** (point reads, queries,
  writes; :class:`storage.counting.CountingBackend` around the backend);
* with ``--profile PATH``, **cProfile** of the whole process while measuring.

``POST /probe/start`` (body ``{"profile": bool}``) forgets what was recorded
and starts; ``POST /probe/stop`` answers the figures since the start
(``lag_max_ms``, ``lag_p99_ms``, ``wakeups``, ``callback_max_ms``,
``callbacks_over_50ms``, ``store``) and writes the profile
if one was running. Serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

INTERVAL_S = 0.010


class LagProbe:
    """How late a 10 ms sleep wakes up, recorded while the loop serves requests."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sampling on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop sampling."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.interval_s)
            self.lags.append(loop.time() - asked - self.interval_s)

    def figures(self) -> dict[str, float]:
        """Worst and 99th-percentile lag (ms) since the last reset."""
        lags = sorted(self.lags)
        if not lags:
            return {"lag_max_ms": 0.0, "lag_p99_ms": 0.0, "wakeups": 0}
        p99 = lags[min(len(lags) - 1, int(0.99 * len(lags)))]
        return {"lag_max_ms": 1000 * lags[-1], "lag_p99_ms": 1000 * p99, "wakeups": len(lags)}


class CallbackTimer:
    """The longest single callback the event loop ran: a stall, told apart from queueing.

    Under a saturating load the lag probe waits behind every request queued
    before it; this times each callback (a task's step, an I/O callback)
    around ``asyncio.events.Handle._run``, so one long block shows as itself.
    """

    def __init__(self) -> None:
        self.longest_s = 0.0
        self.over_50ms = 0

    def install(self) -> None:
        """Time every callback from now on (this process's loops)."""
        original = asyncio.events.Handle._run
        timer = self

        def timed(handle: asyncio.events.Handle) -> None:
            start = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - start
                if took > timer.longest_s:
                    timer.longest_s = took
                if took > 0.050:
                    timer.over_50ms += 1

        asyncio.events.Handle._run = timed  # type: ignore[method-assign,assignment]

    def reset(self) -> None:
        self.longest_s, self.over_50ms = 0.0, 0


class Instruments:
    """The probe, the optional store counter and the optional profiler of one process."""

    def __init__(self, profile: Path | None, counting: Any = None) -> None:
        self.probe = LagProbe()
        self.callbacks = CallbackTimer()
        self.callbacks.install()
        self.profile_path = profile
        self.profiler: cProfile.Profile | None = None
        self.counting = counting  # a CountingBackend, for the app

    def start(self, profile: bool) -> None:
        self.probe.lags.clear()
        self.callbacks.reset()
        if self.counting is not None:
            self.counting.reset()
        if profile and self.profile_path is not None:
            self.profiler = cProfile.Profile()
            self.profiler.enable()

    def stop(self) -> dict[str, Any]:
        if self.profiler is not None and self.profile_path is not None:
            self.profiler.disable()
            self.profiler.dump_stats(self.profile_path)
            self.profiler = None
        figures: dict[str, Any] = dict(self.probe.figures())
        figures["callback_max_ms"] = 1000 * self.callbacks.longest_s
        figures["callbacks_over_50ms"] = self.callbacks.over_50ms
        if self.counting is not None:
            counts = self.counting.counts
            figures["store"] = {
                "point_reads": counts.point_reads,
                "queries": counts.queries,
                "writes": counts.writes,
                "by_method": dict(counts.by_method),
            }
        return figures


INSTRUMENTS_KEY = web.AppKey("instruments", Instruments)


async def _start(request: web.Request) -> web.Response:
    body = await request.json() if request.can_read_body else {}
    request.app[INSTRUMENTS_KEY].start(bool(body.get("profile")))
    return web.json_response({"ok": True})


async def _stop(request: web.Request) -> web.Response:
    return web.json_response(request.app[INSTRUMENTS_KEY].stop())


def build(target: str, profile: Path | None) -> web.Application:
    """The app or the echo bot, with the probe routes and the instruments."""
    if target == "echo":
        from benchmarks.echo_bot import build_echo_app

        application = build_echo_app()
        instruments = Instruments(profile)
    else:
        import app as app_module
        from bot.logs import configure_logging
        from settings import Settings
        from storage.backend import DocumentBackend
        from storage.cosmos import CosmosBackend
        from storage.counting import CountingBackend, counting
        from storage.factory import backend_from_settings
        from storage.store import OkrStore

        settings = Settings.from_env(env_file=None)
        configure_logging(settings.log_format, settings.log_level)
        counted: CountingBackend | None = None

        def counted_store(settings: Settings, **kwargs: Any) -> OkrStore:
            nonlocal counted
            backend: DocumentBackend = backend_from_settings(settings, **kwargs)
            if settings.storage == "cosmos":
                # The local Cosmos-compatible server is one endpoint: no region discovery
                # (as in the tests), otherwise what the settings say.
                assert settings.cosmos_endpoint is not None
                backend = CosmosBackend(
                    endpoint=settings.cosmos_endpoint,
                    key=settings.cosmos_key,
                    database=settings.cosmos_database,
                    container=settings.cosmos_container,
                    verify_tls=settings.cosmos_verify_tls,
                    endpoint_discovery=False,
                    **kwargs,
                )
            # What the backend does (SQLite creates a card's check-ins in one statement).
            wrapped = counting(backend)
            if counted is None:  # the turns' store (built first), not a pass's
                counted = wrapped
            return OkrStore(wrapped)

        app_module.store_from_settings = counted_store  # type: ignore[attr-defined]
        application = app_module.build_app(settings)
        # As `python app.py` serves it (app.main).
        application.on_startup.append(app_module.freeze_start_up_objects)
        instruments = Instruments(profile, counted)
    application[INSTRUMENTS_KEY] = instruments
    application.router.add_post("/probe/start", _start)
    application.router.add_post("/probe/stop", _stop)
    return application


async def serve(target: str, profile: Path | None) -> None:
    """Serve until a signal; print the URL line once listening."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    application = build(target, profile)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    instruments = application[INSTRUMENTS_KEY]
    instruments.probe.start()
    port = runner.addresses[0][1]
    print(json.dumps({"url": f"http://127.0.0.1:{port}/", "pid": os.getpid()}), flush=True)
    try:
        await stop.wait()
    finally:
        await instruments.probe.stop()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=("app", "echo"))
    parser.add_argument("--profile", type=Path, help="where /probe/stop writes the cProfile")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(args.target, args.profile))


if __name__ == "__main__":
    main(sys.argv[1:])
