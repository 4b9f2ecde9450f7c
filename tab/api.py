"""The tab's JSON API under ``/api/tab/`` (docs/tab.md, "API"): thin handlers.

Each handler signs the person in (:func:`viewer_of`), reads its parameters and
hands over to :mod:`tab.views`. Every refusal is ``{error, message}`` with the
contract's code and a message in plain words, in the person's language
(``?lang=``, which the page sends from Teams, else English before sign-in).
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from cards.i18n import Language, language_for_locale, language_of
from storage.store import OkrStore
from tab import alignment, detail, views
from tab.filters import BadFilter, Filters, Page
from tab.objectives import Viewer
from tab.sign_in import (
    DEV_TOKEN_LIFETIME,
    Authenticator,
    DevTokens,
    SignInRefused,
    signed_in_member,
)
from tab.wording import tab_strings, words

log = logging.getLogger("okr.tab")

STORE = web.AppKey("tab_store", OkrStore)
AUTHENTICATOR = web.AppKey("tab_authenticator", Authenticator)
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("tab_clock")
DEV_TOKENS = web.AppKey("tab_dev_tokens", DevTokens)
# The bot's Microsoft app id (None in local mode), for the page's "Check in" deep link.
APP_ID: web.AppKey[str | None] = web.AppKey("tab_app_id")
# Most members the development sign-in lists.
MAX_DEV_MEMBERS = 200

_NO_STORE: dict[str, str] = {hdrs.CACHE_CONTROL: "no-store"}
# Answers from this size are gzipped when the client accepts it; smaller ones gain little.
GZIP_FROM = 1024
# zlib's fastest level: a team's page of 590 KB (its charts' SVG mostly) gzips 39-fold in
# about 2 ms; level 6 makes it a third smaller again for five times the CPU.
GZIP_LEVEL = 1


class Refused(Exception):
    """A request the API answers with ``status`` and the contract's error ``code``."""

    def __init__(self, status: int, code: str, reason: str = "") -> None:
        super().__init__(reason or code)
        self.status = status
        self.code = code


async def reply(request: web.Request, payload: dict[str, Any]) -> web.Response:
    """A JSON answer that no cache keeps, serialised off the event loop (a team's page is
    half a megabyte), and gzipped there too when the client accepts it and it is worth it."""
    gzipped = _accepts_gzip(request)
    body, compressed = await asyncio.to_thread(_encoded, payload, gzipped)
    headers = {**_NO_STORE, hdrs.VARY: hdrs.ACCEPT_ENCODING}
    if compressed:
        headers[hdrs.CONTENT_ENCODING] = "gzip"
    return web.Response(
        body=body, content_type="application/json", charset="utf-8", headers=headers
    )


def _encoded(payload: dict[str, Any], gzipped: bool) -> tuple[bytes, bool]:
    """The payload's JSON, and whether it is gzipped (only from :data:`GZIP_FROM` bytes)."""
    body = json.dumps(payload).encode()
    if not gzipped or len(body) < GZIP_FROM:
        return body, False
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0), True


def _accepts_gzip(request: web.Request) -> bool:
    """Whether ``Accept-Encoding`` names gzip (or ``*``) without refusing it (``q=0``)."""
    for coding in request.headers.get(hdrs.ACCEPT_ENCODING, "").lower().split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            try:
                return not quality or float(quality) > 0
            except ValueError:
                return False
    return False


def request_language(request: web.Request) -> Language | None:
    """The language the page asked for with ``?lang=``, if any."""
    raw = request.query.get("lang", "").strip()
    return language_for_locale(raw) if raw else None


