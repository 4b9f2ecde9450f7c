"""Authoring OKRs in Teams: ``new``, ``templates``, and the form/card verbs.

Each verb handler turns the card's data into a call on the store and answers
with a card: the same form with problems shown next to the fields, or the
objective card once saved. Only an objective's owner, a key result's owner
(for their key result) and team owners may change things; everyone may read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bot import okr_views
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from cards import verbs
from cards.authoring import objective_card, templates_card
from cards.i18n import Language, text
from cards.initiative_form import INITIATIVE_FORM, initiative_form, read_initiative_form
from cards.key_result_form import KEY_RESULT_FORM, key_result_form, read_key_result_form
from cards.kpi_form import KPI_FORM, kpi_form, read_kpi_form
from cards.objective_form import OBJECTIVE_FORM, Choices, objective_form, read_objective_form
from okr.authoring import Context
from okr.models import (
    Initiative,
    KeyResult,
    Kpi,
    Objective,
    ObjectiveState,
)
from okr.permissions import may_assign_to_others
from okr.templates import Template, find_template, templates_for
from storage.errors import ConflictError
from storage.ids import new_id


def register(features: Features) -> None:
    """Register the authoring commands and verbs."""
    features.add_command("new", new_command, aliases=ALIASES[CommandName.NEW][1:])
    features.add_command("templates", templates_command, aliases=ALIASES[CommandName.TEMPLATES][1:])
    features.add_verb(verbs.OBJECTIVE_NEW, new_objective)
    features.add_verb(verbs.OBJECTIVE_SAVE, save_objective)
    features.add_verb(verbs.OBJECTIVE_EDIT, edit_objective)
    features.add_verb(verbs.OBJECTIVE_VIEW, view_objective)
    features.add_verb(verbs.OBJECTIVE_ACTIVATE, activate_objective)
    features.add_verb(verbs.KEY_RESULT_NEW, new_key_result)
    features.add_verb(verbs.KEY_RESULT_EDIT, edit_key_result)
    features.add_verb(verbs.KEY_RESULT_SAVE, save_key_result)
    features.add_verb(verbs.INITIATIVE_NEW, new_initiative)
    features.add_verb(verbs.INITIATIVE_SAVE, save_initiative)
    features.add_verb(verbs.INITIATIVE_EDIT, edit_initiative)
    features.add_verb(verbs.KPI_NEW, new_kpi)
    features.add_verb(verbs.KPI_SAVE, save_kpi)
    features.add_verb(verbs.KPI_EDIT, edit_kpi)
    features.add_verb(verbs.TEMPLATE_USE, use_template)


# -- shared --------------------------------------------------------------------


def _card(content: dict[str, Any], lang: Language, fallback_key: str) -> Card:
    return Card(content, fallback_text=text(lang, fallback_key))


def _id(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None


def _expired(lang: Language) -> Text:
    return Text(text(lang, "error.card_expired_gone"))


async def _context(turn: Turn, *, alignment: bool = False) -> Context:
    """Who may own things; with ``alignment``, also what an objective may align to."""
    members = await okr_views.teammates(turn)
    if not alignment:  # only objectives have a parent: skip reading them all
        return Context(member_ids=frozenset(m.id for m in members))
    objectives = await turn.store.list_objectives(turn.tenant_id)
    return Context(
        member_ids=frozenset(m.id for m in members),
        objective_ids=frozenset(o.id for o in objectives),
        parents={o.id: o.parent_id for o in objectives},
    )


async def _choices(turn: Turn, exclude_objective: str | None = None) -> Choices:
    lang = okr_views.language(turn)
    team = await okr_views.team_of(turn)
    members = await _member_choices(turn)
    fiscal = await okr_views.fiscal_year_start_month(turn)
    periods = okr_views.period_choices(lang, turn.now, okr_views.time_zone(turn, team), fiscal)
    objectives = await turn.store.list_objectives(turn.tenant_id)
    parents = [
        (o.title, o.id)
        for o in objectives
        if o.id != exclude_objective and o.state is not ObjectiveState.CLOSED
    ][: okr_views.MAX_MEMBER_CHOICES]
    return Choices(members=members, periods=periods, parents=parents)


async def _objective_card(turn: Turn, objective: Objective) -> Card:
    lang = okr_views.language(turn)
    view = await okr_views.objective_view(turn, objective)
    return _card(objective_card(lang, view), lang, "card.objective.fallback")


async def _load_objective(turn: Turn, action: CardAction) -> Objective | None:
    objective_id = _id(action.data, "objective_id")
    if objective_id is None:
        return None
    return await turn.store.get_objective(turn.tenant_id, objective_id)


def _not_allowed(lang: Language, key: str = "permission.objective") -> Text:
    return Text(text(lang, key))


async def _editable(turn: Turn, action: CardAction) -> Objective | Text:
    """The objective the card names if this person may change it, else the answer to give."""
    lang = okr_views.language(turn)
    objective = await _load_objective(turn, action)
    if objective is None:
        return _expired(lang)
    if not await okr_views.may_change(turn, objective):
        return _not_allowed(lang)
    return objective


async def _member_choices(turn: Turn) -> list[tuple[str, str]]:
    return okr_views.member_choices(await okr_views.teammates(turn), turn.member)


# -- objectives ----------------------------------------------------------------


async def new_command(turn: Turn, args: str) -> Replies:
    """``new``: the empty objective form, the title pre-filled from the rest of the text."""
    return await _new_objective_form(turn, {"title": args.strip()[:200]})


async def new_objective(turn: Turn, action: CardAction) -> Replies:
    """Open an empty objective form."""
    return await _new_objective_form(turn, {})


async def _new_objective_form(
    turn: Turn, values: dict[str, str], template_key: str | None = None
) -> Card:
    lang = okr_views.language(turn)
    choices = await _choices(turn)
    defaults = {"owner": turn.member.id, "period": choices.periods[0][1], **values}
    form = objective_form(lang, defaults, {}, choices, template_key=template_key)
    return _card(form, lang, "form.objective.new")


async def save_objective(turn: Turn, action: CardAction) -> Replies:
    """Create or update an objective from its form."""
    lang = okr_views.language(turn)
    if not action.is_current:
        return _expired(lang)
    objective_id = _id(action.data, "objective_id")
    existing = None
    if objective_id is not None:
        existing = await turn.store.get_objective(turn.tenant_id, objective_id)
        if existing is None:
            return _expired(lang)
        if not await okr_views.may_change(turn, existing):
            return _not_allowed(lang)
    template = _template(action.data, lang) if existing is None else None
    fiscal = await okr_views.fiscal_year_start_month(turn)
    form = read_objective_form(
        action.data, lang, await _context(turn, alignment=True), fiscal, objective_id
    )
    # Assigning an objective to someone else is for the owners of the team it
    # lives in: its own team once stored, the conversation's team for a new one.
    team = await okr_views.own_team(turn, existing) if existing else await okr_views.team_of(turn)
    problems = dict(form.problems)
    parsed = form.parsed
    if (
        parsed is not None
        and parsed.owner_id not in (None, turn.member.id)
        and not may_assign_to_others(turn.member, team)
        and (existing is None or parsed.owner_id != existing.owner_id)
    ):
        problems["owner"] = text(lang, "permission.assign_owner")
    if problems or parsed is None or parsed.period is None:
        choices = await _choices(turn, exclude_objective=objective_id)
        again = objective_form(
            lang,
            form.values,
            problems,
            choices,
            objective_id=objective_id,
            template_key=template.key if template else None,
        )
        return _card(again, lang, "form.fix_problems")
    fields: dict[str, Any] = {
        "title": parsed.title,
        "owner_id": parsed.owner_id,
        "level": parsed.level,
        "type": parsed.type,
        "period": parsed.period,
        "description": parsed.description,
        "parent_id": parsed.parent_id,
        "updated_at": turn.now,
    }
    try:
        if existing is not None:
            saved = await turn.store.save_objective(dataclasses.replace(existing, **fields))
        else:
            saved = await turn.store.save_objective(
                Objective(
                    tenant_id=turn.tenant_id,
                    id=new_id(),
                    state=ObjectiveState.DRAFT,
                    team_id=okr_views.team_id_of(turn),
                    created_at=turn.now,
                    **fields,
                )
            )
            if template is not None:
                await _add_template_key_results(turn, saved, template)
    except ConflictError:
        return await _changed_meanwhile(turn, objective_id)
    return await _objective_card(turn, saved)


async def _changed_meanwhile(turn: Turn, objective_id: str | None) -> Replies:
    lang = okr_views.language(turn)
    current = await turn.store.get_objective(turn.tenant_id, objective_id) if objective_id else None
    notice = Text(text(lang, "error.changed_meanwhile"))
    return [await _objective_card(turn, current), notice] if current else notice


async def edit_objective(turn: Turn, action: CardAction) -> Replies:
    """The objective form, filled in from the stored objective."""
    lang = okr_views.language(turn)
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    choices = await _choices(turn, exclude_objective=objective.id)
    values = OBJECTIVE_FORM.prefill(objective, lang)
    form = objective_form(lang, values, {}, choices, objective_id=objective.id)
    return _card(form, lang, "form.objective.edit")


async def view_objective(turn: Turn, action: CardAction) -> Replies:
    """The objective card (anyone in the tenant may look)."""
    objective = await _load_objective(turn, action)
    if objective is None:
        return _expired(okr_views.language(turn))
    return await _objective_card(turn, objective)


async def activate_objective(turn: Turn, action: CardAction) -> Replies:
    """Move a draft objective to active: its owners start getting check-ins."""
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    if objective.state is ObjectiveState.DRAFT:
        try:
            objective = await turn.store.save_objective(
                dataclasses.replace(objective, state=ObjectiveState.ACTIVE, updated_at=turn.now)
            )
        except ConflictError:
            return await _changed_meanwhile(turn, objective.id)
    return await _objective_card(turn, objective)


# -- key results -----------------------------------------------------------------


async def new_key_result(turn: Turn, action: CardAction) -> Replies:
    """The empty key-result form for an objective."""
    lang = okr_views.language(turn)
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    members = await _member_choices(turn)
    values = {"owner": objective.owner_id or turn.member.id}
    form = key_result_form(lang, objective, values, {}, members)
    return _card(form, lang, "form.key_result.new")


async def edit_key_result(turn: Turn, action: CardAction) -> Replies:
    """The key-result form filled in from the stored key result."""
    lang = okr_views.language(turn)
    objective = await _load_objective(turn, action)
    kr_id = _id(action.data, "key_result_id")
    kr = await turn.store.get_key_result(turn.tenant_id, kr_id) if kr_id else None
    if objective is None or kr is None or kr.objective_id != objective.id:
        return _expired(lang)
    if not await okr_views.may_change(turn, kr, objective):
        return _not_allowed(lang, "permission.key_result")
    members = await _member_choices(turn)
    values = KEY_RESULT_FORM.prefill(kr, lang)
    form = key_result_form(lang, objective, values, {}, members, key_result_id=kr.id)
    return _card(form, lang, "form.key_result.edit")


async def save_key_result(turn: Turn, action: CardAction) -> Replies:
    """Create or update a key result from its form."""
    lang = okr_views.language(turn)
    if not action.is_current:
        return _expired(lang)
    objective = await _load_objective(turn, action)
    if objective is None:
        return _expired(lang)
    kr_id = _id(action.data, "key_result_id")
    existing = await turn.store.get_key_result(turn.tenant_id, kr_id) if kr_id else None
    if kr_id is not None and (existing is None or existing.objective_id != objective.id):
        return _expired(lang)
    # A new key result is judged as a change to its objective.
    target = existing if existing is not None else objective
    if not await okr_views.may_change(turn, target, objective):
        return _not_allowed(lang, "permission.key_result")
    form = read_key_result_form(action.data, lang, objective.period, await _context(turn))
    parsed = form.parsed
    if not form.ok or parsed is None or parsed.start is None or parsed.target is None:
        members = await _member_choices(turn)
        again = key_result_form(
            lang, objective, form.values, form.problems, members, key_result_id=kr_id
        )
        return _card(again, lang, "form.fix_problems")
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
    try:
        if existing is not None:
            # The current value belongs to check-ins; the form may only correct it
            # while nobody has checked in yet.
            current = (
                parsed.current
                if parsed.current is not None and existing.last_checkin_at is None
                else existing.current
            )
            await turn.store.save_key_result(
                dataclasses.replace(existing, current=current, **fields)
            )
        else:
            await turn.store.save_key_result(
                KeyResult(
                    tenant_id=turn.tenant_id,
                    id=new_id(),
                    objective_id=objective.id,
                    current=parsed.current if parsed.current is not None else parsed.start,
                    created_at=turn.now,
                    **fields,
                )
            )
    except ConflictError:
        return await _changed_meanwhile(turn, objective.id)
    return await _objective_card(turn, objective)


# -- initiatives and KPIs ----------------------------------------------------------


async def new_initiative(turn: Turn, action: CardAction) -> Replies:
    """The initiative form for an objective."""
    lang = okr_views.language(turn)
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    krs = await turn.store.list_key_results(turn.tenant_id, objective_id=objective.id)
    members = await _member_choices(turn)
    form = initiative_form(lang, objective, krs, {"owner": turn.member.id}, {}, members)
    return _card(form, lang, "form.initiative.new")


async def edit_initiative(turn: Turn, action: CardAction) -> Replies:
    """The initiative form filled in from the stored initiative, with its state."""
    lang = okr_views.language(turn)
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    initiative_id = _id(action.data, "initiative_id")
    initiative = (
        await turn.store.get_initiative(turn.tenant_id, initiative_id) if initiative_id else None
    )
    if initiative is None or initiative.objective_id != objective.id:
        return _expired(lang)
    krs = await turn.store.list_key_results(turn.tenant_id, objective_id=objective.id)
    values = INITIATIVE_FORM.prefill(initiative, lang)
    form = initiative_form(
        lang, objective, krs, values, {}, await _member_choices(turn), initiative_id=initiative.id
    )
    return _card(form, lang, "form.initiative.edit")


async def save_initiative(turn: Turn, action: CardAction) -> Replies:
    """Add an initiative to an objective, or update one."""
    lang = okr_views.language(turn)
    if not action.is_current:
        return _expired(lang)
    objective = await _editable(turn, action)
    if isinstance(objective, Text):
        return objective
    initiative_id = _id(action.data, "initiative_id")
    existing = (
        await turn.store.get_initiative(turn.tenant_id, initiative_id) if initiative_id else None
    )
    if initiative_id is not None and (existing is None or existing.objective_id != objective.id):
        return _expired(lang)
    krs = await turn.store.list_key_results(turn.tenant_id, objective_id=objective.id)
    kr_ids = frozenset(k.id for k in krs)
    form = read_initiative_form(action.data, lang, await _context(turn), kr_ids)
    parsed = form.parsed
    if not form.ok or parsed is None:
        members = await _member_choices(turn)
        again = initiative_form(
            lang, objective, krs, form.values, form.problems, members, initiative_id=initiative_id
        )
        return _card(again, lang, "form.fix_problems")
    fields: dict[str, Any] = {
        "title": parsed.title,
        "owner_id": parsed.owner_id,
        "key_result_id": parsed.key_result_id,
    }
    try:
        if existing is not None:
            await turn.store.save_initiative(
                dataclasses.replace(existing, state=parsed.state, **fields)
            )
        else:
            await turn.store.save_initiative(
                Initiative(
                    tenant_id=turn.tenant_id,
                    id=new_id(),
                    objective_id=objective.id,
                    created_at=turn.now,
                    **fields,
                )
            )
    except ConflictError:
        return await _changed_meanwhile(turn, objective.id)
    return await _objective_card(turn, objective)


async def new_kpi(turn: Turn, action: CardAction) -> Replies:
    """The KPI form."""
    lang = okr_views.language(turn)
    members = await _member_choices(turn)
    return _card(kpi_form(lang, {"owner": turn.member.id}, {}, members), lang, "form.kpi.new")


async def _editable_kpi(turn: Turn, action: CardAction) -> Kpi | Text | None:
    """The KPI the card names if this person may change it; None for a new KPI."""
    lang = okr_views.language(turn)
    kpi_id = _id(action.data, "kpi_id")
    if kpi_id is None:
        return None
    kpi = await turn.store.get_kpi(turn.tenant_id, kpi_id)
    if kpi is None:
        return _expired(lang)
    if not await okr_views.may_change(turn, kpi):
        return Text(text(lang, "permission.kpi"))
    return kpi


async def edit_kpi(turn: Turn, action: CardAction) -> Replies:
    """The KPI form filled in from the stored KPI (to update its value or threshold)."""
    lang = okr_views.language(turn)
    kpi = await _editable_kpi(turn, action)
    if kpi is None:
        return _expired(lang)
    if isinstance(kpi, Text):
        return kpi
    values = KPI_FORM.prefill(kpi, lang)
    form = kpi_form(lang, values, {}, await _member_choices(turn), kpi_id=kpi.id)
    return _card(form, lang, "form.kpi.edit")


async def save_kpi(turn: Turn, action: CardAction) -> Replies:
    """Add a KPI to the person's team, or update one."""
    lang = okr_views.language(turn)
    if not action.is_current:
        return _expired(lang)
    existing = await _editable_kpi(turn, action)
    if isinstance(existing, Text):
        return existing
    form = read_kpi_form(action.data, lang, await _context(turn))
    parsed = form.parsed
    if not form.ok or parsed is None or parsed.threshold is None:
        members = await _member_choices(turn)
        again = kpi_form(
            lang, form.values, form.problems, members, kpi_id=existing.id if existing else None
        )
        return _card(again, lang, "form.fix_problems")
    fields: dict[str, Any] = {
        "title": parsed.title,
        "threshold": parsed.threshold,
        "comparison": parsed.comparison,
        "current": parsed.current,
        "unit": parsed.unit,
        "owner_id": parsed.owner_id,
        "updated_at": turn.now,
    }
    try:
        if existing is not None:
            saved = await turn.store.save_kpi(dataclasses.replace(existing, **fields))
        else:
            saved = await turn.store.save_kpi(
                Kpi(
                    tenant_id=turn.tenant_id,
                    id=new_id(),
                    team_id=okr_views.team_id_of(turn),
                    **fields,
                )
            )
    except ConflictError:
        return Text(text(lang, "error.changed_meanwhile"))
    return Text(text(lang, "kpi.saved", title=saved.title))


