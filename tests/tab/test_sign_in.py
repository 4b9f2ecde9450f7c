"""Teams single sign-on for the tab, with tokens signed by keys the test makes.

Entra ID's key endpoint is served on 127.0.0.1 (:class:`KeyService`); everything
else (parsing, issuer, tenant, signature, audience, lifetime, key caching, the
member lookup) is the app's own code on the real HTTP path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import jwt
import pytest
from aiohttp import ClientResponse

import bot.signing_keys
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from tests import factories as f
from tests.bot.bot_service import APP_ID, ENTRA_KEY, FORGED_KEY, KeyService, raw_token
from tests.conftest import BotClient, StartBot
from tests.tab.seed import ALICE_ID, SEEDED, seed

DOMAIN = "okr.contoso.com"
AUDIENCE = f"api://{DOMAIN}/{APP_ID}"
V1 = "https://sts.windows.net/{tid}/"
V2 = "https://login.microsoftonline.com/{tid}/v2.0"
PRODUCTION = {
    CLIENT_ID: APP_ID,
    CLIENT_SECRET: "not-a-real-secret",
    TENANT_ID: f.TENANT_ID,
    "ALLOWED_TENANTS": f.TENANT_ID,
    "STORAGE": "sqlite",
    "TAB_DOMAIN": DOMAIN,
}


@asynccontextmanager
async def entra_keys_served(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[KeyService]:
    """Entra's key endpoints, served here; the app fetches from them (also the page tests')."""
    async with KeyService() as service:
        monkeypatch.setattr(bot.signing_keys, "PUBLIC_CLOUD", service.cloud())
        monkeypatch.setattr(
            bot.signing_keys,
            "US_GOVERNMENT_CLOUD",
            replace(
                bot.signing_keys.US_GOVERNMENT_CLOUD,
                entra_keys=f"{service.url}/{{tenant}}/discovery/v2.0/keys",
            ),
        )
        yield service


@pytest.fixture
async def keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[KeyService]:
    """Entra's key endpoints, served here; the app fetches from them."""
    async with entra_keys_served(monkeypatch) as service:
        yield service


def sso_claims(
    *,
    tid: str | None = f.TENANT_ID,
    issuer: str | None = None,
    audience: str = AUDIENCE,
    oid: str | None = f.ALICE.aad_object_id,
    lifetime: int = 3600,
    **extra: Any,
) -> dict[str, Any]:
    """Claims as Entra ID puts them in a Teams SSO token (v2 issuer unless told)."""
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": issuer if issuer is not None else V2.format(tid=tid or ""),
        "aud": audience,
        "tid": tid,
        "oid": oid,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + lifetime,
        "name": "Alice Nguyen",
    }
    values.update(extra)
    return {k: v for k, v in values.items() if v is not None}


def sso_token(payload: dict[str, Any], key: Any = ENTRA_KEY.private, kid: str | None = None) -> str:
    """A Teams SSO token: ``payload`` signed with RS256 (Entra's published key by default)."""
    headers = {"kid": kid or ENTRA_KEY.kid}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_token(payload: dict[str, Any]) -> str:
    """The old confusion attack: HS256 "signed" with the public key as the shared secret."""
    header = _b64(json.dumps({"alg": "HS256", "kid": ENTRA_KEY.kid}).encode())
    body = _b64(json.dumps(payload).encode())
    secret = json.dumps(ENTRA_KEY.jwk()).encode()
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"


async def _production(start_bot: StartBot, **env: str) -> BotClient:
    started = await start_bot({**PRODUCTION, **env})
    await seed(started.store)
    return started


async def _session(bot: BotClient, token: str, query: str = "") -> ClientResponse:
    response = await bot.session.get(
        bot.url + "api/tab/session" + query, headers={"Authorization": f"Bearer {token}"}
    )
    await response.read()
    return response


async def _refused(bot: BotClient, token: str, query: str = "") -> tuple[int, str, str]:
    response = await _session(bot, token, query)
    body = await response.json()
    return response.status, body["error"], body["message"]


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize("issuer", [V1, V2])
@pytest.mark.parametrize("audience", [AUDIENCE, APP_ID])
async def test_a_teams_token_signs_the_person_in(
    start_bot: StartBot, issuer: str, audience: str
) -> None:
    bot = await _production(start_bot)
    token = sso_token(sso_claims(issuer=issuer.format(tid=f.TENANT_ID), audience=audience))

    response = await _session(bot, token)

    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["member"] == {"id": ALICE_ID, "name": "Alice Nguyen"}
    assert body["tenant_id"] == f.TENANT_ID
    assert body["app_id"] == APP_ID
    assert body["chat_link"] == (
        f"https://teams.microsoft.com/l/entity/{APP_ID}/conversations?tenantId={f.TENANT_ID}"
    )


