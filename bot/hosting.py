"""The HTTP side of the bot: the SDK's aiohttp adapter behind our token check and activity gate.

``POST /api/messages`` lives in a sub-application of its own, because
middleware applies to every route of the application it is attached to;
``/healthz`` and ``/readyz`` stay on the root application, token-free.

Request path, outermost first:

1. :func:`bot.auth.token_check`: no or an invalid Bot Framework token → **401**,
   signing keys unavailable → **503** (local mode: every request is anonymous).
2. :func:`bot.http_edge.activity_gate`: not ``application/json`` → **415**; a
   body over ``MAX_BODY_BYTES`` → **413** (aiohttp's ``client_max_size``); not
   an activity the bot can answer → **400**; a channel the token's key is not
   endorsed for, or a tenant outside ``ALLOWED_TENANTS`` → **403**. It also
   tags every log line of the request with the activity's ids.
3. The adapter: a ``serviceUrl`` outside the allowed hosts, or on another host
   than the token's ``serviceurl`` claim → **401** (SDK); otherwise the turn
   runs and the answer is **202**, or **200** with the invoke response. It
   runs on the activity the gate read (:meth:`GatedAdapter.process_gated`):
   the body is parsed and validated once per request, not once per layer.
   The turn's replies go out through :class:`bot.turn_clients.TurnClients`,
   over connections kept open between turns.

Unexpected errors answer **500** with a fixed body; traces go to the log only.
See ``docs/security.md`` for the whole picture.
"""

from __future__ import annotations

import functools
import importlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, DeliveryModes, load_configuration_from_env
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    Agent,
    ClaimsIdentity,
    OutboundHostValidator,
    TurnContext,
)
from microsoft_agents.hosting.core.connector import get_product_info
from microsoft_agents.hosting.core.http import HttpResponse, HttpResponseFactory
from microsoft_agents.hosting.core.telemetry.adapter import spans
from yarl import URL

from bot.agent import OkrAgent
from bot.auth import SDK_CLAIMS_KEY, BotFrameworkTokens, token_check
from bot.http_edge import ACTIVITY_KEY, ALLOWED_TENANTS_KEY, activity_gate
from bot.turn_clients import TurnClients
from settings import ANONYMOUS_ALLOWED, Settings

log = logging.getLogger("okr.hosting")


class GatedAdapter(CloudAdapter):
    """The SDK's aiohttp adapter, run on the activity :func:`bot.http_edge.activity_gate` read.

    ``CloudAdapter.process`` reads the body as JSON and validates it as an
    ``Activity`` again; the gate has done both already (and must, to answer
    400 where the SDK would fail with a 500). :meth:`process_gated` is the
    SDK's ``HttpAdapterBase.process_request`` from there on, unchanged: the
    same required fields, the same ``serviceUrl`` checks (401), the same turn
    and the same invoke answer.
    """

    async def process_gated(
        self, request: web.Request, activity: Activity, agent: Agent
    ) -> web.Response:
        """Run the turn of ``activity`` (already read from ``request``); the HTTP answer."""
        return self._to_aiohttp_response(await self._answer(request, activity, agent))

    async def _answer(self, request: web.Request, activity: Activity, agent: Agent) -> HttpResponse:
        with spans.AdapterProcess() as span:
            activity.request_id = str(uuid.uuid4())
            span.share(activity=activity)
            claims: ClaimsIdentity = request.get(SDK_CLAIMS_KEY) or ClaimsIdentity()
            if not activity.type or not activity.conversation or not activity.conversation.id:
                return HttpResponseFactory.bad_request(
                    "Activity must have type and conversation.id"
                )
            if not self._validate_service_url(claims, activity):
                return HttpResponseFactory.unauthorized(
                    "Service URL is not allowed by the host validator."
                )
            try:
                invoke = await self.process_activity(claims, activity, agent.on_turn)
            except PermissionError:
                return HttpResponseFactory.unauthorized()
            if activity.type == "invoke" or activity.delivery_mode == DeliveryModes.expect_replies:
                with spans.AdapterWriteResponse(activity):
                    return HttpResponseFactory.json(
                        invoke.body if invoke else None,
                        (invoke.status if invoke else None) or HTTPStatus.NOT_IMPLEMENTED,
                    )
            return HttpResponseFactory.accepted()


ADAPTER_KEY = web.AppKey("adapter", GatedAdapter)
AGENT_KEY = web.AppKey("agent", OkrAgent)

_USER_TOKEN_CLIENT_LOGGER = "microsoft_agents.hosting.core.connector.client.user_token_client"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class LoopbackServiceUrls(OutboundHostValidator):
    """Local mode's service URL check: only this machine (an emulator or the test connector).

    The SDK's validator insists on https and refuses loopback addresses, which
    is right in production and impossible locally.
    """

    def __init__(self) -> None:
        super().__init__(enabled=True, include_default_microsoft_hosts=False)

    def is_allowed(self, url: str | URL) -> bool:
        """True for http(s) URLs on 127.0.0.1, localhost or ::1."""
        try:
            parsed = URL(url) if isinstance(url, str) else url
        except (ValueError, TypeError):
            return False
        return parsed.scheme in ("http", "https") and (parsed.host or "") in _LOOPBACK


