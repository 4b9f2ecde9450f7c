"""The digest benchmark still runs: a tiny organisation is seeded, measured and reported."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.digest import main


def test_a_tiny_run_reports_ratios_store_calls_and_card_sizes(tmp_path: Path) -> None:
    out = tmp_path / "digest.json"

    status = main(
        [
            *("--teams", "2", "--objectives", "6", "--members-per-team", "4"),
            *("--checkins-per-key-result", "3", "--rounds", "1"),
            *("--dir", str(tmp_path), "--json", str(out)),
        ]
    )

    assert status == 0
    figures = json.loads(out.read_text())
    assert figures["organisation"] == {
        "teams": 2,
        "objectives": 6,
        "key_results": 30,
        "checkins": figures["organisation"]["checkins"],
        "members": 8,
    }
    assert 15 <= figures["organisation"]["checkins"] <= 90
    calls = figures["store_calls"]["team_digest"]
    # One query each for the objectives, snapshot, round records and KPIs; the
    # key results of each of the team's 3 objectives; members by id (those asked,
    # then those named), never the tenant's list.
    assert calls["query objective"] == calls["query digest_snapshot"] == 1
    assert calls["query key_result"] == 1  # every objective's at once
    assert 1 <= calls["query member"] <= 2 and "read member" not in calls
    assert figures["activity_bytes"]["en-US"] > 1000
    assert figures["activity_bytes"]["vi-VN"] > 1000
    # Ratios only: how fast a shared machine reads is not for a test to judge.
    assert figures["team_digest_over_plain_read"] > 0
    assert figures["tenant_digests_over_plain_reads"] > 0
