"""Who may change objectives and key results."""

from __future__ import annotations

from decimal import Decimal

from okr.models import KeyResult, KeyResultKind, Objective, Team
from okr.periods import Period
from okr.permissions import can_create_in_team, can_edit_key_result, can_edit_objective

TEAM = Team(tenant_id="t", id="team", owner_ids=("lead",))
OBJECTIVE = Objective(
    tenant_id="t", id="o", title="O", owner_id="alice", period=Period.quarter(2026, 4)
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


def test_objective_owner_and_team_owners_edit_objectives() -> None:
    assert can_edit_objective("alice", OBJECTIVE, TEAM)
    assert can_edit_objective("lead", OBJECTIVE, TEAM)
    assert not can_edit_objective("bob", OBJECTIVE, TEAM)
    assert not can_edit_objective("lead", OBJECTIVE, None)


def test_kr_owner_edits_only_their_key_result() -> None:
    assert can_edit_key_result("bob", KR, OBJECTIVE, TEAM)
    assert can_edit_key_result("alice", KR, OBJECTIVE, TEAM)
    assert can_edit_key_result("lead", KR, OBJECTIVE, TEAM)
    assert not can_edit_key_result("carol", KR, OBJECTIVE, TEAM)
    assert not can_edit_objective("bob", OBJECTIVE, TEAM)


def test_only_team_owners_create_for_others() -> None:
    assert can_create_in_team("lead", TEAM)
    assert not can_create_in_team("alice", TEAM)
