"""Small builders for domain objects in the okr tests: only what a test cares about."""

from __future__ import annotations

from decimal import Decimal

from okr.models import KeyResult, KeyResultKind, Objective, ObjectiveType
from okr.periods import Period

TENANT = "tenant-1"
Q4_2026 = Period.quarter(2026, 4)


def key_result(
    *,
    id: str = "kr-1",
    objective_id: str = "obj-1",
    start: Decimal | int | str = 0,
    target: Decimal | int | str = 100,
    current: Decimal | int | str = 0,
    kind: KeyResultKind = KeyResultKind.NUMBER,
    weight: Decimal | int | str = 1,
    owner_id: str | None = "29:owner",
) -> KeyResult:
    """A key result with the given numbers (ints and strings become Decimals)."""
    return KeyResult(
        tenant_id=TENANT,
        id=id,
        objective_id=objective_id,
        title=f"Key result {id}",
        owner_id=owner_id,
        kind=kind,
        start=Decimal(start),
        target=Decimal(target),
        current=Decimal(current),
        weight=Decimal(weight),
    )


def objective(
    id: str = "obj-1",
    *,
    parent_id: str | None = None,
    type: ObjectiveType = ObjectiveType.COMMITTED,
) -> Objective:
    """An objective in Q4 2026."""
    return Objective(
        tenant_id=TENANT,
        id=id,
        title=f"Objective {id}",
        owner_id="29:lead",
        period=Q4_2026,
        parent_id=parent_id,
        type=type,
    )
