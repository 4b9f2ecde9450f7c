"""Production mode with real Bot Framework tokens, signed by keys the test makes.

Only two things are stood in for, because they are network calls to Microsoft:
the signing-key endpoints (served on 127.0.0.1 by :class:`KeyService`) and
MSAL's token acquisition. Everything else — token parsing, signature, issuer,
audience and lifetime checks, key caching, serviceUrl checks, the tenant gate —
is the app's and the SDK's own code on the real HTTP path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from microsoft_agents.authentication.msal import MsalAuth

import bot.auth
import bot.signing_keys
from bot.auth import trusted_issuers
from bot.signing_keys import PUBLIC_CLOUD, US_GOVERNMENT_CLOUD
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from tests import factories as f
from tests.bot.bot_service import (
    APP_ID,
    BOT_FRAMEWORK,
    BOT_KEY,
    ENTRA_KEY,
    FORGED_KEY,
    KeyService,
    PublishedKey,
    claims,
    raw_token,
    sign,
)
from tests.conftest import BotClient, Clock, StartBot

TEAMS_URL = "https://smba.trafficmanager.net/amer/"
PRODUCTION = {
    CLIENT_ID: APP_ID,
    CLIENT_SECRET: "not-a-real-secret",
    TENANT_ID: f.TENANT_ID,
    "ALLOWED_TENANTS": f.TENANT_ID,
    # With credentials the embedded file must be asked for by name.
    "STORAGE": "sqlite",
}
# Microsoft's own infrastructure tenant: the SDK trusts it once issuer validation is on.
FIRST_PARTY_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db"


@pytest.fixture(autouse=True)
def _no_msal_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    async def access_token(self: object, *args: object, **kwargs: object) -> str:
        return "app-token"

    monkeypatch.setattr(MsalAuth, "get_access_token", access_token)


@pytest.fixture
async def keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[KeyService]:
    """Bot Framework's and Entra's key endpoints, served here; the app fetches from them."""
    async with KeyService() as service:
        monkeypatch.setattr(bot.signing_keys, "PUBLIC_CLOUD", service.cloud())
        yield service


def token(*, audience: str = APP_ID, service_url: str = TEAMS_URL) -> dict[str, str]:
    """An Authorization header as the Bot Framework sends it to the bot."""
    return sign(claims(audience=audience, service_url=service_url))


def forged(n: int = 0) -> dict[str, str]:
    """A well-formed token signed with a key nobody published, naming a key nobody has."""
    return sign(claims(), FORGED_KEY, kid=f"forged-{n}")


async def _production(start_bot: StartBot) -> BotClient:
    return await start_bot(PRODUCTION)


def _joins() -> dict[str, Any]:
    """An activity that is processed and stored without sending anything (no network needed)."""
    return f.members_added([f.BINH], TEAMS_URL)


async def _binh_stored(bot: BotClient) -> bool:
    return await bot.store.get_member(f.TENANT_ID, f.BINH.id) is not None


def _no_traces(caplog: pytest.LogCaptureFixture) -> bool:
    return not any(r.exc_info or r.levelno >= logging.ERROR for r in caplog.records)


@pytest.mark.usefixtures("keys")
async def test_a_valid_token_is_accepted(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    response = await bot.post(_joins(), headers=token())

    assert response.status == 202
    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None and member.team_ids == (f.SALES.id,)


@pytest.mark.usefixtures("keys")
async def test_a_token_for_another_bot_is_refused(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    response = await bot.post(_joins(), headers=token(audience="someone-else"))

    assert response.status == 401
    assert not await _binh_stored(bot)


@pytest.mark.usefixtures("keys")
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
    assert not await _binh_stored(bot)


@pytest.mark.usefixtures("keys")
async def test_other_tenants_are_refused_even_with_a_valid_token(start_bot: StartBot) -> None:
    bot = await _production(start_bot)

    response = await bot.post(
        f.members_added([f.BINH], TEAMS_URL, tenant_id=f.OTHER_TENANT_ID), headers=token()
    )

    assert response.status == 403
    assert await bot.store.list_members(f.OTHER_TENANT_ID) == []


# --- Item 2: a malformed Authorization header is a 401, never a 500 or a trace ----------------

_VALID_CLAIMS = claims()
_RS256 = {"alg": "RS256", "typ": "JWT", "kid": BOT_KEY.kid}
MALFORMED = {
    "no kid": sign(_VALID_CLAIMS, kid=None)["Authorization"],
    "kid not a string": "Bearer " + raw_token({**_RS256, "kid": 5}, _VALID_CLAIMS),
    "kid empty": "Bearer " + raw_token({**_RS256, "kid": ""}, _VALID_CLAIMS),
    "kid huge": "Bearer " + raw_token({**_RS256, "kid": "k" * 5000}, _VALID_CLAIMS),
    "header not JSON": "Bearer " + raw_token(b"{not json", _VALID_CLAIMS),
    "header an array": "Bearer " + raw_token([1, 2], _VALID_CLAIMS),
    "header not UTF-8": "Bearer " + raw_token(b"\xff\xfe", _VALID_CLAIMS),
    "payload not JSON": "Bearer " + raw_token(_RS256, b"{nope"),
    "payload an array": "Bearer " + raw_token(_RS256, ["iss"]),
    "issuer an object": "Bearer " + raw_token(_RS256, {**_VALID_CLAIMS, "iss": {"a": 1}}),
    "alg none": "Bearer " + raw_token({**_RS256, "alg": "none"}, _VALID_CLAIMS, signature=False),
    "alg HS256": "Bearer " + raw_token({**_RS256, "alg": "HS256"}, _VALID_CLAIMS),
    "signature of another key": "Bearer " + raw_token(_RS256, _VALID_CLAIMS, FORGED_KEY),
    "bad signature bytes": "Bearer " + raw_token(_RS256, _VALID_CLAIMS)[:-6] + "AAAAAA",
    "two segments": "Bearer aGVhZGVy.cGF5bG9hZA",
    "four segments": "Bearer a.b.c.d",
    "not base64": "Bearer ä.ö.ü",
    "empty bearer": "Bearer",
    "bearer and junk": "Bearer " + raw_token(_RS256, _VALID_CLAIMS) + " junk",
    "other scheme": "Basic YWxhZGRpbjpvcGVu",
    "empty": "",
}


@pytest.mark.parametrize("authorization", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_authorization_header_gets_401_and_no_trace(
    start_bot: StartBot, keys: KeyService, caplog: pytest.LogCaptureFixture, authorization: str
) -> None:
    bot = await _production(start_bot)
    caplog.set_level(logging.WARNING)

    response = await bot.post(_joins(), headers={"Authorization": authorization})

    assert response.status == 401
    assert "error" in await response.json()
    assert not await _binh_stored(bot)
    assert _no_traces(caplog)
    sent = authorization.rsplit(maxsplit=1)[-1] if authorization.strip() else None
    assert sent is None or sent not in caplog.text


# --- Item 3: only Azure Bot Service's issuers for this app; exp required ------------------


@pytest.mark.parametrize(
    "issuer",
    [
        f"https://login.microsoftonline.com/{f.OTHER_TENANT_ID}/v2.0",
        f"https://sts.windows.net/{f.OTHER_TENANT_ID}/",
        f"https://sts.windows.net/{FIRST_PARTY_TENANT}/",
        "https://api.botframework.com/",
        "https://api.botframework.us",
        "https://attacker.example",
        None,
    ],
    ids=[
        "other tenant v2",
        "other tenant v1",
        "Microsoft first-party tenant",
        "Bot Framework with a slash",
        "another cloud",
        "attacker",
        "no issuer",
    ],
)
async def test_tokens_from_other_issuers_are_refused(
    start_bot: StartBot, keys: KeyService, issuer: str | None
) -> None:
    bot = await _production(start_bot)

    response = await bot.post(_joins(), headers=sign(claims(issuer=issuer)))

    assert response.status == 401
    assert not await _binh_stored(bot)
    assert keys.requests == []  # an untrusted issuer costs no key fetch


@pytest.mark.parametrize(
    "issuer",
    [
        f"https://sts.windows.net/{f.TENANT_ID}/",
        f"https://login.microsoftonline.com/{f.TENANT_ID}/v2.0",
    ],
    ids=["v1", "v2"],
)
async def test_tokens_from_the_apps_own_tenant_are_accepted(
    start_bot: StartBot, keys: KeyService, issuer: str
) -> None:
    bot = await _production(start_bot)
    payload = claims(issuer=issuer, tid=f.TENANT_ID)

    response = await bot.post(_joins(), headers=sign(payload, ENTRA_KEY.private, kid=ENTRA_KEY.kid))

    assert response.status == 202
    assert await _binh_stored(bot)
    assert keys.requests == [f"/{f.TENANT_ID}/discovery/v2.0/keys"]


@pytest.mark.usefixtures("keys")
async def test_an_own_tenant_issuer_with_another_tid_is_refused(start_bot: StartBot) -> None:
    bot = await _production(start_bot)
    payload = claims(
        issuer=f"https://login.microsoftonline.com/{f.TENANT_ID}/v2.0", tid=f.OTHER_TENANT_ID
    )

    response = await bot.post(_joins(), headers=sign(payload, ENTRA_KEY.private, kid=ENTRA_KEY.kid))

    assert response.status == 401


@pytest.mark.usefixtures("keys")
async def test_a_bot_framework_token_signed_with_an_entra_key_is_refused(
    start_bot: StartBot,
) -> None:
    bot = await _production(start_bot)

    response = await bot.post(
        _joins(), headers=sign(claims(), ENTRA_KEY.private, kid=ENTRA_KEY.kid)
    )

    assert response.status == 401


def _without(name: str) -> dict[str, Any]:
    payload = claims()
    del payload[name]
    return payload


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize(
    "payload",
    [
        _without("exp"),
        _without("aud"),
        claims(lifetime=-3600),  # expired an hour ago, past the 5 minutes' leeway
        {**claims(), "nbf": int(time.time()) + 3600},  # not valid for another hour
        claims(audience=f"api://{APP_ID}"),
    ],
    ids=["no exp", "no aud", "expired", "not yet valid", "another audience form"],
)
async def test_tokens_outside_their_lifetime_or_audience_are_refused(
    start_bot: StartBot, payload: dict[str, Any]
) -> None:
    bot = await _production(start_bot)

    response = await bot.post(_joins(), headers=sign(payload))

    assert response.status == 401
    assert not await _binh_stored(bot)


async def test_a_key_not_endorsed_for_the_channel_is_refused(
    start_bot: StartBot, keys: KeyService
) -> None:
    webchat_only = PublishedKey("bf-webchat", BOT_KEY.private, endorsements=("webchat",))
    keys.bot_framework_keys = [webchat_only]
    bot = await _production(start_bot)

    response = await bot.post(_joins(), headers=sign(claims(), kid=webchat_only.kid))

    assert response.status == 403  # as Bot Framework's authentication spec asks
    assert not await _binh_stored(bot)


def test_trusted_issuers_follow_the_apps_tenant_and_cloud() -> None:
    tenant = f.TENANT_ID.upper()

    single = trusted_issuers(tenant, None)
    multi = trusted_issuers("botframework.com", None)
    gov = trusted_issuers(None, f"https://login.microsoftonline.us/{f.TENANT_ID}")

    assert set(single) == {
        BOT_FRAMEWORK,
        f"https://sts.windows.net/{f.TENANT_ID}/",
        f"https://login.microsoftonline.com/{f.TENANT_ID}/v2.0",
    }
    assert single[BOT_FRAMEWORK] == PUBLIC_CLOUD.bot_framework_keys
    assert set(multi) == {BOT_FRAMEWORK}
    assert set(gov) == {
        US_GOVERNMENT_CLOUD.bot_framework_issuer,
        f"https://sts.windows.net/{f.TENANT_ID}/",
        f"https://login.microsoftonline.us/{f.TENANT_ID}/v2.0",
    }


# --- Item 4: signing keys cached, refreshed at most once a minute, floods don't queue --------


async def test_keys_are_fetched_once_and_unknown_keys_refetch_at_most_once_a_minute(
    start_bot: StartBot, keys: KeyService, clock: Clock
) -> None:
    bot = await _production(start_bot)

    first = [await bot.post(_joins(), headers=token()) for _ in range(3)]
    refused = [await bot.post(_joins(), headers=forged(n)) for n in range(10)]

    assert [r.status for r in first] == [202] * 3
    assert [r.status for r in refused] == [401] * 10
    assert len(keys.requests) == 1  # the forged keys were looked for in the fresh key set

    clock.now += timedelta(seconds=61)
    later = [await bot.post(_joins(), headers=forged(n)) for n in range(10, 20)]

    assert [r.status for r in later] == [401] * 10
    assert len(keys.requests) == 2  # one refresh for the ten


async def test_a_flood_of_forged_tokens_while_the_key_endpoint_hangs_does_not_delay_valid_requests(
    start_bot: StartBot, keys: KeyService, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hanging fetch may not give up by itself while the test runs, however slow the machine.
    monkeypatch.setattr(bot.signing_keys, "FETCH_TIMEOUT_SECONDS", 60.0)
    bot_client = await _production(start_bot)
    assert (await bot_client.post(_joins(), headers=token())).status == 202  # keys cached
    keys.hang()
    clock.now += timedelta(minutes=2)  # a refresh is allowed again

    async with asyncio.timeout(30):  # a generous bound: nothing here waits on a timeout
        flood = [
            asyncio.create_task(bot_client.post(_joins(), headers=forged(n))) for n in range(20)
        ]
        await keys.wait_for_requests(2)
        valid = await bot_client.post(f.members_added([f.ALICE], TEAMS_URL), headers=token())

        # The valid request was answered from the cache while the one refresh still hangs.
        assert valid.status == 202
        assert keys.answered == 1 and len(keys.requests) == 2
        assert not any(task.done() for task in flood)  # the forged ones share that refresh

        keys.release("fail")
        answers = await asyncio.gather(*flood)
        assert [r.status for r in answers] == [503] * 20
        assert all(r.headers.get("Retry-After") for r in answers)

        # While the key set fails: unknown keys answered at once, no new fetch; known keys pass.
        more = [await bot_client.post(_joins(), headers=forged(n)) for n in range(20, 30)]
        again = await bot_client.post(_joins(), headers=token())

    assert [r.status for r in more] == [503] * 10
    assert again.status == 202
    assert len(keys.requests) == 2


async def test_a_cold_start_flood_shares_one_fetch(
    start_bot: StartBot, keys: KeyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.signing_keys, "FETCH_TIMEOUT_SECONDS", 60.0)
    bot_client = await _production(start_bot)
    keys.hang()

    async with asyncio.timeout(30):
        flood = [
            asyncio.create_task(bot_client.post(_joins(), headers=forged(n))) for n in range(20)
        ]
        valid = asyncio.create_task(bot_client.post(_joins(), headers=token()))
        await keys.wait_for_requests(1)
        keys.release("serve")
        answers = await asyncio.gather(*flood)

    assert (await valid).status == 202
    assert [r.status for r in answers] == [401] * 20
    assert len(keys.requests) == 1


async def test_an_unreachable_key_endpoint_answers_503_at_once_and_recovers(
    start_bot: StartBot, keys: KeyService, clock: Clock
) -> None:
    keys.mode = "fail"
    bot_client = await _production(start_bot)

    first = await bot_client.post(_joins(), headers=token())
    second = await bot_client.post(_joins(), headers=token())

    assert (first.status, second.status) == (503, 503)
    assert len(keys.requests) == 1  # the second did not try again within the minute
    assert not await _binh_stored(bot_client)

    keys.mode = "serve"
    clock.now += timedelta(seconds=61)
    recovered = await bot_client.post(_joins(), headers=token())

    assert recovered.status == 202
    assert len(keys.requests) == 2
