"""The Teams app package: built zip, Microsoft's manifest schemas, icons, command lists."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cards.strings import en, vi
from cards.tab_links import CHAT_ENTITY_ID, PERSONAL_TAB_ENTITY_ID
from cli.package import (
    MANIFEST_DIR,
    TAB_PARTS,
    PackageError,
    app_version,
    build_package,
    packaged_files,
)
from manifest import make_icons
from settings import AUTH_TYPE, CLIENT_ID, TENANT_ID, Settings
from tests.node_tools import NODE_MODULES, node_json
from tests.png import png_size, read_png

APP_ID = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
DOMAIN = "okr.contoso.com"
DOCS = Path(__file__).parents[2] / "docs"
VALIDATE = Path(__file__).with_name("validate.js")
SCHEMAS = NODE_MODULES / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
# Teams shows at most 10 commands per scope (schemas from v1.24 on allow 12).
MAX_COMMANDS_PER_SCOPE = 10
# The manifest schema is pinned, not whatever the npm package ships newest: a version the
# Teams admin center does not accept yet makes the upload fail ("We can't read the manifest
# file"). 1.27 is generally available in Microsoft's app manifest reference since spring
# 2026; later versions add only Office add-in and agent features (docs/deploy.md).
MANIFEST_VERSION = "1.27"
CATALOGS = {"en": en.STRINGS, "vi": vi.STRINGS}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built for APP_ID, unpacked: the folder holding its files."""
    return unpacked(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="module")
