"""The scaling benchmark still runs: small sizes, real assertions on counts, none on time."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.scaling import main


def test_warm_idle_passes_cost_the_same_store_calls_at_every_size(tmp_path: Path) -> None:
    out = tmp_path / "scaling.json"

    assert main(["--owners", "8,24", "--teams", "2", "--json", str(out)]) == 0

    results = json.loads(out.read_text())
    assert [r["owners"] for r in results] == [8, 24]
    for r in results:
        passes = {p["name"]: p for p in r["passes"]}
        assert passes["due (check-ins)"]["sent"] == r["owners"]  # one card each
        for kind in ("checkins", "reminders", "digests"):
            warm = passes[f"warm idle {kind}"]
            # The tenant's next-due index and its teams: nothing else, nothing written.
            assert (warm["store_calls"], warm["writes"], warm["sent"]) == (2, 0, 0)
        # The first idle check-in pass reads each team once and stores its entry.
        first = passes["first idle checkins"]
        assert first["writes"] == 2 and first["sent"] == 0
    small, large = ({p["name"]: p["store_calls"] for p in r["passes"]} for r in results)
    idle = [name for name in small if "idle" in name]
    assert {n: small[n] for n in idle} == {n: large[n] for n in idle}
