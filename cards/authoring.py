"""Cards for creating and editing OKRs: forms, the objective card, lists, templates.

Pure functions: domain data and a language in, card JSON out. Forms take the
raw values to show (what the person typed, or the stored entity formatted for
their locale) and the problems to show next to each field, already translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cards import verbs
from cards.elements import (
    Element,
    card,
    checked,
    choice_input,
    date_input,
    execute,
    facts,
    heading,
    paragraph,
    progress_bar,
    progress_text,
    text_input,
    with_action,
)
from cards.forms import CUSTOM_PERIOD, NONE
from cards.i18n import Language, label, text
from cards.locale_format import format_list, format_progress
from cards.markdown import bold, bullets, italic, join
from okr.authoring import DESCRIPTION_MAX, TITLE_MAX, UNIT_MAX
from okr.guidance import GuidanceWarning
from okr.models import (
    Comparison,
    Initiative,
    InitiativeState,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    ObjectiveState,
    ObjectiveType,
)
from okr.pace import PaceStatus
from okr.templates import Template


@dataclass(frozen=True, slots=True)
class Choices:
    """The pick-lists a form offers: people, periods, possible parents."""

    members: Sequence[tuple[str, str]] = ()  # (name, member id)
    periods: Sequence[tuple[str, str]] = ()  # (label shown, period label)
    parents: Sequence[tuple[str, str]] = ()  # (objective title, objective id)


def _field(lang: Language, name: str) -> str:
    return text(lang, f"field.{name}")


def objective_form(
    lang: Language,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    choices: Choices,
    *,
    objective_id: str | None = None,
    template_key: str | None = None,
) -> Element:
    """The form to create (no ``objective_id``) or edit an objective."""
    body: list[Element] = [
        heading(text(lang, "form.objective.edit" if objective_id else "form.objective.new")),
        paragraph(text(lang, "form.objective.hint"), isSubtle=True),
    ]
    if problems:
        body.append(paragraph(text(lang, "form.fix_problems"), color="Attention"))
    body += checked(
        text_input(
            "title",
            _field(lang, "objective.title"),
            values.get("title", ""),
            placeholder=text(lang, "form.objective.title_placeholder"),
            max_length=TITLE_MAX,
            required=True,
        ),
        problems,
    )
    body += checked(
        text_input(
            "description",
            _field(lang, "objective.description"),
            values.get("description", ""),
            multiline=True,
            max_length=DESCRIPTION_MAX,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "owner",
            _field(lang, "objective.owner"),
            choices.members,
            values.get("owner", ""),
            filtered=len(choices.members) > 8,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "level",
            _field(lang, "objective.level"),
            [(label(lang, level), level.value) for level in Level],
            values.get("level", Level.TEAM.value),
        ),
        problems,
    )
    body += checked(
        choice_input(
            "type",
            _field(lang, "objective.type"),
            [(label(lang, t), t.value) for t in ObjectiveType],
            values.get("type", ObjectiveType.COMMITTED.value),
            compact=False,
        ),
        problems,
        paragraph(text(lang, "form.objective.type_hint"), isSubtle=True, size="Small"),
    )
    period_choices = [*choices.periods, (text(lang, "form.period.custom"), CUSTOM_PERIOD)]
    body += checked(
        choice_input(
            "period",
            _field(lang, "objective.period"),
            period_choices,
            values.get("period", period_choices[0][1]),
        ),
        problems,
        {
            "type": "ColumnSet",
            "columns": [
                {
                    "type": "Column",
                    "width": "stretch",
                    "items": [
                        date_input(
                            "period_start",
                            text(lang, "form.period.start"),
                            values.get("period_start", ""),
                        )
                    ],
                },
                {
                    "type": "Column",
                    "width": "stretch",
                    "items": [
                        date_input(
                            "period_end",
                            text(lang, "form.period.end"),
                            values.get("period_end", ""),
                        )
                    ],
                },
            ],
        },
    )
    parents = [(text(lang, "form.parent.none"), NONE), *choices.parents]
    body += checked(
        choice_input(
            "parent",
            _field(lang, "objective.parent"),
            parents,
            values.get("parent") or NONE,
            filtered=len(parents) > 8,
        ),
        problems,
    )
    data: dict[str, str] = {}
    if objective_id:
        data["objective_id"] = objective_id
    if template_key:
        data["template"] = template_key
    action = text(lang, "action.save" if objective_id else "action.create")
    return card(body, [execute(action, verbs.OBJECTIVE_SAVE, data, style="positive")])


def key_result_form(
    lang: Language,
    objective: Objective,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    key_result_id: str | None = None,
) -> Element:
    """The form to add a key result to ``objective`` or edit one."""
    title_key = "form.key_result.edit" if key_result_id else "form.key_result.new"
    body: list[Element] = [
        heading(text(lang, title_key)),
        paragraph(text(lang, "form.key_result.for", objective=objective.title), isSubtle=True),
        paragraph(text(lang, "form.key_result.hint"), isSubtle=True, size="Small"),
    ]
    if problems:
        body.append(paragraph(text(lang, "form.fix_problems"), color="Attention"))

    body += checked(
        text_input(
            "title",
            _field(lang, "key_result.title"),
            values.get("title", ""),
            placeholder=text(lang, "form.key_result.title_placeholder"),
            max_length=TITLE_MAX,
            required=True,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "owner",
            _field(lang, "key_result.owner"),
            members,
            values.get("owner", ""),
            filtered=len(members) > 8,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "kind",
            _field(lang, "key_result.kind"),
            [(label(lang, kind), kind.value) for kind in KeyResultKind],
            values.get("kind", KeyResultKind.NUMBER.value),
        ),
        problems,
    )
    numbers: list[Element] = []
    for name in ("start", "target", "current"):
        numbers.append(
            {
                "type": "Column",
                "width": "stretch",
                "items": checked(
                    text_input(
                        name,
                        _field(lang, f"key_result.{name}"),
                        values.get(name, ""),
                        placeholder=text(lang, f"form.key_result.{name}_placeholder"),
                        max_length=40,
                    ),
                    problems,
                ),
            }
        )
    body.append({"type": "ColumnSet", "columns": numbers})
    body.append(paragraph(text(lang, "form.key_result.values_hint"), isSubtle=True, size="Small"))
    body += checked(
        text_input(
            "unit",
            _field(lang, "key_result.unit"),
            values.get("unit", ""),
            placeholder=text(lang, "form.key_result.unit_placeholder"),
            max_length=UNIT_MAX,
        ),
        problems,
    )
    body += checked(
        text_input(
            "currency",
            _field(lang, "key_result.currency"),
            values.get("currency", ""),
            placeholder="USD, VND, EUR",
            max_length=3,
        ),
        problems,
    )
    body += checked(
        date_input("due_date", _field(lang, "key_result.due_date"), values.get("due_date", "")),
        problems,
    )
    data = {"objective_id": objective.id}
    if key_result_id:
        data["key_result_id"] = key_result_id
    actions = [
        execute(text(lang, "action.save"), verbs.KEY_RESULT_SAVE, data, style="positive"),
        execute(
            text(lang, "action.back"),
            verbs.OBJECTIVE_VIEW,
            {"objective_id": objective.id},
            associatedInputs="none",
        ),
    ]
    return card(body, actions)


def initiative_form(
    lang: Language,
    objective: Objective,
    key_results: Sequence[KeyResult],
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    initiative_id: str | None = None,
) -> Element:
    """The form to add an initiative (the work that drives key results) or edit one."""
    body: list[Element] = [
        heading(text(lang, "form.initiative.edit" if initiative_id else "form.initiative.new")),
        paragraph(text(lang, "form.key_result.for", objective=objective.title), isSubtle=True),
    ]
    body += checked(
        text_input(
            "title",
            _field(lang, "initiative.title"),
            values.get("title", ""),
            max_length=TITLE_MAX,
            required=True,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "owner",
            _field(lang, "initiative.owner"),
            [(text(lang, "field.owner.none"), NONE), *members],
            values.get("owner") or NONE,
        ),
        problems,
    )
    body += checked(
        choice_input(
            "key_result",
            _field(lang, "initiative.key_result"),
            [(text(lang, "form.parent.none"), NONE), *((k.title, k.id) for k in key_results)],
            values.get("key_result") or NONE,
        ),
        problems,
    )
    if initiative_id:
        body += checked(
            choice_input(
                "state",
                _field(lang, "initiative.state"),
                [(label(lang, s), s.value) for s in InitiativeState],
                values.get("state", InitiativeState.NOT_STARTED.value),
            ),
            problems,
        )
    data = {"objective_id": objective.id}
    save_data = {**data, "initiative_id": initiative_id} if initiative_id else data
    return card(
        body,
        [
            execute(text(lang, "action.save"), verbs.INITIATIVE_SAVE, save_data, style="positive"),
            execute(text(lang, "action.back"), verbs.OBJECTIVE_VIEW, data, associatedInputs="none"),
        ],
    )


def kpi_form(
    lang: Language,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    kpi_id: str | None = None,
) -> Element:
    """The form to add a KPI (a health metric watched beside the OKRs) or update one."""
    body: list[Element] = [
        heading(text(lang, "form.kpi.edit" if kpi_id else "form.kpi.new")),
        paragraph(text(lang, "form.kpi.hint"), isSubtle=True),
    ]
    inputs = (
        text_input(
            "title",
            _field(lang, "kpi.title"),
            values.get("title", ""),
            max_length=TITLE_MAX,
            required=True,
        ),
        choice_input(
            "comparison",
            _field(lang, "kpi.comparison"),
            [(label(lang, c), c.value) for c in Comparison],
            values.get("comparison", Comparison.AT_LEAST.value),
        ),
        text_input("threshold", _field(lang, "kpi.threshold"), values.get("threshold", "")),
        text_input("current", _field(lang, "kpi.current"), values.get("current", "")),
        text_input("unit", _field(lang, "kpi.unit"), values.get("unit", ""), max_length=30),
        choice_input(
            "owner",
            _field(lang, "kpi.owner"),
            [(text(lang, "field.owner.none"), NONE), *members],
            values.get("owner") or NONE,
        ),
    )
    for element in inputs:
        body += checked(element, problems)
    data = {"kpi_id": kpi_id} if kpi_id else {}
    return card(body, [execute(text(lang, "action.save"), verbs.KPI_SAVE, data, style="positive")])


@dataclass(frozen=True, slots=True)
class KeyResultLine:
    """A key result as the objective card shows it, already formatted."""

    key_result: KeyResult
    owner_name: str
    values: str  # e.g. "$12,000,000 → $24,000,000 · now $13,000,000"
    progress: float  # clamped 0..1
    can_edit: bool


@dataclass(frozen=True, slots=True)
class ObjectiveView:
    """Everything the objective card shows, already computed and formatted."""

    objective: Objective
    owner_name: str
    period_text: str
    progress: float | None
    expected: float | None
    pace: PaceStatus | None
    key_results: Sequence[KeyResultLine]
    initiatives: Sequence[Initiative]
    warnings: Sequence[GuidanceWarning]
    can_edit: bool
    parent_title: str | None = None


def okr_sentence(lang: Language, view: ObjectiveView) -> str:
    """The source's sentence: I will [objective] as measured by [KRs] through [initiatives]."""
    if not view.key_results:
        return text(lang, "okr.no_key_results")
    krs = format_list([_in_sentence(line.key_result.title) for line in view.key_results], lang)
    if not view.initiatives:
        return text(
            lang,
            "okr.sentence.no_initiatives",
            objective=_in_sentence(view.objective.title),
            key_results=krs,
        )
    initiatives = format_list([_in_sentence(i.title) for i in view.initiatives], lang)
    return text(
        lang,
        "okr.sentence",
        objective=_in_sentence(view.objective.title),
        key_results=krs,
        initiatives=initiatives,
    )


