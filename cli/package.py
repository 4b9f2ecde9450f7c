"""Build the Teams app package: the zip an admin uploads to Teams.

The package holds, at its root, ``manifest.json`` (from ``manifest/manifest.json``
with the bot's Microsoft Entra app id and the app version filled in), the two
icons and the localization files the manifest names. The app id is the bot's
client id (``--app-id``, or ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID``);
it is used both as the Teams app id and as the bot id, as Azure Bot registrations
expect. Nothing else is needed: no client secret, no tenant id.
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
    manifest_dir: Path = MANIFEST_DIR,
) -> Path:
    """Write the Teams app package zip and return its path.

    Args:
        settings_or_app_id: The app's settings (their client id is used), or the
            bot's Microsoft Entra app id itself.
        out_path: Where to write the zip; folders are created.
        valid_domains: Host names the app's cards or links open (``validDomains``),
            e.g. the public host name of the bot. A bot needs none.
        manifest_dir: The folder with the manifest template, icons and
            localization files.

    Returns:
        ``out_path``.

    Raises:
        PackageError: The app id is missing or not a GUID, a domain is malformed,
            or a file the manifest names is missing.
    """
    app_id = _app_id(settings_or_app_id)
    for domain in valid_domains:
        if not _DOMAIN.match(domain):
            raise PackageError(f"valid domain {domain!r} must be a host name like bot.example.com")
    manifest = manifest_json(app_id, manifest_dir=manifest_dir, valid_domains=valid_domains)
    files = {"manifest.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()}
    for name in packaged_files(manifest):
        source = manifest_dir / name
        if not source.is_file():
            raise PackageError(f"the manifest names {name}, but {source} does not exist")
        files[name] = source.read_bytes()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data)
    return out_path


def manifest_json(
    app_id: str, *, manifest_dir: Path = MANIFEST_DIR, valid_domains: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The manifest from the template with the app id, version and domains filled in."""
    template = (manifest_dir / "manifest.json").read_text(encoding="utf-8")
    filled = template.replace(APP_ID_PLACEHOLDER, app_id).replace(
        VERSION_PLACEHOLDER, app_version()
    )
    manifest: dict[str, Any] = json.loads(filled)
    manifest["validDomains"] = list(valid_domains)
    return manifest


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
    try:
        parsed = uuid.UUID(raw.strip())
    except ValueError:
        parsed = None
    # uuid.UUID also accepts braces, "urn:uuid:" and 32 bare hex digits; Teams wants the
    # canonical 8-4-4-4-12 form, so anything else is refused rather than rewritten.
    if parsed is None or str(parsed) != raw.strip().lower():
        raise PackageError(
            f"the bot app id {raw!r} is not a GUID like 00000000-0000-0000-0000-000000000000: "
            "give the Microsoft Entra app id (client id) of the Azure Bot"
        )
    return str(parsed)
