"""Ways to take storage away from a running store (used by ``test_faults.py``).

* :class:`LockHolder` — another process holding ``BEGIN EXCLUSIVE`` on a SQLite file.
* :func:`unprivileged` — file modes that bind even when the tests run as root.
* :class:`CosmosProcess` — a Cosmos test server of the test's own, on a port
  that survives a restart, to freeze (SIGSTOP), thaw, kill and start again.
* :class:`UnreadableJson` — a ``json`` module refusing one stored body.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tests.cosmos_server import LAUNCHER, ROOT, _stop, _wait_until_listening

_HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
"""


class LockHolder:
    """``async with LockHolder(path):`` another process holds the write lock meanwhile."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> LockHolder:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _HOLD_LOCK,
            str(self._path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        assert line == b"locked\n", f"the lock holder failed: {line!r}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.close()
        assert await self._process.wait() == 0


@contextmanager
def unprivileged() -> Iterator[Path]:
    """A fresh folder, and a process whose file modes bind while the block runs.

    Root writes through any file mode, so when the tests run as root (CI
    containers) the block runs with the effective user and group of
    ``nobody``, who owns the folder; the process is root again afterwards.
    """
    folder = Path(tempfile.mkdtemp(prefix="okr-faults-"))
    try:
        if os.geteuid() != 0:
            yield folder
            return
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        os.setegid(nobody.pw_gid)
        os.seteuid(nobody.pw_uid)
        try:
            yield folder
        finally:
            os.seteuid(0)
            os.setegid(0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class CosmosProcess:
    """The Cosmos test server in a process of its own, on a fixed port.

    It keeps everything in memory, so a killed server comes back empty, as a
    Cosmos account whose container was deleted would.
    """

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # The server ignores the key's value; the SDK needs valid base64.
        self.key = base64.b64encode(secrets.token_bytes(32)).decode()
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """Where the server listens, every time it is started."""
        return f"https://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start the server (again) on the same port."""
        node = shutil.which("node")
        assert node is not None, "Node.js is needed: run ./dev test"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (open while the server runs)
        self._process = subprocess.Popen(
            [node, str(LAUNCHER)],
            cwd=ROOT,
            env={**os.environ, "COSMOS_SERVER_PORT": str(self.port)},
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        assert _wait_until_listening(self._process, self._log) == self.port

    def freeze(self) -> None:
        """SIGSTOP: connections stay open, nothing answers."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: the server answers again, queued requests first."""
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL, and wait until it is gone (its data goes with it)."""
        assert self._process is not None and self._process.stdin is not None
        self._process.kill()
        self._process.wait()
        self._process.stdin.close()
        self._close_log()

    def stop(self) -> None:
        """Stop for good (thawed first, in case it was frozen)."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGCONT)
            _stop(self._process)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class UnreadableJson:
    """Stands in for ``json`` in ``storage.sqlite``: a body holding ``"unreadable"`` is refused.

    SQLite's own JSON checks let such a body in, so it shows what a read does
    with a document it cannot parse.
    """

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: str) -> Any:
        if '"unreadable"' in text:
            raise ValueError("unreadable body")
        return json.loads(text)
