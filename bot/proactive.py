"""Proactive sends to Teams: the Agents SDK implementation of :class:`scheduling.sender.Sender`.

One :class:`TeamsSender` per process sends every scheduled card. For each send:

1. The ``serviceUrl`` must pass the app's validator (the same one incoming
   activities pass): a foreign host is refused before any request, so the
   bot's token never goes there.
2. A :class:`~scheduling.sender.PersonalTarget` (no stored 1:1 chat) first gets
   one: ``POST /v3/conversations`` with the member and the tenant.
3. ``POST /v3/conversations/{id}/activities`` with the card.

Every HTTP attempt waits its turn at the shared
:class:`~scheduling.throttle.TeamsRateLimiter`, and failures are retried as
Teams asks: 429 after ``Retry-After``; 412, 5xx, timeouts and connection errors
a few times with exponential backoff and jitter; 400/401 fail at once; 403/404
mean the member cannot be reached. A send never retries beyond
:attr:`RetryPolicy.give_up_after` seconds.

Why not ``CloudAdapter.continue_conversation``/``create_conversation``: the
adapter builds a client and asks for a token per call, and its
``create_conversation`` always asks MSAL for a token, which fails in local
mode. Here one SDK ``ConnectorClient`` (one aiohttp session, kept open) serves
each service URL, with the app's token set before each attempt (MSAL caches
it) or none in local mode.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import aiohttp
from microsoft_agents.activity import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import OutboundHostValidator
from microsoft_agents.hosting.core.authorization import AuthenticationConstants, ClaimsIdentity
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from bot.hosting import LoopbackServiceUrls, sdk_configuration, service_url_validator
from bot.replies import ADAPTIVE_CARD
from okr.models import ConversationKind, ConversationRef
from scheduling.sender import PersonalTarget, SendOutcome, SendResult
from scheduling.throttle import TeamsRateLimiter
from settings import Settings

log = logging.getLogger("okr.proactive")

# Tokens for the Bot Framework / Teams connector service.
CONNECTOR_AUDIENCE = AuthenticationConstants.AGENTS_SDK_SCOPE
CONNECTOR_SCOPES = [f"{CONNECTOR_AUDIENCE}/.default"]

_RETRIED_STATUSES = frozenset({412, 429})
_UNREACHABLE_STATUSES = frozenset({403, 404})
# A bearer token or a bare JWT, wherever it might appear in an error text.
_SECRETS = re.compile(r"(?i)bearer\s+\S+|eyJ[\w-]+\.[\w-]+\.[\w-]*")
_MAX_ERROR_CHARS = 300


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one send tries.

    Attributes:
        max_attempts: Attempts per request for 412, 5xx, timeouts and connection
            errors (the first included).
        max_throttled_attempts: Attempts per request while Teams answers 429.
        give_up_after: Seconds after the first attempt of a send beyond which
            no retry starts (waiting for the rate limiter included).
        backoff_base: First backoff in seconds; doubles per retry.
        backoff_cap: Longest single backoff in seconds.
        request_timeout: Seconds one HTTP request may take (real time).
    """

    max_attempts: int = 4
    max_throttled_attempts: int = 8
    give_up_after: float = 120.0
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    request_timeout: float = 15.0

    def backoff(self, retry: int, draw: float) -> float:
        """Seconds before retry number ``retry`` (1-based): exponential, half of it jittered.

        Args:
            retry: Which retry this is (1 for the first).
            draw: A random number in [0, 1).
        """
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** (retry - 1))
        return ceiling / 2 + draw * ceiling / 2


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Read a ``Retry-After`` header: delta-seconds or an HTTP date; None when absent or bad.

    Args:
        value: The header value.
        now: The current UTC time (for an HTTP date).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)  # a date in the past: retry now


class TokenSource(Protocol):
    """The bearer token for requests to a service URL ("" for none)."""

    async def __call__(self, service_url: str) -> str:
        """The token (MSAL caches and refreshes it)."""


async def no_token(service_url: str) -> str:
    """Local mode: requests go without a token (to this machine only)."""
    return ""


