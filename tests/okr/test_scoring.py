"""Suggested scores at close and how they read for committed and aspirational objectives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.models import ObjectiveType
from okr.scoring import (
    ScoreError,
    ScoreReading,
    parse_score,
    read_score,
    suggested_objective_score,
    suggested_score,
    validate_score,
)
from tests.okr.builders import key_result

STEPS = {Decimal(n) / 10 for n in range(11)}


@pytest.mark.parametrize(
    ("progress", "score"),
    [("0.65", "0.7"), ("0.15", "0.2"), ("0.649", "0.6"), ("0.05", "0.1"), ("0.04", "0.0"),
     ("1.5", "1.0"), ("-0.3", "0.0"), ("0.95", "1.0"), ("0.3333333333333333333333333333", "0.3")],
)
def test_suggested_score_rounds_half_up_to_one_decimal(progress: str, score: str) -> None:
    result = suggested_score(Decimal(progress))
    assert result == Decimal(score)
    assert str(result) == score  # always written with one decimal


@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False))
def test_suggested_score_is_a_tenth_step_between_zero_and_one(progress: Decimal) -> None:
    score = suggested_score(progress)
    assert score in STEPS
    assert score.as_tuple().exponent == -1
    if 0 <= progress <= 1:
        assert abs(score - progress) <= Decimal("0.05")


def test_objective_score_rounds_the_weighted_mean_once() -> None:
    # 0.24 and 0.85: the mean 0.545 rounds to 0.5; rounding each first (0.2, 0.9)
    # would have averaged to 0.55 and then 0.6.
    krs = [key_result(id="a", current=24), key_result(id="b", current=85)]
    assert suggested_objective_score(krs) == Decimal("0.5")  # 0.545 -> 0.5
    assert suggested_objective_score([]) is None


@pytest.mark.parametrize(
    ("score", "committed", "aspirational"),
    [
        ("1.0", ScoreReading.ACHIEVED, ScoreReading.EXCEEDED),
        ("0.9", ScoreReading.MISSED, ScoreReading.ACHIEVED),
        ("0.7", ScoreReading.MISSED, ScoreReading.ACHIEVED),
        ("0.65", ScoreReading.MISSED, ScoreReading.PARTIALLY_ACHIEVED),
        ("0.6", ScoreReading.MISSED, ScoreReading.PARTIALLY_ACHIEVED),
        ("0.4", ScoreReading.MISSED, ScoreReading.PARTIALLY_ACHIEVED),
        ("0.3", ScoreReading.MISSED, ScoreReading.MISSED),
        ("0.0", ScoreReading.MISSED, ScoreReading.MISSED),
    ],
)
def test_reading_depends_on_objective_type(score: str, committed: ScoreReading,
                                           aspirational: ScoreReading) -> None:
    assert read_score(Decimal(score), ObjectiveType.COMMITTED) is committed
    assert read_score(Decimal(score), ObjectiveType.ASPIRATIONAL) is aspirational


@given(st.sampled_from(sorted(STEPS)), st.sampled_from(sorted(STEPS)),
       st.sampled_from(ObjectiveType))
def test_a_higher_score_never_reads_worse(a: Decimal, b: Decimal, kind: ObjectiveType) -> None:
    order = [ScoreReading.MISSED, ScoreReading.PARTIALLY_ACHIEVED, ScoreReading.ACHIEVED,
             ScoreReading.EXCEEDED]
    low, high = sorted([a, b])
    assert order.index(read_score(low, kind)) <= order.index(read_score(high, kind))


@pytest.mark.parametrize(("text", "score"), [("0.7", "0.7"), (".7", "0.7"), ("1", "1.0"),
                                             (" 0 ", "0.0"), ("0.70", "0.7")])
def test_edited_scores_are_read_and_normalised(text: str, score: str) -> None:
    assert str(parse_score(text)) == score


@pytest.mark.parametrize("text", ["", "abc", "0.75", "1.1", "-0.1", "NaN", "Infinity", "1e5"])
def test_bad_edited_scores_are_refused(text: str) -> None:
    with pytest.raises(ScoreError):
        parse_score(text)


@given(st.sampled_from(sorted(STEPS)))
def test_every_step_is_a_valid_score(score: Decimal) -> None:
    assert validate_score(score) == score
