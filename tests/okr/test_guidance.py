"""Guidance from the source document, as warnings that never block."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from okr.guidance import (
    GuidanceCode,
    GuidanceWarning,
    alignment_warnings,
    key_result_warnings,
    objective_warnings,
)
from okr.models import KeyResult
from tests.okr.builders import key_result, objective


def _krs(count: int, objective_id: str = "obj-1") -> list[KeyResult]:
    return [key_result(id=f"kr{i}", objective_id=objective_id) for i in range(count)]


@given(st.integers(min_value=0, max_value=12))
def test_three_to_five_key_results_are_recommended(count: int) -> None:
    codes = [w.code for w in objective_warnings(objective(), _krs(count))]
    if count < 3:
        assert codes == [GuidanceCode.TOO_FEW_KEY_RESULTS]
    elif count > 5:
        assert codes == [GuidanceCode.TOO_MANY_KEY_RESULTS]
    else:
        assert codes == []


def test_count_warning_carries_the_count() -> None:
    assert objective_warnings(objective("o"), _krs(2, "o")) == [
        GuidanceWarning(GuidanceCode.TOO_FEW_KEY_RESULTS, "o", count=2)
    ]


def test_key_results_of_other_objectives_are_not_counted() -> None:
    krs = [*_krs(3), key_result(id="x", objective_id="other", owner_id=None)]
    assert objective_warnings(objective(), krs) == []


def test_key_result_without_owner_and_with_target_equal_to_start() -> None:
    krs = [key_result(id="a", owner_id=None), key_result(id="b", start=5, target=5),
           key_result(id="c", owner_id="  ")]
    assert objective_warnings(objective(), krs) == [
        GuidanceWarning(GuidanceCode.KEY_RESULT_WITHOUT_OWNER, "obj-1", key_result_id="a"),
        GuidanceWarning(GuidanceCode.TARGET_EQUALS_START, "obj-1", key_result_id="b"),
        GuidanceWarning(GuidanceCode.KEY_RESULT_WITHOUT_OWNER, "obj-1", key_result_id="c"),
    ]
    assert key_result_warnings(key_result()) == []


def test_alignment_cycles_are_warned_about() -> None:
    objectives = [objective("a", parent_id="b"), objective("b", parent_id="a"),
                  objective("c", parent_id="a")]
    assert alignment_warnings(objectives) == [
        GuidanceWarning(GuidanceCode.ALIGNMENT_CYCLE, "a"),
        GuidanceWarning(GuidanceCode.ALIGNMENT_CYCLE, "b"),
    ]
