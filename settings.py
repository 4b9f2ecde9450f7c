"""All settings, read once at start-up into one frozen, validated object.

Values come from the environment, and from a ``.env`` file for local runs
(the environment wins). A missing or malformed setting fails at start-up with
a message naming it. Nothing else in the app reads the environment.

The bot's credentials use the Microsoft 365 Agents SDK's own names
(``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID`` and friends) so that
the SDK documentation applies unchanged; every ``CONNECTIONS__*`` and
``CONNECTIONSMAP__*`` variable is handed to the SDK as given. Without a client
id the app runs in *local mode*: anonymous requests, loopback only.

With a client id, two defaults that suit a laptop would be wrong in production,
so the app asks instead of guessing: it serves only the bot's own tenant unless
``ALLOWED_TENANTS`` says otherwise (``*`` for every tenant), and it refuses the
embedded SQLite file unless ``STORAGE=sqlite`` is given explicitly.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


def _collect(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    """``env_file`` (for local runs) overlaid by ``environ`` (the environment wins)."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


_SDK = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
CLIENT_ID = _SDK + "CLIENTID"
CLIENT_SECRET = _SDK + "CLIENTSECRET"
TENANT_ID = _SDK + "TENANTID"
AUTH_TYPE = _SDK + "AUTHTYPE"
CERT_PFX_FILE = _SDK + "CERTPFXFILE"
AUTHORITY = _SDK + "AUTHORITY"
ANONYMOUS_ALLOWED = _SDK + "ANONYMOUS_ALLOWED"

# The SDK's AuthTypes values (microsoft_agents.hosting.core.AuthTypes), spelled as it compares them.
AUTH_TYPES = (
    "ClientSecret",
    "certificate",
    "CertificateSubjectName",
    "UserManagedIdentity",
    "SystemManagedIdentity",
    "FederatedCredentials",
    "WorkloadIdentity",
)
# Auth types that acquire tokens from a tenant-specific authority and fail without one.
_NEEDS_TENANT = ("ClientSecret", "certificate", "CertificateSubjectName", "FederatedCredentials")

# Hosts Teams sends as activity.serviceUrl (public cloud, GCC, GCC High, DoD, 21Vianet).
# A serviceUrl is where the bot sends its token, so only these are trusted in production.
TEAMS_SERVICE_HOSTS = (
    "smba.trafficmanager.net",
    "smba.onyx.prod.teams.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
    "frontend.botapi.msg.infra.teams.microsoftonline.cn",
)

# Largest request body /api/messages accepts. Teams caps a message near 28 KB and a
# card payload near 40 KB; 256 KiB leaves room for long texts and card data while
# keeping a flood of large bodies cheap to refuse (413).
DEFAULT_MAX_BODY_BYTES = 256 * 1024

