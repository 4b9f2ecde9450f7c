"""Fully populated sample entities for the storage contract suite."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from okr.models import (
    Cadence,
    Channel,
    CheckIn,
    CheckInStatus,
    Comparison,
    ConversationKind,
    ConversationRef,
    Delivery,
    DeliveryState,
    Initiative,
    InitiativeState,
    KeyResult,
    KeyResultKind,
    Kpi,
    Lease,
    Level,
    Member,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Round,
    Team,
    TeamSettings,
    Tenant,
)
from okr.periods import Period

T0 = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
TEAM_ID = "19:abcDEF0123@thread.tacv2"


def tenant(tenant_id: str) -> Tenant:
    return Tenant(
        id=tenant_id,
        name="Contoso",
        fiscal_year_start_month=7,
        default_locale="vi-VN",
        default_time_zone="Asia/Ho_Chi_Minh",
        created_at=T0,
    )


def team(tenant_id: str) -> Team:
    return Team(
        tenant_id=tenant_id,
        id=TEAM_ID,
        name="Nhóm Sản phẩm",
        channels=(Channel(id="19:general@thread.tacv2", name="General"), Channel(id="19:okr")),
        owner_ids=("29:lead",),
        settings=TeamSettings(
            cadence=Cadence.BIWEEKLY,
            weekday=2,
            time_of_day=time(8, 30),
            time_zone="Europe/Berlin",
            skip_if_checked_in_within_days=3,
            reminder_delay_hours=12,
            digest_channel_id="19:okr",
            anchor_date="2026-01-05",
        ),
        created_at=T0,
    )


def member(tenant_id: str, member_id: str = "29:owner-1") -> Member:
    return Member(
        tenant_id=tenant_id,
        id=member_id,
        aad_object_id=f"aad-{member_id}",
        name="Nguyễn Văn An",
        email=f"{member_id.replace(':', '')}@contoso.example",
        time_zone="Asia/Ho_Chi_Minh",
        locale="vi-VN",
        team_ids=(TEAM_ID,),
        updated_at=T0,
    )


def conversation(tenant_id: str, key: str = "29:owner-1") -> ConversationRef:
    return ConversationRef(
        tenant_id=tenant_id,
        id=key,
        kind=ConversationKind.PERSONAL,
        conversation_id="a:1xyz",
        service_url="http://127.0.0.1:1/",
        bot_id="28:bot",
        member_id=key,
        team_id=TEAM_ID,
        updated_at=T0,
    )


def objective(tenant_id: str, objective_id: str = "obj-1", **changes: object) -> Objective:
    base = Objective(
        tenant_id=tenant_id,
        id=objective_id,
        title="Tăng trưởng doanh thu",
        owner_id="29:lead",
        period=Period(date(2026, 10, 1), date(2026, 12, 31)),
        level=Level.ORGANIZATION,
        type=ObjectiveType.ASPIRATIONAL,
        state=ObjectiveState.ACTIVE,
        team_id=TEAM_ID,
        parent_id=None,
        description="Double revenue",
        starts_on=date(2026, 11, 10),
        score=Decimal("0.7"),
        closing_note="",
        created_at=T0,
        updated_at=T0,
    )
    return _replace(base, changes)


def key_result(tenant_id: str, kr_id: str = "kr-1", **changes: object) -> KeyResult:
    base = KeyResult(
        tenant_id=tenant_id,
        id=kr_id,
        objective_id="obj-1",
        title="Revenue $12M → $24M",
        owner_id="29:owner-1",
        kind=KeyResultKind.CURRENCY,
        start=Decimal("12000000"),
        target=Decimal("24000000"),
        current=Decimal("12000000.50"),
        unit="USD",
        currency="USD",
        weight=Decimal("1.5"),
        created_at=T0,
    )
    return _replace(base, changes)


def initiative(tenant_id: str) -> Initiative:
    return Initiative(
        tenant_id=tenant_id,
        id="ini-1",
        objective_id="obj-1",
        title="Launch partner program",
        owner_id="29:owner-1",
        key_result_id="kr-1",
        state=InitiativeState.IN_PROGRESS,
        created_at=T0,
    )


def kpi(tenant_id: str) -> Kpi:
    return Kpi(
        tenant_id=tenant_id,
        id="kpi-1",
        title="Site uptime",
        threshold=Decimal("99.5"),
        comparison=Comparison.AT_LEAST,
        current=Decimal("99.93"),
        unit="%",
        owner_id="29:owner-1",
        team_id=TEAM_ID,
        updated_at=T0,
    )


def checkin(
    tenant_id: str,
    checkin_id: str = "ci-1",
    value: str = "13000000",
    at: datetime = T0,
    kr_id: str = "kr-1",
) -> CheckIn:
    return CheckIn(
        tenant_id=tenant_id,
        id=checkin_id,
        key_result_id=kr_id,
        objective_id="obj-1",
        author_id="29:owner-1",
        value=Decimal(value),
        status=CheckInStatus.AT_RISK,
        recorded_at=at,
        confidence=7,
        note="Chậm hơn dự kiến ✓",
        round_id="checkin:team:2026-11-23",
    )


def round_(tenant_id: str) -> Round:
    return Round(
        tenant_id=tenant_id,
        id="checkin|team|2026-11-30",
        team_id=TEAM_ID,
        kind="checkin",
        due_at=T0,
        started_at=T0 + timedelta(seconds=1),
    )


def delivery(tenant_id: str, member_id: str = "29:owner-1") -> Delivery:
    return Delivery(
        tenant_id=tenant_id,
        id=f"checkin|team|2026-11-30|{member_id}",
        round_id="checkin|team|2026-11-30",
        member_id=member_id,
        kind="checkin",
        state=DeliveryState.PENDING,
        created_at=T0,
    )


def lease(tenant_id: str) -> Lease:
    return Lease(tenant_id=tenant_id, id="round:team", holder="instance-a", expires_at=T0)


def _replace[E](entity: E, changes: dict[str, object]) -> E:
    import dataclasses

    return dataclasses.replace(entity, **changes)  # type: ignore[type-var]