class AppTokens:
    """The app's own token for the connector service, from the SDK's connection manager."""

    def __init__(self, connections: MsalConnectionManager, app_id: str) -> None:
        """Tokens for ``app_id`` from ``connections`` (mapped per service URL, as the SDK does)."""
        self._connections = connections
        self._app_id = app_id

    async def __call__(self, service_url: str) -> str:
        """A token for the connector service at ``service_url``."""
        identity = ClaimsIdentity(
            {
                AuthenticationConstants.AUDIENCE_CLAIM: self._app_id,
                AuthenticationConstants.APP_ID_CLAIM: self._app_id,
            },
            authentication_type="app",  # any type: an empty one would mean anonymous
        )
        provider = self._connections.get_token_provider(identity, service_url)
        return await provider.get_access_token(CONNECTOR_AUDIENCE, CONNECTOR_SCOPES)


@dataclass(slots=True)
class _Attempts:
    """One send's attempts so far, across creating the chat and sending."""

    deadline: float
    made: int = 0
    last_status: int = 0


class TeamsUnavailable(Exception):
    """A read from Teams (not a send) failed after the sender's retries."""


class _Refused(Exception):
    """A request that cannot be made or whose answer is unusable: not retried."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class _Client:
    connector: ConnectorClient
    token: str = field(default="")


class TeamsSender:
    """Sends cards proactively to Teams, within its limits; one per process.

    Use ``async with`` (or call :meth:`close`) to close the HTTP sessions.
    """

    def __init__(
        self,
        *,
        limiter: TeamsRateLimiter,
        service_urls: OutboundHostValidator,
        tokens: TokenSource = no_token,
        retry: RetryPolicy = RetryPolicy(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        draw: Callable[[], float] = random.random,
        utc_now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create a sender.

        Args:
            limiter: The process's rate limiter (shared with every other sender).
            service_urls: The app's serviceUrl validator; other hosts are refused.
            tokens: Bearer tokens per service URL (:func:`no_token` in local mode).
            retry: Retry and timeout settings.
            clock: Monotonic seconds (the limiter's clock).
            sleep: Waits that many seconds of ``clock``.
            draw: Random numbers in [0, 1) for backoff jitter.
            utc_now: Wall-clock time, for ``Retry-After`` HTTP dates.
        """
        self._limiter = limiter
        self._service_urls = service_urls
        self._tokens = tokens
        self._retry = retry
        self._clock = clock
        self._sleep = sleep
        self._draw = draw
        self._utc_now = utc_now
        self._clients: dict[str, _Client] = {}

    async def __aenter__(self) -> TeamsSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every HTTP session."""
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.connector.close()

    async def send_card(
        self,
        target: ConversationRef | PersonalTarget,
        card: Mapping[str, Any],
        fallback_text: str,
    ) -> SendResult:
        """Send ``card`` into ``target``; open a 1:1 chat first for a PersonalTarget.

        Never raises for HTTP or network failures: they end in the result.
        """
        if not self._service_urls.is_allowed(target.service_url):
            log.warning("refused to send to a serviceUrl outside the allowed hosts")
            return SendResult(
                outcome=SendOutcome.FAILED,
                attempts=0,
                error="serviceUrl host is not allowed",
                conversation=target if isinstance(target, ConversationRef) else None,
            )
        attempts = _Attempts(deadline=self._clock() + self._retry.give_up_after)
        if isinstance(target, PersonalTarget):
            opened = await self._open_personal_chat(target, attempts)
            if isinstance(opened, SendResult):
                return opened
            conversation = opened
        else:
            conversation = target
        activity = _card_activity(conversation, card, fallback_text)

        async def send(client: ConnectorClient) -> str | None:
            sent = await client.conversations.send_to_conversation(
                conversation.conversation_id, activity
            )
            return sent.id

        outcome = await self._request(
            conversation.service_url,
            conversation.tenant_id,
            conversation.conversation_id,
            send,
            attempts,
        )
        return _result(outcome, attempts, conversation)

    async def update_card(
        self,
        target: ConversationRef,
        activity_id: str,
        card: Mapping[str, Any],
        fallback_text: str,
    ) -> SendResult:
        """Replace the card of message ``activity_id`` in ``target`` (``PUT .../activities/{id}``).

        Same limits and retries as a send. Never raises for HTTP or network failures.
        """
        if not self._service_urls.is_allowed(target.service_url):
            log.warning("refused to update a card at a serviceUrl outside the allowed hosts")
            return SendResult(
                outcome=SendOutcome.FAILED, attempts=0, error="serviceUrl host is not allowed"
            )
        attempts = _Attempts(deadline=self._clock() + self._retry.give_up_after)
        activity = _card_activity(target, card, fallback_text)
        activity.id = activity_id

        async def update(client: ConnectorClient) -> str | None:
            updated = await client.conversations.update_activity(
                target.conversation_id, activity_id, activity
            )
            return updated.id or activity_id

        outcome = await self._request(
            target.service_url, target.tenant_id, target.conversation_id, update, attempts
        )
        return _result(outcome, attempts, target)

    async def get_json(
        self, service_url: str, tenant_id: str, path: str, params: Mapping[str, str]
    ) -> Any:
        """``GET`` a connector path (e.g. a roster page) within Teams' limits, with retries.

        Raises:
            TeamsUnavailable: the service URL is not allowed, or Teams did not
                answer usefully within the retry policy.
        """
        if not self._service_urls.is_allowed(service_url):
            raise TeamsUnavailable("serviceUrl host is not allowed")
        attempts = _Attempts(deadline=self._clock() + self._retry.give_up_after)

        async def get(client: ConnectorClient) -> Any:
            async with client.client.get(path, params=dict(params)) as response:
                response.raise_for_status()
                return await response.json()

        outcome = await self._request(service_url, tenant_id, None, get, attempts)
        if isinstance(outcome, _Failure):
            raise TeamsUnavailable(f"{outcome.status or 'no answer'}: {outcome.reason}")
        return outcome

    async def _open_personal_chat(
        self, target: PersonalTarget, attempts: _Attempts
    ) -> ConversationRef | SendResult:
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=target.bot_id),
            members=[ChannelAccount(id=target.member_id)],
            tenant_id=target.tenant_id,
            channel_data={"tenant": {"id": target.tenant_id}},
        )

        async def create(client: ConnectorClient) -> str:
            created = await client.conversations.create_conversation(parameters)
            if not created.id:
                raise _Refused(0, "Teams created a conversation without an id")
            return created.id

        outcome = await self._request(target.service_url, target.tenant_id, None, create, attempts)
        if isinstance(outcome, _Failure):
            return outcome.result(attempts, None)
        return ConversationRef(
            tenant_id=target.tenant_id,
            id=target.member_id,
            kind=ConversationKind.PERSONAL,
            conversation_id=outcome,
            service_url=target.service_url,
            bot_id=target.bot_id,
            member_id=target.member_id,
        )

    async def _request[T](
        self,
        service_url: str,
        tenant_id: str,
        conversation_id: str | None,
        call: Callable[[ConnectorClient], Awaitable[T]],
        attempts: _Attempts,
    ) -> T | _Failure:
        """Make one request, retrying what is worth retrying, within the send's deadline."""
        transient = 0
        throttled = 0
        while True:
            try:
                # Client and token first: every request the limiter lets through is made.
                client = await self._client(service_url)
            except _Refused as refused:
                return _Failure(refused.status, refused.reason, final=True)
            await self._limiter.acquire(tenant_id, conversation_id)
            attempts.made += 1
            try:
                result = await call(client)
            except _Refused as refused:
                failure = _Failure(refused.status, refused.reason, final=True)
            except aiohttp.ClientResponseError as error:
                retry_after = error.headers.get("Retry-After") if error.headers else None
                failure = _Failure(error.status, _http_reason(error), retry_after)
            except TimeoutError:
                failure = _Failure(0, f"no answer within {self._retry.request_timeout:g} s")
            except aiohttp.ClientError as error:
                failure = _Failure(0, f"connection failed ({type(error).__name__})")
            except Exception as error:  # the SDK or pydantic on an unexpected answer
                log.exception("proactive request failed unexpectedly")
                attempts.last_status = 0
                return _Failure(0, f"unexpected error ({type(error).__name__})", final=True)
            else:
                attempts.last_status = 200
                return result
            attempts.last_status = failure.status
            if failure.final:
                return failure
            if failure.status == 429:
                throttled += 1
                if throttled >= self._retry.max_throttled_attempts:
                    return failure.giving_up(f"still throttled after {throttled} attempts")
                wait = retry_after_seconds(failure.retry_after, self._utc_now())
                if wait is None:
                    wait = self._retry.backoff(throttled, self._draw())
            else:
                transient += 1
                if transient >= self._retry.max_attempts:
                    return failure.giving_up(f"gave up after {transient} attempts")
                wait = self._retry.backoff(transient, self._draw())
            if self._clock() + wait > attempts.deadline:
                return failure.giving_up(
                    f"next retry would pass the {self._retry.give_up_after:g} s limit"
                )
            await self._sleep(wait)

    async def _client(self, service_url: str) -> ConnectorClient:
        """The connector client for ``service_url``, with the current token."""
        key = service_url if service_url.endswith("/") else service_url + "/"
        client = self._clients.get(key)
        if client is None:
            session = _open_session(
                self._service_urls, key, aiohttp.ClientTimeout(total=self._retry.request_timeout)
            )
            client = self._clients[key] = _Client(ConnectorClient(key, "", session=session))
        try:
            token = await self._tokens(key)
        except Exception as error:
            log.exception("could not get a token for proactive sends")
            raise _Refused(401, f"could not get a token ({type(error).__name__})") from None
        if token != client.token:
            # Default headers of the session are read when each request starts, so
            # every later request carries the refreshed token.
            if token:
                client.connector.client.headers["Authorization"] = f"Bearer {token}"
            else:
                client.connector.client.headers.pop("Authorization", None)
            client.token = token
        return client.connector


