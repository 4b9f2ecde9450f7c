"""Azure Bot Service's side of authentication, on 127.0.0.1: its key endpoints and its tokens.

:class:`KeyService` serves JWKS documents the way ``login.botframework.com`` and
``login.microsoftonline.com`` do, counts every fetch, and can hang or fail on
demand. :func:`sign` and :func:`raw_token` make tokens with keys made here;
the app's real token check validates them (point it at the service with
:meth:`KeyService.cloud`).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwt.algorithms import RSAAlgorithm

from bot.signing_keys import PUBLIC_CLOUD, Cloud

APP_ID = "00000000-0000-0000-0000-00000000b07a"
BOT_FRAMEWORK = "https://api.botframework.com"


@dataclass(frozen=True)
class PublishedKey:
    """A signing key and how its key set lists it."""

    kid: str
    private: rsa.RSAPrivateKey
    endorsements: tuple[str, ...] | None = ("msteams", "skype", "webchat")

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWKS entry."""
        entry: dict[str, Any] = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        entry.update({"kid": self.kid, "use": "sig"})
        if self.endorsements is not None:
            entry["endorsements"] = list(self.endorsements)
        return entry


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BOT_KEY = PublishedKey("bf-key-1", _new_key())
ENTRA_KEY = PublishedKey("entra-key-1", _new_key(), endorsements=None)
# Signs like the real thing but is published nowhere.
FORGED_KEY = _new_key()


def claims(
    *,
    issuer: str | None = BOT_FRAMEWORK,
    audience: str = APP_ID,
    service_url: str = "https://smba.trafficmanager.net/amer/",
    lifetime: int = 3600,
    **extra: Any,
) -> dict[str, Any]:
    """Claims as Azure Bot Service puts them in a token for the bot (None drops ``iss``)."""
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + lifetime,
    }
    values.update(extra)
    return {k: v for k, v in values.items() if v is not None}


def sign(
    payload: Mapping[str, Any],
    key: rsa.RSAPrivateKey = BOT_KEY.private,
    *,
    kid: str | None = BOT_KEY.kid,
) -> dict[str, str]:
    """An ``Authorization`` header carrying ``payload`` signed with RS256."""
    headers = {"kid": kid} if kid is not None else {}
    signed = jwt.encode(dict(payload), key, algorithm="RS256", headers=headers)
    return {"Authorization": f"Bearer {signed}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(
    header: Any, payload: Any, key: rsa.RSAPrivateKey = BOT_KEY.private, *, signature: bool = True
) -> str:
    """A token from any header and payload (bytes as given, else JSON), RS256-signed."""
    parts = [
        _b64(part if isinstance(part, bytes) else json.dumps(part).encode())
        for part in (header, payload)
    ]
    signing_input = ".".join(parts).encode()
    sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()) if signature else b""
    return f"{parts[0]}.{parts[1]}.{_b64(sig)}"


Mode = Literal["serve", "hang", "fail"]


class KeyService:
    """The key endpoints of Bot Framework and Entra ID, on 127.0.0.1.

    ``mode``: ``serve`` answers with the published keys, ``fail`` with 500,
    ``hang`` holds every request until :meth:`release`.
    """

    def __init__(self) -> None:
        self.bot_framework_keys: list[PublishedKey] = [BOT_KEY]
        self.entra_keys: list[PublishedKey] = [ENTRA_KEY]
        self.mode: Mode = "serve"
        self.requests: list[str] = []  # paths, in arrival order
        self.answered = 0
        self._arrived = asyncio.Condition()
        self._release = asyncio.Event()
        self._server: TestServer | None = None

    async def __aenter__(self) -> KeyService:
        app = web.Application()
        app.router.add_get("/botframework/keys", self._bot_framework)
        app.router.add_get("/{tenant}/discovery/v2.0/keys", self._entra)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()
        assert self._server is not None
        await self._server.close()

    @property
    def url(self) -> str:
        """Where the service listens, without a trailing slash."""
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    def cloud(self) -> Cloud:
        """The public cloud, with its key addresses pointing here."""
        return replace(
            PUBLIC_CLOUD,
            bot_framework_keys=f"{self.url}/botframework/keys",
            entra_keys=f"{self.url}/{{tenant}}/discovery/v2.0/keys",
        )

    def hang(self) -> None:
        """Hold every key request from now until :meth:`release`."""
        self.mode = "hang"
        self._release.clear()

    def release(self, mode: Mode) -> None:
        """Answer held requests, and later ones, as ``mode`` says."""
        self.mode = mode
        self._release.set()

    async def wait_for_requests(self, count: int) -> None:
        """Return once ``count`` key requests have arrived in all."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    async def _bot_framework(self, request: web.Request) -> web.Response:
        return await self._answer(request, self.bot_framework_keys)

    async def _entra(self, request: web.Request) -> web.Response:
        return await self._answer(request, self.entra_keys)

    async def _answer(self, request: web.Request, keys: list[PublishedKey]) -> web.Response:
        async with self._arrived:
            self.requests.append(request.path)
            self._arrived.notify_all()
        if self.mode == "hang":
            await self._release.wait()
        self.answered += 1
        if self.mode == "fail":
            return web.Response(status=500)
        return web.json_response({"keys": [key.jwk() for key in keys]})
