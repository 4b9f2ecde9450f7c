"""The objective form: declared once, built, read and pre-filled from that declaration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cards import verbs
from cards.elements import Element, card, checked, choice_input, execute, heading, paragraph
from cards.forms import (
    CUSTOM_PERIOD,
    Field,
    Form,
    FormResult,
    Kind,
    Row,
    enum_choice,
    raw_values,
    translate,
)
from cards.i18n import Language, text
from cards.origin import FRESH, Origin, cancel_action
from okr.authoring import DESCRIPTION_MAX, TITLE_MAX, Context, ObjectiveInput, check_objective
from okr.models import Level, Objective, ObjectiveType
from okr.periods import Period, PeriodError, parse_period
from okr.templates import Template


def _period_start(o: Objective, _: Language) -> str:
    return o.period.start.isoformat()


def _period_end(o: Objective, _: Language) -> str:
    return o.period.end.isoformat()


OBJECTIVE_FORM = Form(
    items=(
        Field(
            "title",
            Kind.TEXT,
            "field.objective.title",
            placeholder="form.objective.title_placeholder",
            max_length=TITLE_MAX,
            required=True,
            error="form.required.objective_title",
            stored=lambda o, _: o.title,
        ),
        Field(
            "description",
            Kind.LONG_TEXT,
            "field.objective.description",
            max_length=DESCRIPTION_MAX,
            stored=lambda o, _: o.description,
        ),
        Field("owner", Kind.CHOICE, "field.objective.owner", stored=lambda o, _: o.owner_id or ""),
        Field(
            "level",
            Kind.CHOICE,
            "field.objective.level",
            options=Level,
            default=Level.TEAM.value,
            stored=lambda o, _: o.level.value,
        ),
        Field(
            "type",
            Kind.OPTIONS,
            "field.objective.type",
            options=ObjectiveType,
            default=ObjectiveType.COMMITTED.value,
            hint="form.objective.type_hint",
            stored=lambda o, _: o.type.value,
        ),
        Field(
            "period",
            # Every period in view: in a closed pick-list on a phone, its dates are cut.
            Kind.OPTIONS,
            "field.objective.period",
            extra_option=("form.period.custom", CUSTOM_PERIOD),
            stored=lambda o, _: o.period.label,
        ),
        Field(
            "starts_on",
            Kind.DATE,
            "field.objective.starts_on",
            hint="form.objective.starts_on_hint",
            stored=lambda o, _: o.starts_on.isoformat() if o.starts_on else "",
        ),
        Field(
            "parent",
            Kind.CHOICE,
            "field.objective.parent",
            none_option="form.parent.none",
            stored=lambda o, _: o.parent_id or "",
        ),
    ),
    after={
        "period": Row(
            (
                Field("period_start", Kind.DATE, "form.period.start", stored=_period_start),
                Field("period_end", Kind.DATE, "form.period.end", stored=_period_end),
            )
        )
    },
)


@dataclass(frozen=True, slots=True)
class Choices:
    """The pick-lists the objective form offers: people, periods, possible parents."""

    members: Sequence[tuple[str, str]] = ()  # (name, member id)
    periods: Sequence[tuple[str, str]] = ()  # (label shown, period label)
    parents: Sequence[tuple[str, str]] = ()  # (objective title, objective id)


def objective_form(
    lang: Language,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    choices: Choices,
    *,
    objective_id: str | None = None,
    template: Template | None = None,
    origin: Origin = FRESH,
) -> Element:
    """The form to create (no ``objective_id``) or edit an objective.

    A period that is not among the offered ones shows as custom dates. Cancel
    goes back to ``origin``, which Save carries too (for the form shown again).
    From a ``template``, the form is titled with its name and lists the key
    results it will create, each with its owner to choose (the objective's
    owner unless changed).
    """
    shown = dict(values)
    offered = {value for _, value in choices.periods}
    if not shown.get("period") and "period" not in values and choices.periods:
        shown["period"] = choices.periods[0][1]  # a new objective: this quarter
    elif shown.get("period") not in offered | {CUSTOM_PERIOD, ""}:
        shown["period"] = CUSTOM_PERIOD
    if shown.get("period") != CUSTOM_PERIOD:
        shown["period_start"] = shown["period_end"] = ""
    title = text(lang, "form.objective.edit" if objective_id else "form.objective.new")
    if template is not None:
        title = text(lang, "form.template.title", template=template.area)
    body: list[Element] = [
        heading(title),
        paragraph(text(lang, "form.objective.hint"), isSubtle=True),
    ]
    owners = template_owner_fields(template)
    body += OBJECTIVE_FORM.summary(lang, problems, owners)
    body += OBJECTIVE_FORM.inputs(
        lang,
        shown,
        problems,
        {"owner": choices.members, "period": choices.periods, "parent": choices.parents},
    )
    if owners:
        body += [
            heading(text(lang, "form.template.key_results"), size="Medium"),
            paragraph(text(lang, "form.template.key_results_hint"), isSubtle=True, size="Small"),
        ]
    for name, kr_title in owners:
        chosen = shown.get(name) or shown.get("owner", "")
        picker = choice_input(
            name, kr_title, choices.members, chosen, filtered=len(choices.members) > 8
        )
        body += checked(picker, problems)
    data: dict[str, Any] = origin.data()
    if objective_id:
        data["objective_id"] = objective_id
    if template:
        data["template"] = template.key
    action = text(lang, "action.save" if objective_id else "action.create")
    save = execute(action, verbs.OBJECTIVE_SAVE, data, style="positive")
    return card(body, [save, cancel_action(lang, origin)])


def read_objective_form(
    data: Mapping[str, Any],
    lang: Language,
    context: Context,
    fiscal_year_start_month: int,
    objective_id: str | None = None,
) -> FormResult[ObjectiveInput]:
    """Read and check the objective form."""
    values = OBJECTIVE_FORM.raw(data)
    problems: dict[str, str] = {}
    level = enum_choice(Level, values["level"], Level.TEAM)
    kind = enum_choice(ObjectiveType, values["type"], ObjectiveType.COMMITTED)
    if level is None:
        problems["level"] = text(lang, "validation.invalid_choice")
    if kind is None:
        problems["type"] = text(lang, "validation.invalid_choice")
    starts_on: date | None = None
    if values["starts_on"]:
        try:
            starts_on = date.fromisoformat(values["starts_on"])
        except ValueError:
            problems["starts_on"] = text(lang, "validation.not_a_date")
    period = _read_period(values, lang, fiscal_year_start_month, problems)
    parsed = ObjectiveInput(
        title=values["title"].strip(),
        owner_id=values["owner"] or None,
        level=level or Level.TEAM,
        type=kind or ObjectiveType.COMMITTED,
        period=period,
        description=values["description"].strip(),
        starts_on=starts_on,
        parent_id=values["parent"] or None,
    )
    for name, found in check_objective(parsed, context, objective_id).items():
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)


def _read_period(
    values: dict[str, str], lang: Language, fiscal_year_start_month: int, problems: dict[str, str]
) -> Period | None:
    choice = values["period"]
    if not choice:
        return None
    if choice != CUSTOM_PERIOD:
        try:
            return parse_period(choice, fiscal_year_start_month)
        except PeriodError:
            problems["period"] = text(lang, "validation.invalid_choice")
            return None
    try:
        start = date.fromisoformat(values["period_start"])
        end = date.fromisoformat(values["period_end"])
    except ValueError:
        problems["period"] = text(lang, "validation.period_dates_required")
        return None
    try:
        return Period.custom(start, end)
    except PeriodError:
        problems["period"] = text(lang, "validation.end_before_start")
        return None


def template_owner_fields(template: Template | None) -> list[tuple[str, str]]:
    """``(input id, key-result title)`` of a template's owner pickers, in its order."""
    if template is None:
        return []
    return [(f"kr_owner_{i}", kr.title) for i, kr in enumerate(template.key_results)]


def read_template_owners(
    data: Mapping[str, Any], template: Template, lang: Language, context: Context | None
) -> FormResult[tuple[str | None, ...]]:
    """Who owns each of a template's key results: a teammate, or None for the objective's owner.

    Any other value (someone outside the team, a list, a forged id) is a problem
    under that key result's picker; with no ``context`` (already checked), none is.
    """
    names = [name for name, _ in template_owner_fields(template)]
    values = raw_values(data, tuple(names))
    problems: dict[str, str] = {
        name: text(lang, "validation.unknown_owner")
        for name in names
        if context is not None and values[name] and values[name] not in context.member_ids
    }
    return FormResult(values, tuple(values[name] or None for name in names), problems)
