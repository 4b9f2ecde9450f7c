"""Who sent a request to ``/api/messages``: the Bot Framework token check.

This replaces the SDK's JWT middleware rather than wrapping it, because each of
its gaps is inside it: a header without ``kid`` raises ``KeyError`` (a 500),
the issuer is not checked unless opted in and then trusts Microsoft tenants
other than ours, ``exp`` is optional, and the signing-key fetch queues every
request behind forged ones. What a token must be to pass, checked in this order
(any failure answers **401**, never 500, and logs one line without the token):

1. ``Authorization: Bearer <three base64url segments>``.
2. Header: a JSON object with ``alg`` ``RS256`` and a string ``kid``.
3. ``iss`` is one of :func:`trusted_issuers`: Bot Framework's issuer for the
   app's cloud; when the app's own tenant is configured (a single-tenant or
   managed-identity bot), also that tenant's Entra v1 and v2 issuers.
4. The signature verifies with the key ``kid`` names, from that issuer's key set
   (:mod:`bot.signing_keys`; **503** while the key set cannot be fetched).
5. ``aud`` is the app id; ``exp`` is present and not past; ``nbf`` and ``iat``,
   when present, are not in the future (5 minutes' leeway, as the SDK allows);
   an Entra token's ``tid``, when present, is the app's tenant.

The key's endorsements (the channels it may sign for) go to the activity gate,
which compares them with the activity's ``channelId`` once the body is read.
In local mode (no client id) there is no token to check: every request is
anonymous and the ``Authorization`` header is ignored.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity
from yarl import URL

from bot.signing_keys import (
    CLOCK_SKEW_SECONDS,
    ENTRA_V1_ISSUER,
    KeySetClient,
    MalformedToken,
    SigningKeys,
    SigningKeysUnavailable,
    UnknownSigningKey,
    bearer_token,
    cloud_of,
    signing_key_id,
)

log = logging.getLogger("okr.auth")


def own_tenant(tenant_id: str | None, authority: str | None) -> str | None:
    """The app's own tenant id (lower case), or None for a multi-tenant app.

    The authority's tenant segment wins over ``TENANTID``, as in the SDK. Only a
    GUID names one tenant: ``common``, ``organizations`` and ``botframework.com``
    do not.
    """
    segments = [s for s in URL(authority).path.split("/") if s] if authority else []
    candidate = segments[-1] if segments else tenant_id
    try:
        return str(uuid.UUID(candidate)) if candidate else None
    except ValueError:
        return None


def trusted_issuers(tenant_id: str | None, authority: str | None) -> dict[str, str]:
    """The token issuers Azure Bot Service uses for this app, each with its key set's URL."""
    cloud = cloud_of(authority)
    issuers = {cloud.bot_framework_issuer: cloud.bot_framework_keys}
    tenant = own_tenant(tenant_id, authority)
    if tenant is not None:
        keys = cloud.entra_keys.format(tenant=tenant)
        issuers[ENTRA_V1_ISSUER.format(tenant=tenant)] = keys
        issuers[cloud.entra_v2_issuer.format(tenant=tenant)] = keys
    return issuers


class TokenRefused(Exception):
    """The request's token does not prove it comes from Azure Bot Service for this app."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request, as its token proves."""

    identity: ClaimsIdentity
    # The channels the token's signing key is endorsed for; None: not restricted.
    endorsements: frozenset[str] | None = None


CALLER_KEY = web.RequestKey("caller", Caller)
# The SDK's adapter reads the caller's claims from this plain key.
SDK_CLAIMS_KEY = "claims_identity"


class BotFrameworkTokens:
    """Checks bearer tokens against the app id, the trusted issuers and their signing keys."""

    def __init__(
        self,
        app_id: str,
        keys_by_issuer: Mapping[str, SigningKeys],
        tenant: str | None,
        client: KeySetClient,
    ) -> None:
        self._app_id = app_id
        self._keys_by_issuer = dict(keys_by_issuer)
        self._tenant = tenant
        # Entra issuers name a tenant, so their tokens' ``tid`` must agree with it.
        self._entra_issuers = frozenset(
            issuer for issuer in keys_by_issuer if tenant is not None and tenant in issuer
        )
        self._client = client

    @classmethod
    def for_app(
        cls, app_id: str, config: AgentAuthConfiguration, clock: Callable[[], datetime]
    ) -> BotFrameworkTokens:
        """The check for the app ``app_id`` with the SDK connection ``config``."""
        client = KeySetClient()
        issuers = trusted_issuers(config.TENANT_ID, config.AUTHORITY)
        key_sets = {url: SigningKeys(url, client.fetch, clock) for url in set(issuers.values())}
        return cls(
            app_id,
            {issuer: key_sets[url] for issuer, url in issuers.items()},
            own_tenant(config.TENANT_ID, config.AUTHORITY),
            client,
        )

    async def identify(self, authorization: str | None) -> Caller:
        """The caller a request's ``Authorization`` header proves; raises :class:`TokenRefused`."""
        try:
            token = bearer_token(authorization)
            kid, unverified = signing_key_id(token)
        except MalformedToken as exc:
            raise TokenRefused(exc.reason) from None
        issuer = unverified.get("iss")
        keys = self._keys_by_issuer.get(issuer) if isinstance(issuer, str) else None
        if keys is None:
            raise TokenRefused("token issuer not trusted")
        try:
            key = await keys.get(kid)
        except UnknownSigningKey:
            raise TokenRefused("token signed with an unknown key") from None
        except SigningKeysUnavailable:
            raise TokenRefused("signing keys unavailable", status=503) from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._app_id,
                issuer=issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"token rejected ({type(exc).__name__})") from None
        tid = claims.get("tid")
        if (
            issuer in self._entra_issuers
            and tid is not None
            and (not isinstance(tid, str) or tid.lower() != self._tenant)
        ):
            raise TokenRefused("token tenant is not the app's")
        return Caller(ClaimsIdentity(claims, security_token=token), key.endorsements)

    async def close(self) -> None:
        """Stop refreshes under way and close the key sets' HTTP session."""
        for keys in set(self._keys_by_issuer.values()):
            await keys.close()
        await self._client.close()


def token_check(tokens: BotFrameworkTokens | None) -> Middleware:
    """The middleware that lets a request through only with a valid token (any, in local mode)."""

    @web.middleware
    async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if tokens is None:
            caller = Caller(ClaimsIdentity())  # local mode: anonymous
        else:
            try:
                caller = await tokens.identify(request.headers.get(hdrs.AUTHORIZATION))
            except TokenRefused as refused:
                log.warning("refused a request: %s", refused.reason)
                return _refusal(refused)
            except Exception as exc:  # a token no rule foresaw is still only a bad token
                log.warning("refused a request: token check failed (%s)", type(exc).__name__)
                return _refusal(TokenRefused("malformed token"))
        request[CALLER_KEY] = caller
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", web.NotAppKeyWarning)  # the SDK's key, not ours
            request[SDK_CLAIMS_KEY] = caller.identity
        return await handler(request)

    return check_token


def _refusal(refused: TokenRefused) -> web.Response:
    if refused.status == 503:
        return web.json_response(
            {"error": "cannot check tokens right now"}, status=503, headers={"Retry-After": "60"}
        )
    return web.json_response(
        {"error": "invalid or missing token"},
        status=401,
        headers={hdrs.WWW_AUTHENTICATE: "Bearer"},
    )
