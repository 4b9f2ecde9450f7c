"""Team digests built by hand, for the digest card's samples and tests.

:func:`team_digest` is a week-9 digest of a small team with every section
filled; :func:`big_digest` is a team of 200 objectives and 1,000 key results
with long titles and notes, the shape the card must still post under Teams'
limit. Both are plain :class:`okr.digest.TeamDigest` values: the card is
tested against what it is given, not against how the digest is computed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cards.digest import team_digest_card
from cards.i18n import Language
from okr.digest import KeyResultLine, KpiLine, Mix, ObjectiveLine, Participation, TeamDigest
from okr.kpi import KpiHealth
from okr.models import (
    CheckInStatus,
    Comparison,
    DigestSnapshot,
    Kpi,
    Member,
    ObjectiveType,
    TrendPoint,
)
from okr.pace import PaceStatus
from okr.periods import Period
from tests.cards.registry import card_sample

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM_ID = "19:sales@thread.tacv2"
PERIOD = Period.quarter(2026, 1)
SLOT = date(2026, 3, 2)  # a Monday in week 9 of Q1 2026

MEMBERS: dict[str, Member] = {
    member_id: Member(tenant_id=TENANT, id=member_id, name=name)
    for name, member_id in (
        ("Lan Nguyễn", "29:lan"),
        ("Minh Trần", "29:minh"),
        ("Alex Kim", "29:alex"),
        ("Hà Phạm", "29:ha"),
        ("Sam Lee", "29:sam"),
    )
}


def _d(value: str) -> Decimal:
    return Decimal(value)


def _kr(
    id: str,
    title: str,
    owner: str,
    progress: str,
    status: CheckInStatus | None,
    *,
    change: str | None = None,
    note: str = "",
    rounds_missed: int = 0,
    objective_id: str = "o-store",
) -> KeyResultLine:
    return KeyResultLine(
        id=id,
        objective_id=objective_id,
        title=title,
        owner_id=owner,
        progress=_d(progress),
        status=status,
        change=None if change is None else _d(change),
        note=note,
        rounds_missed=rounds_missed,
    )


def _objective(
    id: str,
    title: str,
    owner: str,
    progress: str | None,
    status: CheckInStatus | None,
    pace: PaceStatus | None,
    change: str | None,
    key_results: int = 3,
) -> ObjectiveLine:
    return ObjectiveLine(
        id=id,
        title=title,
        owner_id=owner,
        type=ObjectiveType.COMMITTED,
        progress=None if progress is None else _d(progress),
        expected=_d("0.62"),
        pace=pace,
        status=status,
        change=None if change is None else _d(change),
        key_results=key_results,
    )


def _snapshot(overall: Decimal | None) -> DigestSnapshot:
    return DigestSnapshot(
        tenant_id=TENANT,
        id=DigestSnapshot.id_for(TEAM_ID, SLOT),
        team_id=TEAM_ID,
        slot=SLOT,
        taken_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        period_label=PERIOD.label,
        overall=overall,
        expected=_d("0.62"),
    )


UPTIME = Kpi(
    tenant_id=TENANT,
    id="kpi-uptime",
    title="Site uptime",
    threshold=_d("99.5"),
    comparison=Comparison.AT_LEAST,
    current=_d("98.7"),
    unit="%",
)


def _trend(weeks: int) -> tuple[TrendPoint, ...]:
    """Weekly points up to the slot: overall creeping up under the plan line."""
    return tuple(
        TrendPoint(
            day=SLOT - timedelta(weeks=weeks - 1 - i),
            overall=_d("0.04") * (i + 1) + _d("0.06"),
            expected=(_d("0.62") / weeks * (i + 1)).quantize(_d("0.01")),
        )
        for i in range(weeks)
    )


def team_digest() -> TeamDigest:
    """A week-9 digest of a five-person team: every section has something to show."""
    objectives = (
        _objective(
            "o-support",
            "Make support effortless",
            "29:minh",
            "0.31",
            CheckInStatus.OFF_TRACK,
            PaceStatus.AT_RISK,
            "-0.04",
        ),
        _objective(
            "o-store",
            "Grow the online store",
            "29:lan",
            "0.48",
            CheckInStatus.AT_RISK,
            PaceStatus.BEHIND,
            "0.07",
        ),
        _objective(
            "o-brand", "Be known for quality", "29:alex", "0.66", None, PaceStatus.ON_TRACK, "0.12"
        ),
    )
    return TeamDigest(
        team_id=TEAM_ID,
        team_name="Sales",
        period=PERIOD,
        week=9,
        weeks=13,
        overall=_d("0.48"),
        expected=_d("0.62"),
        change=_d("0.05"),
        participation=Participation(
            round_date=SLOT, asked=12, checked_in=9, missing_ids=("29:ha", "29:sam", "29:alex")
        ),
        mix=Mix(on_track=6, at_risk=2, off_track=1, not_updated=3),
        objectives=objectives,
        movers_up=(
            _kr(
                "kr-ads",
                "Search ads return 3x",
                "29:alex",
                "0.7",
                CheckInStatus.ON_TRACK,
                change="0.2",
            ),
            _kr(
                "kr-rev",
                "Increase online revenue",
                "29:lan",
                "0.3",
                CheckInStatus.ON_TRACK,
                change="0.1",
            ),
        ),
        movers_down=(
            _kr(
                "kr-nps",
                "Raise NPS to 50",
                "29:minh",
                "0.25",
                CheckInStatus.OFF_TRACK,
                change="-0.08",
            ),
        ),
        stale=(
            _kr("kr-blog", "Publish 12 articles", "29:ha", "0.25", None, rounds_missed=3),
            _kr("kr-faq", "Rewrite the FAQ", "29:sam", "0.5", None, rounds_missed=2),
        ),
        at_risk=(
            _kr(
                "kr-nps",
                "Raise NPS to 50",
                "29:minh",
                "0.25",
                CheckInStatus.OFF_TRACK,
                note="Survey vendor changed; the February wave was lost.",
            ),
            _kr(
                "kr-tickets",
                "Reduce support tickets to 30 a month",
                "29:lan",
                "0.4",
                CheckInStatus.AT_RISK,
                note="Bot deflection ships in March.",
            ),
        ),
        kpis=(KpiLine(UPTIME, KpiHealth.UNHEALTHY),),
        trend=_trend(9),
        snapshot=_snapshot(_d("0.48")),
    )


def first_digest() -> TeamDigest:
    """The team's first digest: no change, no movers, one trend point."""
    digest = team_digest()
    return dataclasses.replace(
        digest,
        change=None,
        objectives=tuple(dataclasses.replace(o, change=None) for o in digest.objectives),
        movers_up=(),
        movers_down=(),
        trend=_trend(1),
    )


