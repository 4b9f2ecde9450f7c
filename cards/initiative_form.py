"""The initiative form: declared once, built, read and pre-filled from that declaration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.forms import Field, Form, FormResult, Kind, enum_choice, translate
from cards.i18n import Language, text
from cards.origin import FRESH, Origin, cancel_action
from okr.authoring import TITLE_MAX, Context, InitiativeInput, check_initiative
from okr.models import InitiativeState, KeyResult, Objective

INITIATIVE_FORM = Form(
    items=(
        Field(
            "title",
            Kind.TEXT,
            "field.initiative.title",
            max_length=TITLE_MAX,
            required=True,
            error="form.required.initiative_title",
            stored=lambda i, _: i.title,
        ),
        Field(
            "owner",
            Kind.CHOICE,
            "field.initiative.owner",
            none_option="field.owner.none",
            stored=lambda i, _: i.owner_id or "",
        ),
        Field(
            "key_result",
            Kind.CHOICE,
            "field.initiative.key_result",
            none_option="form.parent.none",
            stored=lambda i, _: i.key_result_id or "",
        ),
        Field(
            "state",
            Kind.CHOICE,
            "field.initiative.state",
            options=InitiativeState,
            default=InitiativeState.NOT_STARTED.value,
            stored=lambda i, _: i.state.value,
        ),
    )
)


def initiative_form(
    lang: Language,
    objective: Objective,
    key_results: Sequence[KeyResult],
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    initiative_id: str | None = None,
    origin: Origin = FRESH,
) -> Element:
    """The form to add an initiative (the work that drives key results) or edit one.

    A new initiative has not started: its state is asked only when editing.
    Cancel goes back to ``origin``: the objective card it was opened from.
    """
    body: list[Element] = [
        heading(text(lang, "form.initiative.edit" if initiative_id else "form.initiative.new")),
        paragraph(text(lang, "form.key_result.for", objective=objective.title), isSubtle=True),
    ]
    body += INITIATIVE_FORM.summary(lang, problems)
    body += INITIATIVE_FORM.inputs(
        lang,
        values,
        problems,
        {"owner": members, "key_result": [(k.title, k.id) for k in key_results]},
        leave_out=frozenset() if initiative_id else frozenset({"state"}),
    )
    data: dict[str, Any] = {"objective_id": objective.id, **origin.data()}
    if initiative_id:
        data["initiative_id"] = initiative_id
    return card(
        body,
        [
            execute(text(lang, "action.save"), verbs.INITIATIVE_SAVE, data, style="positive"),
            cancel_action(lang, origin),
        ],
    )


def read_initiative_form(
    data: Mapping[str, Any], lang: Language, context: Context, kr_ids: frozenset[str]
) -> FormResult[InitiativeInput]:
    """Read and check the initiative form."""
    values = INITIATIVE_FORM.raw(data)
    problems: dict[str, str] = {}
    state = enum_choice(InitiativeState, values["state"], InitiativeState.NOT_STARTED)
    if state is None:
        problems["state"] = text(lang, "validation.invalid_choice")
    parsed = InitiativeInput(
        title=values["title"].strip(),
        owner_id=values["owner"] or None,
        key_result_id=values["key_result"] or None,
        state=state or InitiativeState.NOT_STARTED,
    )
    for name, found in check_initiative(parsed, context, kr_ids).items():
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)
