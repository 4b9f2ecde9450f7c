"""The durability benchmark still runs: both modes record every check-in, ratios come out."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.durability import main


def test_a_small_run_measures_both_modes_and_reports_ratios(tmp_path: Path) -> None:
    out = tmp_path / "durability.json"

    status = main(["--checkins", "20", "--rounds", "2", "--dir", str(tmp_path), "--json", str(out)])

    assert status == 0
    figures = json.loads(out.read_text())
    assert [(m["mode"], m["checkins"]) for m in figures["modes"]] == [("NORMAL", 40), ("FULL", 40)]
    # Ratios only: how fast a shared machine flushes is not for a test to judge.
    assert figures["median_latency_full_over_normal"] > 0
    assert figures["concurrent_throughput_full_over_normal"] > 0
