"""Key results in chat: the form to add or edit one, saved through the one save path."""

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
from cards.i18n import text
from cards.key_result_form import KEY_RESULT_FORM, key_result_form, read_key_result_form
from cards.origin import read_origin
from okr.authoring import KeyResultInput
from okr.models import KeyResult, ObjectiveState
from storage.ids import new_id


def register(features: Features) -> None:
    """Register the key-result form's verbs."""
    features.add_verb(verbs.KEY_RESULT_NEW, new_key_result)
    features.add_verb(verbs.KEY_RESULT_EDIT, edit_key_result)
    features.add_verb(verbs.KEY_RESULT_SAVE, save_key_result)


async def new_key_result(turn: Turn, action: CardAction) -> Replies:
    """The empty key-result form for an objective."""
    objective = await editable_objective(turn, action)
    if isinstance(objective, Text):
        return objective
    lang = okr_views.language(turn)
    values = {"owner": objective.owner_id or turn.member.id}
    form = key_result_form(
        lang, objective, values, {}, await member_choices(turn), origin=opened_from(turn, action)
    )
    return form_card(form, lang, "form.key_result.new")


async def edit_key_result(turn: Turn, action: CardAction) -> Replies:
    """The key-result form filled in from the stored key result."""
    target = await _load(turn, action)
    if target is None or target.existing is None or target.objective is None:
        return expired(turn)
    kr, objective = target.existing, target.objective
    lang = okr_views.language(turn)
    if not await okr_views.may_change(turn, kr, objective):
        return Text(text(lang, "permission.key_result"))
    if objective.state is ObjectiveState.CLOSED:
        return Text(text(lang, "closing.read_only"))
    values = KEY_RESULT_FORM.prefill(kr, lang)
    members = await member_choices(turn)
    form = key_result_form(
        lang,
        objective,
        values,
        {},
        members,
        key_result_id=kr.id,
        origin=opened_from(turn, action),
    )
    return form_card(form, lang, "form.key_result.edit")


async def _load(turn: Turn, action: CardAction) -> Target[KeyResult] | None:
    return await child_target(turn, action, "key_result_id", turn.store.get_key_result)


async def _read(
    turn: Turn, action: CardAction, target: Target[KeyResult]
) -> FormResult[KeyResultInput]:
    assert target.objective is not None
    lang = okr_views.language(turn)
    known = await context(turn, action.data)
    form = read_key_result_form(action.data, lang, target.objective.period, known)
    parsed = form.parsed
    if parsed is not None and (parsed.start is None or parsed.target is None):
        parsed = None  # a problem already says which
    return FormResult(form.values, parsed, form.problems)


async def _again(
    turn: Turn, action: CardAction, target: Target[KeyResult], form: FormResult[KeyResultInput]
) -> Card:
    assert target.objective is not None
    lang = okr_views.language(turn)
    again = key_result_form(
        lang,
        target.objective,
        form.values,
        form.problems,
        await member_choices(turn),
        key_result_id=target.existing.id if target.existing else None,
        origin=read_origin(action.data),
    )
    return form_card(again, lang, "form.fix_problems")


async def _write(
    turn: Turn, action: CardAction, target: Target[KeyResult], parsed: KeyResultInput
) -> KeyResult:
    assert target.objective is not None and parsed.start is not None
    assert parsed.target is not None
    fields: dict[str, Any] = {
        "title": parsed.title,
        "owner_id": parsed.owner_id,
        "kind": parsed.kind,
        "start": parsed.start,
        "target": parsed.target,
        "unit": parsed.unit,
        "currency": parsed.currency,
        "due_date": parsed.due_date,
    }
    existing = target.existing
    if existing is not None:
        # The current value belongs to check-ins; the form may only correct it
        # while nobody has checked in yet.
        current = (
            parsed.current
            if parsed.current is not None and existing.last_checkin_at is None
            else existing.current
        )
        return await turn.store.save_key_result(
            dataclasses.replace(existing, current=current, **fields)
        )
    return await turn.store.save_key_result(
        KeyResult(
            tenant_id=turn.tenant_id,
            id=new_id(),
            objective_id=target.objective.id,
            current=parsed.current if parsed.current is not None else parsed.start,
            created_at=turn.now,
            **fields,
        )
    )


async def _done(
    turn: Turn, action: CardAction, target: Target[KeyResult], saved: KeyResult
) -> Replies:
    assert target.objective is not None
    back = back_after_save(turn, action, target.objective)
    return await show_objective(turn, target.objective, back=back)


async def _changed(turn: Turn, target: Target[KeyResult]) -> Replies:
    return await changed_meanwhile(turn, target.objective.id if target.objective else None)


save_key_result = SavePath[KeyResult, KeyResultInput](
    refused="permission.key_result",
    load=_load,
    read=_read,
    again=_again,
    write=_write,
    done=_done,
    changed=_changed,
)
