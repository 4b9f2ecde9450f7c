"""The replies benchmark still runs: both factories send their replies to the connector."""

from __future__ import annotations

from benchmarks.replies import _main


async def test_a_small_run_times_the_sdks_factory_and_ours() -> None:
    figures = await _main(runs=1, replies=3)

    assert sorted(figures) == ["ours", "sdk"]
    # Every reply was answered (a refused one raises); how fast is not for a test to judge.
    assert all(
        f["wall_ms_median"] > 0 and f["cpu_ms_max"] >= f["cpu_ms_min"] for f in figures.values()
    )
