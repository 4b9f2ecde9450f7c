"""What the authoring verbs share: who may own things, the pick-lists, the objective card.

The verbs themselves live with their object: ``bot/objectives.py`` (with
templates), ``bot/key_results.py``, ``bot/initiatives.py``, ``bot/kpis.py``,
each saving through the one save path (``bot/saving.py``). Only an
objective's owner, a key result's owner (for their key result) and the owners
of the object's own team may change things; everyone may read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from bot import okr_views
from bot.features import Card, CardAction, Replies, Text, Turn
from bot.saving import Target, card_id
from cards.authoring import objective_card
from cards.i18n import Language, text
from cards.objective_form import Choices
from cards.origin import Origin, Place, read_origin
from okr.authoring import Context
from okr.models import Initiative, KeyResult, Objective, ObjectiveState

# The form fields that name an owner and a parent objective.
OWNER = "owner"
PARENT = "parent"
# What may be aligned to, or listed as open: an objective not closed.
OPEN = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)
# How far up an alignment chain a save looks for a cycle; real chains are a few levels.
MAX_PARENT_CHAIN = 50


def form_card(content: dict[str, Any], lang: Language, fallback_key: str) -> Card:
    """A card whose notification text is the catalog string ``fallback_key``."""
    return Card(content, fallback_text=text(lang, fallback_key))


async def context(
    turn: Turn,
    data: Mapping[str, Any],
    owner_fields: Sequence[str] = (OWNER,),
    *,
    alignment: bool = False,
) -> Context:
    """What checking a submitted form needs, read by id: never the tenant's lists.

    ``member_ids`` holds those of the people the form's ``owner_fields`` name
    who may own things (the person's teammates, :func:`okr_views.is_teammate`);
    with ``alignment``, ``objective_ids`` and ``parents`` hold the named parent
    and its own parents up the chain, enough to refuse an unknown parent or a cycle.
    """
    named = sorted({i for f in owner_fields if (i := card_id(data, f)) is not None})
    found = await turn.store.get_members(turn.tenant_id, named)
    member_ids = frozenset(m.id for m in found if okr_views.is_teammate(turn, m))
    if not alignment:
        return Context(member_ids=member_ids)
    parents = await _parent_chain(turn, card_id(data, PARENT))
    return Context(member_ids=member_ids, objective_ids=frozenset(parents), parents=parents)


async def _parent_chain(turn: Turn, parent_id: str | None) -> dict[str, str | None]:
    """Each objective from ``parent_id`` up its parents, by id, to its parent's id (stored ones)."""
    chain: dict[str, str | None] = {}
    current = parent_id
    while current is not None and current not in chain and len(chain) < MAX_PARENT_CHAIN:
        objective = await turn.store.get_objective(turn.tenant_id, current)
        if objective is None:
            break
        chain[current] = objective.parent_id
        current = objective.parent_id
    return chain


async def member_choices(turn: Turn) -> list[tuple[str, str]]:
    """The people a form offers as owners: the person first, then teammates by name."""
    return okr_views.member_choices(await okr_views.teammates(turn), turn.member)


async def objective_choices(turn: Turn, exclude_objective: str | None = None) -> Choices:
    """The objective form's pick-lists: people, periods, possible parents."""
    lang = okr_views.language(turn)
    team = await okr_views.team_of(turn)
    members = await member_choices(turn)
    fiscal = await okr_views.fiscal_year_start_month(turn)
    periods = okr_views.period_choices(lang, turn.now, okr_views.time_zone(turn, team), fiscal)
    # The first open objectives, as many as the list shows (one more, in case it is this one).
    limit = okr_views.MAX_MEMBER_CHOICES + 1
    objectives = await turn.store.list_objective_titles(turn.tenant_id, states=OPEN, limit=limit)
    parents = [(title, id_) for title, id_ in objectives if id_ != exclude_objective][
        : okr_views.MAX_MEMBER_CHOICES
    ]
    return Choices(members=members, periods=periods, parents=parents)


async def show_objective(turn: Turn, objective: Objective, back: Origin | None = None) -> Card:
    """The objective card, for the person asking; with ``back``, Back to where it came from."""
    lang = okr_views.language(turn)
    view = dataclasses.replace(await okr_views.objective_view(turn, objective), back=back)
    return form_card(objective_card(lang, view), lang, "card.objective.fallback")


def opened_from(turn: Turn, action: CardAction) -> Origin:
    """Where the form this button opens comes from (its Cancel's way back), for this person."""
    return read_origin(action.data).opened_by(turn.member.id)


def back_after_save(turn: Turn, action: CardAction, objective: Objective) -> Origin | None:
    """The Back of the objective card a saved form returns to: the one Cancel would keep.

    The form's origin comes back from Teams like any input: it counts only when
    it names this very objective and the person saving is the one who opened it.
    """
    origin = read_origin(action.data)
    if origin.person != turn.member.id or origin.place is not Place.OBJECTIVE:
        return None
    return origin.restored() if origin.objective_id == objective.id else None


async def changed_meanwhile(turn: Turn, objective_id: str | None) -> Replies:
    """Someone saved first: the objective as it is now, and a note to try again."""
    lang = okr_views.language(turn)
    current = await turn.store.get_objective(turn.tenant_id, objective_id) if objective_id else None
    notice = Text(text(lang, "error.changed_meanwhile"))
    return [await show_objective(turn, current), notice] if current else notice


async def named_objective(turn: Turn, action: CardAction) -> Objective | None:
    """The objective the card names, if it still exists."""
    objective_id = card_id(action.data, "objective_id")
    if objective_id is None:
        return None
    return await turn.store.get_objective(turn.tenant_id, objective_id)


async def child_target[E: (KeyResult, Initiative)](
    turn: Turn,
    action: CardAction,
    id_name: str,
    get: Callable[[str, str], Awaitable[E | None]],
) -> Target[E] | None:
    """What a key-result or initiative card names: the child (or a new one) and its objective.

    None when the objective is gone, or the child is gone or belongs to another one.
    """
    objective = await named_objective(turn, action)
    if objective is None:
        return None
    child_id = card_id(action.data, id_name)
    if child_id is None:
        return Target(existing=None, objective=objective)
    existing = await get(turn.tenant_id, child_id)
    if existing is None or existing.objective_id != objective.id:
        return None
    return Target(existing=existing, objective=objective)


async def editable_objective(turn: Turn, action: CardAction) -> Objective | Text:
    """The objective the card names if this person may change it, else the answer to give."""
    objective = await named_objective(turn, action)
    if objective is None:
        return Text(text(okr_views.language(turn), "error.card_expired_gone"))
    if not await okr_views.may_change(turn, objective):
        return Text(text(okr_views.language(turn), "permission.objective"))
    if objective.state is ObjectiveState.CLOSED:
        return Text(text(okr_views.language(turn), "closing.read_only"))
    return objective