REFUSED = {
    "expired": (sso_claims(lifetime=-600), None, "expired"),
    "not yet valid": (sso_claims(nbf=int(time.time()) + 3600), None, "invalid_token"),
    "issued in the future": (sso_claims(iat=int(time.time()) + 3600), None, "invalid_token"),
    "tenant not allowed": (sso_claims(tid=f.OTHER_TENANT_ID), None, "wrong_tenant"),
    "issuer of another tenant": (
        sso_claims(issuer=V2.format(tid=f.OTHER_TENANT_ID)),
        None,
        "invalid_token",
    ),
    "issuer not Entra": (sso_claims(issuer="https://api.botframework.com"), None, "invalid_token"),
    "tid not a tenant id": (
        sso_claims(tid="contoso", issuer=V2.format(tid="contoso")),
        None,
        "invalid_token",
    ),
    "no tid": (sso_claims(tid=None, issuer=V2.format(tid=f.TENANT_ID)), None, "invalid_token"),
    "wrong audience": (
        sso_claims(audience="api://okr.contoso.com/someone-else"),
        None,
        "wrong_audience",
    ),
    "audience of another domain": (
        sso_claims(audience=f"api://evil.example/{APP_ID}"),
        None,
        "wrong_audience",
    ),
    "no oid": (sso_claims(oid=None), None, "invalid_token"),
    "unknown member": (sso_claims(oid="aad-stranger"), None, "unknown_member"),
}


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize(("payload", "unused", "code"), REFUSED.values(), ids=REFUSED.keys())
async def test_a_token_that_fails_a_check_is_a_401_with_its_code(
    start_bot: StartBot, payload: dict[str, Any], unused: None, code: str
) -> None:
    bot = await _production(start_bot)

    status, error, message = await _refused(bot, sso_token(payload))

    assert (status, error) == (401, code)
    assert message and message != code


VALID = sso_claims()
_HEADER = {"alg": "RS256", "typ": "JWT", "kid": ENTRA_KEY.kid}
FORGED = {
    "bad signature": sso_token(VALID, FORGED_KEY),
    "bad signature bytes": raw_token(_HEADER, VALID, ENTRA_KEY.private)[:-6] + "AAAAAA",
    "no kid": raw_token({"alg": "RS256"}, VALID, ENTRA_KEY.private),
    "unknown kid": sso_token(VALID, FORGED_KEY, kid="forged-1"),
    "alg none": raw_token({**_HEADER, "alg": "none"}, VALID, signature=False),
    "alg HS256": hs256_token(VALID),
    "not a JWT": "a.b.c",
}


@pytest.mark.parametrize("token", FORGED.values(), ids=FORGED.keys())
async def test_a_forged_token_is_a_401_invalid_token(
    start_bot: StartBot, keys: KeyService, token: str
) -> None:
    bot = await _production(start_bot)

    status, error, _ = await _refused(bot, token)

    assert (status, error) == (401, "invalid_token")


async def test_messages_are_in_the_language_asked(start_bot: StartBot, keys: KeyService) -> None:
    bot = await _production(start_bot)

    expired = sso_token(sso_claims(lifetime=-600))
    foreign = sso_token(sso_claims(tid=f.OTHER_TENANT_ID))

    assert (await _refused(bot, expired, "?lang=vi"))[2] == (
        "Phiên đăng nhập đã hết hạn. Hãy tải lại tab để đăng nhập lại."
    )
    assert (await _refused(bot, foreign, "?lang=en"))[2] == (
        "This OKR app does not serve your organization."
    )


async def test_keys_are_fetched_once_from_the_tenants_own_address(
    start_bot: StartBot, keys: KeyService
) -> None:
    bot = await _production(start_bot)

    for _ in range(3):
        assert (await _session(bot, sso_token(sso_claims()))).status == 200
    # A tenant that is not allowed costs no fetch at all.
    await _session(bot, sso_token(sso_claims(tid=f.OTHER_TENANT_ID)))

    assert keys.requests == [f"/{f.TENANT_ID}/discovery/v2.0/keys"]


async def test_with_every_tenant_allowed_the_common_keys_are_used(
    start_bot: StartBot, keys: KeyService
) -> None:
    bot = await _production(start_bot, ALLOWED_TENANTS="*")
    stranger = sso_token(sso_claims(tid=f.OTHER_TENANT_ID, oid="aad-other"))

    response = await _session(bot, stranger)

    assert response.status == 200
    assert (await response.json())["tenant_id"] == f.OTHER_TENANT_ID
    assert keys.requests == ["/common/discovery/v2.0/keys"]


async def test_unavailable_keys_are_a_503_that_says_to_try_again(
    start_bot: StartBot, keys: KeyService
) -> None:
    bot = await _production(start_bot)
    keys.release("fail")

    response = await _session(bot, sso_token(sso_claims()))

    assert response.status == 503
    assert response.headers["Retry-After"] == "60"
    assert (await response.json())["error"] == "sign_in_unavailable"


async def test_the_us_government_cloud_takes_its_own_issuer(
    start_bot: StartBot, keys: KeyService
) -> None:
    bot = await _production(
        start_bot,
        CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHORITY=(
            f"https://login.microsoftonline.us/{f.TENANT_ID}"
        ),
    )
    us = sso_token(sso_claims(issuer=f"https://login.microsoftonline.us/{f.TENANT_ID}/v2.0"))
    public = sso_token(sso_claims())

    assert (await _session(bot, us)).status == 200
    assert (await _refused(bot, public))[:2] == (401, "invalid_token")


async def test_no_token_ever_reaches_the_logs(
    start_bot: StartBot, keys: KeyService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await _production(start_bot)
    tokens = [
        sso_token(sso_claims()),
        sso_token(sso_claims(lifetime=-600)),
        sso_token(sso_claims(tid=f.OTHER_TENANT_ID)),
        sso_token(sso_claims(audience="nope")),
        sso_token(sso_claims(oid="aad-stranger")),
        *FORGED.values(),
    ]

    for token in tokens:
        await _session(bot, token)
        await bot.session.get(
            bot.url + f"api/tab/objectives/{SEEDED.revenue}",
            headers={"Authorization": f"Bearer {token}"},
        )

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    refusals = [r for r in caplog.records if r.getMessage().startswith("tab sign-in refused")]
    assert len(refusals) == 2 * (len(tokens) - 1)  # one line per refusal, none for the valid one
    for token in tokens:
        for part in token.split("."):
            assert len(part) < 8 or part not in logged
    assert not any(r.exc_info for r in caplog.records)
