"""KPI health: a KPI is watched, not pursued; it is healthy or it is not."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from okr.models import Comparison, Kpi


class KpiHealth(StrEnum):
    """A KPI's state; cards translate the value."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"  # no value reported yet


def satisfies(value: Decimal, comparison: Comparison, threshold: Decimal) -> bool:
    """Whether ``value <comparison> threshold`` holds, e.g. 99.7 >= 99.5."""
    match comparison:
        case Comparison.AT_LEAST:
            return value >= threshold
        case Comparison.AT_MOST:
            return value <= threshold
        case Comparison.ABOVE:
            return value > threshold
        case Comparison.BELOW:
            return value < threshold


def kpi_health(kpi: Kpi) -> KpiHealth:
    """Healthy when the KPI's current value meets its threshold; unknown without a value."""
    if kpi.current is None:
        return KpiHealth.UNKNOWN
    if satisfies(kpi.current, kpi.comparison, kpi.threshold):
        return KpiHealth.HEALTHY
    return KpiHealth.UNHEALTHY
