"""Scores at the close of a period, and how to read them.

A score is 0.0 to 1.0 in steps of 0.1. The bot suggests one from progress
(clamped, rounded half-up: 0.65 -> 0.7, 0.15 -> 0.2); the team lead may edit it.

Reading a score depends on the objective's type:

==================  =====================  ====================================
score               committed              aspirational
==================  =====================  ====================================
1.0                 achieved               exceeded (the stretch was met)
0.7 - 0.9           missed                 achieved (0.7 is success)
0.4 - 0.6           missed                 partially achieved
0.0 - 0.3           missed                 missed
==================  =====================  ====================================

Committed objectives are promises: anything under 1.0 is a miss. The
aspirational bands follow the usual OKR grading (0.7-1.0 delivered, 0.4-0.6
progress made, below that no real progress).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from okr.models import KeyResult, ObjectiveType
from okr.progress import clamp, objective_progress

SCORE_STEP = Decimal("0.1")
MIN_SCORE = Decimal("0.0")
MAX_SCORE = Decimal("1.0")
COMMITTED_SUCCESS = Decimal("1.0")
ASPIRATIONAL_EXCEEDED = Decimal("1.0")
ASPIRATIONAL_SUCCESS = Decimal("0.7")
ASPIRATIONAL_PARTIAL = Decimal("0.4")


class ScoreError(ValueError):
    """A score outside 0.0..1.0 or finer than one decimal."""


class ScoreReading(StrEnum):
    """What a score means for its objective; cards translate the value."""

    EXCEEDED = "exceeded"
    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    MISSED = "missed"


def suggested_score(progress: Decimal) -> Decimal:
    """Score suggested from progress: clamped to 0..1, one decimal, rounded half-up."""
    return clamp(progress).quantize(SCORE_STEP, rounding=ROUND_HALF_UP)


def suggested_objective_score(key_results: Iterable[KeyResult]) -> Decimal | None:
    """Score suggested for an objective from its key results' weighted progress.

    Rounds the weighted mean once, rather than averaging rounded key-result
    scores, so rounding errors do not add up. None without key results.
    """
    mean = objective_progress(key_results)
    return None if mean is None else suggested_score(mean)


def parse_score(text: str) -> Decimal:
    """Read a score a person typed ("0.7", ".7", "1"), normalised to one decimal.

    Locale-specific decimal commas are the caller's to turn into points first.

    Raises:
        ScoreError: Not a number, outside 0..1, or finer than one decimal ("0.75").
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation as error:
        raise ScoreError(f"{text!r} is not a score between 0.0 and 1.0") from error
    return validate_score(value)


def validate_score(score: Decimal) -> Decimal:
    """Check an edited score and return it with exactly one decimal.

    Raises:
        ScoreError: Not finite, outside 0..1, or finer than one decimal.
    """
    if not score.is_finite() or not MIN_SCORE <= score <= MAX_SCORE:
        raise ScoreError(f"score {score} is not between 0.0 and 1.0")
    rounded = score.quantize(SCORE_STEP)
    if rounded != score:
        raise ScoreError(f"score {score} has more than one decimal")
    return rounded


def read_score(score: Decimal, objective_type: ObjectiveType) -> ScoreReading:
    """What ``score`` means for an objective of ``objective_type``; see the module docs.

    Scores between the steps (e.g. 0.65 from an old record) fall into the band
    below the next threshold they do not reach.
    """
    if objective_type is ObjectiveType.COMMITTED:
        return ScoreReading.ACHIEVED if score >= COMMITTED_SUCCESS else ScoreReading.MISSED
    if score >= ASPIRATIONAL_EXCEEDED:
        return ScoreReading.EXCEEDED
    if score >= ASPIRATIONAL_SUCCESS:
        return ScoreReading.ACHIEVED
    if score >= ASPIRATIONAL_PARTIAL:
        return ScoreReading.PARTIALLY_ACHIEVED
    return ScoreReading.MISSED