def tab_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built for APP_ID with the tab served from DOMAIN, unpacked."""
    return unpacked(tmp_path_factory.mktemp("tab_package"), valid_domains=(DOMAIN,))


def unpacked(folder: Path, **options: Any) -> Path:
    """The package built for APP_ID with ``options``, unpacked in ``folder``."""
    zip_path = build_package(APP_ID, folder / "okr-checkins.zip", **options)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder / "unpacked")
    return folder / "unpacked"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(folder: Path, manifest: str, *localizations: str) -> dict[str, list[str]]:
    version = load(folder / manifest)["manifestVersion"]
    files = [str(folder / name) for name in (manifest, *localizations)]
    report: dict[str, list[str]] = node_json(VALIDATE, version, *files)
    return {Path(name).name: errors for name, errors in report.items()}


# --- Building -----------------------------------------------------------------------------


def test_zip_holds_exactly_the_manifest_icons_and_localization_at_its_root(tmp_path: Path):
    zip_path = build_package(APP_ID, tmp_path / "out" / "app.zip")
    with zipfile.ZipFile(zip_path) as archive:
        names = sorted(archive.namelist())
    assert names == sorted(["manifest.json", "color.png", "outline.png", "en.json", "vi.json"])


def test_app_id_fills_the_app_and_bot_ids_and_the_version_comes_from_pyproject(package: Path):
    manifest = load(package / "manifest.json")
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["version"] == app_version()
    assert "{{" not in (package / "manifest.json").read_text(encoding="utf-8")


def test_the_client_id_comes_from_settings(tmp_path: Path):
    settings = Settings.from_env(
        {
            CLIENT_ID: APP_ID.upper(),
            AUTH_TYPE: "UserManagedIdentity",
            TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "STORAGE": "sqlite",
        },
        env_file=None,
    )
    zip_path = build_package(settings, tmp_path / "app.zip")
    with zipfile.ZipFile(zip_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == APP_ID  # canonical lower-case form


@pytest.mark.parametrize("app_id", [None, "", "   "])
def test_a_missing_app_id_is_refused_naming_the_setting(tmp_path: Path, app_id: str | None):
    with pytest.raises(PackageError, match=re.escape(CLIENT_ID)):
        build_package(app_id, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()


def test_local_mode_settings_without_a_client_id_are_refused(tmp_path: Path):
    with pytest.raises(PackageError, match="no bot app id"):
        build_package(Settings.from_env({}, env_file=None), tmp_path / "app.zip")


@pytest.mark.parametrize(
    "app_id",
    [
        "not-a-guid",
        "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6",  # one digit short
        "7b0f3f6e2a4b4c599b8e3f1d2c4a5b6c",  # no hyphens
        "{7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c}",
        "urn:uuid:7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c",
        "28:7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c",  # a Teams bot *account* id
    ],
)
def test_a_malformed_app_id_is_refused(tmp_path: Path, app_id: str):
    with pytest.raises(PackageError, match="not a GUID"):
        build_package(app_id, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()


def test_valid_domains_are_host_names(tmp_path: Path):
    zip_path = build_package(APP_ID, tmp_path / "a.zip", valid_domains=("okr.contoso.com",))
    with zipfile.ZipFile(zip_path) as archive:
        assert json.loads(archive.read("manifest.json"))["validDomains"] == ["okr.contoso.com"]
    with pytest.raises(PackageError, match="host name"):
        build_package(APP_ID, tmp_path / "b.zip", valid_domains=("https://okr.contoso.com/",))


def test_the_same_inputs_build_the_same_bytes(tmp_path: Path):
    first = build_package(APP_ID, tmp_path / "1.zip").read_bytes()
    assert build_package(APP_ID, tmp_path / "2.zip").read_bytes() == first


# --- Microsoft's schemas -------------------------------------------------------------------


@pytest.mark.parametrize("built", ["package", "tab_package"])
def test_built_manifest_and_localization_files_pass_microsofts_schemas(
    built: str, request: pytest.FixtureRequest
):
    package: Path = request.getfixturevalue(built)
    manifest = load(package / "manifest.json")
    localizations = [name for name in packaged_files(manifest) if name.endswith(".json")]
    assert localizations == ["en.json", "vi.json"]
    assert schema_errors(package, "manifest.json", *localizations) == {
        "manifest.json": [],
        "en.json": [],
        "vi.json": [],
    }


def test_the_schema_check_reports_what_is_wrong(package: Path, tmp_path: Path):
    # Guards against a validator that accepts everything (e.g. a schema that failed to load).
    manifest = load(package / "manifest.json")
    manifest["bots"][0]["botId"] = "not-a-guid"
    del manifest["description"]["short"]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    localization = load(package / "vi.json") | {"bots[0].commandLists[0].commands[12].title": "x"}
    (tmp_path / "vi.json").write_text(json.dumps(localization), encoding="utf-8")
    errors = schema_errors(tmp_path, "manifest.json", "vi.json")
    assert any("/bots/0/botId" in e for e in errors["manifest.json"])
    assert any("/description" in e and "short" in e for e in errors["manifest.json"])
    assert any("additional" in e for e in errors["vi.json"])


def test_manifest_uses_the_pinned_schema_version_and_is_checked_against_that_schema(
    package: Path,
):
    manifest = load(package / "manifest.json")
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    pinned = f"/v{MANIFEST_VERSION}/"
    assert pinned in manifest["$schema"]
    assert all(pinned in load(package / name)["$schema"] for name in ("en.json", "vi.json"))
    # The schema tests above validate against this version's schema, shipped offline.
    assert (SCHEMAS / f"v{MANIFEST_VERSION}" / "MicrosoftTeams.schema.json").is_file()


# --- Icons -----------------------------------------------------------------------------------


def test_icons_have_the_sizes_teams_requires(package: Path):
    assert png_size(package / "color.png") == (192, 192)
    assert png_size(package / "outline.png") == (32, 32)


def test_outline_icon_is_white_on_transparent(package: Path):
    image = read_png(package / "outline.png")
    pixels = [pixel for row in image.pixels for pixel in row]
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in pixels)
    assert any(a == 0 for *_, a in pixels), "the background must be transparent"
    assert sum(a == 255 for *_, a in pixels) > 100, "the drawing must be visible"


def test_color_icon_is_opaque_and_uses_the_accent_colour(package: Path):
    image = read_png(package / "color.png")
    pixels = {pixel for row in image.pixels for pixel in row}
    assert all(a == 255 for *_, a in pixels)
    accent = "#{:02X}{:02X}{:02X}".format(*make_icons.ACCENT)
    assert load(package / "manifest.json")["accentColor"] == accent
    assert (*make_icons.ACCENT, 255) in pixels


def test_committed_icons_are_what_the_script_draws():
    assert (MANIFEST_DIR / "color.png").read_bytes() == make_icons.color_icon()
    assert (MANIFEST_DIR / "outline.png").read_bytes() == make_icons.outline_icon()


# --- Commands: what `help` offers ----------------------------------------------------------


def catalog_commands(lang: str) -> dict[str, tuple[str, str]]:
    """Command key -> (title as the bot matches it, manifest description) from the catalog."""
    strings = CATALOGS[lang]
    commands = {}
    for key in strings:
        found = re.fullmatch(r"command\.(\w+)\.usage", key)
        if found:
            usage = strings[key]
            description = strings[f"command.{found[1]}.description"]
            # The title is what Teams types for the user: the command words without the
            # argument placeholder; the description shows the full usage.
            words = re.sub(r"\s+(<[^>]*>|\S*\|\S*)$", "", usage)
            commands[found[1]] = (
                words,
                description if words == usage else f"{description} ({usage})",
            )
    return commands


def manifest_commands(package: Path, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Scope -> [(title, description)] as Teams shows them in ``lang``."""
    manifest = load(package / "manifest.json")
    strings = load(package / f"{lang}.json")
    shown: dict[str, list[tuple[str, str]]] = {}
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        (scope,) = command_list["scopes"]
        shown[scope] = []
        for j, command in enumerate(command_list["commands"]):
            prefix = f"bots[0].commandLists[{i}].commands[{j}]"
            shown[scope].append(
                (
                    strings.get(f"{prefix}.title", command["title"]),
                    strings.get(f"{prefix}.description", command["description"]),
                )
            )
    return shown


