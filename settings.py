"""All settings, read once at start-up into one frozen, validated object.

Values come from the environment, and from a ``.env`` file for local runs
(the environment wins). A missing or malformed setting fails at start-up with
a message naming it. Nothing else in the app reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app reads from its environment."""

    host: str = "127.0.0.1"
    port: int = 3978
    storage: str = "sqlite"  # "sqlite" | "cosmos"
    sqlite_path: Path = Path("data/okr.sqlite3")
    cosmos_endpoint: str | None = None
    cosmos_key: str | None = None
    cosmos_database: str = "okr"
    cosmos_container: str = "okr"
    cosmos_verify_tls: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Build settings from ``environ`` (default: the process environment) and ``env_file``."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls._parse(values)

    @classmethod
    def _parse(cls, env: Mapping[str, str]) -> Settings:
        storage = env.get("STORAGE", "sqlite").strip().lower()
        if storage not in ("sqlite", "cosmos"):
            raise SettingsError(f"STORAGE must be 'sqlite' or 'cosmos', not {storage!r}")
        endpoint = env.get("COSMOS_ENDPOINT") or None
        if storage == "cosmos" and not endpoint:
            raise SettingsError("COSMOS_ENDPOINT is required when STORAGE=cosmos")
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            port=_port(env.get("PORT", "3978")),
            storage=storage,
            sqlite_path=Path(env.get("SQLITE_PATH", "data/okr.sqlite3")),
            cosmos_endpoint=endpoint,
            cosmos_key=env.get("COSMOS_KEY") or None,
            cosmos_database=env.get("COSMOS_DATABASE", "okr"),
            cosmos_container=env.get("COSMOS_CONTAINER", "okr"),
            cosmos_verify_tls=_bool("COSMOS_VERIFY_TLS", env.get("COSMOS_VERIFY_TLS", "true")),
        )


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"PORT must be a number, not {raw!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"PORT must be between 1 and 65535, not {port}")
    return port


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")
