"""The Viva Goals import benchmark still runs: a tiny export is imported, twice."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.viva_import import main


def test_a_tiny_run_imports_everything_once_and_nothing_the_second_time(tmp_path: Path) -> None:
    out = tmp_path / "viva.json"

    status = main(
        [
            *("--objectives", "12", "--key-results", "2", "--checkins", "60"),
            *("--dir", str(tmp_path), "--json", str(out)),
        ]
    )

    assert status == 0
    figures = json.loads(out.read_text())
    assert figures["export"] == {
        "items": 36,
        "objectives": 12,
        "checkins": 60,
        "zip_bytes": figures["export"]["zip_bytes"],
    }
    # 12 objectives, 24 key results, 60 check-ins, and a pending owner for each
    # of the 18 of 36 owners the bot has not met.
    assert figures["documents"] == {"planned": 114, "written": 114, "written_again": 0}
    # Times only: how fast a shared machine writes is not for a test to judge.
    assert all(seconds >= 0 for seconds in figures["seconds"].values())