class _Failure:
    """How a request ended when it did not succeed."""

    __slots__ = ("final", "reason", "retry_after", "status")

    def __init__(
        self, status: int, reason: str, retry_after: str | None = None, *, final: bool = False
    ) -> None:
        self.status = status
        self.reason = _scrub(reason)
        self.retry_after = retry_after
        self.final = final or (
            status not in _RETRIED_STATUSES and status != 0 and not 500 <= status < 600
        )

    def giving_up(self, why: str) -> _Failure:
        return _Failure(self.status, f"{self.reason}; {why}", final=True)

    def result(self, attempts: _Attempts, conversation: ConversationRef | None) -> SendResult:
        outcome = (
            SendOutcome.UNREACHABLE if self.status in _UNREACHABLE_STATUSES else SendOutcome.FAILED
        )
        return SendResult(
            outcome=outcome,
            attempts=attempts.made,
            status=self.status,
            error=self.reason,
            conversation=conversation,
        )


def _result(
    outcome: str | _Failure | None, attempts: _Attempts, conversation: ConversationRef
) -> SendResult:
    """What a send or an update came to: the new activity's id, or why it failed."""
    if isinstance(outcome, _Failure):
        return outcome.result(attempts, conversation)
    return SendResult(
        outcome=SendOutcome.SENT,
        activity_id=outcome,
        attempts=attempts.made,
        status=attempts.last_status,
        conversation=conversation,
    )


