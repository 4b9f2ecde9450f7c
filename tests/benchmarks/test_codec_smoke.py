"""The codec benchmark still runs: every kind of document is timed and compared."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.codec import main


def test_a_small_run_times_every_kind_of_document_against_json(tmp_path: Path) -> None:
    out = tmp_path / "codec.json"

    status = main(["--rounds", "1", "--number", "5", "--json", str(out)])

    assert status == 0
    figures = json.loads(out.read_text())["documents"]
    assert [f["kind"] for f in figures] == [
        "Objective",
        "KeyResult",
        "CheckIn",
        "Member",
        "Team",
        "DigestSnapshot",
    ]
    # Ratios only: how fast a shared machine parses JSON is not for a test to judge.
    assert all(f["decode_over_loads"] > 0 and f["encode_over_dumps"] > 0 for f in figures)
