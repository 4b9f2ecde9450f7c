"""The alignment tree, company → team → individual, with rolled-up progress (docs/tab.md).

The tree is the period's objectives linked by ``parent_id``; progress is rolled
up from children (:func:`okr.progress.rolled_up_progress`). Objectives whose
parent links run in a circle are shown as roots, as the roll-up treats them,
so a cycle never hangs the walk. The filters keep the objectives that match and
the ones above them, so a match is shown where it sits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cards.locale_format import format_progress
from okr.models import KeyResult, Level, Objective, ObjectiveState
from okr.progress import alignment_cycles, clamp, rolled_up_progress
from tab.filters import Filters, objective_status
from tab.objectives import Json, Viewer, key_results_of, read_for
from tab.views import period_json
from tab.wording import label

_OPEN = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)
_LEVEL_ORDER = {Level.ORGANIZATION: 0, Level.TEAM: 1, Level.INDIVIDUAL: 2}


async def tree(viewer: Viewer, filters: Filters) -> Json:
    """The period's objectives of the tenant as a forest of ``Node``s."""
    today = viewer.now.astimezone(viewer.zone).date()
    states = None if filters.period is not None else _OPEN
    candidates = await viewer.store.list_objectives(viewer.tenant_id, states=states)
    objectives = [o for o in candidates if filters.in_period(o, today)]
    key_results = await key_results_of(viewer, objectives)
    children, roots = _links(objectives)
    wanted = _kept(objectives, key_results, children, filters)
    shown = [o for o in objectives if o.id in wanted]
    read = await read_for(viewer, shown, {o.id: key_results[o.id] for o in shown}, history=False)
    rolled = rolled_up_progress(objectives, (kr for krs in key_results.values() for kr in krs))
    by_id = {o.id: o for o in objectives}

    lang = viewer.lang

    def node(objective: Objective) -> Json:
        progress = rolled.get(objective.id)
        team = read.teams.get(objective.team_id) if objective.team_id else None
        owner = read.people.get(objective.owner_id) if objective.owner_id else None
        status = objective_status(key_results[objective.id])
        return {
            "id": objective.id,
            "title": objective.title,
            "level": objective.level.value,
            "level_text": label(lang, objective.level),
            "team_name": team.name if team else "",
            "owner_name": owner.display_name if owner else "",
            "progress": None if progress is None else float(clamp(progress)),
            "progress_text": "" if progress is None else format_progress(clamp(progress), lang),
            "status": status.value if status else "none",
            "children": [],
        }

    # Built with a stack, not recursion: an alignment chain may be deeper than
    # Python's recursion limit.
    forest = [node(by_id[r]) for r in _ordered(roots, by_id) if r in wanted]
    stack = [(n, n["id"]) for n in forest]
    while stack:
        parent_json, parent_id = stack.pop()
        for child_id in _ordered(children[parent_id], by_id):
            if child_id in wanted:
                child = node(by_id[child_id])
                parent_json["children"].append(child)
                stack.append((child, child_id))
    return {"period": period_json(viewer.lang, filters), "roots": forest}


def _links(objectives: Sequence[Objective]) -> tuple[dict[str, list[str]], list[str]]:
    """Children by parent id, and the roots (no parent shown, or on a cycle)."""
    by_id = {o.id: o for o in objectives}
    cycles = alignment_cycles(objectives)
    children: dict[str, list[str]] = {o.id: [] for o in objectives}
    roots = []
    for o in objectives:
        if o.parent_id is not None and o.parent_id in by_id and o.id not in cycles:
            children[o.parent_id].append(o.id)
        else:
            roots.append(o.id)
    return children, roots


def _kept(
    objectives: Sequence[Objective],
    key_results: Mapping[str, list[KeyResult]],
    children: Mapping[str, list[str]],
    filters: Filters,
) -> set[str]:
    """The objectives that match the filters, and every one above a match."""
    matching = {o.id for o in objectives if filters.matches(o, key_results[o.id])}
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    kept: set[str] = set()
    for objective_id in matching:
        node: str | None = objective_id
        while node is not None and node not in kept:  # stops at a kept one: each walked once
            kept.add(node)
            node = parent_of.get(node)
    return kept


def _ordered(ids: Sequence[str], by_id: Mapping[str, Objective]) -> list[str]:
    return sorted(
        ids, key=lambda i: (_LEVEL_ORDER.get(by_id[i].level, 9), by_id[i].title.casefold(), i)
    )
