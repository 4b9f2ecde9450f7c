"""The keys that sign Microsoft tokens: where each Azure cloud publishes them, and the key
sets themselves, fetched from a JWKS address, cached, refreshed rarely.

The bot's token check (:mod:`bot.auth`) and the tab's sign-in (``tab.sign_in``)
both read them.

The SDK's own lookup fetches the key set again for every unknown ``kid``, one
request at a time behind one lock, and remembers no failure: while Microsoft's
endpoint is slow, each forged token adds one fetch timeout to the wait of every
request behind it, real ones included. Here:

* a token whose ``kid`` is cached is checked against the cached key at once; no
  request waits for a refresh it does not need;
* an unknown ``kid`` starts a refresh only if the last attempt is at least
  :data:`REFRESH_INTERVAL` old, and every request that needs a refresh shares the
  one under way, which gives up after :data:`FETCH_TIMEOUT`;
* after a failed refresh, unknown ``kid``s are answered at once with
  :class:`SigningKeysUnavailable` (the caller answers 503) until a later refresh
  succeeds; after a successful one, with :class:`UnknownSigningKey` (401);
* a key set older than :data:`MAX_AGE` is refreshed in the background (a day, as
  the Bot Framework SDKs do), so a key Microsoft withdraws stops being accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import jwt
from jwt import PyJWK
from jwt.exceptions import PyJWTError
from yarl import URL

log = logging.getLogger("okr.auth")

# Tokens are checked with this much tolerance for clock differences, as the SDK does
# (the bot's tokens and the tab's alike).
CLOCK_SKEW_SECONDS = 300
REFRESH_INTERVAL = timedelta(minutes=1)
MAX_AGE = timedelta(days=1)
FETCH_TIMEOUT_SECONDS = 5.0
# Microsoft's key sets are a few kilobytes; anything much larger is not one.
MAX_KEY_SET_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One published key, with the channels it may sign for."""

    key: PyJWK
    # Channel ids (``msteams``, …) this key is endorsed for; None when the key set does not say.
    endorsements: frozenset[str] | None


_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_MAX_TOKEN_CHARS = 8192
_MAX_KID_CHARS = 256


class MalformedToken(Exception):
    """Not a token worth a key lookup; ``missing`` when the request carries none at all."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; raises :class:`MalformedToken`."""
    if authorization is None or not authorization.strip():
        raise MalformedToken("no token", missing=True)
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise MalformedToken("not a bearer token")
    token = parts[1]
    if len(token) > _MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        raise MalformedToken("malformed token")
    return token


def signing_key_id(token: str) -> tuple[str, dict[str, Any]]:
    """The ``kid`` of an RS256 token and its claims, unverified (to pick the key that checks it).

    Raises:
        MalformedToken: Not a JWT, not RS256, or no usable ``kid``.
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except PyJWTError:
        raise MalformedToken("malformed token") from None
    kid = header.get("kid")
    if header.get("alg") != "RS256":
        raise MalformedToken("token not signed with RS256")
    if not isinstance(kid, str) or not 0 < len(kid) <= _MAX_KID_CHARS:
        raise MalformedToken("token names no signing key")
    return kid, unverified


class UnknownSigningKey(Exception):
    """The token names a key that the (recently refreshed) key set does not have."""


class SigningKeysUnavailable(Exception):
    """The key set could not be fetched lately, so an unknown key cannot be checked now."""


@dataclass(frozen=True, slots=True)
class Cloud:
    """Where one Azure cloud's Bot Framework and Entra ID issue tokens and publish their keys."""

    bot_framework_issuer: str
    bot_framework_keys: str
    # ``{tenant}`` is replaced with the tenant id.
    entra_v2_issuer: str
    entra_keys: str


PUBLIC_CLOUD = Cloud(
    bot_framework_issuer="https://api.botframework.com",
    bot_framework_keys="https://login.botframework.com/v1/.well-known/keys",
    entra_v2_issuer="https://login.microsoftonline.com/{tenant}/v2.0",
    entra_keys="https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
)
US_GOVERNMENT_CLOUD = Cloud(
    bot_framework_issuer="https://api.botframework.us",
    bot_framework_keys="https://login.botframework.azure.us/v1/.well-known/keys",
    entra_v2_issuer="https://login.microsoftonline.us/{tenant}/v2.0",
    entra_keys="https://login.microsoftonline.us/{tenant}/discovery/v2.0/keys",
)
# Entra's v1 issuer is the same host in every cloud.
ENTRA_V1_ISSUER = "https://sts.windows.net/{tenant}/"
_US_GOVERNMENT_LOGIN = "login.microsoftonline.us"


