"""Wiring only: read settings, build the store, mount routes, serve.

``python app.py`` serves the bot on its embedded defaults (SQLite, no
credentials, 127.0.0.1:3978).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator

from aiohttp import web

from settings import Settings, SettingsError
from storage.factory import store_from_settings
from storage.store import OkrStore

SETTINGS_KEY = web.AppKey("settings", Settings)
STORE_KEY = web.AppKey("store", OkrStore)

log = logging.getLogger("okr.app")


async def healthz(request: web.Request) -> web.Response:
    """The process is up."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Storage is reachable."""
    try:
        await request.app[STORE_KEY].ping()
    except Exception:
        log.exception("readiness check failed")
        return web.json_response({"status": "storage unreachable"}, status=503)
    return web.json_response({"status": "ready"})


def build_app(settings: Settings) -> web.Application:
    """The aiohttp application for ``settings``; the store opens on start-up."""
    app = web.Application()
    app[SETTINGS_KEY] = settings
    store = store_from_settings(settings)
    app[STORE_KEY] = store

    async def store_lifecycle(_app: web.Application) -> AsyncIterator[None]:
        async with store:
            yield

    app.cleanup_ctx.append(store_lifecycle)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


def main(argv: list[str]) -> int:
    """Entry point: serve (no arguments)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    web.run_app(build_app(settings), host=settings.host, port=settings.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
