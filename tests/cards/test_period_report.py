"""The period report card: its score bars (the shared chart) and a long period's last line."""

from __future__ import annotations

import pytest

from cards.i18n import Language
from tests.cards.period_report_samples import _long_report, _period_report


def test_the_scores_are_the_shared_horizontal_bars_with_the_same_numbers_as_text() -> None:
    [chart] = [e for e in _period_report(Language.EN)["body"] if e["type"] == "Chart.HorizontalBar"]
    assert [(d["x"], d["y"]) for d in chart["data"]] == [
        ("Delight our customers", 1.0),
        ("Launch in two new markets", 0.7),
        ("Grow online revenue", 0.6),
    ]
    assert [item["text"] for item in chart["fallback"]["items"]] == [
        "Delight our customers — 1.0",
        "Launch in two new markets — 0.7",
        "Grow online revenue — 0.6",
    ]
    assert chart["title"] == "Score per objective"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            Language.EN,
            "… and 180 more objectives, left off to keep the card short: the averages above "
            "count them all.",
        ),
        (
            Language.VI,
            "… và 180 mục tiêu khác, được lược bớt cho thẻ gọn: điểm trung bình ở trên đã "
            "tính tất cả.",
        ),
    ],
)
def test_a_long_period_says_what_was_left_off_and_that_the_averages_count_it(
    lang: Language, said: str
) -> None:
    """``close`` lists only objectives still open, so the card does not send people there."""
    assert _long_report(lang)["body"][-1]["text"] == said
