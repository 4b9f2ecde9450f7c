"""Initiatives in chat: the form to add or edit one, saved through the one save path."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot import okr_views
from bot.authoring import (
    back_after_save,
    changed_meanwhile,
    child_target,
    context,
    editable_objective,
    form_card,
    member_choices,
    opened_from,
    show_objective,
)
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.saving import SavePath, Target, expired
from cards import verbs
from cards.forms import FormResult
from cards.initiative_form import INITIATIVE_FORM, initiative_form, read_initiative_form
from cards.origin import read_origin
from okr.authoring import InitiativeInput
from okr.models import Initiative, KeyResult, Objective
from storage.ids import new_id


def register(features: Features) -> None:
    """Register the initiative form's verbs."""
    features.add_verb(verbs.INITIATIVE_NEW, new_initiative)
    features.add_verb(verbs.INITIATIVE_SAVE, save_initiative)
    features.add_verb(verbs.INITIATIVE_EDIT, edit_initiative)


async def _key_results(turn: Turn, objective: Objective) -> list[KeyResult]:
    return await turn.store.list_key_results(turn.tenant_id, objective_id=objective.id)


async def new_initiative(turn: Turn, action: CardAction) -> Replies:
    """The initiative form for an objective."""
    objective = await editable_objective(turn, action)
    if isinstance(objective, Text):
        return objective
    lang = okr_views.language(turn)
    krs = await _key_results(turn, objective)
    members = await member_choices(turn)
    values = {"owner": turn.member.id}
    origin = opened_from(turn, action)
    form = initiative_form(lang, objective, krs, values, {}, members, origin=origin)
    return form_card(form, lang, "form.initiative.new")


async def edit_initiative(turn: Turn, action: CardAction) -> Replies:
    """The initiative form filled in from the stored initiative, with its state."""
    objective = await editable_objective(turn, action)
    if isinstance(objective, Text):
        return objective
    target = await _load(turn, action)
    if target is None or target.existing is None:
        return expired(turn)
    lang = okr_views.language(turn)
    initiative = target.existing
    values = INITIATIVE_FORM.prefill(initiative, lang)
    form = initiative_form(
        lang,
        objective,
        await _key_results(turn, objective),
        values,
        {},
        await member_choices(turn),
        initiative_id=initiative.id,
        origin=opened_from(turn, action),
    )
    return form_card(form, lang, "form.initiative.edit")


async def _load(turn: Turn, action: CardAction) -> Target[Initiative] | None:
    return await child_target(turn, action, "initiative_id", turn.store.get_initiative)


async def _read(
    turn: Turn, action: CardAction, target: Target[Initiative]
) -> FormResult[InitiativeInput]:
    assert target.objective is not None
    kr_ids = frozenset(k.id for k in await _key_results(turn, target.objective))
    lang = okr_views.language(turn)
    return read_initiative_form(action.data, lang, await context(turn, action.data), kr_ids)


async def _again(
    turn: Turn,
    action: CardAction,
    target: Target[Initiative],
    form: FormResult[InitiativeInput],
) -> Card:
    assert target.objective is not None
    lang = okr_views.language(turn)
    again = initiative_form(
        lang,
        target.objective,
        await _key_results(turn, target.objective),
        form.values,
        form.problems,
        await member_choices(turn),
        initiative_id=target.existing.id if target.existing else None,
        origin=read_origin(action.data),
    )
    return form_card(again, lang, "form.fix_problems")


async def _write(
    turn: Turn, action: CardAction, target: Target[Initiative], parsed: InitiativeInput
) -> Initiative:
    assert target.objective is not None
    fields: dict[str, Any] = {
        "title": parsed.title,
        "owner_id": parsed.owner_id,
        "key_result_id": parsed.key_result_id,
    }
    if target.existing is not None:
        return await turn.store.save_initiative(
            dataclasses.replace(target.existing, state=parsed.state, **fields)
        )
    return await turn.store.save_initiative(
        Initiative(
            tenant_id=turn.tenant_id,
            id=new_id(),
            objective_id=target.objective.id,
            created_at=turn.now,
            **fields,
        )
    )


async def _done(
    turn: Turn, action: CardAction, target: Target[Initiative], saved: Initiative
) -> Replies:
    assert target.objective is not None
    back = back_after_save(turn, action, target.objective)
    return await show_objective(turn, target.objective, back=back)


async def _changed(turn: Turn, target: Target[Initiative]) -> Replies:
    return await changed_meanwhile(turn, target.objective.id if target.objective else None)


save_initiative = SavePath[Initiative, InitiativeInput](
    refused="permission.objective",
    load=_load,
    read=_read,
    again=_again,
    write=_write,
    done=_done,
    changed=_changed,
)
