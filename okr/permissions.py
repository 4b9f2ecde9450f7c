"""Who may change what. Everyone in the tenant may read: transparency is part of OKRs.

The rule, for every object that can be written (objective, key result,
initiative, KPI, and a check-in, which changes its key result):

- the object's own owners may change it: an objective's owner; a key result's
  owner (for that key result) and its objective's owner; an initiative's
  objective owner; a KPI's owner;
- so may the owners of **the object's own team**: the team stored on the
  objective (``objective.team_id``) or the KPI (``kpi.team_id``). Never the
  team of the channel a request came from, nor the person's first team.

:func:`may_change` is the one answer. It takes the team as the caller loaded
it and refuses (:class:`WrongTeamError`) a team that is not the object's own,
so a caller cannot choose the team.
"""

from __future__ import annotations

from okr.models import Initiative, KeyResult, Kpi, Member, Objective, Team

type Changeable = Objective | KeyResult | Initiative | Kpi


class WrongTeamError(ValueError):
    """A permission question was asked with a team that is not the object's own.

    A programming error: load the team from the object (``objective.team_id``,
    ``kpi.team_id``), never from the conversation.
    """


def is_team_owner(member_id: str, team: Team | None) -> bool:
    """Whether ``member_id`` has the Teams owner role in ``team``."""
    return team is not None and member_id in team.owner_ids


def home_of(target: Changeable, objective: Objective | None = None) -> Objective | Kpi:
    """The object whose ``team_id`` decides who may change ``target``.

    Key results and initiatives belong to their objective's team, so
    ``objective`` must be the one they name.

    Raises:
        ValueError: ``target`` is a key result or initiative and ``objective``
            is missing or another objective.
    """
    if isinstance(target, KeyResult | Initiative):
        if (
            objective is None
            or objective.id != target.objective_id
            or objective.tenant_id != target.tenant_id
        ):
            raise ValueError("a key result or initiative is judged with its own objective")
        return objective
    return target


def may_change(
    person: Member, target: Changeable, team: Team | None, objective: Objective | None = None
) -> bool:
    """Whether ``person`` may change ``target`` (or check in on it, for a key result).

    Args:
        person: Who asks, as stored (their tenant is compared too).
        target: The object to change, as stored.
        team: The object's own team as stored (from ``home_of(target).team_id``),
            or None when it has none or it is not stored.
        objective: The objective of a key result or initiative.

    Raises:
        WrongTeamError: ``team`` is not the object's own team.
    """
    home = home_of(target, objective)
    if team is not None and (team.id != home.team_id or team.tenant_id != home.tenant_id):
        raise WrongTeamError(f"team {team.id!r} is not the team of {type(target).__name__}")
    if person.tenant_id != target.tenant_id:
        return False
    if person.id in _own_owners(target, objective):
        return True
    return is_team_owner(person.id, team)


def _own_owners(target: Changeable, objective: Objective | None) -> set[str]:
    owners: set[str | None]
    if isinstance(target, Objective):
        owners = {target.owner_id}
    elif isinstance(target, KeyResult):
        owners = {target.owner_id, objective.owner_id if objective else None}
    elif isinstance(target, Initiative):
        owners = {objective.owner_id if objective else None}
    else:
        owners = {target.owner_id}
    return {o for o in owners if o}


def may_assign_to_others(person: Member, team: Team | None) -> bool:
    """Whether ``person`` may make someone else own an objective in ``team``.

    Anyone may draft objectives they own; owning one for someone else assigns
    work, which is for the owners of the objective's own team.
    """
    if team is None or person.tenant_id != team.tenant_id:
        return False
    return is_team_owner(person.id, team)