def empty_digest() -> TeamDigest:
    """A team with no active objectives this period."""
    return dataclasses.replace(
        team_digest(),
        overall=None,
        change=None,
        participation=Participation(round_date=None, asked=0, checked_in=0),
        mix=Mix(),
        objectives=(),
        movers_up=(),
        movers_down=(),
        stale=(),
        at_risk=(),
        kpis=(),
        trend=(),
        snapshot=_snapshot(None),
    )


# Long, realistic text: the card is measured with the worst a team types.
_LONG_TITLE = (
    "Rút ngắn thời gian xử lý yêu cầu hỗ trợ của khách hàng doanh nghiệp xuống dưới "
    "bốn giờ làm việc ở mọi khu vực"
)
_LONG_NOTE = "Nhà cung cấp khảo sát đã thay đổi, đợt tháng Hai bị mất dữ liệu; " * 8


def big_digest(objectives: int = 200, key_results: int = 1000) -> TeamDigest:
    """A team of ``objectives`` objectives and ``key_results`` key results, everything long."""
    owners = list(MEMBERS)
    statuses = (CheckInStatus.OFF_TRACK, CheckInStatus.AT_RISK, CheckInStatus.ON_TRACK)
    lines = tuple(
        _objective(
            f"o-{i}",
            f"{_LONG_TITLE} ({i + 1})",
            owners[i % len(owners)],
            f"0.{(i * 7) % 100:02d}",
            statuses[i % 3],
            PaceStatus.BEHIND,
            "-0.03" if i % 2 else "0.04",
            key_results=key_results // objectives,
        )
        for i in range(objectives)
    )
    krs = [
        _kr(
            f"kr-{i}",
            f"{_LONG_TITLE} — KR {i + 1}",
            owners[i % len(owners)],
            f"0.{(i * 3) % 100:02d}",
            statuses[i % 3],
            change="0.15" if i % 2 else "-0.11",
            note=_LONG_NOTE[:500],
            rounds_missed=2 + i % 4,
            objective_id=f"o-{i % objectives}",
        )
        for i in range(key_results)
    ]
    at_risk = tuple(kr for kr in krs if kr.status is not CheckInStatus.ON_TRACK)
    kpis = tuple(
        KpiLine(
            dataclasses.replace(UPTIME, id=f"kpi-{i}", title=f"{_LONG_TITLE} KPI {i}"),
            KpiHealth.UNHEALTHY,
        )
        for i in range(12)
    )
    return dataclasses.replace(
        team_digest(),
        team_name="Phòng Chăm sóc Khách hàng Doanh nghiệp Khu vực Miền Nam",
        participation=Participation(
            round_date=SLOT,
            asked=400,
            checked_in=120,
            missing_ids=tuple(owners) * 56,
        ),
        mix=Mix(on_track=300, at_risk=300, off_track=300, not_updated=100),
        objectives=lines,
        movers_up=tuple(krs[1:10:2]),
        movers_down=tuple(krs[0:10:2]),
        stale=tuple(krs),
        at_risk=at_risk,
        kpis=kpis,
        trend=_trend(13),
    )


# -- registered samples ----------------------------------------------------------


@card_sample("digest", in_docs=True)
def _digest(lang: Language) -> Mapping[str, Any]:
    return team_digest_card(lang, team_digest(), MEMBERS)


@card_sample("digest.first")
def _digest_first(lang: Language) -> Mapping[str, Any]:
    return team_digest_card(lang, first_digest(), MEMBERS)


@card_sample("digest.empty")
def _digest_empty(lang: Language) -> Mapping[str, Any]:
    return team_digest_card(lang, empty_digest(), MEMBERS)


@card_sample("digest.cut")
def _digest_cut(lang: Language) -> Mapping[str, Any]:
    return team_digest_card(lang, big_digest(), MEMBERS)


@card_sample("digest.personal")
def _digest_personal(lang: Language) -> Mapping[str, Any]:
    digest = team_digest()
    own = dataclasses.replace(
        digest,
        objectives=digest.objectives[1:2],
        participation=Participation(round_date=None, asked=0, checked_in=0),
        at_risk=digest.at_risk[1:],
        stale=(),
        movers_up=digest.movers_up[1:],
        movers_down=(),
        kpis=(),
    )
    return team_digest_card(lang, own, MEMBERS, personal=True)
