"""Who may change what. Everyone in the tenant may read: transparency is part of OKRs.

An objective may be changed by its owner and by the owners of its team; a key
result additionally by its own owner (for that key result only).
"""

from __future__ import annotations

from okr.models import KeyResult, Objective, Team


def is_team_owner(member_id: str, team: Team | None) -> bool:
    """Whether ``member_id`` has the Teams owner role in ``team``."""
    return team is not None and member_id in team.owner_ids


def can_edit_objective(member_id: str, objective: Objective, team: Team | None) -> bool:
    """The objective's owner or an owner of its team."""
    return member_id == objective.owner_id or is_team_owner(member_id, team)


def can_edit_key_result(
    member_id: str, key_result: KeyResult, objective: Objective, team: Team | None
) -> bool:
    """The key result's owner, the objective's owner or an owner of its team."""
    return member_id == key_result.owner_id or can_edit_objective(member_id, objective, team)


def can_create_in_team(member_id: str, team: Team | None) -> bool:
    """Anyone may draft objectives they own; this answers for objectives owned by others.

    Creating an objective owned by someone else is for team owners: it assigns work.
    """
    return is_team_owner(member_id, team)
