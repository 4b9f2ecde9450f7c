"""The SDK's per-turn connector clients, over one pool of connections per process.

The SDK's adapter asks its channel-service client factory for a connector
client on every turn, and the SDK's factory builds each with a new
``aiohttp.ClientSession``: every reply opened a new TCP connection (in
production, a TLS handshake with Teams too), about a third of a command's CPU
in the app. :class:`TurnClients` is that factory with one change: each turn's
client gets a session of its own (so its own ``Authorization`` header, as
before) over a connector shared by every turn, which keeps connections open
between turns. The token is asked for exactly as the SDK asks for it (see
:meth:`TurnClients.create_connector_client`).

Every request through it must pass the app's ``serviceUrl`` validator (the
one incoming activities pass). In production the shared connector is the SDK's
guarded one (``OutboundHostValidator.client``: it also refuses hosts that
resolve to private addresses), as for proactive sends; in local mode a plain
one, because the guarded one refuses this machine.

The turn's user-token client (for sign-in flows, which the bot has none of)
gets a session over the same connector too, its token asked for as the SDK
asks for it.

**Clients kept between turns.** The token is asked for on every turn, as the
SDK asks (its provider caches it); a turn whose token and address are those
of an earlier turn gets that turn's client again, session and all, instead of
a new one (0.37 ms of CPU per turn: two sessions, two clients and their
operations). The SDK closes a turn's clients at its end; a kept client's
``close`` leaves its session open, and :meth:`TurnClients.close` closes them
all. A client nobody has asked for in a while (a token replaced, an old
address) is dropped and closed a minute later, when no turn can still hold it.

A kept-open connection can be closed by the other side just as a request goes
out on it. aiohttp retries that only for idempotent methods, and a reply is a
``POST``; so a request that fails that way on a **reused** connection, before
any answer, is sent once more on a new one. A request on a new connection is
never retried: that failure is the turn's, as it was before.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import OrderedDict
from types import SimpleNamespace
from typing import Protocol

import aiohttp
from microsoft_agents.activity import RoleTypes
from microsoft_agents.hosting.core import (
    ClaimsIdentity,
    OutboundHostValidator,
    RestChannelServiceClientFactory,
    TurnContext,
)
from microsoft_agents.hosting.core.authorization import AccessTokenProviderBase, Connections
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from microsoft_agents.hosting.core.telemetry.adapter import spans

log = logging.getLogger("okr.turn_clients")

# Set by the trace below while a request runs: did it go out on a kept-open connection?
_reused: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "okr_connection_reused", default=None
)


async def _on_reused_connection(
    _session: aiohttp.ClientSession,
    _context: SimpleNamespace,
    _params: aiohttp.TraceConnectionReuseconnParams,
) -> None:
    flag = _reused.get()
    if flag is not None:
        flag[0] = True


def _reuse_trace() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_connection_reuseconn.append(_on_reused_connection)
    return trace


class OutboundHostError(aiohttp.ClientError):
    """A request to a host outside the app's ``serviceUrl`` validator; it was not sent."""


# Clients kept at most (each address and token, both kinds); the oldest is dropped first.
_KEPT_CLIENTS = 64
# A dropped client is closed this long after, when no turn still holds it.
_DROPPED_CLOSE_S = 60.0


class _KeptClient(Protocol):
    client: aiohttp.ClientSession


class _KeptConnectorClient(TeamsConnectorClient):
    """A turn's connector client kept for the next turns: the end of a turn leaves it open."""

    async def close(self) -> None:
        """Nothing: :meth:`TurnClients.close` closes it."""


class _KeptUserTokenClient(UserTokenClient):
    """A turn's user-token client kept for the next turns: the end of a turn leaves it open."""

    async def close(self) -> None:
        """Nothing: :meth:`TurnClients.close` closes it."""


