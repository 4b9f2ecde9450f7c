"""Replies reuse the turns' connections to the connector, with each turn's token, until shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import cast

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalAuth, MsalConnectionManager
from microsoft_agents.hosting.core import (
    ClaimsIdentity,
    RestChannelServiceClientFactory,
    TurnContext,
)
from microsoft_agents.hosting.core.authorization import AuthenticationConstants
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

import bot.turn_clients as turn_clients
from app import build_app
from bot.hosting import LoopbackServiceUrls, sdk_configuration, service_url_validator
from bot.turn_clients import OutboundHostError, TurnClients
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Settings
from tests import factories as f
from tests.bot.test_commands import APOLOGY
from tests.conftest import BotClient, Clock
from tests.connector import Connector

APP_ID = "00000000-0000-0000-0000-0000000000b0"
HELP_TITLES = ("What I can do", "Tôi có thể giúp gì")
CREDENTIALS = {CLIENT_ID: APP_ID, CLIENT_SECRET: "not-a-real-secret", TENANT_ID: f.TENANT_ID}


async def _help(bot: BotClient, connector: Connector, user: f.User = f.ALICE) -> None:
    response = await bot.post(f.personal_message("help", connector.url, user=user))
    assert response.status == 202


def _helped(connector: Connector) -> list[str]:
    """The help answers that went through, one per turn."""
    return [
        c.conversation_id or ""
        for c in connector.delivered()
        if any(title in str(c.body) for title in HELP_TITLES)
    ]


async def test_the_replies_of_many_turns_share_one_connection(
    bot: BotClient, connector: Connector
) -> None:
    for _turn in range(10):
        await _help(bot, connector)

    assert len(_helped(connector)) == 10
    assert len(connector.connections()) == 1  # the SDK alone opened one per turn: 10
    assert connector.open_connections() == connector.connections()


async def test_concurrent_turns_open_no_more_connections_than_replies_in_flight(
    bot: BotClient, connector: Connector
) -> None:
    people = [f.ALICE, f.BINH]
    for _round in range(3):
        await asyncio.gather(*(_help(bot, connector, person) for person in people))

    assert sorted(_helped(connector)) == sorted(f.personal_conversation_id(p) for p in people * 3)
    assert len(connector.connections()) <= len(people)


async def test_shutdown_closes_the_kept_connections(
    make_settings: Callable[..., Settings], clock: Clock, connector: Connector
) -> None:
    server = TestServer(build_app(make_settings(), clock=clock), host="127.0.0.1", port=0)
    await server.start_server()
    client = server.make_url("/api/messages")
    async with aiohttp.ClientSession() as session:
        response = await session.post(str(client), json=f.personal_message("help", connector.url))
        assert response.status == 202
    assert len(connector.open_connections()) == 1

    await server.close()

    for _wait in range(100):  # the connector sees the close a loop turn or two later
        if not connector.open_connections():
            break
        await asyncio.sleep(0.01)
    assert connector.open_connections() == []
    assert len(_helped(connector)) == 1


async def test_a_reply_dropped_on_a_kept_connection_is_sent_again_on_a_new_one(
    bot: BotClient, connector: Connector
) -> None:
    await _help(bot, connector)
    connector.drop_next(1, route="reply_to_activity")

    await _help(bot, connector)

    replies = connector.calls_to("reply_to_activity")
    assert len(replies) == 3  # the first turn's, the dropped one, and the same reply again
    assert replies[1].body == replies[2].body
    assert replies[1].connection == replies[0].connection != replies[2].connection
    assert len(_helped(connector)) == 2
    assert not any(a in str(c.body) for c in connector.calls for a in APOLOGY)


async def test_a_reply_dropped_on_a_new_connection_is_answered_with_the_apology_as_before(
    bot: BotClient, connector: Connector
) -> None:
    connector.drop_next(1, route="reply_to_activity")

    await _help(bot, connector)

    replies = connector.calls_to("reply_to_activity")
    assert len(replies) == 2  # the help card, dropped, then the apology: nothing sent twice
    assert "What I can do" in str(replies[0].body)
    assert any(a in str(replies[1].body) for a in APOLOGY)
    assert _helped(connector) == []
    assert connector.delivered() == [replies[1]]

    await _help(bot, connector)  # the next turn is answered as usual
    assert len(_helped(connector)) == 1


# -- the factory itself: tokens exactly as the SDK's, hosts as the app's ----------


def _teams_claims() -> ClaimsIdentity:
    """The claims of a request Azure Bot Service sent (its token was checked)."""
    return ClaimsIdentity(
        {
            AuthenticationConstants.AUDIENCE_CLAIM: APP_ID,
            AuthenticationConstants.ISSUER_CLAIM: "https://api.botframework.com",
        },
        security_token="the-token-the-request-came-with",
    )


def _connections(settings: Settings) -> MsalConnectionManager:
    return MsalConnectionManager(**sdk_configuration(settings))


@pytest.fixture
def token_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """MSAL's token acquisition, stood in for: each request's arguments, answered "app-token"."""
    asked: list[tuple[object, ...]] = []

    async def access_token(self: MsalAuth, *args: object, **kwargs: object) -> str:
        asked.append((*args, *sorted(kwargs.items())))
        return "app-token"

    monkeypatch.setattr(MsalAuth, "get_access_token", access_token)
    return asked


async def test_with_credentials_each_reply_carries_the_token_the_sdk_would_ask_for(
    make_settings: Callable[..., Settings],
    connector: Connector,
    token_requests: list[tuple[object, ...]],
) -> None:
    connections = _connections(make_settings(**CREDENTIALS, STORAGE="sqlite"))
    sdk = RestChannelServiceClientFactory(connections)
    ours = TurnClients(connections, LoopbackServiceUrls(), guarded=False)
    claims = _teams_claims()
    audience = AuthenticationConstants.AGENTS_SDK_SCOPE
    scopes = claims.get_token_scope()

    expected = await sdk.create_connector_client(None, claims, connector.url, audience, scopes)
    assert isinstance(expected, TeamsConnectorClient)
    asked_by_the_sdk = list(token_requests)
    token_requests.clear()
    clients = [
        await ours.create_connector_client(None, claims, connector.url, audience, scopes)
        for _turn in range(3)
    ]
    try:
        assert token_requests == asked_by_the_sdk * 3  # once per turn, the same arguments
        assert asked_by_the_sdk and asked_by_the_sdk[0][0] == audience
        for client in clients:
            assert isinstance(client, TeamsConnectorClient)
            assert client.client.headers["Authorization"] == "Bearer app-token"
            assert (
                client.client.headers["Authorization"] == expected.client.headers["Authorization"]
            )
            await client.conversations.reply_to_activity(
                f.personal_conversation_id(f.ALICE), "act-1", Activity(type="message", text="hi")
            )
    finally:
        for client in (expected, *clients):
            await client.close()
        await ours.close()

    assert [c.authorization for c in connector.calls] == ["Bearer app-token"] * 3
    assert len(connector.connections()) == 1


async def test_anonymous_turns_send_no_token(
    make_settings: Callable[..., Settings],
    connector: Connector,
    token_requests: list[tuple[object, ...]],
) -> None:
    settings = make_settings()
    ours = TurnClients(_connections(settings), service_url_validator(settings), guarded=False)
    client = await ours.create_connector_client(
        None, ClaimsIdentity(), connector.url, "aud", None, use_anonymous=True
    )
    try:
        await client.conversations.send_to_conversation(
            "a:conv", Activity(type="message", text="hi")
        )
    finally:
        await client.close()
        await ours.close()

    assert token_requests == []
    assert [c.authorization for c in connector.calls] == [None]


async def test_a_host_outside_the_validator_is_never_contacted(
    make_settings: Callable[..., Settings],
    connector: Connector,
    token_requests: list[tuple[object, ...]],
) -> None:
    settings = make_settings(**CREDENTIALS, STORAGE="sqlite")
    # The production validator: Teams' hosts only, never this machine.
    ours = TurnClients(_connections(settings), service_url_validator(settings), guarded=False)
    client = await ours.create_connector_client(
        None, _teams_claims(), connector.url, AuthenticationConstants.AGENTS_SDK_SCOPE
    )
    try:
        with pytest.raises(OutboundHostError):
            await client.conversations.send_to_conversation(
                "a:conv", Activity(type="message", text="hi")
            )
    finally:
        await client.close()
        await ours.close()

    assert connector.calls == []


async def test_in_production_the_turns_share_the_sdks_guarded_connector_until_closed(
    make_settings: Callable[..., Settings], token_requests: list[tuple[object, ...]]
) -> None:
    settings = make_settings(**CREDENTIALS, STORAGE="sqlite")
    ours = TurnClients(_connections(settings), service_url_validator(settings), guarded=True)
    teams = "https://smba.trafficmanager.net/amer/"
    audience = AuthenticationConstants.AGENTS_SDK_SCOPE
    first = await ours.create_connector_client(None, _teams_claims(), teams, audience)
    second = await ours.create_connector_client(None, _teams_claims(), teams, audience)
    assert isinstance(first, TeamsConnectorClient) and isinstance(second, TeamsConnectorClient)
    shared = first.client.connector
    await first.close()  # the end of a turn leaves the shared connector open

    assert shared is not None and shared is second.client.connector
    assert type(shared).__name__ == "_SSRFConnector"  # refuses private and loopback addresses
    assert not shared.closed
    await second.close()
    await ours.close()
    assert shared.closed


@pytest.mark.parametrize("credentials", [True, False], ids=["credentials", "local mode"])
async def test_the_user_token_client_asks_for_the_sdks_token_and_shares_the_connector(
    make_settings: Callable[..., Settings],
    token_requests: list[tuple[object, ...]],
    credentials: bool,
) -> None:
    settings = make_settings(**CREDENTIALS, STORAGE="sqlite") if credentials else make_settings()
    connections = _connections(settings)
    sdk = RestChannelServiceClientFactory(connections)
    ours = TurnClients(connections, service_url_validator(settings), guarded=False)
    context = cast(TurnContext, SimpleNamespace(activity=Activity(type="message")))
    claims = _teams_claims() if credentials else ClaimsIdentity()

    expected = await sdk.create_user_token_client(context, claims, not credentials)
    asked_by_the_sdk = list(token_requests)
    token_requests.clear()
    first = await ours.create_user_token_client(context, claims, not credentials)
    second = await ours.create_user_token_client(context, claims, not credentials)
    try:
        assert token_requests == asked_by_the_sdk * 2
        assert len(asked_by_the_sdk) == (1 if credentials else 0)
        for client in (first, second):
            assert client.client.headers.get("Authorization") == expected.client.headers.get(
                "Authorization"
            )
        assert first.client.connector is second.client.connector is ours.connector
    finally:
        for client in (expected, first, second):
            await client.close()
        await ours.close()


async def test_turns_with_the_same_address_and_token_get_the_same_client_left_open(
    make_settings: Callable[..., Settings],
    connector: Connector,
    token_requests: list[tuple[object, ...]],
) -> None:
    ours = TurnClients(_connections(make_settings()), LoopbackServiceUrls(), guarded=False)
    context = cast(TurnContext, SimpleNamespace(activity=Activity(type="message")))
    claims = ClaimsIdentity()
    try:
        first = await ours.create_connector_client(None, claims, connector.url, "aud", None, True)
        assert isinstance(first, TeamsConnectorClient)
        await first.close()  # the SDK closes a turn's clients at its end
        second = await ours.create_connector_client(None, claims, connector.url, "aud", None, True)
        await second.conversations.send_to_conversation(
            "a:conv", Activity(type="message", text="hi")
        )
        tokens = await ours.create_user_token_client(context, claims, True)
        await tokens.close()

        assert second is first and not first.client.closed
        assert await ours.create_user_token_client(context, claims, True) is tokens
        assert not tokens.client.closed
        assert [c.body.get("text") for c in connector.calls] == ["hi"]
    finally:
        await ours.close()

    assert first.client.closed and tokens.client.closed  # closed with the factory


async def test_a_new_token_gets_a_new_client_and_a_dropped_one_is_closed_later(
    make_settings: Callable[..., Settings],
    connector: Connector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(turn_clients, "_KEPT_CLIENTS", 1)
    monkeypatch.setattr(turn_clients, "_DROPPED_CLOSE_S", 0.0)
    settings = make_settings(**CREDENTIALS, STORAGE="sqlite")
    ours = TurnClients(_connections(settings), LoopbackServiceUrls(), guarded=False)
    tokens = iter(["token-1", "token-2"])

    async def rotating_token(self: MsalAuth, *args: object, **kwargs: object) -> str:
        return next(tokens)

    monkeypatch.setattr(MsalAuth, "get_access_token", rotating_token)
    audience = AuthenticationConstants.AGENTS_SDK_SCOPE
    try:
        old = await ours.create_connector_client(None, _teams_claims(), connector.url, audience)
        new = await ours.create_connector_client(None, _teams_claims(), connector.url, audience)
        assert isinstance(old, TeamsConnectorClient) and isinstance(new, TeamsConnectorClient)
        assert new is not old
        assert new.client.headers["Authorization"] == "Bearer token-2"
        for _tick in range(5):  # the dropped client's close, a moment later
            await asyncio.sleep(0)
        assert old.client.closed and not new.client.closed
    finally:
        await ours.close()