def _http_reason(error: aiohttp.ClientResponseError) -> str:
    # The SDK puts the response body (Teams' error JSON) or its own text in `message`.
    return f"HTTP {error.status}: {error.message}"[:_MAX_ERROR_CHARS]


def _scrub(text: str) -> str:
    return _SECRETS.sub("[redacted]", text)[:_MAX_ERROR_CHARS]


def _open_session(
    validator: OutboundHostValidator, base_url: str, timeout: aiohttp.ClientTimeout
) -> aiohttp.ClientSession:
    if isinstance(validator, LoopbackServiceUrls):
        # Local mode talks to this machine, which the SDK's guarded session refuses.
        return aiohttp.ClientSession(base_url=base_url, timeout=timeout)
    # The SDK's guarded session also checks redirects and the addresses a host resolves to.
    return validator.client({"base_url": base_url, "timeout": timeout})


def _card_activity(
    conversation: ConversationRef, card: Mapping[str, Any], fallback_text: str
) -> Activity:
    return Activity(
        type="message",
        service_url=conversation.service_url,
        from_property=ChannelAccount(id=conversation.bot_id),
        conversation=ConversationAccount(
            id=conversation.conversation_id, tenant_id=conversation.tenant_id
        ),
        channel_data={"tenant": {"id": conversation.tenant_id}},
        summary=fallback_text,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=dict(card))],
    )


def build_sender(
    settings: Settings,
    limiter: TeamsRateLimiter,
    *,
    connections: MsalConnectionManager | None = None,
    retry: RetryPolicy = RetryPolicy(),
) -> TeamsSender:
    """The app's sender: no token in local mode, the app's token otherwise.

    Args:
        settings: The app's settings (local mode, credentials, serviceUrl hosts).
        limiter: The process's rate limiter.
        connections: The SDK connection manager to take tokens from (one is
            built from ``settings`` when None and credentials are set).
        retry: Retry and timeout settings.
    """
    tokens: TokenSource = no_token
    if not settings.local_mode:
        assert settings.client_id is not None
        manager = connections or MsalConnectionManager(**sdk_configuration(settings))
        tokens = AppTokens(manager, settings.client_id)
    return TeamsSender(
        limiter=limiter,
        service_urls=service_url_validator(settings),
        tokens=tokens,
        retry=retry,
    )
