"""Production mode with real Bot Framework tokens, signed by a key the test makes.

Only two things are stood in for, because they are network calls to Microsoft:
the signing-key lookup (JWKS) and MSAL's token acquisition. Everything else —
JWT validation, audience check, serviceUrl checks, the tenant gate — is the
SDK's and the app's own code on the real HTTP path.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.authorization import JwtTokenValidator

from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from tests import factories as f
from tests.conftest import BotClient, StartBot

APP_ID = "00000000-0000-0000-0000-00000000b07a"
TEAMS_URL = "https://smba.trafficmanager.net/amer/"
PRODUCTION = {
    CLIENT_ID: APP_ID,
    CLIENT_SECRET: "not-a-real-secret",
    TENANT_ID: f.TENANT_ID,
    "ALLOWED_TENANTS": f.TENANT_ID,
}
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(autouse=True)
def _no_microsoft_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    async def signing_key(self: object, jwks_uri: str, header: dict[str, Any]) -> Any:
        return _KEY.public_key()

    async def access_token(self: object, *args: object, **kwargs: object) -> str:
        return "app-token"

    manager = type(JwtTokenValidator._jwk_client_manager)
    monkeypatch.setattr(manager, "get_signing_key", signing_key)
    monkeypatch.setattr(MsalAuth, "get_access_token", access_token)


def token(*, audience: str = APP_ID, service_url: str = TEAMS_URL) -> dict[str, str]:
    """An Authorization header as the Bot Framework sends it to the bot."""
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
    }
    signed = jwt.encode(claims, _KEY, algorithm="RS256", headers={"kid": "test-key"})
    return {"Authorization": f"Bearer {signed}"}


async def _production(start_bot: StartBot) -> BotClient:
    return await start_bot(PRODUCTION)


async def test_a_valid_token_is_accepted(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    # People joining a team: processed and stored, nothing to send (no network needed).
    response = await bot.post(f.members_added([f.BINH], TEAMS_URL), headers=token())

    assert response.status == 202
    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None and member.team_ids == (f.SALES.id,)


async def test_a_token_for_another_bot_is_refused(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    response = await bot.post(
        f.members_added([f.BINH], TEAMS_URL), headers=token(audience="someone-else")
    )

    assert response.status == 401
    assert await bot.store.get_member(f.TENANT_ID, f.BINH.id) is None


@pytest.mark.parametrize(
    ("claimed", "sent"),
    [
        (TEAMS_URL, "https://attacker.example/"),  # activity disagrees with its token
        ("https://attacker.example/", "https://attacker.example/"),  # not a Teams host
        ("http://127.0.0.1:3978/", "http://127.0.0.1:3978/"),  # loopback is local mode only
    ],
)
async def test_service_urls_outside_teams_are_refused(
    start_bot: StartBot, claimed: str, sent: str
) -> None:
    bot = await _production(start_bot)

    response = await bot.post(f.members_added([f.BINH], sent), headers=token(service_url=claimed))

    assert response.status == 401
    assert await bot.store.get_member(f.TENANT_ID, f.BINH.id) is None


async def test_other_tenants_are_refused_even_with_a_valid_token(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    response = await bot.post(
        f.members_added([f.BINH], TEAMS_URL, tenant_id=f.OTHER_TENANT_ID), headers=token()
    )

    assert response.status == 403
    assert await bot.store.list_members(f.OTHER_TENANT_ID) == []
