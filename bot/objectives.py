"""Objectives in chat: ``new``, ``templates``, and the objective's form and card verbs.

A new objective is a draft owned by its author (a team owner may give it to
someone else); activating it starts its owners' check-ins. Saving goes through
the one save path (``bot/saving.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bot import okr_views
from bot.authoring import (
    OWNER,
    back_after_save,
    changed_meanwhile,
    context,
    editable_objective,
    form_card,
    named_objective,
    objective_choices,
    opened_from,
    show_objective,
)
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.saving import SavePath, Target, card_id, expired
from cards import verbs
from cards.authoring import templates_card
from cards.forms import FormResult
from cards.i18n import Language, text
from cards.objective_form import (
    OBJECTIVE_FORM,
    objective_form,
    read_objective_form,
    read_template_owners,
    template_owner_fields,
)
from cards.origin import Origin, Place, read_origin
from okr.authoring import ObjectiveInput
from okr.models import Objective, ObjectiveState
from okr.pace import start_on_activation
from okr.permissions import may_assign_to_others
from okr.templates import Template, find_template, templates_for
from storage.errors import ConflictError
from storage.ids import new_id


def register(features: Features) -> None:
    """Register ``new``, ``templates`` and the objective verbs."""
    # A form: typed in a channel, it opens in the person's chat, not in front of everyone.
    features.add_command("new", new_command, aliases=ALIASES[CommandName.NEW][1:], private=True)
    features.add_command("templates", templates_command, aliases=ALIASES[CommandName.TEMPLATES][1:])
    features.add_verb(verbs.OBJECTIVE_NEW, new_objective)
    features.add_verb(verbs.OBJECTIVE_SAVE, save_objective)
    features.add_verb(verbs.OBJECTIVE_EDIT, edit_objective)
    features.add_verb(verbs.OBJECTIVE_VIEW, view_objective)
    features.add_verb(verbs.OBJECTIVE_ACTIVATE, activate_objective)
    features.add_verb(verbs.TEMPLATE_USE, use_template)


# -- the form --------------------------------------------------------------------------


async def new_command(turn: Turn, args: str) -> Replies:
    """``new``: the empty objective form, the title pre-filled from the rest of the text."""
    return await _new_form(turn, {"title": args.strip()[:200]})


async def new_objective(turn: Turn, action: CardAction) -> Replies:
    """Open an empty objective form, as a message of its own.

    The button sits on cards worth keeping (the welcome, a list, the digest): the
    card stays as it is, with a short line, and the form comes below it.
    """
    lang = okr_views.language(turn)
    return [Text(text(lang, "form.sent_below"), in_place=True), await _new_form(turn, {})]


async def _new_form(turn: Turn, values: dict[str, str], template: Template | None = None) -> Card:
    lang = okr_views.language(turn)
    choices = await objective_choices(turn)
    defaults = {"owner": turn.member.id, "period": choices.periods[0][1], **values}
    # Sent fresh (``new``) or kept beside the card it came from: Cancel has nothing to restore.
    origin = Origin(turn.member.id)
    form = objective_form(lang, defaults, {}, choices, template=template, origin=origin)
    return form_card(form, lang, "form.objective.new")


async def edit_objective(turn: Turn, action: CardAction) -> Replies:
    """The objective form, filled in from the stored objective."""
    objective = await editable_objective(turn, action)
    if isinstance(objective, Text):
        return objective
    lang = okr_views.language(turn)
    choices = await objective_choices(turn, exclude_objective=objective.id)
    values = OBJECTIVE_FORM.prefill(objective, lang)
    origin = opened_from(turn, action)
    form = objective_form(lang, values, {}, choices, objective_id=objective.id, origin=origin)
    return form_card(form, lang, "form.objective.edit")


# -- saving ----------------------------------------------------------------------------


async def _load(turn: Turn, action: CardAction) -> Target[Objective] | None:
    objective_id = card_id(action.data, "objective_id")
    if objective_id is None:
        return Target(existing=None)
    existing = await turn.store.get_objective(turn.tenant_id, objective_id)
    return Target(existing=existing) if existing is not None else None


async def _read(
    turn: Turn, action: CardAction, target: Target[Objective]
) -> FormResult[ObjectiveInput]:
    lang = okr_views.language(turn)
    existing = target.existing
    fiscal = await okr_views.fiscal_year_start_month(turn)
    template = _template(action.data, lang) if existing is None else None
    # The template's key results each name an owner too (their pickers).
    owner_fields = (OWNER, *(name for name, _ in template_owner_fields(template)))
    known = await context(turn, action.data, owner_fields, alignment=True)
    form = read_objective_form(action.data, lang, known, fiscal, existing.id if existing else None)
    parsed = form.parsed
    problems = dict(form.problems)
    values = dict(form.values)
    if template is not None:
        # Each key result's owner: a teammate (its picker), checked like the key-result form's.
        owners = read_template_owners(action.data, template, lang, known)
        values |= owners.values
        problems |= owners.problems
    # Assigning an objective to someone else is for the owners of the team it
    # lives in: its own team once stored, the conversation's team for a new one.
    team = await okr_views.own_team(turn, existing) if existing else await okr_views.team_of(turn)
    if (
        parsed is not None
        and parsed.owner_id not in (None, turn.member.id)
        and not may_assign_to_others(turn.member, team)
        and (existing is None or parsed.owner_id != existing.owner_id)
    ):
        problems["owner"] = text(lang, "permission.assign_owner")
    if parsed is not None and parsed.period is None:
        parsed = None  # a problem already says which
    return FormResult(values, parsed, problems)


async def _again(
    turn: Turn, action: CardAction, target: Target[Objective], form: FormResult[ObjectiveInput]
) -> Card:
    lang = okr_views.language(turn)
    objective_id = target.existing.id if target.existing else None
    template = _template(action.data, lang) if target.existing is None else None
    again = objective_form(
        lang,
        form.values,
        form.problems,
        await objective_choices(turn, exclude_objective=objective_id),
        objective_id=objective_id,
        template=template,
        origin=read_origin(action.data),
    )
    return form_card(again, lang, "form.fix_problems")


async def _write(
    turn: Turn, action: CardAction, target: Target[Objective], parsed: ObjectiveInput
) -> Objective:
    assert parsed.period is not None  # _read refuses a form without one
    fields: dict[str, Any] = {
        "title": parsed.title,
        "owner_id": parsed.owner_id,
        "level": parsed.level,
        "type": parsed.type,
        "period": parsed.period,
        "description": parsed.description,
        "parent_id": parsed.parent_id,
        "starts_on": parsed.starts_on,
        "updated_at": turn.now,
    }
    if target.existing is not None:
        return await turn.store.save_objective(dataclasses.replace(target.existing, **fields))
    objective = Objective(
        tenant_id=turn.tenant_id,
        id=new_id(),
        state=ObjectiveState.DRAFT,
        team_id=okr_views.team_id_of(turn),
        created_at=turn.now,
        **fields,
    )
    lang = okr_views.language(turn)
    template = _template(action.data, lang)
    key_results = []
    if template is not None:
        # _read checked the owners: read again only to know whose each key result is.
        owners = read_template_owners(action.data, template, lang, None).parsed or ()
        key_results = [
            item.key_result(objective, new_id(), turn.now, owner)
            for item, owner in zip(template.key_results, owners, strict=True)
        ]
    # The objective and its template's key results are created together (all or
    # nothing where the store can; a retry completes them elsewhere).
    await turn.store.create_missing(turn.tenant_id, [objective, *key_results])
    stored = await turn.store.get_objective(turn.tenant_id, objective.id)
    return stored or objective


async def _done(
    turn: Turn, action: CardAction, target: Target[Objective], saved: Objective
) -> Replies:
    return await show_objective(turn, saved, back=back_after_save(turn, action, saved))


async def _changed(turn: Turn, target: Target[Objective]) -> Replies:
    return await changed_meanwhile(turn, target.existing.id if target.existing else None)


_SAVE = SavePath[Objective, ObjectiveInput](
    refused="permission.objective",
    load=_load,
    read=_read,
    again=_again,
    write=_write,
    done=_done,
    changed=_changed,
)


async def save_objective(turn: Turn, action: CardAction) -> Replies:
    """Create or update an objective from its form (a template's key results come with it)."""
    return await _SAVE(turn, action)


# -- viewing and activating ------------------------------------------------------------


async def view_objective(turn: Turn, action: CardAction) -> Replies:
    """The objective card (anyone in the tenant may look)."""
    objective = await named_objective(turn, action)
    if objective is None:
        return expired(turn)
    came_from = read_origin(action.data)
    return await show_objective(
        turn, objective, back=came_from if came_from.place is Place.MY_OKRS else None
    )


async def activate_objective(turn: Turn, action: CardAction) -> Replies:
    """Move a draft objective to active: its owners start getting check-ins."""
    objective = await editable_objective(turn, action)
    if isinstance(objective, Text):
        return objective
    if objective.state is ObjectiveState.DRAFT:
        # The expected line starts today when the period is already under way
        # (okr.pace), counted in the team's time zone.
        zone = okr_views.pace_zone(await okr_views.own_team(turn, objective))
        active = dataclasses.replace(
            objective,
            state=ObjectiveState.ACTIVE,
            starts_on=start_on_activation(objective, turn.now, zone),
            updated_at=turn.now,
        )
        try:
            objective = await turn.store.save_objective(active)
        except ConflictError:
            return await changed_meanwhile(turn, objective.id)
    return await show_objective(turn, objective)


# -- templates -------------------------------------------------------------------------


async def templates_command(turn: Turn, args: str) -> Replies:
    """``templates``: the six examples of the source document."""
    lang = okr_views.language(turn)
    return form_card(templates_card(lang, templates_for(lang.value)), lang, "templates.title")


def _template(data: Mapping[str, Any], lang: Language) -> Template | None:
    key = card_id(data, "template")
    return find_template(key, lang.value) if key else None


async def use_template(turn: Turn, action: CardAction) -> Replies:
    """The objective form pre-filled from a template; its key results come on save.

    The templates card stays as it is (answered with itself), so another example
    can be used after this one; the form comes as a message of its own.
    """
    lang = okr_views.language(turn)
    template = _template(action.data, lang)
    if template is None:
        return expired(turn)
    values = {
        "title": template.objective,
        "type": template.type.value,
        "level": template.level.value,
    }
    form = await _new_form(turn, values, template=template)
    gallery = form_card(templates_card(lang, templates_for(lang.value)), lang, "templates.title")
    return [dataclasses.replace(gallery, in_place=True), form]
