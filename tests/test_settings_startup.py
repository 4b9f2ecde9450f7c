"""Start-up with credentials: refusals that name the setting, and the one SQLite warning.

The rules themselves are unit-tested in ``tests/bot/test_settings.py``; here
the real ``python app.py`` is started the way a container starts it, and what
an operator sees is checked: the exit code and the one line on stderr.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app import build_app
from settings import AUTH_TYPE, CLIENT_ID, CLIENT_SECRET, TENANT_ID, Settings

ROOT = Path(__file__).resolve().parents[1]
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SECRET = {CLIENT_ID: "app-id", CLIENT_SECRET: "s3cr3t-value", TENANT_ID: TENANT}
MANAGED_IDENTITY = {CLIENT_ID: "mi-client-id", AUTH_TYPE: "UserManagedIdentity"}
COSMOS = {"STORAGE": "cosmos", "COSMOS_ENDPOINT": "https://okr.documents.azure.com:443/"}


def start_app(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python app.py`` with only ``env`` (and no .env file: ``cwd`` is empty)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": "plain", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_credentials_without_storage_refuse_to_start_naming_storage(tmp_path: Path) -> None:
    done = start_app(SECRET, tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith("configuration error: STORAGE is required when " + CLIENT_ID)
    assert "s3cr3t-value" not in done.stderr
    assert not (tmp_path / "data").exists()  # no SQLite file was made on the way


def test_credentials_without_a_tenant_to_serve_refuse_to_start(tmp_path: Path) -> None:
    """A managed identity needs no tenant id to sign in, so nothing says whom to serve."""
    done = start_app({**MANAGED_IDENTITY, **COSMOS}, tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith("configuration error: ALLOWED_TENANTS is required when ")
    assert TENANT_ID in done.stderr and "'*'" in done.stderr


def test_explicit_sqlite_with_credentials_starts_with_one_warning(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="okr.app")

    build_app(make_settings(**SECRET, STORAGE="sqlite"))
    build_app(make_settings())  # local mode: its own warning, not this one

    warned = [r for r in caplog.records if "STORAGE=sqlite with credentials" in r.getMessage()]
    assert len(warned) == 1 and warned[0].levelno == logging.WARNING
    assert "okr.sqlite3" in warned[0].getMessage()  # says where the data is
