"""Periods an objective runs over: quarters, fiscal years, custom dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class PeriodError(ValueError):
    """A period that cannot exist (end before start, zero length, unknown label)."""


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive range of calendar days.

    Attributes:
        start: First day of the period.
        end: Last day of the period (inclusive).
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period ends ({self.end}) before it starts ({self.start})")
