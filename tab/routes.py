"""Mount the tab on the app: its page under ``/tab/`` and its API under ``/api/tab/``.

Both carry the security headers (:mod:`tab.headers`). The page's files are
served from ``tab/static/`` only: a path that leads outside it (``..``, a
symbolic link) is not found. The development sign-in exists only in local mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

from aiohttp import hdrs, web

from bot.signing_keys import cloud_of
from settings import Settings
from storage.store import OkrStore
from tab import api
from tab.headers import security_headers
from tab.sign_in import Authenticator, DevTokens, EntraTokens

STATIC_ROOT = Path(__file__).resolve().parent / "static"
INDEX = "index.html"
# The page's files change with a release: the browser checks again each time.
_REVALIDATE = {hdrs.CACHE_CONTROL: "no-cache"}


def mount_tab(
    app: web.Application,
    settings: Settings,
    store: OkrStore,
    clock: Callable[[], datetime],
    *,
    static_root: Path | None = None,
) -> None:
    """Add ``/tab/`` and ``/api/tab/`` to ``app`` (before any sub-app mounted at ``/api/``).

    ``static_root``: the page's folder, :data:`STATIC_ROOT` unless given.
    """
    app.router.add_get("/tab", _to_index)
    app.add_subapp("/tab/", pages_app(static_root or STATIC_ROOT))
    app.add_subapp("/api/tab/", api_app(settings, store, clock))


def api_app(settings: Settings, store: OkrStore, clock: Callable[[], datetime]) -> web.Application:
    """The JSON API, behind the refusal answers and the security headers."""
    app = web.Application(middlewares=[security_headers, api.refusals])
    authenticator: Authenticator
    if settings.client_id is None:
        dev_tokens = DevTokens(clock)
        authenticator = dev_tokens
        app[api.DEV_TOKENS] = dev_tokens
        app.router.add_get("/dev/members", api.dev_members)
        app.router.add_post("/dev/sign-in", api.dev_sign_in)
    else:
        authenticator = EntraTokens(
            settings.tab_client_id or settings.client_id,
            settings.tab_domain,
            settings.allowed_tenants,
            cloud_of(settings.authority),
            clock,
        )
    app[api.STORE] = store
    app[api.AUTHENTICATOR] = authenticator
    app[api.CLOCK] = clock
    app[api.APP_ID] = settings.client_id

    async def close_authenticator(_app: web.Application) -> AsyncIterator[None]:
        yield
        await authenticator.close()

    app.cleanup_ctx.append(close_authenticator)
    app.router.add_get("/session", api.session)
    app.router.add_get("/okrs", api.okrs)
    app.router.add_get("/alignment", api.alignment_tree)
    app.router.add_get("/objectives/{id}", api.objective)
    app.router.add_get("/teams", api.teams)
    return app


def pages_app(static_root: Path) -> web.Application:
    """The page's files, ``index.html`` for ``/tab/``."""
    root = static_root.resolve()
    app = web.Application(middlewares=[security_headers])

    async def page(request: web.Request) -> web.StreamResponse:
        wanted = request.match_info["path"] or INDEX
        path = (root / wanted).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers=_REVALIDATE)

    app.router.add_get("/{path:.*}", page)
    return app


async def _to_index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently("/tab/")