def _in_sentence(title: str) -> str:
    """A title as it reads inside the OKR sentence: "Grow revenue" -> "grow revenue".

    Acronyms and names written in capitals keep them ("NPS above 50", "OKR rollout").
    """
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def objective_card(lang: Language, view: ObjectiveView) -> Element:
    """One objective: the OKR sentence, each key result's progress, guidance, actions."""
    objective = view.objective
    meta = [
        label(lang, objective.level),
        label(lang, objective.type),
        view.period_text,
        label(lang, objective.state),
    ]
    body: list[Element] = [
        heading(objective.title),
        paragraph(" · ".join(meta), isSubtle=True, spacing="None"),
        facts(
            [
                (_field(lang, "objective.owner"), view.owner_name),
                *(
                    [(_field(lang, "objective.parent"), view.parent_title)]
                    if view.parent_title
                    else []
                ),
            ]
        ),
    ]
    if view.progress is not None:
        line = join([progress_bar(view.progress), bold(format_progress(view.progress, lang))], " ")
        if view.pace is not None and view.expected is not None:
            pace = text(lang, f"pace.{view.pace.name.lower()}")
            expected = text(lang, "pace.expected", expected=format_progress(view.expected, lang))
            line = join([line, pace, expected])
        body.append(paragraph(line))
    body.append(paragraph(italic(okr_sentence(lang, view))))
    for kr_line in view.key_results:
        kr = kr_line.key_result
        status = f" · {label(lang, kr.last_status)}" if kr.last_status else ""
        item: Element = {
            "type": "Container",
            "spacing": "Medium",
            "items": [
                paragraph(bold(kr.title)),
                paragraph(
                    f"{progress_text(kr_line.progress, lang)}{status}",
                    spacing="None",
                ),
                paragraph(
                    f"{kr_line.values} · {kr_line.owner_name}", isSubtle=True, spacing="None"
                ),
            ],
        }
        if kr_line.can_edit:
            edit = execute(
                text(lang, "action.edit"),
                verbs.KEY_RESULT_EDIT,
                {"objective_id": objective.id, "key_result_id": kr.id},
            )
            item = with_action(item, edit)
        body.append(item)
    if view.initiatives:
        body.append(heading(text(lang, "okr.initiatives"), size="Medium"))
        for initiative in view.initiatives:
            entry = paragraph(
                f"• {initiative.title} · {label(lang, initiative.state)}", spacing="None"
            )
            if not view.can_edit:
                body.append(entry)
                continue
            edit = execute(
                text(lang, "action.edit"),
                verbs.INITIATIVE_EDIT,
                {"objective_id": objective.id, "initiative_id": initiative.id},
            )
            body.append(with_action(entry, edit))
    if view.warnings:
        titles = {line.key_result.id: line.key_result.title for line in view.key_results}
        body.append(heading(text(lang, "guidance.title"), size="Medium"))
        for warning in view.warnings:
            params = {
                "count": warning.count if warning.count is not None else len(view.key_results),
                "key_result": titles.get(warning.key_result_id or "", ""),
            }
            message = text(lang, f"guidance.{warning.code.value}", **params)
            body.append(paragraph(f"⚠ {message}", color="Warning", spacing="None"))
    actions: list[Element] = []
    data = {"objective_id": objective.id}
    if view.can_edit and objective.state is not ObjectiveState.CLOSED:
        actions.append(execute(text(lang, "action.add_key_result"), verbs.KEY_RESULT_NEW, data))
        actions.append(execute(text(lang, "action.add_initiative"), verbs.INITIATIVE_NEW, data))
        actions.append(execute(text(lang, "action.edit"), verbs.OBJECTIVE_EDIT, data))
        if objective.state is ObjectiveState.DRAFT:
            actions.append(
                execute(
                    text(lang, "action.activate"), verbs.OBJECTIVE_ACTIVATE, data, style="positive"
                )
            )
    else:
        body.append(paragraph(text(lang, "permission.read_only_hint"), isSubtle=True, size="Small"))
    return card(body, actions)


