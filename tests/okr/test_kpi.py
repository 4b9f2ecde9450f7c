"""KPI health: healthy, unhealthy, or unknown without a value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.kpi import KpiHealth, kpi_health, satisfies
from okr.models import Comparison, Kpi

numbers = st.decimals(min_value=-10**6, max_value=10**6, places=3)


def _kpi(comparison: Comparison, threshold: str, current: str | None) -> Kpi:
    return Kpi(tenant_id="t", id="k", title="Site uptime", threshold=Decimal(threshold),
               comparison=comparison, current=None if current is None else Decimal(current))


@pytest.mark.parametrize(
    ("comparison", "current", "health"),
    [
        (Comparison.AT_LEAST, "99.7", KpiHealth.HEALTHY),  # uptime >= 99.5%
        (Comparison.AT_LEAST, "99.5", KpiHealth.HEALTHY),
        (Comparison.AT_LEAST, "99.4", KpiHealth.UNHEALTHY),
        (Comparison.ABOVE, "99.5", KpiHealth.UNHEALTHY),
        (Comparison.AT_MOST, "99.5", KpiHealth.HEALTHY),
        (Comparison.BELOW, "99.5", KpiHealth.UNHEALTHY),
        (Comparison.BELOW, "12", KpiHealth.HEALTHY),
        (Comparison.AT_LEAST, None, KpiHealth.UNKNOWN),
    ],
)
def test_kpi_health(comparison: Comparison, current: str | None, health: KpiHealth) -> None:
    assert kpi_health(_kpi(comparison, "99.5", current)) is health


@given(numbers, numbers)
def test_comparisons_split_values_the_way_their_symbols_say(value: Decimal,
                                                            threshold: Decimal) -> None:
    assert satisfies(value, Comparison.AT_LEAST, threshold) != \
        satisfies(value, Comparison.BELOW, threshold)
    assert satisfies(value, Comparison.AT_MOST, threshold) != \
        satisfies(value, Comparison.ABOVE, threshold)
    assert satisfies(value, Comparison.AT_LEAST, threshold) == (value >= threshold)
