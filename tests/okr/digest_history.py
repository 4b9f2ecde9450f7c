"""A known history for the digest tests: a team, its OKRs on two Fridays, and snapshots.

The history: a team in Asia/Ho_Chi_Minh (UTC+7) with weekly rounds on Monday at
09:00 and its digest on Friday at 16:00; three active objectives of Q1 2026 with
eight key results. Digests go out on Friday 2026-02-20 and Friday 2026-02-27
("Week 9 of 13"); the one of 2026-02-13 left a snapshot before them. The
round of Monday 2026-02-23 asked A, B and C; B has not checked in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from okr.digest import TeamDigest, build_digest
from okr.models import (
    CheckInStatus,
    DigestSnapshot,
    KeyResult,
    KeyResultKind,
    Kpi,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
    TrendPoint,
)
from okr.periods import Period

TENANT = "tenant-1"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = Period.quarter(2026, 1)
A, B, C, D = "29:a", "29:b", "29:c", "29:d"
ON, RISK, OFF = CheckInStatus.ON_TRACK, CheckInStatus.AT_RISK, CheckInStatus.OFF_TRACK

TEAM = Team(
    tenant_id=TENANT,
    id="19:team@thread.tacv2",
    name="Platform",
    settings=TeamSettings(
        time_zone="Asia/Ho_Chi_Minh",
        weekday=0,
        time_of_day=time(9, 0),
        digest_weekday=4,
        digest_time=time(16, 0),
    ),
)
FEB_20 = date(2026, 2, 20)
FEB_27 = date(2026, 2, 27)
NOW = datetime(2026, 2, 27, 16, 0, tzinfo=HCM)  # the digest's slot time
WEEK_BEFORE = datetime(2026, 2, 20, 16, 0, tzinfo=HCM)


def at(day: int, hour: int = 10, month: int = 2) -> datetime:
    """An instant in February 2026 (or ``month``), Ho Chi Minh City time."""
    return datetime(2026, month, day, hour, 0, tzinfo=HCM)


def objective(id: str, title: str, owner: str, **changes: object) -> Objective:
    made = Objective(
        tenant_id=TENANT,
        id=id,
        title=title,
        owner_id=owner,
        period=Q1,
        state=ObjectiveState.ACTIVE,
        team_id=TEAM.id,
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def key_result(
    id: str,
    objective_id: str,
    title: str,
    owner: str | None,
    current: str | int,
    *,
    target: int = 100,
    start: int = 0,
    status: CheckInStatus | None = None,
    checked: datetime | None = None,
    note: str = "",
    kind: KeyResultKind = KeyResultKind.NUMBER,
) -> KeyResult:
    return KeyResult(
        tenant_id=TENANT,
        id=id,
        objective_id=objective_id,
        title=title,
        owner_id=owner,
        kind=kind,
        start=Decimal(start),
        target=Decimal(target),
        current=Decimal(current),
        last_checkin_at=checked,
        last_status=status if checked else None,
        last_note=note,
    )


O1 = objective("o1", "Grow revenue", A)
O2 = objective("o2", "Delight customers", B)
O3 = objective("o3", "Ship the platform", C)
OBJECTIVES = (O1, O2, O3)

# Today (2026-02-27). Progress in the comment; the round's window opened on
# Saturday 2026-02-21 09:00 (two days before Monday's 09:00, the team's skip window).
TODAY = (
    # 0.6, this round
    key_result("k1", "o1", "Bookings", A, 60, status=ON, checked=at(24)),
    # 0.2, this round
    key_result("k2", "o1", "Partners", A, 2, target=10, status=RISK, checked=at(24), note="Late"),
    # decreasing 120 -> 30 at 75: 0.5; last check-in 2026-02-10: missed two rounds
    key_result("k3", "o1", "Refunds", B, 75, start=120, target=30, status=ON, checked=at(10)),
    # 0.2; checked in after the 16 Feb round, not since: missed one
    key_result("k4", "o2", "Activation", B, 20, status=OFF, checked=at(17), note="Churn spike"),
    # milestone done, this round (Monday 10:00)
    key_result(
        "k5",
        "o2",
        "Launch",
        C,
        1,
        target=1,
        status=ON,
        checked=at(23),
        kind=KeyResultKind.MILESTONE,
    ),
    # never checked in
    key_result("k6", "o2", "Interviews", B, 0),
    # 0.8, this round
    key_result("k7", "o3", "Services moved", C, 40, target=50, status=ON, checked=at(25)),
    # 0.3, checked in on Sunday before the round: counts for it (skip window)
    key_result("k8", "o3", "Uptime work", D, 30, status=RISK, checked=at(22)),
)

# What was stored on 2026-02-20: k1, k2, k4, k7 had other values then.
_EARLIER = {
    "k1": {"current": Decimal(40), "last_checkin_at": at(17)},
    "k2": {"current": Decimal(3), "last_checkin_at": at(17)},
    "k4": {"current": Decimal(25), "last_checkin_at": at(17)},
    "k5": {"current": Decimal(0), "last_checkin_at": at(17), "last_status": ON},
    "k7": {"current": Decimal(30), "last_checkin_at": at(17)},
}
WEEK_BEFORE_KEY_RESULTS = tuple(
    dataclasses.replace(kr, **_EARLIER.get(kr.id, {}))  # type: ignore[arg-type]
    for kr in TODAY
)

FEB_13_SNAPSHOT = DigestSnapshot(
    tenant_id=TENANT,
    id=DigestSnapshot.id_for(TEAM.id, date(2026, 2, 13)),
    team_id=TEAM.id,
    slot=date(2026, 2, 13),
    taken_at=datetime(2026, 2, 13, 9, 0, tzinfo=UTC),
    period_label="2026-Q1",
    overall=Decimal("0.25"),
    expected=Decimal("0.5"),
    trend=(TrendPoint(date(2026, 2, 13), Decimal("0.25"), Decimal("0.5")),),
)

# Expected line: 2026-01-02 00:00 to 2026-04-01 00:00 (89 days, 2136 h); by
# 2026-02-27 16:00, 56 days and 16 h (1360 h) have passed.
EXPECTED_FEB_27 = Decimal(1360) / Decimal(2136)
EXPECTED_FEB_20 = Decimal(1360 - 7 * 24) / Decimal(2136)


def week_before() -> TeamDigest:
    return build_digest(
        TEAM,
        OBJECTIVES,
        WEEK_BEFORE_KEY_RESULTS,
        now=WEEK_BEFORE,
        slot=FEB_20,
        previous=FEB_13_SNAPSHOT,
        asked={A, B, C},
    )


def today(
    previous: DigestSnapshot | None = None,
    *,
    objectives: Sequence[Objective] = OBJECTIVES,
    key_results: Sequence[KeyResult] = TODAY,
    kpis: Sequence[Kpi] = (),
) -> TeamDigest:
    return build_digest(
        TEAM,
        objectives,
        key_results,
        now=NOW,
        slot=FEB_27,
        previous=week_before().snapshot if previous is None else previous,
        asked={A, B, C},
        kpis=kpis,
    )
