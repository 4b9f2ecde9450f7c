"""The tab's static files: the vendored Teams JS SDK is npm's, and nothing inline or unescaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "tab" / "static"
VENDOR = STATIC / "vendor"
PACKAGE = ROOT / "node_modules" / "@microsoft" / "teams-js"


def _locked_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/@microsoft/teams-js"]["version"])


def test_the_vendored_teams_sdk_is_the_locked_npm_package() -> None:
    locked = _locked_version()
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == locked, "node_modules is not package-lock.json's: run npm ci"
    assert (VENDOR / "MicrosoftTeams.VERSION").read_text(encoding="utf-8").strip() == locked
    assert (VENDOR / "MicrosoftTeams.min.js").read_bytes() == (
        PACKAGE / "dist" / "umd" / "MicrosoftTeams.min.js"
    ).read_bytes(), "tab/static/vendor is stale: run ./dev vendor and commit it"
    assert (VENDOR / "MicrosoftTeams.LICENSE.txt").read_bytes() == (
        PACKAGE / "LICENSE"
    ).read_bytes()


def test_the_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere() -> None:
    for page in ("index.html", "config.html"):
        html = (STATIC / page).read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert scripts, page
        for attributes, body in scripts:
            assert body.strip() == "", f"{page}: inline script"
            (src,) = re.findall(r'src="([^"]+)"', attributes)
            assert not re.match(r"(https?:)?//", src), f"{page} loads {src}"
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"\son[a-z]+=", html), f"{page}: an inline event handler"
        assert not re.search(r'(href|src)="(https?:)?//', html), f"{page} loads from elsewhere"


def test_the_scripts_never_insert_markup() -> None:
    # Only the server's chart is markup, and it goes through DOMParser as SVG (dom.js).
    forbidden = re.compile(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function"
    )
    for script in sorted((STATIC / "js").glob("*.js")):
        source = script.read_text(encoding="utf-8")
        assert not forbidden.findall(source), script.name
        assert ".style." not in source and 'setAttribute("style"' not in source, script.name


def test_every_part_of_the_server_s_charts_is_coloured_by_the_page_s_themes() -> None:
    drawn = set(
        re.findall(r"chart-[a-z]+", (ROOT / "tab" / "charts.py").read_text(encoding="utf-8"))
    )
    styled = set(re.findall(r"^\.(chart-[a-z]+) \{", (STATIC / "tab.css").read_text(), re.M))
    assert drawn == {
        "chart-actual",
        "chart-axis",
        "chart-expected",
        "chart-point",
        "chart-target",
        "chart-text",
    }
    assert drawn <= styled