def test_every_scope_has_a_command_list_within_teams_limit(package: Path):
    manifest = load(package / "manifest.json")
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    shown = manifest_commands(package, "en")
    assert set(shown) == {"personal", "team", "groupChat"}
    assert all(1 <= len(commands) <= MAX_COMMANDS_PER_SCOPE for commands in shown.values())


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_command_lists_offer_the_commands_help_offers_in_each_language(package: Path, lang: str):
    offered = set(catalog_commands(lang).values())
    shown = manifest_commands(package, lang)
    for scope, commands in shown.items():
        unknown = set(commands) - offered
        assert not unknown, f"{scope} ({lang}) lists commands help does not offer: {unknown}"
    listed = {command for commands in shown.values() for command in commands}
    assert listed == offered, "every command help offers is listed in at least one scope"


def test_english_localization_file_repeats_the_manifest_defaults(package: Path):
    manifest = load(package / "manifest.json")
    strings = load(package / "en.json")
    assert strings["name.short"] == manifest["name"]["short"]
    assert strings["description.short"] == manifest["description"]["short"]
    assert strings["description.full"] == manifest["description"]["full"]
    assert manifest_commands(package, "en") == {
        scope: [(c["title"], c["description"]) for c in command_list["commands"]]
        for command_list in manifest["bots"][0]["commandLists"]
        for scope in command_list["scopes"]
    }


def test_vietnamese_localization_translates_every_string(tab_package: Path):
    english, vietnamese = load(tab_package / "en.json"), load(tab_package / "vi.json")
    assert set(vietnamese) == set(english)
    same = {k for k in english if k != "$schema" and english[k] == vietnamese[k]}
    assert same <= {"name.short"}, f"untranslated: {sorted(same)}"


# --- The tab (docs/tab.md) -------------------------------------------------------------------


def test_with_a_domain_the_personal_tab_comes_after_the_bots_chat(tab_package: Path):
    manifest = load(tab_package / "manifest.json")
    # Teams' reserved "conversations" entity keeps the bot's chat first: the personal
    # app opens on the chat, where check-ins arrive, with "My OKRs" beside it.
    assert manifest["staticTabs"] == [
        {"entityId": CHAT_ENTITY_ID, "scopes": ["personal"]},
        {
            "entityId": PERSONAL_TAB_ENTITY_ID,
            "name": "My OKRs",
            "contentUrl": f"https://{DOMAIN}/tab/index.html?view=my",
            "scopes": ["personal"],
        },
    ]
    assert (CHAT_ENTITY_ID, PERSONAL_TAB_ENTITY_ID) == ("conversations", "my-okrs")


def test_with_a_domain_the_team_tab_is_configured_in_channels_and_group_chats(tab_package: Path):
    assert load(tab_package / "manifest.json")["configurableTabs"] == [
        {
            "id": "team-okrs",
            "configurationUrl": f"https://{DOMAIN}/tab/config.html",
            "canUpdateConfiguration": True,
            "scopes": ["team", "groupChat"],
        }
    ]


def test_with_a_domain_single_sign_on_asks_for_the_apps_own_api(tab_package: Path):
    manifest = load(tab_package / "manifest.json")
    assert manifest["webApplicationInfo"] == {
        "id": APP_ID,
        "resource": f"api://{DOMAIN}/{APP_ID}",
    }
    assert manifest["validDomains"] == [DOMAIN]
    assert "{{" not in (tab_package / "manifest.json").read_text(encoding="utf-8")


