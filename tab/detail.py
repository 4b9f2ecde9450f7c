"""One objective in full, as the API's ``ObjectiveDetail`` (docs/tab.md).

The OKR block (Objective / Measured by / Through), every key result with its
history chart, the initiatives, the check-in notes newest first, and the
closing score and note once closed. Reads the objective, its key results, its
initiatives and check-ins, its team and the people it names: nothing else.
"""

from __future__ import annotations

import asyncio

from cards.locale_format import format_datetime, format_score
from okr.models import CheckIn, ObjectiveState
from tab.objectives import (
    Json,
    Viewer,
    key_results_of,
    objective_json,
    person,
    read_for,
)
from tab.views import NotFound
from tab.wording import label, value_words

# Most check-in notes the detail lists (newest first).
MAX_NOTES = 200


async def objective_detail(viewer: Viewer, objective_id: str) -> Json:
    """The objective ``objective_id`` of the viewer's tenant; :class:`NotFound` otherwise."""
    store, tenant, lang = viewer.store, viewer.tenant_id, viewer.lang
    objective = await store.get_objective(tenant, objective_id)
    if objective is None:
        raise NotFound(objective_id)
    key_results, initiatives = await asyncio.gather(
        key_results_of(viewer, [objective]), store.list_initiatives(tenant, objective.id)
    )
    checkins_people = {objective.closed_by, *(i.owner_id for i in initiatives)}
    read = await read_for(viewer, [objective], key_results, people=checkins_people)
    krs = key_results[objective.id]
    titles = {kr.id: kr.title for kr in krs}
    by_id = {kr.id: kr for kr in krs}
    history: list[CheckIn] = sorted(
        (c for found in read.checkins.values() for c in found),
        key=lambda c: c.recorded_at,
        reverse=True,
    )[:MAX_NOTES]
    authors = {c.author_id for c in history} - read.people.keys()
    if authors:
        read.people.update({m.id: m for m in await store.get_members(tenant, authors)})
    closed = objective.state is ObjectiveState.CLOSED
    return {
        **objective_json(viewer, objective, read),
        "description": objective.description,
        "sentence": {
            "objective": objective.title,
            "measured_by": [kr.title for kr in krs],
            "through": [i.title for i in initiatives],
        },
        "initiatives": [
            {
                "id": i.id,
                "title": i.title,
                "state_text": label(lang, i.state),
                "owner": person(lang, i.owner_id, read.people),
            }
            for i in initiatives
        ],
        "notes": [
            {
                "key_result_title": titles.get(c.key_result_id, ""),
                "author": person(lang, c.author_id, read.people),
                "when_text": format_datetime(c.recorded_at, lang, viewer.zone),
                "status_text": label(lang, c.status),
                "value_text": value_words(by_id[c.key_result_id], c.value, lang)
                if c.key_result_id in by_id
                else "",
                "note": c.note,
            }
            for c in history
        ],
        "closed": closed,
        "score_text": format_score(objective.score, lang)
        if closed and objective.score is not None
        else "",
        "closing_note": objective.closing_note if closed else "",
    }