LogFormat = Literal["auto", "json", "plain"]
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app reads from its environment."""

    host: str = "127.0.0.1"
    port: int = 3978
    storage: str = "sqlite"  # "sqlite" | "cosmos"
    sqlite_path: Path = Path("data/okr.sqlite3")
    cosmos_endpoint: str | None = None
    cosmos_key: str | None = field(default=None, repr=False)
    cosmos_database: str = "okr"
    cosmos_container: str = "okr"
    cosmos_verify_tls: bool = True
    # The bot's Entra app id; None means local mode (no credentials, anonymous requests).
    client_id: str | None = None
    # Every CONNECTIONS__* / CONNECTIONSMAP__* variable, for the SDK (holds secrets: no repr).
    agent_connections: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # Tenants served; None means every tenant (local mode, or ALLOWED_TENANTS=*).
    allowed_tenants: frozenset[str] | None = None
    # Hosts an activity's serviceUrl may point at (production mode only).
    service_url_hosts: tuple[str, ...] = TEAMS_SERVICE_HOSTS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_format: LogFormat = "auto"
    log_level: str = "INFO"
    scheduler: bool = True
    scheduler_interval_seconds: int = 60
    instance_name: str = ""
    # The public host the Teams tab is served from: its SSO audience is
    # api://{tab_domain}/{client id}.
    tab_domain: str | None = None
    # The app registration the tab's single sign-on is for (TAB_CLIENT_ID); None: the bot's.
    tab_client_id: str | None = None

    @property
    def authority(self) -> str | None:
        """The Entra authority the SDK connection names, if any (it tells the Azure cloud)."""
        return dict(self.agent_connections).get(AUTHORITY) or None

    @property
    def local_mode(self) -> bool:
        """True without a client id: anonymous requests accepted, nothing sent with a token."""
        return self.client_id is None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Build settings from ``environ`` (default: the process environment) and ``env_file``."""
        return cls._parse(_collect(environ, env_file))

    @staticmethod
    def app_id_from_env(
        environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> str | None:
        """The Azure Bot's app id alone, read as :meth:`from_env` reads it.

        Building the Teams package needs nothing else, so the rules for serving
        (storage, tenants, credentials) do not stop it.
        """
        return dict(_agent_connections(_collect(environ, env_file))).get(CLIENT_ID) or None

    @classmethod
    def _parse(cls, env: Mapping[str, str]) -> Settings:
        connections = _agent_connections(env)
        client_id = dict(connections).get(CLIENT_ID) or None
        storage = _storage(env.get("STORAGE", ""), production=client_id is not None)
        endpoint = env.get("COSMOS_ENDPOINT") or None
        if storage == "cosmos" and not endpoint:
            raise SettingsError("COSMOS_ENDPOINT is required when STORAGE=cosmos")
        # Local mode binds loopback by default; with credentials the app is meant to be
        # reachable (container, App Service), so it binds every interface by default.
        default_host = "127.0.0.1" if client_id is None else "0.0.0.0"
        return cls(
            host=env.get("HOST") or default_host,
            port=_port(env.get("PORT", "3978")),
            storage=storage,
            sqlite_path=Path(env.get("SQLITE_PATH", "data/okr.sqlite3")),
            cosmos_endpoint=endpoint,
            cosmos_key=env.get("COSMOS_KEY") or None,
            cosmos_database=env.get("COSMOS_DATABASE", "okr"),
            cosmos_container=env.get("COSMOS_CONTAINER", "okr"),
            cosmos_verify_tls=_bool("COSMOS_VERIFY_TLS", env.get("COSMOS_VERIFY_TLS", "true")),
            client_id=client_id,
            agent_connections=connections,
            allowed_tenants=_allowed_tenants(
                env.get("ALLOWED_TENANTS", ""), dict(connections), production=client_id is not None
            ),
            service_url_hosts=_hosts(env.get("SERVICE_URL_HOSTS")),
            max_body_bytes=_body_limit(env.get("MAX_BODY_BYTES")),
            log_format=_log_format(env.get("LOG_FORMAT", "auto")),
            log_level=_log_level(env.get("LOG_LEVEL", "INFO")),
            scheduler=_switch("SCHEDULER", env.get("SCHEDULER", "on")),
            scheduler_interval_seconds=_bounded_int(
                "SCHEDULER_INTERVAL_SECONDS", env.get("SCHEDULER_INTERVAL_SECONDS", "60"), 10, 3600
            ),
            instance_name=env.get("INSTANCE_NAME") or f"{socket.gethostname()}:{os.getpid()}",
            tab_domain=_tab_domain(env.get("TAB_DOMAIN")),
            tab_client_id=_tab_client_id(env.get("TAB_CLIENT_ID")),
        )


def _agent_connections(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The SDK's connection variables, checked for the mistakes that fail late or silently."""
    found = {
        key: value
        for key, value in env.items()
        if key.startswith(("CONNECTIONS__", "CONNECTIONSMAP__")) and value != ""
    }
    if ANONYMOUS_ALLOWED in found:
        raise SettingsError(
            f"{ANONYMOUS_ALLOWED} must not be set: the app allows anonymous requests "
            f"only in local mode, when {CLIENT_ID} is empty"
        )
    service = {k for k in found if k.startswith(_SDK)}
    if service and CLIENT_ID not in found:
        # Without a client id the app would silently fall back to anonymous local mode.
        raise SettingsError(
            f"{CLIENT_ID} is required when other service connection settings are set "
            f"({', '.join(sorted(service))})"
        )
    if CLIENT_ID in found:
        auth_type = found.get(AUTH_TYPE, "ClientSecret")
        if auth_type not in AUTH_TYPES:
            raise SettingsError(
                f"{AUTH_TYPE} must be one of {', '.join(AUTH_TYPES)}, not {auth_type!r}"
            )
        if auth_type == "ClientSecret" and CLIENT_SECRET not in found:
            raise SettingsError(f"{CLIENT_SECRET} is required when {AUTH_TYPE}=ClientSecret")
        if auth_type == "certificate" and CERT_PFX_FILE not in found:
            raise SettingsError(f"{CERT_PFX_FILE} is required when {AUTH_TYPE}=certificate")
        if auth_type in _NEEDS_TENANT and TENANT_ID not in found:
            raise SettingsError(f"{TENANT_ID} is required when {AUTH_TYPE}={auth_type}")
    return tuple(sorted(found.items()))


def _storage(raw: str, *, production: bool) -> str:
    """The storage backend; with credentials SQLite must be asked for by name.

    A container's own file system is lost on every restart and is separate per
    replica, so a production app that fell back to the embedded file would lose
    data without a word.
    """
    storage = raw.strip().lower()
    if not storage:
        if production:
            raise SettingsError(
                f"STORAGE is required when {CLIENT_ID} is set: 'cosmos' (with COSMOS_ENDPOINT) "
                "for production, or 'sqlite' to keep data in one file on a disk that outlives "
                "the container (one instance only)"
            )
        return "sqlite"
    if storage not in ("sqlite", "cosmos"):
        raise SettingsError(f"STORAGE must be 'sqlite' or 'cosmos', not {storage!r}")
    return storage


def _allowed_tenants(
    raw: str, connections: Mapping[str, str], *, production: bool
) -> frozenset[str] | None:
    """The tenants served: a list, every tenant (``*``), or by default the bot's own.

    A single-tenant or managed-identity bot still receives activities from any
    tenant that installs its package, and the bot id is in every package, so a
    production app serves only its own tenant unless told otherwise.
    """
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if parts == ["*"]:
        return None
    if "*" in parts:
        raise SettingsError("ALLOWED_TENANTS must be '*' alone or a list of tenant ids, not both")
    if parts:
        return frozenset(_tenant_id(part) for part in parts)
    if not production:
        return None  # local mode answers this machine only
    own = connections.get(TENANT_ID)
    if not own:
        raise SettingsError(
            f"ALLOWED_TENANTS is required when {CLIENT_ID} is set without {TENANT_ID}: "
            "give your tenant id (or a list, or '*' to serve every tenant that installs the app)"
        )
    try:
        return frozenset({_tenant_id(own)})
    except SettingsError:
        raise SettingsError(
            f"{TENANT_ID} must be a tenant id (GUID) to serve only it by default; "
            "or set ALLOWED_TENANTS"
        ) from None


def _tenant_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise SettingsError(
            f"ALLOWED_TENANTS must list Microsoft Entra tenant ids (GUIDs), not {raw!r}"
        ) from None


def _hosts(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return TEAMS_SERVICE_HOSTS
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    for host in hosts:
        if "/" in host or ":" in host or " " in host:
            raise SettingsError(f"SERVICE_URL_HOSTS must list host names, not {host!r}")
    return hosts


_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*")


def _tab_domain(raw: str | None) -> str | None:
    """The tab's public host name: no scheme, port or path (Teams' app ID URI has none)."""
    if raw is None or not raw.strip():
        return None
    host = raw.strip().lower()
    if not _HOST_NAME.fullmatch(host):
        raise SettingsError(
            f"TAB_DOMAIN must be a host name such as okr.contoso.com (no https://, port "
            f"or path), not {raw!r}"
        )
    return host


def _tab_client_id(raw: str | None) -> str | None:
    """The tab's own app registration (a managed-identity bot has none to expose an API on)."""
    if raw is None or not raw.strip():
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise SettingsError(
            f"TAB_CLIENT_ID must be an app registration's client id (GUID), not {raw!r}"
        ) from None


def _body_limit(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"MAX_BODY_BYTES must be a number of bytes, not {raw!r}") from None
    if not 4096 <= value <= 4 * 1024 * 1024:
        raise SettingsError(f"MAX_BODY_BYTES must be between 4096 and 4194304, not {value}")
    return value


def _log_format(raw: str) -> LogFormat:
    lowered = raw.strip().lower()
    if lowered == "auto":
        return "auto"
    if lowered == "json":
        return "json"
    if lowered == "plain":
        return "plain"
    raise SettingsError(f"LOG_FORMAT must be 'auto', 'json' or 'plain', not {raw!r}")


def _log_level(raw: str) -> str:
    upper = raw.strip().upper()
    if upper not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {raw!r}")
    return upper


def _switch(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("on", "true", "1", "yes"):
        return True
    if lowered in ("off", "false", "0", "no"):
        return False
    raise SettingsError(f"{name} must be on or off, not {raw!r}")


def _bounded_int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


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