def cloud_of(authority: str | None) -> Cloud:
    """The cloud the app's Entra authority belongs to (public unless it is US Government)."""
    if authority and (URL(authority).host or "").lower() == _US_GOVERNMENT_LOGIN:
        return US_GOVERNMENT_CLOUD
    return PUBLIC_CLOUD


FetchKeySet = Callable[[str], Awaitable[Any]]


class KeySetClient:
    """Fetches JWKS documents over HTTP; one session for every key set, closed with the app."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, url: str) -> Any:
        """The parsed JSON at ``url``; raises on any failure, including a slow answer."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
            )
        async with self._session.get(url) as response:
            response.raise_for_status()
            body = await response.content.read(MAX_KEY_SET_BYTES + 1)
            if len(body) > MAX_KEY_SET_BYTES:
                raise ValueError("the key set is too large")
            return json.loads(body)

    async def close(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class SigningKeys:
    """The keys one JWKS address publishes (see the module docstring for the refresh rules)."""

    def __init__(self, url: str, fetch: FetchKeySet, clock: Callable[[], datetime]) -> None:
        self.url = url
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: datetime | None = None
        self._last_attempt: datetime | None = None
        self._failing = False
        self._refresh: asyncio.Task[None] | None = None

    async def get(self, kid: str) -> SigningKey:
        """The key named ``kid``.

        Raises:
            UnknownSigningKey: the key set, fetched lately, does not have it (401).
            SigningKeysUnavailable: the key set cannot be fetched now (503).
        """
        now = self._clock()
        key = self._keys.get(kid)
        if key is not None:
            if self._is_stale(now) and self._may_refresh(now):
                self._start_refresh(now)  # in the background: this request does not wait
            return key
        refresh = self._refresh
        started = refresh is None and self._may_refresh(now)
        if started:
            refresh = self._start_refresh(now)
        # While failing, only the request that starts the retry waits for it.
        if refresh is None or (self._failing and not started):
            raise SigningKeysUnavailable(self.url) if self._failing else UnknownSigningKey(kid)
        # Shielded: a caller that gives up (client gone) does not cancel the shared refresh.
        await asyncio.shield(refresh)
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._failing:
            raise SigningKeysUnavailable(self.url)
        raise UnknownSigningKey(kid)

    async def close(self) -> None:
        """Stop a refresh under way (app shutdown)."""
        if self._refresh is not None:
            self._refresh.cancel()
            await asyncio.gather(self._refresh, return_exceptions=True)

    def _is_stale(self, now: datetime) -> bool:
        return self._fetched_at is None or not timedelta(0) <= now - self._fetched_at < MAX_AGE

    def _may_refresh(self, now: datetime) -> bool:
        if self._refresh is not None:
            return False
        if self._last_attempt is None:
            return True
        # A clock that went backwards does not hold refreshes off until it catches up.
        return not timedelta(0) <= now - self._last_attempt < REFRESH_INTERVAL

    def _start_refresh(self, now: datetime) -> asyncio.Task[None]:
        self._last_attempt = now
        self._refresh = asyncio.create_task(self._run_refresh(), name=f"signing keys {self.url}")
        return self._refresh

    async def _run_refresh(self) -> None:
        try:
            async with asyncio.timeout(FETCH_TIMEOUT_SECONDS):
                document = await self._fetch(self.url)
            keys = parse_key_set(document)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Once a minute at most per address; the URL is ours, the error type says enough.
            log.warning("signing keys from %s unavailable: %s", self.url, type(exc).__name__)
            self._failing = True
        else:
            self._keys = keys
            self._fetched_at = self._clock()
            self._failing = False
        finally:
            self._refresh = None


def parse_key_set(document: Any) -> dict[str, SigningKey]:
    """The RSA signing keys of a JWKS document by ``kid``; raises ValueError when it has none."""
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise ValueError("not a key set")
    keys: dict[str, SigningKey] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = PyJWK(dict(entry), algorithm="RS256")
        except (PyJWTError, ValueError, TypeError, KeyError):
            continue
        endorsements = entry.get("endorsements")
        keys[kid] = SigningKey(
            key=key,
            endorsements=(
                frozenset(e for e in endorsements if isinstance(e, str))
                if isinstance(endorsements, list)
                else None
            ),
        )
    if not keys:
        raise ValueError("the key set has no usable signing key")
    return keys
