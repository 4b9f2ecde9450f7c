"""Progress of key results and objectives, and roll-up through alignment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr.models import KeyResultKind
from okr.progress import (
    alignment_cycles,
    key_result_progress,
    objective_progress,
    progress,
    rolled_up_progress,
    weighted_mean,
)
from tests.okr.builders import key_result, objective

values = st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False,
                     allow_infinity=False)
weights = st.decimals(min_value=-5, max_value=100, places=2, allow_nan=False,
                      allow_infinity=False)
unit = st.decimals(min_value=0, max_value=1, places=4)
positive = st.decimals(min_value="0.001", max_value=10**6, places=3)


@pytest.mark.parametrize(
    ("start", "target", "current", "raw"),
    [
        ("12", "24", "18", "0.5"),  # revenue $12M -> $24M
        ("120", "30", "75", "0.5"),  # support tickets 120 -> 30, decreasing
        ("9", "6", "8", "0.3333333333333333333333333333"),  # checkout steps 9 -> 6
        ("80", "90", "95", "1.5"),  # 80% -> 90%, beaten
        ("157", "225", "140", "-0.25"),  # 2:37 -> 3:45 per session, moved the wrong way
        ("25", "100", "100", "1"),
        ("0", "100", "15", "0.15"),  # exact, not 0.1499999...
    ],
)
def test_progress_of_the_source_examples(start: str, target: str, current: str,
                                         raw: str) -> None:
    result = progress(Decimal(start), Decimal(target), Decimal(current))
    assert result.raw == Decimal(raw)
    assert not result.target_equals_start


@given(values, values, values)
def test_progress_is_the_share_of_the_way_covered(start: Decimal, target: Decimal,
                                                   current: Decimal) -> None:
    assume(target != start)
    result = progress(start, target, current)
    assert result.raw == (current - start) / (target - start)
    assert 0 <= result.clamped <= 1
    assert result.clamped == min(max(result.raw, Decimal(0)), Decimal(1))


@given(values, values, values)
def test_decreasing_metric_mirrors_increasing(start: Decimal, target: Decimal,
                                             current: Decimal) -> None:
    assume(target != start)
    assert progress(start, target, current) == progress(-start, -target, -current)


@given(values, positive, positive, st.booleans())
def test_beating_the_target_gives_raw_above_one_clamped_to_one(
    start: Decimal, distance: Decimal, beyond: Decimal, decreasing: bool
) -> None:
    sign = -1 if decreasing else 1
    target = start + sign * distance
    result = progress(start, target, target + sign * beyond)
    assert result.raw > 1
    assert result.clamped == 1
    assert result.reached


@given(values, positive, positive, st.booleans())
def test_moving_the_wrong_way_gives_negative_raw_clamped_to_zero(
    start: Decimal, distance: Decimal, wrong: Decimal, decreasing: bool
) -> None:
    sign = -1 if decreasing else 1
    result = progress(start, start + sign * distance, start - sign * wrong)
    assert result.raw < 0
    assert result.clamped == 0
    assert not result.reached


@given(values, values)
def test_target_equal_to_start_never_divides_by_zero(value: Decimal, current: Decimal) -> None:
    result = progress(value, value, current)
    assert result.target_equals_start
    assert result.raw == (1 if current == value else 0)


@given(st.sampled_from(["0", "0.5", "0.99", "1", "2"]))
def test_milestone_is_done_or_not(current: str) -> None:
    kr = key_result(kind=KeyResultKind.MILESTONE, start=0, target=1, current=current)
    assert key_result_progress(kr).raw == (1 if Decimal(current) >= 1 else 0)


def test_objective_progress_is_weighted_by_key_result_weight() -> None:
    krs = [key_result(id="a", current=100, weight=3), key_result(id="b", current=0, weight=1)]
    assert objective_progress(krs) == Decimal("0.75")


def test_objective_progress_uses_clamped_values() -> None:
    krs = [key_result(id="a", current=300), key_result(id="b", current=-50)]
    assert objective_progress(krs) == Decimal("0.5")


def test_all_zero_weights_mean_no_weighting() -> None:
    krs = [key_result(id="a", current=100, weight=0), key_result(id="b", current=0, weight=0)]
    assert objective_progress(krs) == Decimal("0.5")


def test_objective_without_key_results_has_no_progress() -> None:
    assert objective_progress([]) is None


@given(st.lists(st.tuples(values, values, values, weights), min_size=1, max_size=12))
def test_objective_progress_stays_within_its_key_results(
    rows: list[tuple[Decimal, Decimal, Decimal, Decimal]],
) -> None:
    krs = [key_result(id=str(i), start=s, target=t, current=c, weight=w)
           for i, (s, t, c, w) in enumerate(rows)]
    mean = objective_progress(krs)
    clamped = [key_result_progress(kr).clamped for kr in krs]
    assert mean is not None
    assert 0 <= mean <= 1
    assert min(clamped) <= mean <= max(clamped)


@given(st.lists(st.tuples(unit, weights), max_size=20))
def test_weighted_mean_is_within_zero_and_one(items: list[tuple[Decimal, Decimal]]) -> None:
    mean = weighted_mean(items)
    assert (mean is None) == (not items)
    if mean is not None:
        assert 0 <= mean <= 1


def test_roll_up_counts_each_child_as_one_item() -> None:
    objectives = [objective("parent"), objective("child", parent_id="parent"),
                  objective("empty", parent_id="parent")]
    krs = [key_result(id="p1", objective_id="parent", current=50),
           key_result(id="p2", objective_id="parent", current=100),
           key_result(id="c1", objective_id="child", current=0),
           key_result(id="other", objective_id="elsewhere", current=100)]
    result = rolled_up_progress(objectives, krs)
    assert result == {"parent": Decimal("0.5"), "child": Decimal(0), "empty": None}


def test_roll_up_child_weight_is_configurable() -> None:
    objectives = [objective("parent"), objective("child", parent_id="parent")]
    krs = [key_result(id="p", objective_id="parent", current=100),
           key_result(id="c", objective_id="child", current=0)]
    assert rolled_up_progress(objectives, krs, child_weight=Decimal(3))["parent"] == \
        Decimal("0.25")


def test_parent_outside_the_set_is_no_parent() -> None:
    result = rolled_up_progress([objective("a", parent_id="gone")],
                                [key_result(objective_id="a", current=40)])
    assert result == {"a": Decimal("0.4")}


def test_cycle_links_are_ignored_and_roll_up_terminates() -> None:
    objectives = [objective("a", parent_id="b"), objective("b", parent_id="a"),
                  objective("self", parent_id="self"), objective("leaf", parent_id="a")]
    krs = [key_result(id="ka", objective_id="a", current=100),
           key_result(id="kb", objective_id="b", current=0),
           key_result(id="kl", objective_id="leaf", current=0)]
    assert alignment_cycles(objectives) == {"a", "b", "self"}
    result = rolled_up_progress(objectives, krs)
    assert result == {"a": Decimal("0.5"), "b": Decimal(0), "self": None, "leaf": Decimal(0)}


def test_deep_alignment_chain_does_not_hit_the_recursion_limit() -> None:
    depth = 5000
    objectives = [objective(str(i), parent_id=str(i - 1) if i else None) for i in range(depth)]
    result = rolled_up_progress(objectives, [key_result(objective_id=str(depth - 1), current=70)])
    assert result["0"] == Decimal("0.7")


@st.composite
def alignment_forests(draw: st.DrawFn) -> tuple[list[str | None], list[tuple[int, Decimal]]]:
    """Parent links (any index, itself, or none: cycles welcome) and key results."""
    size = draw(st.integers(min_value=1, max_value=25))
    parents = draw(st.lists(st.one_of(st.none(), st.integers(0, size - 1).map(str)),
                            min_size=size, max_size=size))
    krs = draw(st.lists(st.tuples(st.integers(0, size - 1), st.decimals(-50, 150, places=1)),
                        max_size=40))
    return parents, krs


@given(alignment_forests())
def test_roll_up_terminates_and_stays_within_zero_and_one(
    forest: tuple[list[str | None], list[tuple[int, Decimal]]],
) -> None:
    parents, rows = forest
    objectives = [objective(str(i), parent_id=p) for i, p in enumerate(parents)]
    krs = [key_result(id=f"kr{n}", objective_id=str(i), current=c)
           for n, (i, c) in enumerate(rows)]
    result = rolled_up_progress(objectives, krs)
    assert set(result) == {o.id for o in objectives}
    for oid, value in result.items():
        own = [kr for kr in krs if kr.objective_id == oid]
        if own:
            assert value is not None
        if value is not None:
            assert 0 <= value <= 1
    cycles = alignment_cycles(objectives)
    for o in objectives:
        # On a cycle exactly when following parents from it comes back to it.
        seen, node = set(), o.parent_id
        while node is not None and node not in seen and node != o.id:
            seen.add(node)
            node = parents[int(node)]
        assert (o.id in cycles) == (node == o.id)
