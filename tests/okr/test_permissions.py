"""Who may change objectives, key results, initiatives and KPIs: the object's own team decides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from okr.models import (
    Comparison,
    Initiative,
    KeyResult,
    KeyResultKind,
    Kpi,
    Member,
    Objective,
    Team,
)
from okr.periods import Period
from okr.permissions import WrongTeamError, may_assign_to_others, may_change

TEAM = Team(tenant_id="t", id="team-a", owner_ids=("lead",))
OTHER_TEAM = Team(tenant_id="t", id="team-b", owner_ids=("other-lead",))
OBJECTIVE = Objective(
    tenant_id="t",
    id="o",
    title="O",
    owner_id="alice",
    period=Period.quarter(2026, 4),
    team_id="team-a",
)
KR = KeyResult(
    tenant_id="t",
    id="k",
    objective_id="o",
    title="K",
    owner_id="bob",
    kind=KeyResultKind.NUMBER,
    start=Decimal(0),
    target=Decimal(10),
    current=Decimal(0),
)
INITIATIVE = Initiative(tenant_id="t", id="i", objective_id="o", title="I", owner_id="bob")
KPI = Kpi(
    tenant_id="t",
    id="kpi",
    title="Uptime",
    threshold=Decimal("99.5"),
    comparison=Comparison.AT_LEAST,
    owner_id="carol",
    team_id="team-a",
)


def person(member_id: str, tenant_id: str = "t") -> Member:
    return Member(tenant_id=tenant_id, id=member_id)


def test_objective_owner_and_its_team_owners_change_objectives() -> None:
    assert may_change(person("alice"), OBJECTIVE, TEAM)
    assert may_change(person("lead"), OBJECTIVE, TEAM)
    assert not may_change(person("bob"), OBJECTIVE, TEAM)
    assert not may_change(person("lead"), OBJECTIVE, None)  # team not stored: no team owners


def test_kr_owner_changes_only_their_key_result() -> None:
    assert may_change(person("bob"), KR, TEAM, OBJECTIVE)
    assert may_change(person("alice"), KR, TEAM, OBJECTIVE)
    assert may_change(person("lead"), KR, TEAM, OBJECTIVE)
    assert not may_change(person("carol"), KR, TEAM, OBJECTIVE)
    assert not may_change(person("bob"), OBJECTIVE, TEAM)


def test_initiatives_follow_their_objective_and_kpis_their_owner_and_team() -> None:
    assert may_change(person("alice"), INITIATIVE, TEAM, OBJECTIVE)
    assert may_change(person("lead"), INITIATIVE, TEAM, OBJECTIVE)
    assert not may_change(person("bob"), INITIATIVE, TEAM, OBJECTIVE)
    assert may_change(person("carol"), KPI, TEAM)
    assert may_change(person("lead"), KPI, TEAM)
    assert not may_change(person("alice"), KPI, TEAM)


def test_a_team_that_is_not_the_objects_own_is_refused_not_used() -> None:
    # An owner of team B asking from B's channel must not be judged against B.
    with pytest.raises(WrongTeamError):
        may_change(person("other-lead"), OBJECTIVE, OTHER_TEAM)
    with pytest.raises(WrongTeamError):
        may_change(person("other-lead"), KR, OTHER_TEAM, OBJECTIVE)
    with pytest.raises(WrongTeamError):
        may_change(person("other-lead"), KPI, OTHER_TEAM)
    same_id_other_tenant = Team(tenant_id="t2", id="team-a", owner_ids=("lead",))
    with pytest.raises(WrongTeamError):
        may_change(person("lead"), OBJECTIVE, same_id_other_tenant)


def test_a_key_result_is_judged_with_its_own_objective_only() -> None:
    elsewhere = Objective(
        tenant_id="t", id="o2", title="O2", owner_id="mallory", period=OBJECTIVE.period
    )
    with pytest.raises(ValueError):
        may_change(person("mallory"), KR, None, elsewhere)
    with pytest.raises(ValueError):
        may_change(person("mallory"), KR, None)


def test_people_of_another_tenant_change_nothing() -> None:
    for member_id in ("alice", "bob", "lead"):
        outsider = person(member_id, tenant_id="t2")
        assert not may_change(outsider, OBJECTIVE, TEAM)
        assert not may_change(outsider, KR, TEAM, OBJECTIVE)


def test_only_team_owners_assign_objectives_to_others() -> None:
    assert may_assign_to_others(person("lead"), TEAM)
    assert not may_assign_to_others(person("alice"), TEAM)
    assert not may_assign_to_others(person("lead"), None)
    assert not may_assign_to_others(person("lead", tenant_id="t2"), TEAM)
