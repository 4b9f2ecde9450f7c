"""The HTTP contract of /api/messages, /healthz and /readyz in local and production mode."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest
from microsoft_agents.activity import Activity

from bot.features import Features, Replies, Turn
from bot.hosting import service_url_validator
from bot.http_edge import MAX_JSON_DEPTH
from bot.logs import SILENCED
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Settings
from tests import factories as f
from tests.conftest import BotClient, StartBot
from tests.connector import Connector

PRODUCTION = {
    CLIENT_ID: "00000000-0000-0000-0000-00000000b07a",
    CLIENT_SECRET: "not-a-real-secret",
    TENANT_ID: f.TENANT_ID,
    # With credentials the embedded file must be asked for by name.
    "STORAGE": "sqlite",
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


@pytest.fixture
def client_sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[aiohttp.ClientSession]]:
    """Every aiohttp ClientSession created from now on, by the bot or the test."""
    created: list[aiohttp.ClientSession] = []
    real_init = aiohttp.ClientSession.__init__

    def init(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", init)
    yield created


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def _activity(service_url: str, **changes: Any) -> bytes:
    """A Teams message with fields replaced (``None`` removes one; ``a__b`` is ``a.b``)."""
    activity = f.personal_message("note: the plan is due", service_url)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = activity
        for parent in parents:
            target = target[parent]
        if value is None:
            del target[leaf]
        else:
            target[leaf] = value
    return json.dumps(activity).encode()


# Bodies that reached a 500, a traceback or a leaked HTTP session before the gate knew them.
MALFORMED_ACTIVITIES: dict[str, Callable[[str], bytes]] = {
    "arrays nested past the parser": lambda url: b"[" * 60_000 + b"]" * 60_000,
    "objects nested past the parser": lambda url: b'{"a":' * 30_000 + b"1" + b"}" * 30_000,
    "value nested too deep": lambda url: _activity(url, value=_nested(MAX_JSON_DEPTH + 1)),
    "blank channelId": lambda url: _activity(url, channelId=""),
    "spaces for channelId": lambda url: _activity(url, channelId="  "),
    "channelId an object": lambda url: _activity(url, channelId={"id": "msteams"}),
    "no channelId": lambda url: _activity(url, channelId=None),
    "no serviceUrl": lambda url: _activity(url, serviceUrl=None),
    "blank serviceUrl": lambda url: _activity(url, serviceUrl=""),
    "serviceUrl a number": lambda url: _activity(url, serviceUrl=5),
    "no recipient": lambda url: _activity(url, recipient=None),
    "recipient without id": lambda url: _activity(url, recipient__id=None),
    "blank conversation id": lambda url: _activity(url, conversation__id=""),
    "no type": lambda url: _activity(url, type=None),
    "timestamp not a date": lambda url: _activity(url, timestamp="soon"),
}


@pytest.mark.parametrize(
    "make_body", MALFORMED_ACTIVITIES.values(), ids=MALFORMED_ACTIVITIES.keys()
)
async def test_malformed_activities_get_400_and_leak_nothing(
    bot: BotClient,
    connector: Connector,
    client_sessions: list[aiohttp.ClientSession],
    caplog: pytest.LogCaptureFixture,
    make_body: Callable[[str], bytes],
) -> None:
    already_open = len(client_sessions)

    response = await bot.post_raw(make_body(connector.url))

    assert response.status == 400
    assert "error" in await response.json()
    assert await _nothing_stored(bot)
    assert connector.calls == []
    assert [s for s in client_sessions[already_open:] if not s.closed] == []
    # The SDK's own validation line is silenced by configure_logging (see test_logs).
    ours = [r for r in caplog.records if r.name not in SILENCED]
    assert not any(r.exc_info or r.levelno >= logging.ERROR for r in ours)


async def test_a_deep_but_reasonable_activity_is_accepted(
    bot: BotClient, connector: Connector
) -> None:
    response = await bot.post_raw(_activity(connector.url, value=_nested(MAX_JSON_DEPTH - 3)))

    assert response.status == 202


async def _post_as(bot: BotClient, body: bytes, content_type: str | None) -> aiohttp.ClientResponse:
    headers = {} if content_type is None else {"Content-Type": content_type}
    skip = () if content_type is not None else ("Content-Type",)
    response = await bot.session.post(
        bot.url + "api/messages", data=body, headers=headers, skip_auto_headers=skip
    )
    await response.read()
    return response


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/json",
        "application/json; charset=utf-16",
        "application/octet-stream",
        None,
    ],
)
async def test_bodies_not_sent_as_json_get_415(
    bot: BotClient, connector: Connector, content_type: str | None
) -> None:
    # What a web page can POST to 127.0.0.1 without the browser asking first.
    body = json.dumps(f.personal_message("help", connector.url)).encode()

    response = await _post_as(bot, body, content_type)

    assert response.status == 415
    assert await _nothing_stored(bot)
    assert connector.calls == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"],
)
async def test_json_with_or_without_a_charset_is_accepted(
    bot: BotClient, connector: Connector, content_type: str
) -> None:
    body = json.dumps(f.personal_message("help", connector.url)).encode()

    response = await _post_as(bot, body, content_type)

    assert response.status == 202
    assert len(connector.sent()) == 1


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


async def test_an_incoming_activity_is_validated_once_through_the_endpoint(
    bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gate reads the body into an Activity; the SDK's adapter runs the turn
    # on that one (bot.hosting.GatedAdapter) instead of validating the body again.
    validated: list[Any] = []
    original = Activity.model_validate

    def counting(obj: Any, *args: Any, **kwargs: Any) -> Activity:
        if isinstance(obj, dict) and obj.get("text") == "help":
            validated.append(obj)
        return original(obj, *args, **kwargs)

    monkeypatch.setattr(Activity, "model_validate", counting)
    response = await bot.post(f.personal_message("help", connector.url))

    assert response.status == 202
    assert "What I can do" in str(connector.sent()[0].body)
    assert len(validated) == 1
