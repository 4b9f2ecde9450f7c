"""The source document's guidance, as warnings the cards show. Nothing here blocks.

The guidance: three to five key results per objective, one accountable owner per
key result, measurable key results (a target that differs from the start).
Functions return :class:`GuidanceWarning` objects with a :class:`GuidanceCode`
that the cards translate; they never raise on bad data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from okr.models import KeyResult, Objective
from okr.progress import alignment_cycles

MIN_KEY_RESULTS = 3
MAX_KEY_RESULTS = 5


class GuidanceCode(StrEnum):
    """What a warning is about; the cards translate these values."""

    TOO_FEW_KEY_RESULTS = "too_few_key_results"
    TOO_MANY_KEY_RESULTS = "too_many_key_results"
    TARGET_EQUALS_START = "target_equals_start"
    KEY_RESULT_WITHOUT_OWNER = "key_result_without_owner"
    ALIGNMENT_CYCLE = "alignment_cycle"


@dataclass(frozen=True, slots=True)
class GuidanceWarning:
    """One piece of guidance that is not followed.

    Attributes:
        code: What is wrong.
        objective_id: The objective concerned.
        key_result_id: The key result concerned, for key-result warnings.
        count: The number the warning is about (key results for the count
            warnings), so the card can say "2 key results; 3 to 5 recommended".
    """

    code: GuidanceCode
    objective_id: str
    key_result_id: str | None = None
    count: int | None = None


def key_result_warnings(key_result: KeyResult) -> list[GuidanceWarning]:
    """Warnings about one key result: no owner, target equal to start."""
    warnings: list[GuidanceWarning] = []
    if not (key_result.owner_id or "").strip():
        warnings.append(_about(GuidanceCode.KEY_RESULT_WITHOUT_OWNER, key_result))
    if key_result.target == key_result.start:
        warnings.append(_about(GuidanceCode.TARGET_EQUALS_START, key_result))
    return warnings


def objective_warnings(
    objective: Objective, key_results: Iterable[KeyResult]
) -> list[GuidanceWarning]:
    """Warnings about an objective and its key results.

    Args:
        objective: The objective.
        key_results: Its key results; any of another objective are ignored.

    Returns:
        The count warning (if any) first, then each key result's warnings in order.
    """
    own = [kr for kr in key_results if kr.objective_id == objective.id]
    warnings: list[GuidanceWarning] = []
    if len(own) < MIN_KEY_RESULTS:
        warnings.append(
            GuidanceWarning(GuidanceCode.TOO_FEW_KEY_RESULTS, objective.id, count=len(own))
        )
    elif len(own) > MAX_KEY_RESULTS:
        warnings.append(
            GuidanceWarning(GuidanceCode.TOO_MANY_KEY_RESULTS, objective.id, count=len(own))
        )
    for kr in own:
        warnings.extend(key_result_warnings(kr))
    return warnings


def alignment_warnings(objectives: Iterable[Objective]) -> list[GuidanceWarning]:
    """One warning per objective whose parent links run in a circle.

    Roll-up ignores such links (see :mod:`okr.progress`); the warning tells the
    author to fix them.
    """
    listed = list(objectives)
    cycles = alignment_cycles(listed)
    return [GuidanceWarning(GuidanceCode.ALIGNMENT_CYCLE, o.id) for o in listed if o.id in cycles]


def _about(code: GuidanceCode, key_result: KeyResult) -> GuidanceWarning:
    return GuidanceWarning(code, key_result.objective_id, key_result_id=key_result.id)
