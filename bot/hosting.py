"""The HTTP side of the bot: the SDK's aiohttp adapter behind our token check.

``POST /api/messages`` lives in a sub-application of its own, because
middleware applies to every route of the application it is attached to;
``/healthz`` and ``/readyz`` stay on the root application, token-free.

Request path, outermost first:

1. aiohttp refuses a body over ``MAX_BODY_BYTES`` with **413** (``client_max_size``).
2. :func:`bot.auth.token_check`: no or an invalid Bot Framework token → **401**,
   signing keys unavailable → **503** (local mode: every request is anonymous).
3. :func:`activity_gate`: a body that is not JSON, or not an activity → **400**;
   a channel the token's key is not endorsed for, or a tenant outside
   ``ALLOWED_TENANTS`` → **403**, logged, nothing processed or stored. It also
   tags every log line of the request with the activity's ids.
4. The adapter: a ``serviceUrl`` outside the allowed hosts → **401** (SDK);
   otherwise the turn runs and the answer is **202**, or **200** with the invoke
   response.

Unexpected errors answer **500** with a fixed body; traces go to the log only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, load_configuration_from_env
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import OutboundHostValidator, TurnContext
from pydantic import ValidationError
from yarl import URL

from bot.activities import tenant_of
from bot.agent import OkrAgent
from bot.auth import CALLER_KEY, BotFrameworkTokens, token_check
from bot.logs import turn_log_context
from settings import ANONYMOUS_ALLOWED, Settings

log = logging.getLogger("okr.hosting")

ADAPTER_KEY = web.AppKey("adapter", CloudAdapter)
AGENT_KEY = web.AppKey("agent", OkrAgent)
ALLOWED_TENANTS_KEY = web.AppKey("allowed_tenants", frozenset)

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


def build_adapter(settings: Settings) -> tuple[CloudAdapter, MsalConnectionManager]:
    """The SDK adapter and its connection manager for ``settings``."""
    connections = MsalConnectionManager(**sdk_configuration(settings))
    adapter = CloudAdapter(
        connection_manager=connections, host_validator=service_url_validator(settings)
    )
    adapter.on_turn_error = _log_turn_error
    if settings.local_mode:
        # Without credentials the SDK warns on every turn that its user-token client
        # has no app id; local mode has no app id by definition.
        logging.getLogger(_USER_TOKEN_CLIENT_LOGGER).setLevel(logging.ERROR)
    return adapter, connections


def _refuse(status: int, error: str) -> web.Response:
    return web.json_response({"error": error}, status=status)


@web.middleware
async def activity_gate(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse bodies that are not activities and tenants that are not served; tag the logs."""
    body = await request.read()  # over client_max_size: aiohttp raises 413
    try:
        payload = json.loads(body)
    except ValueError:  # includes UnicodeDecodeError
        return _refuse(400, "the body is not JSON")
    if not isinstance(payload, dict):
        return _refuse(400, "the body is not an activity")
    try:
        activity = Activity.model_validate(payload)
    except ValidationError:
        return _refuse(400, "the body is not an activity")
    caller = request.get(CALLER_KEY)
    endorsements = caller.endorsements if caller is not None else None
    channel = activity.channel_id.channel if activity.channel_id else None
    if endorsements is not None and channel not in endorsements:
        log.warning("refused a %s activity: its token is not endorsed for it", activity.type)
        return _refuse(403, "the token is not valid for this channel")
    tenant_id = tenant_of(activity)
    with turn_log_context(
        tenant_id=tenant_id,
        conversation_id=activity.conversation.id if activity.conversation else None,
        activity_id=activity.id,
    ):
        allowed = request.app[ALLOWED_TENANTS_KEY]
        if allowed and tenant_id not in allowed:
            log.warning("refused a %s activity: tenant not in ALLOWED_TENANTS", activity.type)
            return _refuse(403, "this tenant is not served")
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            log.exception("request failed")
            return _refuse(500, "internal error")
        return response


async def messages(request: web.Request) -> web.StreamResponse:
    """``POST /api/messages``: hand the request to the SDK adapter."""
    response = await request.app[ADAPTER_KEY].process(request, request.app[AGENT_KEY])
    return response if response is not None else web.Response(status=202)


def messages_app(
    settings: Settings, agent: OkrAgent, *, clock: Callable[[], datetime]
) -> web.Application:
    """The sub-application serving ``/messages`` behind the token check and the activity gate."""
    adapter, connections = build_adapter(settings)
    tokens = (
        None
        if settings.client_id is None
        else BotFrameworkTokens.for_app(
            settings.client_id, connections.get_default_connection_configuration(), clock
        )
    )
    app = web.Application(middlewares=[token_check(tokens), activity_gate])

    async def close_tokens(_app: web.Application) -> AsyncIterator[None]:
        yield
        if tokens is not None:
            await tokens.close()

    app.cleanup_ctx.append(close_tokens)
    app[ADAPTER_KEY] = adapter
    app[AGENT_KEY] = agent
    app[ALLOWED_TENANTS_KEY] = settings.allowed_tenants
    app.router.add_post("/messages", messages)
    return app