# -- templates -------------------------------------------------------------------


async def templates_command(turn: Turn, args: str) -> Replies:
    """``templates``: the six examples of the source document."""
    lang = okr_views.language(turn)
    return _card(templates_card(lang, templates_for(lang.value)), lang, "templates.title")


def _template(data: Mapping[str, Any], lang: Language) -> Template | None:
    key = _id(data, "template")
    return find_template(key, lang.value) if key else None


async def use_template(turn: Turn, action: CardAction) -> Replies:
    """The objective form pre-filled from a template; its key results come on save."""
    lang = okr_views.language(turn)
    template = _template(action.data, lang)
    if template is None:
        return _expired(lang)
    values = {
        "title": template.objective,
        "type": template.type.value,
        "level": template.level.value,
    }
    return await _new_objective_form(turn, values, template_key=template.key)


async def _add_template_key_results(turn: Turn, objective: Objective, template: Template) -> None:
    for item in template.key_results:
        await turn.store.save_key_result(
            KeyResult(
                tenant_id=turn.tenant_id,
                id=new_id(),
                objective_id=objective.id,
                title=item.title,
                owner_id=objective.owner_id,
                kind=item.kind,
                start=item.start,
                target=item.target,
                current=item.start,
                unit=item.unit,
                currency=item.currency,
                created_at=turn.now,
            )
        )
