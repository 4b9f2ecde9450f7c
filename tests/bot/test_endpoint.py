"""The HTTP contract of /api/messages, /healthz and /readyz in local and production mode."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.features import Features, Replies, Turn
from bot.hosting import service_url_validator
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Settings
from tests import factories as f
from tests.conftest import BotClient, StartBot
from tests.connector import Connector

PRODUCTION = {
    CLIENT_ID: "00000000-0000-0000-0000-00000000b07a",
    CLIENT_SECRET: "not-a-real-secret",
    TENANT_ID: f.TENANT_ID,
}


async def _nothing_stored(bot: BotClient) -> bool:
    return (
        await bot.store.get_tenant(f.TENANT_ID) is None
        and await bot.store.list_members(f.TENANT_ID) == []
        and await bot.store.list_conversations(f.TENANT_ID) == []
    )


@pytest.mark.parametrize("env", [{}, PRODUCTION], ids=["local", "production"])
async def test_health_and_readiness_need_no_token(start_bot: StartBot, env: dict[str, str]) -> None:
    bot = await start_bot(env)

    health = await bot.get("healthz")
    ready = await bot.get("readyz")

    assert health.status == 200 and await health.json() == {"status": "ok"}
    assert ready.status == 200 and await ready.json() == {"status": "ready"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic YWxhZGRpbjpvcGVu"}],
    ids=["no token", "garbage token", "not a bearer token"],
)
async def test_production_refuses_requests_without_a_valid_token(
    start_bot: StartBot, connector: Connector, headers: dict[str, str]
) -> None:
    bot = await start_bot(PRODUCTION)

    response = await bot.post(f.personal_message("help", connector.url), headers=headers)

    assert response.status == 401
    assert await _nothing_stored(bot)
    assert connector.calls == []  # and the offline guard saw no call to fetch signing keys


async def test_local_mode_accepts_anonymous_requests(bot: BotClient, connector: Connector) -> None:
    response = await bot.post(f.personal_message("help", connector.url))

    assert response.status == 202
    assert len(connector.sent()) == 1


async def test_a_forged_service_url_is_refused_before_anything_is_sent(bot: BotClient) -> None:
    response = await bot.post(f.personal_message("help", "https://attacker.example/"))

    assert response.status == 401
    assert await _nothing_stored(bot)


def test_production_sends_only_to_teams_service_hosts(
    make_settings: Callable[..., Settings],
) -> None:
    validator = service_url_validator(make_settings(**PRODUCTION))

    assert validator.enabled
    assert validator.is_allowed("https://smba.trafficmanager.net/amer/")
    assert validator.is_allowed("https://smba.infra.gcc.teams.microsoft.com/teams/")
    assert not validator.is_allowed("http://smba.trafficmanager.net/amer/")  # no token in clear
    assert not validator.is_allowed("https://smba.trafficmanager.net.attacker.example/")
    assert not validator.is_allowed("https://attacker.example/")
    assert not validator.is_allowed("https://127.0.0.1:3978/")


def test_local_mode_sends_only_to_this_machine(make_settings: Callable[..., Settings]) -> None:
    validator = service_url_validator(make_settings())

    assert validator.is_allowed("http://127.0.0.1:56150/")
    assert validator.is_allowed("http://localhost:56150/")
    assert not validator.is_allowed("https://smba.trafficmanager.net/amer/")
    assert not validator.is_allowed("http://10.0.0.5/")


async def test_tenant_not_in_allowed_tenants_is_refused_and_nothing_stored(
    start_bot: StartBot, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot({"ALLOWED_TENANTS": f.TENANT_ID})

    response = await bot.post(
        f.installation_update("add", connector.url, tenant_id=f.OTHER_TENANT_ID)
    )

    assert response.status == 403
    assert await bot.store.get_tenant(f.OTHER_TENANT_ID) is None
    assert await bot.store.list_conversations(f.OTHER_TENANT_ID) == []
    assert connector.calls == []
    assert any("ALLOWED_TENANTS" in r.getMessage() for r in caplog.records)

    allowed = await bot.post(f.installation_update("add", connector.url))
    assert allowed.status == 202
    assert await bot.store.get_tenant(f.TENANT_ID) is not None


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"text"', b'{"type": {"nested": 1}}'],
    ids=["broken", "empty", "not utf-8", "array", "string", "wrong types"],
)
async def test_malformed_bodies_get_400(bot: BotClient, body: bytes) -> None:
    response = await bot.post_raw(body)

    assert response.status == 400
    assert "error" in await response.json()
    assert await _nothing_stored(bot)


async def test_an_activity_without_a_conversation_gets_400(
    bot: BotClient, connector: Connector
) -> None:
    activity = f.personal_message("help", connector.url)
    del activity["conversation"]

    response = await bot.post(activity)

    assert response.status == 400


async def test_oversized_bodies_get_413(start_bot: StartBot, connector: Connector) -> None:
    bot = await start_bot({"MAX_BODY_BYTES": "4096"})
    big = f.personal_message("x" * 5000, connector.url)

    response = await bot.post(big)

    assert response.status == 413
    assert await _nothing_stored(bot)
    small = await bot.post(f.personal_message("help", connector.url))
    assert small.status == 202


async def test_default_limit_refuses_a_megabyte(bot: BotClient, connector: Connector) -> None:
    response = await bot.post_raw(
        json.dumps(f.personal_message("x" * 2**20, connector.url)).encode()
    )

    assert response.status == 413


def _register_failing(features: Features) -> None:
    async def boom(turn: Turn, args: str) -> Replies:
        raise RuntimeError("database on fire: secret detail")

    async def boom_verb(turn: Turn, action: object) -> Replies:
        raise RuntimeError("card on fire: secret detail")

    features.add_command("boom", boom)
    features.add_verb("boom", boom_verb)


async def test_a_failing_command_is_answered_with_an_apology(
    start_bot: StartBot, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot(features=[_register_failing])
    activity = f.personal_message("boom", connector.url, user=f.BINH)

    response = await bot.post(activity)

    assert response.status == 202
    [apology] = connector.texts()
    assert apology.startswith("Xin lỗi")  # in the user's language
    assert "secret detail" not in apology
    [failure] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert failure.exc_info is not None and "database on fire" in str(failure.exc_info[1])


async def test_a_failing_card_action_answers_the_invoke_with_an_apology(
    start_bot: StartBot, connector: Connector
) -> None:
    bot = await start_bot(features=[_register_failing])

    response = await bot.post(f.card_action("boom", {"x": 1}, connector.url))

    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"].startswith("Sorry")
    assert connector.sent() == []
