"""What a team digest says: the numbers, computed from what is stored now and one snapshot.

A digest is built from the team's active objectives of the current period and
their key results (the key results mirror their latest check-in: value, status,
note), the round's delivery records (who was asked) and the previous digest's
:class:`~okr.models.DigestSnapshot`. It never scans check-in history: "since
last week" compares with the snapshot, and the trend line is carried in it.

The cards (``cards.digest``) decide what fits; here every list is complete and
ranked, and the overall figures always cover **all** objectives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from okr.kpi import KpiHealth
from okr.models import CheckInStatus, DigestSnapshot, Kpi, ObjectiveType, TrendPoint
from okr.pace import PaceStatus
from okr.periods import Period

MOVERS = 5
"""How many movers up (and down) a digest names at most."""

STALE_ROUNDS = 2
"""A key result not checked in for this many rounds or more is stale."""


@dataclass(frozen=True, slots=True)
class Mix:
    """How the key results stand: the owners' statuses, and those not updated.

    ``not_updated``: no check-in since the team's current round began (or never).
    The others count key results updated this round by their owner's status.
    """

    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    not_updated: int = 0

    @property
    def total(self) -> int:
        """All key results counted."""
        return self.on_track + self.at_risk + self.off_track + self.not_updated


@dataclass(frozen=True, slots=True)
class Participation:
    """The current check-in round: of those asked, who has checked in.

    Attributes:
        round_date: The round's date; None when the team has had no round yet.
        asked: Owners whose card went out (from the round's delivery records).
        checked_in: Of those, how many have checked in every key result asked.
        missing_ids: Member ids of those asked who have not, in a stable order.
    """

    round_date: date | None
    asked: int
    checked_in: int
    missing_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    """One objective in the digest, ranked: at risk first, then biggest movers."""

    id: str
    title: str
    owner_id: str | None
    type: ObjectiveType
    progress: Decimal | None  # 0..1 clamped; None without key results
    expected: Decimal | None  # the pace line today (okr.pace)
    pace: PaceStatus | None
    status: CheckInStatus | None  # the most worrying owner's status among its key results
    change: Decimal | None  # points since the previous snapshot (0.12 = +12 points); None: new
    key_results: int


@dataclass(frozen=True, slots=True)
class KeyResultLine:
    """A key result named in the digest (a mover, stale or at risk)."""

    id: str
    objective_id: str
    title: str
    owner_id: str | None
    progress: Decimal  # 0..1 clamped
    status: CheckInStatus | None
    change: Decimal | None = None  # points since the previous snapshot
    note: str = ""  # the latest check-in's note
    last_checkin_at: datetime | None = None
    rounds_missed: int = 0  # rounds since its last check-in (stale ones: >= STALE_ROUNDS)


@dataclass(frozen=True, slots=True)
class KpiLine:
    """An unhealthy KPI."""

    kpi: Kpi
    health: KpiHealth


@dataclass(frozen=True, slots=True)
class TeamDigest:
    """Everything one team's digest shows, complete and ranked; the card cuts.

    Attributes:
        team_id: The team.
        team_name: As Teams names it.
        period: The period reported on (the current one in the team's zone).
        week: The current week of the period (1-based); ``weeks``: how many it has.
        overall: Weighted progress of **all** the team's active objectives of the
            period (0..1); None when none has key results.
        expected: The expected line for the period today (0..1).
        change: Points since the previous digest (0.05 = +5 points); None on the first.
        participation: The current round's participation.
        mix: The key results' status mix.
        objectives: Every active objective of the period, ranked.
        movers_up: Key results that moved up most since the previous digest (<= MOVERS).
        movers_down: Those that moved down most (<= MOVERS).
        stale: Key results not checked in for STALE_ROUNDS rounds or more, oldest first.
        at_risk: Key results whose owner called them at risk or off track, worst first.
        kpis: The team's unhealthy KPIs.
        trend: The period's earlier digests' points and today's, oldest first.
        snapshot: What to store for this digest (the next one compares with it).
    """

    team_id: str
    team_name: str
    period: Period
    week: int
    weeks: int
    overall: Decimal | None
    expected: Decimal | None
    change: Decimal | None
    participation: Participation
    mix: Mix
    objectives: tuple[ObjectiveLine, ...]
    movers_up: tuple[KeyResultLine, ...]
    movers_down: tuple[KeyResultLine, ...]
    stale: tuple[KeyResultLine, ...]
    at_risk: tuple[KeyResultLine, ...]
    kpis: tuple[KpiLine, ...]
    trend: tuple[TrendPoint, ...]
    snapshot: DigestSnapshot
