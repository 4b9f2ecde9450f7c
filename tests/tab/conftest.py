"""The app in local mode with :mod:`tests.tab.seed` stored, and a client signed in to the tab."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse

from tests.conftest import BotClient, StartBot
from tests.cosmos_server import cosmos, cosmos_backend_factory  # noqa: F401 (fixtures)
from tests.storage.conftest import backend_factory  # noqa: F401 (fixtures)
from tests.tab.seed import Seeded, seed


@dataclass
class TabClient:
    """The running app, reached over HTTP as the tab's page reaches it."""

    bot: BotClient
    seeded: Seeded
    token: str = ""

    async def sign_in(self, member_id: str, tenant_id: str) -> str:
        """The development sign-in's token for ``member_id`` (kept for later calls)."""
        response = await self.bot.session.post(
            self.bot.url + "api/tab/dev/sign-in",
            json={"tenant_id": tenant_id, "member_id": member_id},
        )
        assert response.status == 200, await response.text()
        self.token = (await response.json())["token"]
        return self.token

    async def get(
        self, path: str, *, token: str | None = None, headers: dict[str, str] | None = None
    ) -> ClientResponse:
        """GET ``path`` (no leading slash) with the signed-in token; the body is read."""
        sent = {"Authorization": f"Bearer {token or self.token}"} if (token or self.token) else {}
        response = await self.bot.session.get(
            self.bot.url + path, headers={**sent, **(headers or {})}
        )
        await response.read()
        return response

    async def json(self, path: str, status: int = 200) -> Any:
        """The JSON answer of GET ``path``, which must have ``status``."""
        response = await self.get(path)
        assert response.status == status, await response.text()
        return await response.json()


@pytest.fixture
async def tab(start_bot: StartBot) -> TabClient:
    """Local mode, the organisation stored, signed in as Alice."""
    from tests import factories as f

    bot = await start_bot()
    client = TabClient(bot, await seed(bot.store))
    await client.sign_in(f.ALICE.id, f.TENANT_ID)
    return client
