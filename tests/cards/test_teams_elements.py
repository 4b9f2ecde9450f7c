"""Badges and progress bars: what Microsoft's typed models build, each card its own copy."""

from __future__ import annotations

from typing import Literal

import pytest
from microsoft_teams.cards import Badge, ProgressBar, TextBlock

from cards.elements import progress_text
from cards.i18n import Language, label
from cards.teams_elements import pace_badge, progress_element, status_badge
from okr.models import CheckInStatus
from okr.pace import PaceStatus

_COLORS: dict[CheckInStatus, Literal["Good", "Warning", "Attention"]] = {
    CheckInStatus.ON_TRACK: "Good",
    CheckInStatus.AT_RISK: "Warning",
    CheckInStatus.OFF_TRACK: "Attention",
}


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("status", list(CheckInStatus))
def test_a_status_badge_is_what_the_models_build(lang: Language, status: CheckInStatus) -> None:
    word, color = label(lang, status), _COLORS[status]
    fallback = TextBlock(text=word, color=color, weight="Bolder", size="Small", wrap=True)
    built = Badge(text=word, style=color, appearance="Tint", size="Medium", fallback=fallback)

    assert status_badge(lang, status) == built.model_dump(exclude_none=True)


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize(
    ("fraction", "status", "color", "value"),
    [
        (0.4234, CheckInStatus.AT_RISK, "Warning", 42.3),
        (-3.0, CheckInStatus.OFF_TRACK, "Attention", 0.0),
        (1.5, None, "Accent", 100.0),
        (float("-0.0"), CheckInStatus.ON_TRACK, "Good", 0.0),
    ],
)
def test_a_progress_bar_is_what_the_models_build(
    lang: Language, fraction: float, status: CheckInStatus | None, color: str, value: float
) -> None:
    clamped = max(0.0, min(1.0, fraction))
    fallback = TextBlock(text=progress_text(clamped, lang), wrap=True, spacing="None")
    built = ProgressBar(value=value, max=100, color=color, fallback=fallback)  # type: ignore[arg-type]

    assert progress_element(lang, fraction, status) == built.model_dump(exclude_none=True)


def test_no_two_cards_share_an_element() -> None:
    first = status_badge(Language.VI, CheckInStatus.AT_RISK)
    first["fallback"]["text"] = "changed by one card"
    bar = progress_element(Language.EN, 0.5, CheckInStatus.ON_TRACK)
    bar["fallback"]["text"] = "changed too"
    pace = pace_badge(Language.EN, PaceStatus.BEHIND)
    pace["text"] = "and this"

    assert status_badge(Language.VI, CheckInStatus.AT_RISK)["fallback"]["text"] == "Có rủi ro"
    assert progress_element(Language.EN, 0.5, CheckInStatus.ON_TRACK)["fallback"]["text"] == (
        progress_text(0.5, Language.EN)
    )
    assert pace_badge(Language.EN, PaceStatus.BEHIND)["text"] == label(
        Language.EN, PaceStatus.BEHIND
    )
