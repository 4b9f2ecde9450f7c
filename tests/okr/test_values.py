"""Durations as clock text and milestone values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.values import (
    MILESTONE_DONE,
    MILESTONE_NOT_DONE,
    ValueFormatError,
    format_duration,
    is_milestone_done,
    milestone_value,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2:37", 157), ("3:45", 225), ("0:05", 5), ("1:02:03", 3723), ("75:00", 4500),
     (" 2:37 ", 157), ("0:00", 0), ("10:00:00", 36000), ("0:59:59", 3599)],
)
def test_durations_read_as_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == Decimal(seconds)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(157, "2:37"), (5, "0:05"), (3599, "59:59"), (3600, "1:00:00"), (3723, "1:02:03"),
     (Decimal("156.5"), "2:37"), (Decimal("157.49"), "2:37"), (-157, "-2:37"), (0, "0:00")],
)
def test_seconds_write_as_clock_text(seconds: int | Decimal, text: str) -> None:
    assert format_duration(Decimal(seconds)) == text


@pytest.mark.parametrize(
    "text",
    ["", "157", "2:7", "2:60", "1:60:00", "1:02:03:04", "-2:37", "2.5:00", "a:bc", "２:３７",
     "2:37 min", ":37"],
)
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueFormatError):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**7))
def test_duration_round_trips_from_seconds(seconds: int) -> None:
    assert parse_duration(format_duration(Decimal(seconds))) == seconds


@given(st.integers(min_value=0, max_value=999), st.integers(0, 59), st.integers(0, 59))
def test_canonical_text_round_trips(hours: int, minutes: int, seconds: int) -> None:
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    assert format_duration(parse_duration(text)) == text


def test_milestones_are_zero_or_one() -> None:
    assert milestone_value(True) == MILESTONE_DONE == 1
    assert milestone_value(False) == MILESTONE_NOT_DONE == 0
    assert is_milestone_done(milestone_value(True))
    assert not is_milestone_done(milestone_value(False))
    assert not is_milestone_done(Decimal("0.99"))