class TurnClients(RestChannelServiceClientFactory):
    """The SDK's client factory, with the turns' connections kept open and shared.

    Create it anywhere; the shared connector is made on first use, inside the
    event loop. :meth:`close` (at the app's cleanup) closes it and every
    connection it keeps.
    """

    def __init__(
        self, connections: Connections, service_urls: OutboundHostValidator, *, guarded: bool
    ) -> None:
        """Create the factory.

        Args:
            connections: The SDK connection manager the tokens come from.
            service_urls: The app's ``serviceUrl`` validator; requests elsewhere are refused.
            guarded: Connect through the validator's guarded connector (production);
                False in local mode, whose service is on this machine.
        """
        super().__init__(connections)
        self._service_urls = service_urls
        self._guarded = guarded
        self._guard: aiohttp.ClientSession | None = None
        self._connector: aiohttp.BaseConnector | None = None
        self._traces = [_reuse_trace()]
        self._middlewares = (self._allowed_host, _retry_on_a_dropped_kept_connection)
        # (kind, address, token, app id) -> the client turns with them get.
        self._kept: OrderedDict[tuple[str, str, str, str | None], _KeptClient] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The shared connector (None before the first turn and after :meth:`close`)."""
        return self._connector

    async def close(self) -> None:
        """Close the kept clients, the shared connector and its connections.

        A later turn opens a new connector and makes new clients.
        """
        kept = list(self._kept.values())
        self._kept.clear()
        for client in kept:
            await client.client.close()
        for task in list(self._closing):
            task.cancel()
        guard, connector = self._guard, self._connector
        self._guard = self._connector = None
        if guard is not None:
            await guard.close()  # owns the connector
        elif connector is not None:
            await connector.close()

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        """The SDK's ``create_connector_client``, the client's session over the shared connector.

        The token comes from the same place with the same arguments as in the
        SDK's factory: an agentic request's token; the connection manager's
        provider for the claims and service URL (the app's credentials, for
        ``audience`` and ``scopes``, else the claims' scope); or none when
        anonymous (local mode). Copilot Studio's connector clients are left to
        the SDK entirely.
        """
        if (
            context is not None
            and context.activity.recipient is not None
            and context.activity.recipient.role == RoleTypes.connector_user
        ):
            return await super().create_connector_client(
                context, claims_identity, service_url, audience, scopes, use_anonymous
            )
        if not service_url:
            raise TypeError(
                "TurnClients.create_connector_client: service_url can't be None or Empty"
            )
        if not audience:
            raise TypeError("TurnClients.create_connector_client: audience can't be None or Empty")
        is_agentic = context.activity.is_agentic_request() if context is not None else False
        with spans.AdapterCreateConnectorClient(
            service_url=service_url, scopes=scopes, is_agentic_request=is_agentic
        ):
            if context is not None and is_agentic:
                token = await self._get_agentic_token(context, service_url)
            else:
                provider: AccessTokenProviderBase = (
                    self._ANONYMOUS_TOKEN_PROVIDER
                    if use_anonymous
                    else self._connection_manager.get_token_provider(claims_identity, service_url)
                )
                token = await provider.get_access_token(
                    audience, scopes or claims_identity.get_token_scope()
                )
            key = ("connector", service_url, token, None)
            kept = self._kept_client(key)
            if isinstance(kept, TeamsConnectorClient):
                return kept
            client = _KeptConnectorClient(
                endpoint=service_url, token=token, session=self._session(service_url)
            )
            self._keep(key, client)
            return client

    async def create_user_token_client(
        self,
        context: TurnContext,
        claims_identity: ClaimsIdentity,
        use_anonymous: bool = False,
    ) -> UserTokenClient:
        """The SDK's ``create_user_token_client``, the client's session over the shared connector.

        The SDK makes one on every turn, used only for sign-in flows (the bot
        has none): a session and a connector of its own each time. The token
        is asked for as the SDK asks for it; the token service is not a
        ``serviceUrl``, so its requests are not checked against the validator,
        as before.
        """
        scopes = claims_identity.get_token_scope()
        endpoint = self._token_service_endpoint
        with spans.AdapterCreateUserTokenClient(token_service_endpoint=endpoint, scopes=scopes):
            token = ""
            if not use_anonymous:
                if context.activity.is_agentic_request():
                    token = await self._get_agentic_token(context, endpoint)
                else:
                    provider = self._connection_manager.get_token_provider(
                        claims_identity, endpoint
                    )
                    token = await provider.get_access_token(self._token_service_audience, scopes)
                if not token:
                    log.error("Failed to obtain token for user token client")
                    raise ValueError("Failed to obtain token for user token client")
            app_id = claims_identity.get_app_id()
            key = ("user_token", endpoint, token, app_id)
            kept = self._kept_client(key)
            if isinstance(kept, UserTokenClient):
                return kept
            client = _KeptUserTokenClient(
                app_id=app_id,
                endpoint=endpoint,
                token=token,
                session=self._session(endpoint, service_url=False),
            )
            self._keep(key, client)
            return client

    def _kept_client(self, key: tuple[str, str, str, str | None]) -> _KeptClient | None:
        """The client kept for ``key``, if its session is open and over the shared connector."""
        client = self._kept.get(key)
        if client is None:
            return None
        if client.client.closed or client.client.connector is not self._shared_connector():
            del self._kept[key]
            return None
        self._kept.move_to_end(key)
        return client

    def _keep(self, key: tuple[str, str, str, str | None], client: _KeptClient) -> None:
        """Keep ``client`` for the next turns; past the limit, drop the oldest (closed later)."""
        self._kept[key] = client
        while len(self._kept) > _KEPT_CLIENTS:
            _key, dropped = self._kept.popitem(last=False)
            self._close_later(dropped.client)

    def _close_later(self, session: aiohttp.ClientSession) -> None:
        async def close() -> None:
            await asyncio.sleep(_DROPPED_CLOSE_S)
            await session.close()

        task = asyncio.get_running_loop().create_task(close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _session(self, base_url: str, *, service_url: bool = True) -> aiohttp.ClientSession:
        """A session of the turn's own (its headers are the turn's) over the shared connector.

        Requests to a ``service_url`` must pass the validator, and one on a
        kept-open connection that closes before any answer is sent again.
        """
        return aiohttp.ClientSession(
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            connector=self._shared_connector(),
            connector_owner=False,
            middlewares=self._middlewares if service_url else (),
            trace_configs=self._traces if service_url else None,
        )

    def _shared_connector(self) -> aiohttp.BaseConnector:
        if self._connector is None or self._connector.closed:
            if self._guarded:
                self._guard = self._service_urls.client()
                self._connector = self._guard.connector
                assert self._connector is not None
            else:
                self._connector = aiohttp.TCPConnector()
        return self._connector

    async def _allowed_host(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        if not self._service_urls.is_allowed(request.url):
            raise OutboundHostError("the serviceUrl's host is not allowed")
        return await handler(request)


async def _retry_on_a_dropped_kept_connection(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """Send again, once, a request whose kept-open connection closed before any answer."""
    flag = [False]
    token = _reused.set(flag)
    try:
        try:
            return await handler(request)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
            if not flag[0]:
                raise
            log.info(
                "a kept-open connection closed under a request (%s); sending it again",
                type(error).__name__,
            )
        flag[0] = False
        return await handler(request)
    finally:
        _reused.reset(token)
