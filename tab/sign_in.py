"""Who is looking at the tab: Teams single sign-on tokens, or the local development sign-in.

A Teams token (``authentication.getAuthToken()``) passes when, in this order
(each failure is a :class:`SignInRefused` with the contract's code, and one log
line without the token):

1. ``Authorization: Bearer <three base64url segments>`` (``no_token``, ``invalid_token``);
2. its header says ``RS256`` and names a key (``kid``) (``invalid_token``);
3. its ``tid`` is a tenant id and its ``iss`` is that tenant's own Entra issuer,
   v1 (``https://sts.windows.net/{tid}/``) or v2 (``…/{tid}/v2.0`` in the app's
   cloud) (``invalid_token``); the tenant is allowed by ``ALLOWED_TENANTS``
   (``wrong_tenant``), checked before any key is fetched, so a token naming a
   made-up tenant costs nothing;
4. the signature verifies with the key ``kid`` names, from Entra's published keys
   (:mod:`bot.signing_keys`, cached: the tenant's own key set when tenants are
   listed, the ``common`` one with ``ALLOWED_TENANTS=*``) (``invalid_token``;
   **503** ``sign_in_unavailable`` while the keys cannot be fetched);
5. ``aud`` is ``api://{TAB_DOMAIN}/{client id}`` or the client id (``wrong_audience``),
   ``exp`` is not past (``expired``), ``nbf``/``iat`` not in the future, with the
   bot's leeway (``invalid_token``); ``oid`` is present (``invalid_token``).

``oid`` and ``tid`` then name a stored member (``unknown_member`` when the bot
has not met the person). In local mode (no client id) only the development
sign-in's tokens pass: HMAC-signed with a key made when the app starts, short-lived.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import jwt

from bot.signing_keys import (
    CLOCK_SKEW_SECONDS,
    ENTRA_V1_ISSUER,
    Cloud,
    KeySetClient,
    MalformedToken,
    SigningKeys,
    SigningKeysUnavailable,
    UnknownSigningKey,
    bearer_token,
    signing_key_id,
)
from okr.models import Member
from storage.store import OkrStore

log = logging.getLogger("okr.tab")

# A development sign-in lasts this long; the page signs in again after.
DEV_TOKEN_LIFETIME = timedelta(minutes=30)
_DEV = "dev"


class SignInRefused(Exception):
    """The request does not prove who is looking: ``code`` is the contract's error code."""

    def __init__(self, code: str, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason  # for the log: never the token
        self.status = status


@dataclass(frozen=True, slots=True)
class Claimed:
    """Who a valid token says the person is: an Entra object id, or (dev) a member id."""

    tenant_id: str
    aad_object_id: str | None = None
    member_id: str | None = None


class Authenticator(Protocol):
    """Turns an ``Authorization`` header into who it proves, or raises :class:`SignInRefused`."""

    async def identify(self, authorization: str | None) -> Claimed:
        """Who the header proves."""
        ...

    async def close(self) -> None:
        """Release what it holds (HTTP sessions, refreshes under way)."""
        ...


async def signed_in_member(store: OkrStore, claimed: Claimed) -> Member:
    """The stored member ``claimed`` names; ``unknown_member`` when the bot has not met them."""
    member: Member | None = None
    if claimed.aad_object_id is not None:
        member = await store.find_member_by_aad(claimed.tenant_id, claimed.aad_object_id)
    elif claimed.member_id is not None:
        member = await store.get_member(claimed.tenant_id, claimed.member_id)
    if member is None:
        raise SignInRefused("unknown_member", "no stored member for the token")
    return member


class EntraTokens:
    """Checks Teams SSO tokens (see the module docstring for the rules, in order)."""

    def __init__(
        self,
        client_id: str,
        tab_domain: str | None,
        allowed_tenants: frozenset[str] | None,
        cloud: Cloud,
        clock: Callable[[], datetime],
        client: KeySetClient | None = None,
    ) -> None:
        self._audiences = [client_id]
        if tab_domain is not None:
            self._audiences.append(f"api://{tab_domain}/{client_id}")
        self._allowed = allowed_tenants
        self._cloud = cloud
        self._clock = clock
        self._client = client or KeySetClient()
        # One cached key set per address: one per allowed tenant, or ``common``.
        self._key_sets: dict[str, SigningKeys] = {}

    async def identify(self, authorization: str | None) -> Claimed:
        """Who a Teams token proves; raises :class:`SignInRefused`."""
        token = _bearer(authorization)
        try:
            kid, unverified = signing_key_id(token)
        except MalformedToken as exc:
            raise SignInRefused("invalid_token", exc.reason) from None
        tenant = _tenant_id(unverified.get("tid"))
        issuer = unverified.get("iss")
        if tenant is None or issuer not in self._issuers(tenant):
            raise SignInRefused("invalid_token", "token issuer is not its tenant's")
        if self._allowed is not None and tenant not in self._allowed:
            raise SignInRefused("wrong_tenant", f"tenant {tenant} not allowed")
        try:
            key = await self._keys_for(tenant).get(kid)
        except UnknownSigningKey:
            raise SignInRefused("invalid_token", "token signed with an unknown key") from None
        except SigningKeysUnavailable:
            raise SignInRefused(
                "sign_in_unavailable", "signing keys unavailable", status=503
            ) from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._audiences,
                issuer=issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "tid"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused("expired", "token expired") from None
        except jwt.InvalidAudienceError:
            raise SignInRefused("wrong_audience", "token for another audience") from None
        except jwt.PyJWTError as exc:
            raise SignInRefused("invalid_token", f"token rejected ({type(exc).__name__})") from None
        oid = claims.get("oid")
        if not isinstance(oid, str) or not oid:
            raise SignInRefused("invalid_token", "token names no person (oid)")
        return Claimed(tenant_id=tenant, aad_object_id=oid)

    async def close(self) -> None:
        """Stop refreshes under way and close the key sets' HTTP session."""
        for keys in self._key_sets.values():
            await keys.close()
        await self._client.close()

    def _issuers(self, tenant: str) -> tuple[str, str]:
        return (
            ENTRA_V1_ISSUER.format(tenant=tenant),
            self._cloud.entra_v2_issuer.format(tenant=tenant),
        )

    def _keys_for(self, tenant: str) -> SigningKeys:
        # Listed tenants are few, so each gets its own key set; with every tenant
        # allowed, one shared ``common`` set keeps the cache from growing with them.
        url = self._cloud.entra_keys.format(tenant=tenant if self._allowed else "common")
        keys = self._key_sets.get(url)
        if keys is None:
            keys = self._key_sets[url] = SigningKeys(url, self._client.fetch, self._clock)
        return keys


class DevTokens:
    """The local-mode sign-in: tokens naming a stored member, HMAC-signed, short-lived.

    The key is made when the app is built and never leaves the process, so a
    token is worth nothing after a restart or to another process.
    """

    def __init__(self, clock: Callable[[], datetime], key: bytes | None = None) -> None:
        self._clock = clock
        self._key = key if key is not None else secrets.token_bytes(32)

    def issue(self, tenant_id: str, member_id: str) -> str:
        """A token for ``member_id`` of ``tenant_id``, valid for :data:`DEV_TOKEN_LIFETIME`."""
        expires = int((self._clock() + DEV_TOKEN_LIFETIME).timestamp())
        payload = _b64(json.dumps({"tid": tenant_id, "mid": member_id, "exp": expires}).encode())
        return f"{_DEV}.{payload}.{self._signature(payload)}"

    async def identify(self, authorization: str | None) -> Claimed:
        """Who a development token names; raises :class:`SignInRefused`."""
        token = _bearer(authorization)
        prefix, payload, signature = token.split(".")
        if prefix != _DEV or not hmac.compare_digest(signature, self._signature(payload)):
            raise SignInRefused("invalid_token", "not a development token of this process")
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            tenant, member, expires = claims["tid"], claims["mid"], claims["exp"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise SignInRefused("invalid_token", "malformed development token") from None
        if not isinstance(expires, int) or expires <= self._clock().timestamp():
            raise SignInRefused("expired", "development token expired")
        return Claimed(tenant_id=str(tenant), member_id=str(member))

    async def close(self) -> None:
        """Nothing to release."""

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self._key, f"{_DEV}.{payload}".encode(), hashlib.sha256).digest()
        return _b64(digest)


def _bearer(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header (never from a URL)."""
    try:
        return bearer_token(authorization)
    except MalformedToken as exc:
        raise SignInRefused("no_token" if exc.missing else "invalid_token", exc.reason) from None


def _tenant_id(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
