"""The SDK's per-turn clients cost what they must, and say the same."""

from __future__ import annotations

import importlib.metadata

import pytest
from microsoft_agents.hosting.core.connector import get_product_info
from microsoft_agents.hosting.core.connector.client import connector_client, user_token_client
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.hosting import build_adapter, cache_product_info
from settings import Settings


async def test_clients_read_the_package_metadata_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = get_product_info()
    build_adapter(Settings.from_env({}))
    reads: list[str] = []
    real_version = importlib.metadata.version

    def counting_version(name: str) -> str:
        reads.append(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", counting_version)
    for _turn in range(3):
        connector = TeamsConnectorClient(endpoint="http://127.0.0.1:9/", token="")
        tokens = user_token_client.UserTokenClient(
            app_id="app", endpoint="http://127.0.0.1:9/", token=""
        )
        assert connector.client.headers["User-Agent"] == expected
        assert tokens.client.headers["User-Agent"] == expected
        await connector.close()
        await tokens.close()
    assert reads == []
    assert vars(connector_client)["get_product_info"]() == expected


def test_caching_twice_keeps_the_cache_and_leaves_stand_ins_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache_product_info()
    cached = vars(connector_client)["get_product_info"]
    cache_product_info()
    assert vars(connector_client)["get_product_info"] is cached
    assert cached is not get_product_info

    def stand_in() -> str:
        return "test-agent/1"

    monkeypatch.setattr(user_token_client, "get_product_info", stand_in)
    cache_product_info()
    assert vars(user_token_client)["get_product_info"] is stand_in