@web.middleware
async def refusals(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal as ``{error, message}``; one log line each, never the token."""
    lang = request_language(request) or Language.EN
    try:
        return await handler(request)
    except SignInRefused as refused:
        log.warning("tab sign-in refused: %s (%s)", refused.code, refused.reason)
        headers: dict[str, str] = {}
        if refused.status == 401:
            headers[hdrs.WWW_AUTHENTICATE] = "Bearer"
        if refused.status == 503:
            headers["Retry-After"] = "60"
        return _error(lang, refused.status, refused.code, headers)
    except Refused as refused:
        return _error(lang, refused.status, refused.code)
    except BadFilter as bad:
        log.info("tab request refused: bad filter %s", bad)
        return _error(lang, 400, "bad_request")
    except views.NotFound:
        return _error(lang, 404, "not_found")
    except web.HTTPNotFound:
        return _error(lang, 404, "not_found")
    except web.HTTPException:
        raise
    except Exception:
        log.exception("tab request failed: %s %s", request.method, request.path)
        return _error(lang, 500, "server_error")


def _error(
    lang: Language, status: int, code: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": code, "message": words(lang, f"tab.error.{code}")}
    return web.json_response(body, status=status, headers={**_NO_STORE, **(headers or {})})


async def viewer_of(request: web.Request) -> Viewer:
    """The signed-in person looking, in their language; raises :class:`SignInRefused`.

    The token comes from the ``Authorization`` header only: one in the URL is ignored.
    """
    app = request.app
    claimed = await app[AUTHENTICATOR].identify(request.headers.get(hdrs.AUTHORIZATION))
    member = await signed_in_member(app[STORE], claimed)
    lang = request_language(request) or language_of(member)
    return Viewer(store=app[STORE], member=member, lang=lang, now=app[CLOCK]())


async def filters_of(request: web.Request, viewer: Viewer) -> Filters:
    """The filters of the request's query (400 when one cannot be read)."""
    return Filters.from_query(request.query, await views.fiscal_year_start_month(viewer))


async def session(request: web.Request) -> web.Response:
    """``GET /api/tab/session``."""
    return await reply(request, await views.session(await viewer_of(request), request.app[APP_ID]))


async def okrs(request: web.Request) -> web.Response:
    """``GET /api/tab/okrs?view=my|team&team=…``, the filters, ``offset`` and ``limit``."""
    viewer = await viewer_of(request)
    filters = await filters_of(request, viewer)
    view = request.query.get("view", "my")
    page = Page.from_query(request.query)
    if view == "my":
        return await reply(request, await views.my_okrs(viewer, filters, page))
    if view == "team" and filters.team_id is not None:
        return await reply(request, await views.team_okrs(viewer, filters.team_id, filters, page))
    raise Refused(400, "bad_request", f"view {view[:20]!r}")


async def alignment_tree(request: web.Request) -> web.Response:
    """``GET /api/tab/alignment``."""
    viewer = await viewer_of(request)
    return await reply(request, await alignment.tree(viewer, await filters_of(request, viewer)))


async def objective(request: web.Request) -> web.Response:
    """``GET /api/tab/objectives/{id}``."""
    viewer = await viewer_of(request)
    return await reply(request, await detail.objective_detail(viewer, request.match_info["id"]))


async def teams(request: web.Request) -> web.Response:
    """``GET /api/tab/teams``: the person's teams, for the configuration page."""
    return await reply(request, {"teams": await views.own_teams(await viewer_of(request))})


def _loopback_only(request: web.Request) -> None:
    """Refuse anyone but this machine, and anything relayed by a proxy."""
    forwarded = hdrs.FORWARDED in request.headers or hdrs.X_FORWARDED_FOR in request.headers
    try:
        loopback = ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        loopback = False
    if forwarded or not loopback:
        log.warning("tab development sign-in refused: not a loopback client")
        raise Refused(403, "dev_only")


async def dev_members(request: web.Request) -> web.Response:
    """``GET /api/tab/dev/members`` (local mode, loopback): stored members to sign in as,
    and the page's strings (it shows the picker before anyone is signed in)."""
    _loopback_only(request)
    store = request.app[STORE]
    members = []
    for tenant in await store.list_tenants():
        for member in await store.list_members_by_name(tenant.id, limit=MAX_DEV_MEMBERS):
            members.append(
                {
                    "id": member.id,
                    "name": member.display_name,
                    "tenant_id": tenant.id,
                    "tenant_name": tenant.name,
                }
            )
    lang = request_language(request) or Language.EN
    shown = members[:MAX_DEV_MEMBERS]
    return await reply(request, {"members": shown, "strings": tab_strings(lang)})


async def dev_sign_in(request: web.Request) -> web.Response:
    """``POST /api/tab/dev/sign-in {member_id, tenant_id?}`` (local mode, loopback).

    Without ``tenant_id``, the first tenant (by id) that has the member.
    """
    _loopback_only(request)
    try:
        body = await request.json()
    except ValueError:
        raise Refused(400, "bad_request", "body is not JSON") from None
    member_id = body.get("member_id") if isinstance(body, dict) else None
    tenant_id = body.get("tenant_id") if isinstance(body, dict) else None
    if not isinstance(member_id, str) or not isinstance(tenant_id, str | None):
        raise Refused(400, "bad_request", "member_id is required")
    store = request.app[STORE]
    tenants = [tenant_id] if tenant_id else sorted(t.id for t in await store.list_tenants())
    for tenant in tenants:
        if await store.get_member(tenant, member_id) is not None:
            token = request.app[DEV_TOKENS].issue(tenant, member_id)
            return await reply(request, {"token": token, "expires_in": DEV_TOKEN_LIFETIME.seconds})
    raise Refused(404, "not_found")
