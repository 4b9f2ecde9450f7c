"""Progress of key results and objectives, and its roll-up through alignment.

All arithmetic is ``Decimal`` in, ``Decimal`` out: values are entered as decimals
(currency, percentages) and a ratio such as 15/100 must stay exactly 0.15 so that
the suggested score rounds it the way a person would (0.2, not 0.1). Callers that
draw a progress bar convert with ``float()``.

Rules (the source document's formula, plus the edge cases it leaves open):

* A key result's progress is ``(current - start) / (target - start)``. A
  decreasing metric (tickets 120 -> 30) has a negative denominator and works
  unchanged. The raw value is kept (1.5 = target beaten by half the distance,
  -0.2 = moved the wrong way); :attr:`Progress.clamped` (0..1) is for display and
  for averaging.
* ``target == start``: the direction is unknown, so only hitting the target
  exactly counts: progress 1 when ``current == target``, else 0. Guidance warns
  about such key results (:mod:`okr.guidance`).
* A milestone is done or not: progress 1 when the current value has reached the
  target (1), else 0; halfway values do not count.
* An objective's progress is the mean of its key results' clamped progress,
  weighted by ``KeyResult.weight``. Negative weights count as 0; when every weight
  is 0, no weighting was given and the plain mean is used. No key results: None.
* Roll-up: an objective's rolled-up progress weighs its own key results and each
  aligned child objective (one item of weight ``child_weight`` times the child's
  own ``Objective.weight``, valued at the child's own rolled-up progress).
  Children with nothing to measure are skipped.
  A parent link that closes a cycle (A -> B -> A, or A -> A) is ignored: every
  objective on the cycle is treated as a root, so roll-up always terminates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext

from okr.models import KeyResult, KeyResultKind, Objective

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Progress:
    """Progress of one key result.

    Attributes:
        raw: Unclamped progress; below 0 or above 1 when the value moved the wrong
            way or beat the target.
        target_equals_start: The key result's target equals its start, so ``raw``
            is only 0 or 1 (see the module docs).
    """

    raw: Decimal
    target_equals_start: bool = False

    @property
    def clamped(self) -> Decimal:
        """``raw`` limited to 0..1, for display and averaging."""
        return clamp(self.raw)

    @property
    def reached(self) -> bool:
        """Whether the target has been met or beaten."""
        return self.raw >= ONE


def clamp(value: Decimal) -> Decimal:
    """Limit a progress value to 0..1 (never -0: it would read "-0%")."""
    if value <= ZERO:
        return ZERO
    return min(value, ONE)


def meets_target(start: Decimal, target: Decimal, current: Decimal) -> bool:
    """Whether ``current`` has reached ``target`` in the direction from ``start``.

    Increasing (target above start): at or above target. Decreasing: at or below.
    Target equal to start: exactly at target (the direction is unknown).
    """
    if target > start:
        return current >= target
    if target < start:
        return current <= target
    return current == target


def progress(
    start: Decimal, target: Decimal, current: Decimal, *, milestone: bool = False
) -> Progress:
    """Progress from ``start`` towards ``target`` at ``current``; see the module docs."""
    if target == start:
        return Progress(ONE if current == target else ZERO, target_equals_start=True)
    if milestone:
        return Progress(ONE if meets_target(start, target, current) else ZERO)
    raw = (current - start) / (target - start)
    # A decreasing key result that has not moved gives 0 / -90 = -0: keep it 0.
    return Progress(ZERO if raw.is_zero() else raw)


def key_result_progress(key_result: KeyResult) -> Progress:
    """Progress of a key result from its start, target and current value."""
    return progress(
        key_result.start,
        key_result.target,
        key_result.current,
        milestone=key_result.kind is KeyResultKind.MILESTONE,
    )


def weighted_mean(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weighted mean of ``(value, weight)`` pairs of values in 0..1.

    Negative weights count as 0; if all weights are 0 the plain mean is returned.

    Returns:
        The mean in 0..1, or None when there are no items.
    """
    pairs = [(value, max(weight, ZERO)) for value, weight in items]
    if not pairs:
        return None
    # Extra digits while summing, rounded once at the end: a single key result's
    # progress then comes back exactly (p * w / w == p), and the mean never leaves
    # the range of the values it averages.
    with localcontext() as context:
        context.prec += 20
        total = sum((weight for _, weight in pairs), ZERO)
        if total == ZERO:
            mean = sum((value for value, _ in pairs), ZERO) / len(pairs)
        else:
            mean = sum((value * weight for value, weight in pairs), ZERO) / total
    return clamp(+mean)


def objective_progress(key_results: Iterable[KeyResult]) -> Decimal | None:
    """Weighted mean of the key results' clamped progress (None without key results)."""
    return weighted_mean((key_result_progress(kr).clamped, kr.weight) for kr in key_results)


def alignment_cycles(objectives: Iterable[Objective]) -> frozenset[str]:
    """Ids of objectives whose parent links run in a circle (including A -> A)."""
    parent = {o.id: o.parent_id for o in objectives}
    on_cycle: set[str] = set()
    settled: set[str] = set()  # ids whose chain is fully explored
    for origin in parent:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = origin
        while node is not None and node in parent and node not in settled:
            if node in position:  # came back to the path: the tail from there loops
                on_cycle.update(path[position[node] :])
                break
            position[node] = len(path)
            path.append(node)
            node = parent[node]
        settled.update(path)
    return frozenset(on_cycle)


def rolled_up_progress(
    objectives: Iterable[Objective],
    key_results: Iterable[KeyResult],
    *,
    child_weight: Decimal = ONE,
) -> dict[str, Decimal | None]:
    """Progress of every objective including its aligned children; see the module docs.

    Args:
        objectives: The objectives to roll up (e.g. one period's active ones); a
            parent id not among them is treated as no parent.
        key_results: Their key results; those of other objectives are ignored.
        child_weight: Weight of each child objective beside its parent's key
            results, whose weights default to 1; multiplied by the child's
            ``Objective.weight`` (its alignment weight, 1 by default).

    Returns:
        Objective id -> rolled-up progress in 0..1, or None when neither the
        objective nor any descendant has key results.
    """
    by_id = {o.id: o for o in objectives}
    cycles = alignment_cycles(by_id.values())
    children: dict[str, list[str]] = {oid: [] for oid in by_id}
    roots: list[str] = []
    for o in by_id.values():
        if o.parent_id is not None and o.parent_id in by_id and o.id not in cycles:
            children[o.parent_id].append(o.id)
        else:
            roots.append(o.id)
    own: dict[str, list[tuple[Decimal, Decimal]]] = {oid: [] for oid in by_id}
    for kr in key_results:
        if kr.objective_id in own:
            own[kr.objective_id].append((key_result_progress(kr).clamped, kr.weight))
    result: dict[str, Decimal | None] = {}
    weights = {oid: child_weight * o.weight for oid, o in by_id.items()}
    for root in roots:
        _roll_up_tree(root, children, own, weights, result)
    return result


def _roll_up_tree(
    root: str,
    children: Mapping[str, list[str]],
    own: Mapping[str, list[tuple[Decimal, Decimal]]],
    weights: Mapping[str, Decimal],
    result: dict[str, Decimal | None],
) -> None:
    # Iterative post-order walk: alignment chains can be deeper than Python's
    # recursion limit allows for, and children must be done before their parent.
    stack: list[tuple[str, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in children[node])
            continue
        items = list(own[node])
        for child in children[node]:
            child_progress = result[child]
            if child_progress is not None:
                items.append((child_progress, weights[child]))
        result[node] = weighted_mean(items)
