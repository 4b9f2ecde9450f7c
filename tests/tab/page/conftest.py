"""The real app, seeded (:mod:`tests.tab.seed`), served with the stub Teams host, in Chromium.

``teams_tab``: production settings, so the page signs in with Teams single
sign-on: the stub host hands it tokens signed by the test's Entra key
(:mod:`tests.tab.test_sign_in`), which the app checks as it checks Teams' own.
``local_tab``: local mode, where a browser outside Teams signs in with the
development picker. One Chromium serves a module's tests (it takes longer to
start than a test takes to run), each test in a tab of its own; so the fixtures
and tests run on the module's event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
import pytest_asyncio
from aiohttp import web

from app import STORE_KEY, build_app
from settings import Settings
from storage.store import OkrStore
from tests.bot.bot_service import KeyService
from tests.cards.render import _Browser
from tests.conftest import Clock
from tests.tab.page.harness import TabBrowser, chromium, tab_browser
from tests.tab.seed import Seeded, seed
from tests.tab.test_sign_in import PRODUCTION, entra_keys_served, sso_claims, sso_token


@dataclass
class Tab:
    """The served app, its seeded store and a Chromium tab on it."""

    browser: TabBrowser
    app: web.Application
    seeded: Seeded

    @property
    def store(self) -> OkrStore:
        return self.app[STORE_KEY]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[_Browser]:
    """The module's Chromium."""
    async with chromium() as started:
        yield started


async def _serve(settings: Settings, clock: Clock, browser: _Browser) -> AsyncIterator[Tab]:
    app = build_app(settings, clock=clock)
    async with tab_browser(app, browser) as page:
        seeded = await seed(app[STORE_KEY])
        yield Tab(page, app, seeded)
        assert page.errors == [], "the page reported errors"


@pytest_asyncio.fixture(loop_scope="module")
async def entra_keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[KeyService]:
    """Entra ID's key endpoint on 127.0.0.1 with the test's key, on the module's loop."""
    async with entra_keys_served(monkeypatch) as service:
        yield service


@pytest_asyncio.fixture(loop_scope="module")
async def teams_tab(
    make_settings: Callable[..., Settings],
    clock: Clock,
    browser: _Browser,
    entra_keys: KeyService,
) -> AsyncIterator[Tab]:
    """The app with Teams single sign-on (the test's Entra key), seeded, in a Chromium tab."""
    async for tab in _serve(make_settings(**PRODUCTION), clock, browser):
        yield tab


@pytest_asyncio.fixture(loop_scope="module")
async def local_tab(
    make_settings: Callable[..., Settings], clock: Clock, browser: _Browser
) -> AsyncIterator[Tab]:
    """The app in local mode, seeded, in a Chromium tab."""
    async for tab in _serve(make_settings(), clock, browser):
        yield tab


@pytest.fixture
def alice_token() -> str:
    """What Teams' getAuthToken gives Alice: an SSO token the app accepts."""
    return sso_token(sso_claims())