def test_the_tab_urls_are_the_ones_docs_tab_md_promises(tab_package: Path):
    contract = (DOCS / "tab.md").read_text(encoding="utf-8")
    manifest = load(tab_package / "manifest.json")
    (personal,) = [t for t in manifest["staticTabs"] if "contentUrl" in t]
    assert "/tab/index.html" in contract and "`view=my`" in contract
    assert personal["contentUrl"].endswith("/tab/index.html?view=my")
    assert "`/tab/config.html`" in contract
    assert f"`{PERSONAL_TAB_ENTITY_ID}`" in contract
    assert "`api://{TAB_DOMAIN}/{client id}`" in contract


def test_the_tab_signs_in_to_another_app_registration_when_told(tmp_path: Path):
    other = "0f6a5c1e-9d43-4b7a-8e21-5c6d7e8f9a0b"
    zip_path = build_package(
        APP_ID, tmp_path / "a.zip", valid_domains=(DOMAIN,), tab_app_id=other.upper()
    )
    with zipfile.ZipFile(zip_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["webApplicationInfo"] == {"id": other, "resource": f"api://{DOMAIN}/{other}"}
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID


@pytest.mark.parametrize(
    "tab_app_id", ["", "not-a-guid", "28:0f6a5c1e-9d43-4b7a-8e21-5c6d7e8f9a0b"]
)
def test_a_malformed_tab_app_id_is_refused(tmp_path: Path, tab_app_id: str):
    with pytest.raises(PackageError, match=r"the tab app id .* is not a GUID"):
        build_package(APP_ID, tmp_path / "a.zip", valid_domains=(DOMAIN,), tab_app_id=tab_app_id)
    assert not (tmp_path / "a.zip").exists()


def test_the_tabs_domain_cannot_be_a_wildcard(tmp_path: Path):
    with pytest.raises(PackageError, match="where the tab is served"):
        build_package(APP_ID, tmp_path / "a.zip", valid_domains=("*.contoso.com", DOMAIN))
    # A wildcard after the tab's own host name is a valid domain like any other.
    zip_path = build_package(APP_ID, tmp_path / "b.zip", valid_domains=(DOMAIN, "*.contoso.com"))
    with zipfile.ZipFile(zip_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["validDomains"] == [DOMAIN, "*.contoso.com"]
    assert manifest["webApplicationInfo"]["resource"] == f"api://{DOMAIN}/{APP_ID}"


def test_without_a_domain_the_package_is_the_bot_alone(package: Path, tab_package: Path):
    manifest, with_tab = load(package / "manifest.json"), load(tab_package / "manifest.json")
    assert all(part not in manifest for part in TAB_PARTS)
    assert all(part in with_tab for part in TAB_PARTS)
    assert manifest["validDomains"] == []
    # Everything else is the same package.
    assert {k: v for k, v in with_tab.items() if k not in TAB_PARTS} == manifest | {
        "validDomains": [DOMAIN]
    }
    for lang in ("en", "vi"):
        strings, tab_strings = load(package / f"{lang}.json"), load(tab_package / f"{lang}.json")
        assert not [key for key in strings if key.startswith("staticTabs")]
        assert tab_strings == strings | {"staticTabs[1].name": tab_strings["staticTabs[1].name"]}


@pytest.mark.parametrize(("lang", "name"), [("en", "My OKRs"), ("vi", "OKR của tôi")])
def test_the_personal_tab_is_named_in_each_language(tab_package: Path, lang: str, name: str):
    manifest = load(tab_package / "manifest.json")
    # The localization key names the tab by its place in staticTabs.
    assert manifest["staticTabs"][1]["entityId"] == PERSONAL_TAB_ENTITY_ID
    assert load(tab_package / f"{lang}.json")["staticTabs[1].name"] == name
    # The same words as the command that lists them in chat, capitalised as a name.
    assert name.casefold() == CATALOGS[lang]["command.my_okrs.usage"].casefold()


def test_the_schema_check_reports_a_misconfigured_tab(tab_package: Path, tmp_path: Path):
    manifest = load(tab_package / "manifest.json")
    manifest["configurableTabs"][0]["scopes"] = ["personal"]
    manifest["staticTabs"][1]["entityId"] = "x" * 65
    manifest["webApplicationInfo"]["id"] = "not-a-guid"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    errors = schema_errors(tmp_path, "manifest.json")["manifest.json"]
    assert any("/configurableTabs/0/scopes/0" in e for e in errors)
    assert any("/staticTabs/1/entityId" in e for e in errors)
    assert any("/webApplicationInfo/id" in e for e in errors)
