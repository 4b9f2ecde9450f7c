"""Teams-only card elements (badges, progress bars), built with Microsoft's typed models.

Teams renders ``Badge`` and ``ProgressBar``; other hosts (and the open Adaptive
Cards renderer the card checks use) do not know them, so each carries a
``fallback`` that says the same thing in plain elements: a coloured word for a
badge, the text bar and percentage for a progress bar. The elements are built
with ``microsoft-teams-cards`` (Microsoft's typed models), so a wrong property
fails when the card is built, not in someone's chat.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from microsoft_teams.cards import Badge, ProgressBar, TextBlock

from cards.elements import Element, progress_text
from cards.i18n import Language, label
from okr.models import CheckInStatus
from okr.pace import PaceStatus

type _Color = Literal["Good", "Warning", "Attention"]

# The owner's status, coloured as it is read: fine, worth a look, needs help.
_STATUS_COLORS: dict[CheckInStatus, _Color] = {
    CheckInStatus.ON_TRACK: "Good",
    CheckInStatus.AT_RISK: "Warning",
    CheckInStatus.OFF_TRACK: "Attention",
}


# The pace, coloured the same way: on the line, under it, far under it.
_PACE_COLORS: dict[PaceStatus, _Color] = {
    PaceStatus.ON_TRACK: "Good",
    PaceStatus.BEHIND: "Warning",
    PaceStatus.AT_RISK: "Attention",
}


def status_badge(lang: Language, status: CheckInStatus) -> Element:
    """The owner's status as a coloured badge; a coloured bold word where badges don't render."""
    return _badge(label(lang, status), _STATUS_COLORS[status])


def pace_badge(lang: Language, pace: PaceStatus) -> Element:
    """The pace (:mod:`okr.pace`) as a coloured badge, in the words the objective card uses."""
    return _badge(label(lang, pace), _PACE_COLORS[pace])


def _badge(word: str, color: _Color) -> Element:
    # A fresh copy each time (a card is a caller's to change); the typed model is
    # built and dumped once per word and colour, which is most of a badge's cost.
    built = _built_badge(word, color)
    return {**built, "fallback": dict(built["fallback"])}


@cache
def _built_badge(word: str, color: _Color) -> Element:
    fallback = TextBlock(text=word, color=color, weight="Bolder", size="Small", wrap=True)
    badge = Badge(text=word, style=color, appearance="Tint", size="Medium", fallback=fallback)
    return badge.model_dump(exclude_none=True)


def progress_element(
    lang: Language, fraction: float, status: CheckInStatus | None = None
) -> Element:
    """Progress as a bar (0..1, clamped), coloured by the status when there is one.

    Falls back to the text bar and percentage (``▰▰▰▱▱▱▱▱▱▱ 30%``).
    """
    clamped = max(0.0, min(1.0, fraction))
    color: _BarColor = _STATUS_COLORS[status] if status is not None else "Accent"
    bar = _validated_bar(color)
    return {
        **bar,
        "value": round(clamped * 100, 1),
        "fallback": {**bar["fallback"], "text": progress_text(clamped, lang)},
    }


type _BarColor = Literal["Accent", "Good", "Warning", "Attention"]


@cache
def _validated_bar(color: _BarColor) -> Element:
    """A progress bar of ``color`` built with the models once; the value and text change.

    A bar's value is a number from 0 to 100 and its fallback's text a string,
    whatever they are: what the models check does not depend on them.
    """
    fallback = TextBlock(text="", wrap=True, spacing="None")
    bar = ProgressBar(value=0.0, max=100, color=color, fallback=fallback)
    return bar.model_dump(exclude_none=True)
