"""The tab benchmark still runs: both figures are measured against a static file of their size."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.tab import main, page_assets


def test_a_small_run_measures_the_team_call_and_the_first_load(tmp_path: Path) -> None:
    out = tmp_path / "tab.json"

    small = ["--objectives", "6", "--checkins", "2", "--rounds", "1"]
    status = main([*small, "--no-gzip", "--json", str(out)])
    gzipped = tmp_path / "tab-gzip.json"
    main([*small, "--json", str(gzipped)])

    assert status == 0
    figures = json.loads(out.read_text())["figures"]
    assert [f["name"] for f in figures] == [
        "team API call",
        "team, the page's first 20",
        "team, every page",
        "personal tab, first load",
    ]
    team, first, every_page, first_load = figures
    assert first["requests"] == 1 and first["bytes"] == team["bytes"]  # six objectives: all
    assert every_page["requests"] == 1 and every_page["bytes"] == team["bytes"]  # one page
    assert team["requests"] == 1 and team["bytes"] > 6 * 3 * 1000  # six objectives, charts each
    assert first_load["requests"] >= 3  # the page, session and my OKRs at least
    # Gzipped, the same answers are a fraction of the bytes (as many requests).
    smaller = json.loads(gzipped.read_text())["figures"]
    assert [f["requests"] for f in smaller] == [f["requests"] for f in figures]
    assert smaller[0]["bytes"] < team["bytes"] / 3
    # Ratios only: how fast a shared machine serves a file is not for a test to judge.
    assert all(f["ratio"] > 0 for f in figures)


def test_the_first_load_follows_the_pages_references_and_module_imports(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="tab.css"><script src="vendor/sdk.js"></script>'
        '<script type="module" src="js/main.js"></script><a href="https://example.com/x">x</a>'
    )
    (tmp_path / "tab.css").write_text("")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "sdk.js").write_text("")
    (tmp_path / "js" / "main.js").write_text('import { a } from "./api.js";\nimport "../tab.css";')
    (tmp_path / "js" / "api.js").write_text('export const a = 1; import("./lazy.js");')
    (tmp_path / "js" / "lazy.js").write_text("")

    assert page_assets(tmp_path) == [
        "index.html",
        "tab.css",
        "vendor/sdk.js",
        "js/main.js",
        "js/api.js",
        "js/lazy.js",
    ]
