"""Wiring only: read settings, build the store, the bot and its features, mount routes, serve.

``python app.py`` serves the bot on its embedded defaults (SQLite, no
credentials, 127.0.0.1:3978).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime

from aiohttp import web

import bot.browsing
import bot.checkin
import bot.closing
import bot.going_back
import bot.help
import bot.initiatives
import bot.key_results
import bot.kpis
import bot.objectives
import bot.reports
import bot.round_actions
import bot.team_settings
import cli.main
from bot.agent import OkrAgent
from bot.delivery import app_scheduler, summary_updates
from bot.features import Features
from bot.hosting import messages_app
from bot.logs import configure_logging
from bot.summary_updates import SummaryUpdates
from cards.tab_links import TabLinks
from okr.text import fold
from scheduling.throttle import TeamsRateLimiter
from settings import CLIENT_ID, Settings, SettingsError
from storage.backend import PASS_DEADLINE_S
from storage.errors import StoreUnavailableError
from storage.factory import store_from_settings
from storage.store import OkrStore
from tab.routes import mount_tab

SETTINGS_KEY = web.AppKey("settings", Settings)
STORE_KEY = web.AppKey("store", OkrStore)
SUMMARIES_KEY = web.AppKey("summaries", SummaryUpdates)

# Each feature module registers its commands and card verbs (see bot/features.py).
FEATURES: tuple[Callable[[Features], None], ...] = (
    bot.help.register,
    bot.objectives.register,
    bot.key_results.register,
    bot.initiatives.register,
    bot.kpis.register,
    bot.browsing.register,
    bot.going_back.register,
    bot.checkin.register,
    bot.reports.register,
    bot.closing.register,
    bot.round_actions.register,
    bot.team_settings.register,
)

log = logging.getLogger("okr.app")

# Shutdown must end before the platform kills the process: Container Apps sends
# SIGKILL 30 s after SIGTERM (terminationGracePeriodSeconds, its default, set in
# infra/main.bicep), and aiohttp would wait 60 s for requests alone. Requests in
# flight get 10 s; then a scheduler pass gets 10 s to finish its cards in flight
# and release its leases, and 5 s more if it has to be cancelled: 25 s at most,
# the rest is for closing the store.
SHUTDOWN_TIMEOUT_S = 10.0
PASS_GRACE_S = 10.0
PASS_CANCELLED_GRACE_S = 5.0
# Updates of owners' summaries (late answers) get this long to finish at shutdown.
SUMMARY_GRACE_S = 5.0

# /readyz answers within 2 s whatever storage does; the store's own ping
# deadline is shorter, this is the backstop.
_READYZ_DEADLINE_S = 1.8


def utc_now() -> datetime:
    """The app's clock."""
    return datetime.now(UTC)


async def healthz(request: web.Request) -> web.Response:
    """The process is up."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Storage takes a write (the store's heartbeat), answered within 2 s."""
    try:
        async with asyncio.timeout(_READYZ_DEADLINE_S):
            await request.app[STORE_KEY].ping()
    except (StoreUnavailableError, TimeoutError) as exc:
        log.warning("not ready: storage unavailable: %s", str(exc) or "no answer in time")
        return web.json_response({"status": "storage unavailable"}, status=503)
    except Exception:
        log.exception("readiness check failed")
        return web.json_response({"status": "storage unavailable"}, status=503)
    return web.json_response({"status": "ready"})


def build_app(
    settings: Settings,
    *,
    features: Sequence[Callable[[Features], None]] = FEATURES,
    clock: Callable[[], datetime] = utc_now,
) -> web.Application:
    """The aiohttp application for ``settings``; the store opens on start-up."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS_KEY] = settings
    store = store_from_settings(settings)
    app[STORE_KEY] = store

    async def store_lifecycle(_app: web.Application) -> AsyncIterator[None]:
        async with store:
            yield

    registry = Features(normalise=fold)
    for register in features:
        register(registry)
    # One rate limiter per process: every send and update keeps within Teams' limits.
    limiter = TeamsRateLimiter()
    summaries, summaries_sender = summary_updates(settings, store, limiter)
    app[SUMMARIES_KEY] = summaries
    agent = OkrAgent(
        store=store,
        features=registry,
        clock=clock,
        round_changed=summaries.round_changed,
        # Cards link into the tab only when it is served and the app is in Teams.
        tab_links=TabLinks.deployed(settings.client_id, settings.tab_domain),
    )

    app.cleanup_ctx.append(store_lifecycle)

    async def summaries_lifecycle(_app: web.Application) -> AsyncIterator[None]:
        # Before the store closes: a running update reads through it.
        async with summaries_sender:
            yield
            await summaries.close(SUMMARY_GRACE_S)

    app.cleanup_ctx.append(summaries_lifecycle)
    if settings.scheduler:

        async def scheduler_lifecycle(_app: web.Application) -> AsyncIterator[None]:
            # Passes get a store of their own: its calls may wait longer than a
            # person's turn (PASS_DEADLINE_S), and the turns' store keeps its deadline.
            pass_store = store_from_settings(settings, deadline_s=PASS_DEADLINE_S)
            async with pass_store, app_scheduler(settings, pass_store, limiter) as scheduler:
                scheduler.start()
                yield
                # Before the store closes: a pass releases its leases through it.
                await scheduler.stop(PASS_GRACE_S, PASS_CANCELLED_GRACE_S)

        app.cleanup_ctx.append(scheduler_lifecycle)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    # Before /api/: the longer prefix is the tab's.
    mount_tab(app, settings, store, clock)
    app.add_subapp("/api/", messages_app(settings, agent, clock=clock))
    if settings.local_mode:
        log.warning(
            "LOCAL MODE: %s is not set, so /api/messages accepts requests without a token "
            "and only talks to services on this machine. Set the bot's credentials before "
            "exposing it.",
            CLIENT_ID,
        )
    elif settings.storage == "sqlite":
        log.warning(
            "STORAGE=sqlite with credentials: data lives in %s only. In a container that file "
            "is lost on restart and not shared between replicas unless it is on a mounted "
            "volume; run one instance only. STORAGE=cosmos is the production storage.",
            settings.sqlite_path,
        )
    return app


async def freeze_start_up_objects(_app: web.Application) -> None:
    """Leave what start-up made (modules, SDK and card models, settings) out of garbage collection.

    They live as long as the process, and a full collection would otherwise
    walk them all again each time (50-100 ms here, holding the event loop).
    Runs once, after the store and the scheduler have started; only when
    serving (tests build many apps in one process and must not freeze theirs).
    """
    gc.collect()
    gc.freeze()


def main(argv: list[str]) -> int:
    """Entry point: serve (no arguments), or an operator command (see cli/main.py)."""
    if argv[:1] == ["package"]:
        # The Teams package needs only the bot's app id: serving rules don't apply.
        return cli.main.run_package(argv[1:], Settings.app_id_from_env())
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, settings.log_level)
    if argv:
        return cli.main.run(argv, settings)
    app = build_app(settings)
    app.on_startup.append(freeze_start_up_objects)
    log.info("serving on http://%s:%d", settings.host, settings.port)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        shutdown_timeout=SHUTDOWN_TIMEOUT_S,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
