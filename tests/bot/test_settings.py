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
PRODUCTION = {CLIENT_ID: "app-id", CLIENT_SECRET: "s3cr3t-value", TENANT_ID: TENANT}


def parse(**env: str) -> Settings:
    return Settings.from_env(env, env_file=None)


def test_defaults_are_local_mode_on_loopback() -> None:
    settings = parse()

    assert settings.local_mode and settings.client_id is None
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.storage == "sqlite" and settings.sqlite_path == Path("data/okr.sqlite3")
    assert settings.allowed_tenants == frozenset()
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
    settings = parse(**{CLIENT_ID: "mi-client-id", AUTH_TYPE: "UserManagedIdentity"})

    assert settings.client_id == "mi-client-id"


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
