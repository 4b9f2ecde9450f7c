"""Shared fixtures: the offline guard, the local connector, and the bot served over real HTTP.

* ``connector`` — a started :class:`tests.connector.Connector` (the bot's serviceUrl).
* ``make_settings(**env)`` — :class:`Settings` parsed from environment-style
  variables, with a fresh SQLite file under ``tmp_path``.
* ``start_bot(env=None, features=FEATURES, clock=...)`` — builds the app from
  those settings, serves it on 127.0.0.1 (random port) and returns a
  :class:`BotClient`; stopped after the test.
* ``bot`` — ``start_bot()`` in local mode with the app's own features.
* ``clock`` — the fixed, settable clock the bot runs on.

Hypothesis profiles: the default, and ``long`` (``--hypothesis-profile=long``).

Every test runs offline: connecting anywhere but the loopback interface, or
resolving any other name, fails the test (even if the code under test
swallows the error).
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession, web
from aiohttp.test_utils import TestServer
from hypothesis import settings as hypothesis_settings

from app import FEATURES, STORE_KEY, build_app
from bot.features import Features
from settings import Settings
from storage.store import OkrStore
from tests.connector import Connector

# `./dev test --hypothesis-profile=long` for a thorough run of every property test
# (the hostile-input tests run 25 examples each otherwise).
hypothesis_settings.register_profile("long", max_examples=2000, deadline=None)
# No example may fail for being slow: these machines are shared, and timing is the
# benchmarks' job, never an assertion here (Hypothesis' default deadline is 200 ms).
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.load_profile("default")

_LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"}


class OfflineError(RuntimeError):
    """A test tried to reach a host other than this machine."""


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that tries to resolve or connect to a non-loopback host."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def allowed(address: Any) -> bool:
        if isinstance(address, str | bytes):  # AF_UNIX path
            return True
        host = address[0] if isinstance(address, tuple) and address else None
        return host is None or host in _LOOPBACK

    def refuse(what: str) -> OfflineError:
        attempts.append(what)
        return OfflineError(f"tests run offline: refused {what}")

    def connect(self: socket.socket, address: Any) -> None:
        if not allowed(address):
            raise refuse(f"connect to {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not allowed(address):
            raise refuse(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in _LOOPBACK:
            raise refuse(f"name lookup of {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert not attempts, f"the test tried to go online: {attempts}"


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    """The local connector service, started on 127.0.0.1."""
    async with Connector() as started:
        yield started


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """``make_settings(**env)``: settings from these variables (no .env file, fresh SQLite file)."""

    def make(**env: str) -> Settings:
        values = {
            "SQLITE_PATH": str(tmp_path / "okr.sqlite3"),
            "LOG_FORMAT": "plain",
            # Tests run passes themselves, with their own clock.
            "SCHEDULER": "off",
            **env,
        }
        return Settings.from_env(values, env_file=None)

    return make


class Clock:
    """A clock tests set by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """The bot's clock: 27 Nov 2026 02:00 UTC until a test moves it."""
    return Clock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))


@dataclass
class BotClient:
    """The running bot, reached over real HTTP."""

    url: str
    app: web.Application
    session: ClientSession

    @property
    def store(self) -> OkrStore:
        """The app's own store (open while the bot runs)."""
        return self.app[STORE_KEY]

    async def post(
        self, activity: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> ClientResponse:
        """POST an activity to /api/messages; the body is read and the response returned."""
        response = await self.session.post(
            self.url + "api/messages", json=activity, headers=headers
        )
        await response.read()
        return response

    async def post_raw(
        self, body: bytes, *, headers: dict[str, str] | None = None
    ) -> ClientResponse:
        """POST raw bytes (malformed or oversized bodies) to /api/messages."""
        response = await self.session.post(
            self.url + "api/messages",
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        await response.read()
        return response

    async def get(self, path: str) -> ClientResponse:
        """GET a path (without the leading slash)."""
        response = await self.session.get(self.url + path)
        await response.read()
        return response


StartBot = Callable[..., Awaitable[BotClient]]


@pytest.fixture
async def start_bot(
    make_settings: Callable[..., Settings], clock: Clock
) -> AsyncIterator[StartBot]:
    """``await start_bot(env=None, features=FEATURES)``: serve a new app, return its client."""
    servers: list[TestServer] = []
    sessions: list[ClientSession] = []

    async def start(
        env: dict[str, str] | None = None,
        features: Sequence[Callable[[Features], None]] = FEATURES,
    ) -> BotClient:
        app = build_app(make_settings(**(env or {})), features=features, clock=clock)
        server = TestServer(app, host="127.0.0.1", port=0)
        await server.start_server()
        servers.append(server)
        session = ClientSession()
        sessions.append(session)
        return BotClient(url=str(server.make_url("/")), app=app, session=session)

    yield start
    for session in sessions:
        await session.close()
    for server in servers:
        await server.close()


@pytest.fixture
async def bot(start_bot: StartBot) -> BotClient:
    """The bot in local mode (no credentials) with the app's features."""
    return await start_bot()
