"""Build the Teams app package: the zip an admin uploads to Teams.

The package holds, at its root, ``manifest.json`` (from ``manifest/manifest.json``
with the bot's Microsoft Entra app id and the app version filled in), the two
icons and the localization files the manifest names. The app id is the bot's
client id (``--app-id``, or ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID``);
it is used both as the Teams app id and as the bot id, as Azure Bot registrations
expect. Nothing else is needed: no client secret, no tenant id.

The tab (docs/tab.md) is served from the app's public host name, the first
``--domain``: with one, the manifest carries the personal tab "My OKRs", the
team tab and ``webApplicationInfo`` for its single sign-on; without one, it
leaves all three out (and their names out of the localization files), and the
package is the bot alone. The sign-in token is for the app registration
``api://{domain}/{tab app id}``; the tab app id is the bot's unless given
(a bot signed in as a managed identity has no API to expose: docs/deploy.md).
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid
import zipfile
from pathlib import Path
from typing import Any

from settings import CLIENT_ID, Settings

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_DIR = ROOT / "manifest"
DEFAULT_OUT = Path("build/okr-checkins.zip")

APP_ID_PLACEHOLDER = "{{APP_ID}}"
VERSION_PLACEHOLDER = "{{VERSION}}"
TAB_DOMAIN_PLACEHOLDER = "{{TAB_DOMAIN}}"
TAB_APP_ID_PLACEHOLDER = "{{TAB_APP_ID}}"
# What the manifest has only when the tab is served (a domain is given), and the
# localization keys that name those parts.
TAB_PARTS = ("staticTabs", "configurableTabs", "webApplicationInfo")
_TAB_STRINGS = re.compile(r"^(staticTabs|configurableTabs)\[")
# A fixed timestamp for every zip entry, so the same inputs build the same bytes.
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_DOMAIN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class PackageError(ValueError):
    """The package cannot be built; the message says what to fix."""


def build_package(
    settings_or_app_id: Settings | str | None,
    out_path: Path = DEFAULT_OUT,
    *,
    valid_domains: tuple[str, ...] = (),
    tab_app_id: str | None = None,
    manifest_dir: Path = MANIFEST_DIR,
) -> Path:
    """Write the Teams app package zip and return its path.

    Args:
        settings_or_app_id: The app's settings (their client id is used), or the
            bot's Microsoft Entra app id itself.
        out_path: Where to write the zip; folders are created.
        valid_domains: Host names the app's tab, cards or links open
            (``validDomains``). The first is where the tab is served (the app's
            public host name, ``TAB_DOMAIN``); with none the package has no tab.
        tab_app_id: The Microsoft Entra app registration the tab's sign-in
            token is for (``webApplicationInfo``); default: the bot's app id.
        manifest_dir: The folder with the manifest template, icons and
            localization files.

    Returns:
        ``out_path``.

    Raises:
        PackageError: The app id (or tab app id) is missing or not a GUID, a
            domain is malformed, the tab's domain is a wildcard, or a file the
            manifest names is missing.
    """
    app_id = _app_id(settings_or_app_id)
    sso_app_id = app_id if tab_app_id is None else _guid(tab_app_id, "the tab app id")
    for domain in valid_domains:
        if not _DOMAIN.match(domain):
            raise PackageError(f"valid domain {domain!r} must be a host name like bot.example.com")
    if valid_domains and valid_domains[0].startswith("*."):
        raise PackageError(
            f"the first domain, {valid_domains[0]!r}, is where the tab is served: "
            "give the app's own host name first (okr.example.com), wildcards after it"
        )
    manifest = manifest_json(
        app_id, manifest_dir=manifest_dir, valid_domains=valid_domains, tab_app_id=sso_app_id
    )
    files = {"manifest.json": _json_bytes(manifest)}
    for name in packaged_files(manifest):
        source = manifest_dir / name
        if not source.is_file():
            raise PackageError(f"the manifest names {name}, but {source} does not exist")
        files[name] = source.read_bytes()
        if name.endswith(".json") and not has_tab(manifest):
            strings = json.loads(files[name])
            files[name] = _json_bytes(
                {k: v for k, v in strings.items() if not _TAB_STRINGS.match(k)}
            )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data)
    return out_path


def manifest_json(
    app_id: str,
    *,
    manifest_dir: Path = MANIFEST_DIR,
    valid_domains: tuple[str, ...] = (),
    tab_app_id: str | None = None,
) -> dict[str, Any]:
    """The manifest from the template with the app id, version and domains filled in.

    The tab's parts (:data:`TAB_PARTS`) are served from the first domain; without
    a domain they are left out.
    """
    template = (manifest_dir / "manifest.json").read_text(encoding="utf-8")
    filled = (
        template.replace(APP_ID_PLACEHOLDER, app_id)
        .replace(VERSION_PLACEHOLDER, app_version())
        .replace(TAB_APP_ID_PLACEHOLDER, tab_app_id or app_id)
        .replace(TAB_DOMAIN_PLACEHOLDER, valid_domains[0] if valid_domains else "")
    )
    manifest: dict[str, Any] = json.loads(filled)
    manifest["validDomains"] = list(valid_domains)
    if not valid_domains:
        for part in TAB_PARTS:
            manifest.pop(part, None)
    return manifest


def has_tab(manifest: dict[str, Any]) -> bool:
    """Whether ``manifest`` offers the tab (it was built with a domain)."""
    return "configurableTabs" in manifest


def packaged_files(manifest: dict[str, Any]) -> list[str]:
    """The files besides ``manifest.json`` the package carries: icons, then localization."""
    names = [manifest["icons"]["color"], manifest["icons"]["outline"]]
    localization = manifest.get("localizationInfo", {})
    if "defaultLanguageFile" in localization:
        names.append(localization["defaultLanguageFile"])
    names += [language["file"] for language in localization.get("additionalLanguages", [])]
    return names


def app_version() -> str:
    """The app's version from ``pyproject.toml`` (Teams wants a new one for every update)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _app_id(settings_or_app_id: Settings | str | None) -> str:
    raw = (
        settings_or_app_id.client_id
        if isinstance(settings_or_app_id, Settings)
        else settings_or_app_id
    )
    if raw is None or not raw.strip():
        raise PackageError(
            "no bot app id: pass --app-id with the Microsoft Entra app id (client id) of the "
            f"Azure Bot, or set {CLIENT_ID}"
        )
    return _guid(raw, "the bot app id")


def _guid(raw: str, what: str) -> str:
    """``raw`` in the canonical GUID form Teams wants, or PackageError naming ``what``."""
    try:
        parsed = uuid.UUID(raw.strip())
    except ValueError:
        parsed = None
    # uuid.UUID also accepts braces, "urn:uuid:" and 32 bare hex digits; Teams wants the
    # canonical 8-4-4-4-12 form, so anything else is refused rather than rewritten.
    if parsed is None or str(parsed) != raw.strip().lower():
        raise PackageError(
            f"{what} {raw!r} is not a GUID like 00000000-0000-0000-0000-000000000000: "
            "give a Microsoft Entra app id (client id)"
        )
    return str(parsed)