@dataclass(frozen=True, slots=True)
class ObjectiveSummary:
    """One line of an objective list."""

    objective: Objective
    progress: float | None
    key_results: int
    owner_name: str


def objective_list_card(
    lang: Language, title: str, summaries: Sequence[ObjectiveSummary], empty_key: str
) -> Element:
    """A list of objectives with progress; each opens its objective card."""
    body: list[Element] = [heading(title)]
    if not summaries:
        body.append(paragraph(text(lang, empty_key)))
    for summary in summaries:
        objective = summary.objective
        bar = (
            progress_text(summary.progress, lang)
            if summary.progress is not None
            else text(lang, "okr.no_key_results")
        )
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    paragraph(bold(objective.title)),
                    paragraph(bar, spacing="None"),
                    paragraph(
                        " · ".join(
                            (
                                summary.owner_name,
                                objective.period.label,
                                label(lang, objective.state),
                                text(lang, "okr.key_result_count", count=summary.key_results),
                            )
                        ),
                        isSubtle=True,
                        spacing="None",
                    ),
                ],
                "selectAction": execute(
                    text(lang, "action.open"), verbs.OBJECTIVE_VIEW, {"objective_id": objective.id}
                ),
            }
        )
    return card(body)


def templates_card(lang: Language, templates: Sequence[Template]) -> Element:
    """The six examples of the source document, each with a button to start from it."""
    body: list[Element] = [
        heading(text(lang, "templates.title")),
        paragraph(text(lang, "templates.intro"), isSubtle=True),
    ]
    for template in templates:
        krs = bullets(kr.title for kr in template.key_results)
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    paragraph(bold(template.area), isSubtle=True),
                    paragraph(bold(template.objective), spacing="None"),
                    paragraph(krs, spacing="Small"),
                    {
                        "type": "ActionSet",
                        "actions": [
                            execute(
                                text(lang, "templates.use"),
                                verbs.TEMPLATE_USE,
                                {"template": template.key},
                            )
                        ],
                    },
                ],
            }
        )
    return card(body)