def sdk_configuration(settings: Settings) -> dict[str, Any]:
    """The SDK's connection configuration; in local mode, one that allows anonymous requests."""
    env = dict(settings.agent_connections)
    if settings.local_mode:
        env[ANONYMOUS_ALLOWED] = "true"
    return load_configuration_from_env(env)


def service_url_validator(settings: Settings) -> OutboundHostValidator:
    """Which ``serviceUrl`` hosts the bot will send to (and so send its token to)."""
    if settings.local_mode:
        return LoopbackServiceUrls()
    return OutboundHostValidator(
        list(settings.service_url_hosts), enabled=True, include_default_microsoft_hosts=False
    )


async def _log_turn_error(context: TurnContext, error: Exception) -> None:
    # Last line of defence: OkrAgent answers its own failures. The SDK's default
    # would print the trace and send the exception text to the user.
    log.error("turn failed outside the bot", exc_info=error)


# The SDK modules that build a client's User-Agent with ``get_product_info()``
# (imported by name, so each module's own attribute is the one called).
_PRODUCT_INFO_USERS = (
    "microsoft_agents.hosting.core.connector.client.connector_client",
    "microsoft_agents.hosting.core.connector.client.user_token_client",
    "microsoft_agents.hosting.core.connector.mcs.mcs_connector_client",
)


@functools.cache
def _product_info() -> str:
    return get_product_info()


def cache_product_info() -> None:
    """Have the SDK's clients compute their User-Agent once per process, not once per turn.

    The SDK creates a connector client and a user-token client on every turn,
    and each calls ``get_product_info()``, which reads the package's metadata
    from disk (``importlib.metadata.version``): 0.7 ms of CPU per call, about a
    sixth of a check-in submit. Nothing it reads can change while the process
    runs. Only a module attribute that is still the SDK's own function is
    replaced, so an SDK that no longer has it, or a test's stand-in, is left
    alone; calling this again changes nothing.
    """
    _product_info()  # read now, at start-up, not in the first turn
    for name in _PRODUCT_INFO_USERS:
        try:
            module = importlib.import_module(name)
        except ImportError:  # an SDK without that client
            continue
        attributes = vars(module)
        if attributes.get("get_product_info") is get_product_info:
            attributes["get_product_info"] = _product_info


def build_adapter(
    settings: Settings,
) -> tuple[GatedAdapter, MsalConnectionManager, TurnClients]:
    """The SDK adapter, its connection manager and its turns' clients for ``settings``.

    The turns' clients keep connections to Teams open between turns; close
    them at shutdown (:meth:`TurnClients.close`).
    """
    cache_product_info()
    connections = MsalConnectionManager(**sdk_configuration(settings))
    service_urls = service_url_validator(settings)
    clients = TurnClients(connections, service_urls, guarded=not settings.local_mode)
    adapter = GatedAdapter(channel_service_client_factory=clients, host_validator=service_urls)
    adapter.on_turn_error = _log_turn_error
    if settings.local_mode:
        # Without credentials the SDK warns on every turn that its user-token client
        # has no app id; local mode has no app id by definition.
        logging.getLogger(_USER_TOKEN_CLIENT_LOGGER).setLevel(logging.ERROR)
    return adapter, connections, clients


async def messages(request: web.Request) -> web.StreamResponse:
    """``POST /api/messages``: hand the request and the gate's activity to the SDK adapter."""
    adapter, agent = request.app[ADAPTER_KEY], request.app[AGENT_KEY]
    return await adapter.process_gated(request, request[ACTIVITY_KEY], agent)


def messages_app(
    settings: Settings, agent: OkrAgent, *, clock: Callable[[], datetime]
) -> web.Application:
    """The sub-application serving ``/messages`` behind the token check and the activity gate."""
    adapter, connections, clients = build_adapter(settings)
    tokens = (
        None
        if settings.client_id is None
        else BotFrameworkTokens.for_app(
            settings.client_id, connections.get_default_connection_configuration(), clock
        )
    )
    app = web.Application(middlewares=[token_check(tokens), activity_gate])

    async def close_clients(_app: web.Application) -> AsyncIterator[None]:
        yield
        await clients.close()
        if tokens is not None:
            await tokens.close()

    app.cleanup_ctx.append(close_clients)
    app[ADAPTER_KEY] = adapter
    app[AGENT_KEY] = agent
    app[ALLOWED_TENANTS_KEY] = settings.allowed_tenants
    app.router.add_post("/messages", messages)
    return app
