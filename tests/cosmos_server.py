"""Start and stop the Cosmos-compatible test server; build backends against it.

The server is the npm package ``@vercel/cosmosdb-server`` (pinned in
``package.json``, installed by ``./dev test``), launched by
``tests/cosmos_server.js`` on 127.0.0.1 and a free port, over HTTPS with a
self-signed certificate. It keeps everything in memory and accepts any
well-formed key.

Use the fixtures ``cosmos`` (session: ``(endpoint, key)``) and
``cosmos_backend_factory`` (a fresh database per test), or by hand::

    with cosmos_server() as (endpoint, key):          # once per test session
        name = new_database_name()
        backend = await make_cosmos_backend(endpoint, key, name)
        ...                                           # async with OkrStore(backend)
        await drop_cosmos_database(endpoint, key, name)

Nesting ``cosmos_server()`` reuses the running server, so several fixtures
(the contract suite's and the Cosmos-only tests') share one process.
"""

from __future__ import annotations

import base64
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, NamedTuple

import pytest
from azure.cosmos.aio import CosmosClient
from azure.cosmos.exceptions import CosmosResourceNotFoundError

from storage.backend import CALL_DEADLINE_S
from storage.cosmos import CosmosBackend

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "node_modules" / "@vercel" / "cosmosdb-server"
LAUNCHER = Path(__file__).resolve().parent / "cosmos_server.js"
CONTAINER = "okr"
_START_TIMEOUT_S = 30.0
_READY = re.compile(rb"Ready to accept HTTPS connections at 127\.0\.0\.1:(\d+)")


class CosmosServer(NamedTuple):
    """Where the running test server listens and the key to present to it."""

    endpoint: str
    key: str


class CosmosServerError(RuntimeError):
    """The test server could not be started; the message says what to do."""


class _Shared:
    """The server this process is running, if any (shared by nested blocks)."""

    running: CosmosServer | None = None


@contextmanager
def cosmos_server() -> Iterator[CosmosServer]:
    """Run the test server for the duration of the block; yield ``(endpoint, key)``.

    If a server is already running in this process (an outer block), yield it
    and leave stopping it to the outer block.

    Raises:
        CosmosServerError: node or the npm package is missing, or the server
            did not come up; never skips.
    """
    if _Shared.running is not None:
        yield _Shared.running
        return
    node = shutil.which("node")
    if node is None:
        raise CosmosServerError(
            "Node.js (>= 20) is needed to run the Cosmos test server: "
            "install it, then run ./dev test"
        )
    if not (PACKAGE_DIR / "package.json").is_file():
        raise CosmosServerError(f"{PACKAGE_DIR} is missing: run ./dev test (it runs npm ci)")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [node, str(LAUNCHER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            port = _wait_until_listening(process, log)
            # The server ignores the key's value but the SDK signs requests with
            # it, so it must be valid base64. A fresh one per run: not a secret.
            _Shared.running = CosmosServer(
                f"https://127.0.0.1:{port}/", base64.b64encode(secrets.token_bytes(32)).decode()
            )
            yield _Shared.running
        finally:
            _Shared.running = None
            _stop(process)


def _wait_until_listening(process: subprocess.Popen[bytes], log: IO[bytes]) -> int:
    """Poll the launcher's output for its ready line; return the port."""
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        log.seek(0)
        output = log.read()
        found = _READY.search(output)
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            text = output.decode(errors="replace")
            raise CosmosServerError(f"Cosmos test server exited with {process.returncode}:\n{text}")
        time.sleep(0.05)  # waiting for a child process to start, not for a schedule
    raise CosmosServerError(f"Cosmos test server did not start within {_START_TIMEOUT_S:.0f}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Close stdin (the launcher exits on EOF), then terminate, then kill."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=2)
        return
    except subprocess.TimeoutExpired:
        process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def new_database_name(prefix: str = "test") -> str:
    """A database name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex}"


def cosmos_backend(
    endpoint: str, key: str, database_name: str, deadline_s: float = CALL_DEADLINE_S
) -> CosmosBackend:
    """A backend on ``database_name`` of the test server, not yet opened.

    Opening it (``async with OkrStore(backend)``) creates the database and
    container if missing, so two backends on one name see the same data (the
    "restart" test). TLS verification is off (self-signed certificate) and
    endpoint discovery is off, so the SDK talks to ``endpoint`` only.
    """
    return CosmosBackend(
        endpoint=endpoint,
        key=key,
        database=database_name,
        container=CONTAINER,
        verify_tls=False,
        endpoint_discovery=False,
        deadline_s=deadline_s,
    )


async def make_cosmos_backend(endpoint: str, key: str, database_name: str) -> CosmosBackend:
    """:func:`cosmos_backend`, for async callers."""
    return cosmos_backend(endpoint, key, database_name)


async def drop_cosmos_database(endpoint: str, key: str, database_name: str) -> None:
    """Delete a test database (no error if it does not exist)."""
    async with CosmosClient(
        endpoint, credential=key, connection_verify=False, enable_endpoint_discovery=False
    ) as client:
        with suppress(CosmosResourceNotFoundError):
            await client.delete_database(database_name)


# -- pytest fixtures: import them into a conftest to use them -------------------


@pytest.fixture(scope="session")
def cosmos() -> Iterator[CosmosServer]:
    """The test server, started once per session (reused if already running)."""
    with cosmos_server() as server:
        yield server


@pytest.fixture
async def cosmos_backend_factory(
    cosmos: CosmosServer,
) -> AsyncIterator[Callable[[], CosmosBackend]]:
    """Builds unopened backends on one fresh database, dropped after the test."""
    name = new_database_name()
    yield lambda: cosmos_backend(cosmos.endpoint, cosmos.key, name)
    await drop_cosmos_database(cosmos.endpoint, cosmos.key, name)


__all__ = [
    "CONTAINER",
    "CosmosServer",
    "CosmosServerError",
    "cosmos",
    "cosmos_backend",
    "cosmos_backend_factory",
    "cosmos_server",
    "drop_cosmos_database",
    "make_cosmos_backend",
    "new_database_name",
]
