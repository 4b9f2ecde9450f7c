"""A small organisation's OKRs, stored directly: what the tab's tests read.

Q4 2026 (the test clock says 27 Nov 2026): Sales' team objective owned by Alice
with two key results (one Bình's, with three check-ins), an individual objective
of Bình's aligned under it, a draft, a closed one of Q3, and one objective in
another tenant that no one here may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from okr.models import (
    CheckIn,
    CheckInStatus,
    Initiative,
    KeyResult,
    KeyResultKind,
    Level,
    Member,
    Objective,
    ObjectiveState,
    Team,
    Tenant,
)
from okr.periods import Period
from storage.store import OkrStore
from tests import factories as f

Q4 = Period.quarter(2026, 4)
Q3 = Period.quarter(2026, 3)
ALICE_ID, BINH_ID = f.ALICE.id, f.BINH.id
OTHER_MEMBER_ID = "29:1-other"


@dataclass(frozen=True)
class Seeded:
    """Ids of what :func:`seed` stored."""

    revenue: str = "obj-revenue"
    binh_own: str = "obj-binh"
    draft: str = "obj-draft"
    closed: str = "obj-closed"
    foreign: str = "obj-foreign"
    deals_kr: str = "kr-deals"
    churn_kr: str = "kr-churn"


SEEDED = Seeded()


def at(day: int, month: int = 11) -> datetime:
    """A moment in 2026, UTC."""
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


async def seed(store: OkrStore) -> Seeded:
    """Store the organisation (see the module docstring)."""
    s = SEEDED
    tenant, other = f.TENANT_ID, f.OTHER_TENANT_ID
    await store.save_tenant(Tenant(id=tenant, name="Contoso"))
    await store.save_tenant(Tenant(id=other, name="Fabrikam"))
    await store.save_team(Team(tenant_id=tenant, id=f.SALES.id, name="Sales"))
    for user in (f.ALICE, f.BINH):
        await store.save_member(
            Member(
                tenant_id=tenant,
                id=user.id,
                aad_object_id=user.aad_object_id,
                name=user.name,
                locale=user.locale,
                time_zone=user.time_zone,
                team_ids=(f.SALES.id,),
            )
        )
    await store.save_member(
        Member(tenant_id=other, id=OTHER_MEMBER_ID, aad_object_id="aad-other", name="Olga")
    )
    team = {"team_id": f.SALES.id, "period": Q4}
    await store.save_objective(
        Objective(
            tenant_id=tenant,
            id=s.revenue,
            title="Grow revenue <b>& margin</b>",
            owner_id=ALICE_ID,
            state=ObjectiveState.ACTIVE,
            level=Level.TEAM,
            description="Why it matters",
            **team,  # type: ignore[arg-type]
        )
    )
    await store.save_objective(
        Objective(
            tenant_id=tenant,
            id=s.binh_own,
            title="Learn the product",
            owner_id=BINH_ID,
            state=ObjectiveState.ACTIVE,
            level=Level.INDIVIDUAL,
            parent_id=s.revenue,
            **team,  # type: ignore[arg-type]
        )
    )
    await store.save_objective(
        Objective(
            tenant_id=tenant,
            id=s.draft,
            title="Draft idea",
            owner_id=ALICE_ID,
            **team,  # type: ignore[arg-type]
        )
    )
    await store.save_objective(
        Objective(
            tenant_id=tenant,
            id=s.closed,
            title="Summer launch",
            owner_id=ALICE_ID,
            team_id=f.SALES.id,
            period=Q3,
            state=ObjectiveState.CLOSED,
            score=Decimal("0.7"),
            closing_note="Shipped late",
        )
    )
    await store.save_objective(
        Objective(
            tenant_id=other,
            id=s.foreign,
            title="Fabrikam secret",
            owner_id=OTHER_MEMBER_ID,
            period=Q4,
            state=ObjectiveState.ACTIVE,
        )
    )
    await store.save_key_result(
        KeyResult(
            tenant_id=tenant,
            id=s.deals_kr,
            objective_id=s.revenue,
            title="Close deals",
            owner_id=BINH_ID,
            kind=KeyResultKind.NUMBER,
            start=Decimal(0),
            target=Decimal(40),
            current=Decimal(0),
            unit="deals",
        )
    )
    await store.save_key_result(
        KeyResult(
            tenant_id=tenant,
            id=s.churn_kr,
            objective_id=s.revenue,
            title="Cut churn",
            owner_id=ALICE_ID,
            kind=KeyResultKind.PERCENTAGE,
            start=Decimal(10),
            target=Decimal(5),
            current=Decimal(10),
        )
    )
    for n, (day, value, status, note) in enumerate(
        (
            (2, 5, CheckInStatus.ON_TRACK, "first deals"),
            (16, 12, CheckInStatus.ON_TRACK, ""),
            (23, 14, CheckInStatus.AT_RISK, "pipeline thin"),
        )
    ):
        await store.record_checkin(
            CheckIn(
                tenant_id=tenant,
                id=f"ci-{n}",
                key_result_id=s.deals_kr,
                objective_id=s.revenue,
                author_id=BINH_ID,
                value=Decimal(value),
                status=status,
                recorded_at=at(day),
                note=note,
            )
        )
    await store.save_initiative(
        Initiative(
            tenant_id=tenant,
            id="ini-1",
            objective_id=s.revenue,
            title="Partner program",
            owner_id=ALICE_ID,
        )
    )
    return s
