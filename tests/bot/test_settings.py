"""Settings: defaults, the two modes, and start-up errors that name the bad setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.hosting import sdk_configuration
from settings import (
    ANONYMOUS_ALLOWED,
    AUTH_TYPE,
    CLIENT_ID,
    CLIENT_SECRET,
    TEAMS_SERVICE_HOSTS,
    TENANT_ID,
    Settings,
    SettingsError,
)

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "0e7b6b1c-4f3a-4d55-9a8e-2b1d3c4e5f60"
COSMOS = {"STORAGE": "cosmos", "COSMOS_ENDPOINT": "https://okr.documents.azure.com:443/"}
PRODUCTION = {CLIENT_ID: "app-id", CLIENT_SECRET: "s3cr3t-value", TENANT_ID: TENANT, **COSMOS}
# The Bicep template's settings: a managed identity, its tenant given to the SDK.
MANAGED_IDENTITY = {
    CLIENT_ID: "mi-client-id",
    AUTH_TYPE: "UserManagedIdentity",
    TENANT_ID: TENANT,
    **COSMOS,
}


def parse(**env: str) -> Settings:
    return Settings.from_env(env, env_file=None)


def test_defaults_are_local_mode_on_loopback() -> None:
    settings = parse()

    assert settings.local_mode and settings.client_id is None
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.storage == "sqlite" and settings.sqlite_path == Path("data/okr.sqlite3")
    assert settings.allowed_tenants is None  # every tenant: local mode answers this machine only
    assert settings.service_url_hosts == TEAMS_SERVICE_HOSTS
    assert settings.max_body_bytes == 256 * 1024
    assert (settings.log_format, settings.log_level) == ("auto", "INFO")


def test_local_mode_allows_anonymous_requests_and_production_does_not() -> None:
    local = sdk_configuration(parse())
    production = sdk_configuration(parse(**PRODUCTION))

    local_settings = local["CONNECTIONS"]["SERVICE_CONNECTION"]["SETTINGS"]
    production_settings = production["CONNECTIONS"]["SERVICE_CONNECTION"]["SETTINGS"]
    assert local_settings == {"ANONYMOUS_ALLOWED": "true"}
    assert "ANONYMOUS_ALLOWED" not in production_settings
    assert production_settings["CLIENTID"] == "app-id"


def test_production_binds_every_interface_unless_told() -> None:
    assert parse(**PRODUCTION).host == "0.0.0.0"
    assert parse(**PRODUCTION, HOST="10.1.2.3").host == "10.1.2.3"
    assert not parse(**PRODUCTION).local_mode


def test_secrets_stay_out_of_repr() -> None:
    settings = parse(**PRODUCTION, COSMOS_KEY="cosmos-key-value")

    assert "s3cr3t-value" not in repr(settings)
    assert "cosmos-key-value" not in repr(settings)


def test_allowed_tenants_are_normalised() -> None:
    settings = parse(ALLOWED_TENANTS=f" {TENANT.upper()} ,, {TENANT} ")

    assert settings.allowed_tenants == frozenset({TENANT})


def test_managed_identity_needs_no_secret() -> None:
    settings = parse(**MANAGED_IDENTITY)

    assert settings.client_id == "mi-client-id"


# --- Who is served ------------------------------------------------------------------------


def test_with_credentials_only_the_bots_own_tenant_is_served_by_default() -> None:
    assert parse(**PRODUCTION).allowed_tenants == frozenset({TENANT})
    assert parse(**MANAGED_IDENTITY).allowed_tenants == frozenset({TENANT})
    # The SDK takes the tenant in any case; the allow-list holds it as activities spell it.
    upper = parse(**{**PRODUCTION, TENANT_ID: TENANT.upper()})
    assert upper.allowed_tenants == frozenset({TENANT})


def test_other_tenants_are_served_only_when_listed_or_with_a_star() -> None:
    listed = parse(**PRODUCTION, ALLOWED_TENANTS=f"{TENANT},{OTHER_TENANT}")
    every = parse(**PRODUCTION, ALLOWED_TENANTS=" * ")

    assert listed.allowed_tenants == frozenset({TENANT, OTHER_TENANT})
    assert every.allowed_tenants is None
    # A list replaces the default: the bot's own tenant is served only if it is listed.
    assert parse(**PRODUCTION, ALLOWED_TENANTS=OTHER_TENANT).allowed_tenants == {OTHER_TENANT}


def test_local_mode_takes_a_list_too() -> None:
    assert parse(ALLOWED_TENANTS=TENANT).allowed_tenants == frozenset({TENANT})


# --- Storage with credentials ---------------------------------------------------------------


def test_credentials_with_cosmos_or_an_explicit_sqlite_start() -> None:
    assert parse(**PRODUCTION).storage == "cosmos"
    explicit = {**PRODUCTION, "STORAGE": "sqlite"}
    del explicit["COSMOS_ENDPOINT"]
    assert parse(**explicit).storage == "sqlite"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"STORAGE": "postgres"}, "STORAGE"),
        ({"STORAGE": "cosmos"}, "COSMOS_ENDPOINT"),
        ({"ALLOWED_TENANTS": "contoso.com"}, "ALLOWED_TENANTS"),
        ({"MAX_BODY_BYTES": "lots"}, "MAX_BODY_BYTES"),
        ({"MAX_BODY_BYTES": "100"}, "MAX_BODY_BYTES"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"SERVICE_URL_HOSTS": "https://smba.trafficmanager.net/"}, "SERVICE_URL_HOSTS"),
        ({ANONYMOUS_ALLOWED: "true"}, ANONYMOUS_ALLOWED),
        ({**PRODUCTION, ANONYMOUS_ALLOWED: "true"}, ANONYMOUS_ALLOWED),
        ({CLIENT_SECRET: "s3cr3t-value"}, CLIENT_ID),
        ({CLIENT_ID: "app-id", TENANT_ID: TENANT}, CLIENT_SECRET),
        ({CLIENT_ID: "app-id", CLIENT_SECRET: "s"}, TENANT_ID),
        ({**PRODUCTION, AUTH_TYPE: "Password"}, AUTH_TYPE),
        # With credentials: no silent fallback to the embedded file...
        ({**PRODUCTION, "STORAGE": ""}, "STORAGE"),
        ({**MANAGED_IDENTITY, "STORAGE": " "}, "STORAGE"),
        # ... and no silent "every tenant".
        ({**MANAGED_IDENTITY, TENANT_ID: ""}, "ALLOWED_TENANTS"),
        ({**MANAGED_IDENTITY, TENANT_ID: "contoso.onmicrosoft.com"}, TENANT_ID),
        ({**PRODUCTION, "ALLOWED_TENANTS": f"*,{TENANT}"}, "ALLOWED_TENANTS"),
        ({**PRODUCTION, "ALLOWED_TENANTS": "all"}, "ALLOWED_TENANTS"),
    ],
)
def test_bad_settings_fail_at_start_up_naming_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(named)) as caught:
        parse(**env)

    assert "s3cr3t-value" not in str(caught.value)


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nLOG_FORMAT=plain\n", encoding="utf-8")

    settings = Settings.from_env({"PORT": "5000"}, env_file=env_file)

    assert (settings.port, settings.log_format) == (5000, "plain")
