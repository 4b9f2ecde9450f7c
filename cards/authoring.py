"""Cards that show OKRs: the objective card, lists, templates.

Pure functions: domain data and a language in, card JSON out. The forms that
create and edit them are declared in ``objective_form``, ``key_result_form``,
``initiative_form`` and ``kpi_form``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cards import verbs
from cards.elements import (
    Element,
    card,
    execute,
    facts,
    heading,
    paragraph,
    progress_bar,
    progress_text,
    with_action,
)
from cards.i18n import Language, label, text
from cards.locale_format import format_list, format_period, format_progress
from cards.markdown import bold, bullets, italic, join
from okr.guidance import GuidanceWarning
from okr.models import (
    Initiative,
    KeyResult,
    Objective,
    ObjectiveState,
)
from okr.pace import PaceStatus
from okr.templates import Template


@dataclass(frozen=True, slots=True)
class KeyResultLine:
    """A key result as the objective card shows it, already formatted."""

    key_result: KeyResult
    owner_name: str
    values: str  # e.g. "$12M → $24M · now $15.6M"
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
                (text(lang, "field.objective.owner"), view.owner_name),
                *(
                    [(text(lang, "field.objective.parent"), view.parent_title)]
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
                                format_period(objective.period, lang),
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
