"""Locale-independent reading and writing of key-result values.

Durations are stored as seconds (``KeyResultKind.DURATION``) and shown as clock
text: ``m:ss`` below an hour ("2:37"), ``h:mm:ss`` from an hour on ("1:02:03").
Milestones are stored as 0 (not done) or 1 (done). Locale-aware number formatting
lives with the cards, not here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from okr.models import KeyResultKind

MILESTONE_NOT_DONE = Decimal(0)
MILESTONE_DONE = Decimal(1)

# m:ss or h:mm:ss; the leading part may have any number of digits ("75:00").
_DURATION_RE = re.compile(r"([0-9]+):([0-9]{2})(?::([0-9]{2}))?", re.ASCII)


class ValueFormatError(ValueError):
    """Text that is not a value of the expected shape (e.g. "2:75" as a duration)."""


def parse_duration(text: str) -> Decimal:
    """Read "m:ss" or "h:mm:ss" as a whole number of seconds.

    Args:
        text: "2:37" (157 s) or "1:02:03" (3723 s); surrounding spaces allowed.
            Seconds, and minutes after hours, must be two digits below 60.

    Raises:
        ValueFormatError: The text is not a duration of that shape.
    """
    match = _DURATION_RE.fullmatch(text.strip())
    if match is None:
        raise ValueFormatError(f"{text!r} is not a duration like 2:37 or 1:02:03")
    first, second, third = match[1], match[2], match[3]
    if third is None:
        hours, minutes, seconds = 0, int(first), int(second)
    else:
        hours, minutes, seconds = int(first), int(second), int(third)
        if minutes >= 60:
            raise ValueFormatError(f"{text!r}: minutes must be below 60 after hours")
    if seconds >= 60:
        raise ValueFormatError(f"{text!r}: seconds must be below 60")
    return Decimal(hours * 3600 + minutes * 60 + seconds)


def format_duration(seconds: Decimal) -> str:
    """Write seconds as "m:ss" (below an hour) or "h:mm:ss"; the inverse of :func:`parse_duration`.

    Fractions of a second are rounded half-up to whole seconds; a negative value
    (a difference, never a stored duration) gets a leading minus sign.
    """
    whole = int(seconds.to_integral_value(rounding=ROUND_HALF_UP))
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def milestone_value(done: bool) -> Decimal:
    """The stored value of a milestone: 1 when done, 0 when not."""
    return MILESTONE_DONE if done else MILESTONE_NOT_DONE


def is_milestone_done(value: Decimal) -> bool:
    """Whether a stored milestone value means done (1 or more)."""
    return value >= MILESTONE_DONE


class UnitMismatch(StrEnum):
    """Why what was typed around a number does not fit a key result."""

    OTHER_CURRENCY = "other_currency"  # €500 on a key result counted in US dollars
    NOT_MONEY = "not_money"  # $5 on a percentage, a count or a milestone
    NOT_PERCENT = "not_percent"  # 50% on anything but a percentage


def unit_mismatch(
    kind: KeyResultKind, currency: str | None, typed_currency: str | None, typed_percent: bool
) -> UnitMismatch | None:
    """Whether a value typed with ``typed_currency`` or a ``%`` fits a key result.

    The number alone always fits. A currency fits only a money key result in
    that currency (or one whose currency is not set yet); ``%`` only a
    percentage. Nothing is converted: a value in another currency is refused,
    never recorded as if it were in the key result's.
    """
    if typed_currency is not None:
        if kind is not KeyResultKind.CURRENCY:
            return UnitMismatch.NOT_MONEY
        if currency is not None and typed_currency != currency:
            return UnitMismatch.OTHER_CURRENCY
    if typed_percent and kind is not KeyResultKind.PERCENTAGE:
        return UnitMismatch.NOT_PERCENT
    return None
