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
from cards.locale_format import format_period, format_progress, format_score
from cards.markdown import bold, bullets, join
from cards.origin import Origin, Place, cancel_action
from cards.tab_links import open_in_tab
from cards.teams_elements import pace_badge, progress_element, status_badge
from okr.guidance import GuidanceWarning
from okr.models import (
    CheckInStatus,
    Initiative,
    KeyResult,
    Objective,
    ObjectiveState,
)
from okr.pace import PaceStatus
from okr.scoring import read_score
from okr.templates import Template


@dataclass(frozen=True, slots=True)
class KeyResultLine:
    """A key result as the objective card shows it, already formatted."""

    key_result: KeyResult
    owner_name: str
    values: str  # e.g. "$12M → $24M · now $15.6M"
    progress: float  # clamped 0..1
    can_edit: bool
    can_check_in: bool = False  # the reader owns it, and the objective is active


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
    back: Origin | None = None  # opened from ``my okrs``: the card has Back to it
    # The period close (docs/close.md): "Closed by … on …" / "Reopened by … on …",
    # and whether the reader may reopen it (an owner of its own team).
    closed_text: str = ""
    reopened_text: str = ""
    can_reopen: bool = False
    # The objective in the Teams tab (cards.tab_links), when the tab is deployed.
    tab_link: str | None = None


# The most of a title an "Edit “…”" button shows: beside "Check in" ("Cập nhật tiến
# độ"), it still fits a 360 px phone (the card checks measure it).
_BUTTON_TITLE = 14


def edit_labels(lang: Language, titles: Sequence[str]) -> list[str]:
    """``Edit “Doanh thu…”`` for each key result of one card, no two alike.

    Titles that begin alike (a template's "Close new deals with …") are named by how
    they end instead (``Edit “…the mid-market”``), and numbered if that is alike too.
    """
    heads = [_head(title) for title in titles]
    names = [
        _tail(title) if heads.count(head) > 1 else head
        for title, head in zip(titles, heads, strict=True)
    ]
    return [
        text(lang, "action.edit_named", title=name)
        + (f" ({number})" if names.count(name) > 1 else "")
        for number, name in enumerate(names, start=1)
    ]


def _head(title: str) -> str:
    """The title, or its beginning cut at a word: ``Doanh thu…``."""
    if len(title) <= _BUTTON_TITLE:
        return title
    cut = title[:_BUTTON_TITLE]
    words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return words.rstrip(" ,.;:-–") + "…"


def _tail(title: str) -> str:
    """The title, or its end cut at a word: ``…the mid-market``."""
    if len(title) <= _BUTTON_TITLE:
        return title
    cut = title[-_BUTTON_TITLE:]
    if title[-_BUTTON_TITLE - 1] != " " and " " in cut:
        cut = cut.split(" ", 1)[1]
    return "…" + cut.lstrip(" ,.;:-–")


def _from_card(view: ObjectiveView) -> dict[str, object]:
    """The origin the card's form buttons carry: Cancel on the form comes back here."""
    back = view.back.place if view.back else None
    return Origin(place=Place.OBJECTIVE, objective_id=view.objective.id, back=back).data()


def okr_block(lang: Language, view: ObjectiveView) -> Element:
    """The source's OKR formula as a block that reads at a glance.

    Objective / Measured by / Through, each with its titles as typed: gluing
    titles into one sentence ("I will … as measured by … through …") reads
    badly whatever the titles are.
    """
    rows = [("okr.block.objective", [view.objective.title])]
    if view.key_results:
        rows.append(("okr.block.measured_by", [line.key_result.title for line in view.key_results]))
    if view.initiatives:
        rows.append(("okr.block.through", [initiative.title for initiative in view.initiatives]))

    def row(key: str, titles: list[str]) -> Element:
        return {
            "type": "ColumnSet",
            "spacing": "Small",
            "columns": [
                {
                    "type": "Column",
                    "width": 30,
                    "items": [paragraph(text(lang, key), isSubtle=True, weight="Bolder")],
                },
                {
                    "type": "Column",
                    "width": 70,
                    "items": [paragraph(titles[0] if len(titles) == 1 else bullets(titles))],
                },
            ],
        }

    items = [row(key, titles) for key, titles in rows]
    if not view.key_results:
        items.append(paragraph(text(lang, "okr.no_key_results"), isSubtle=True, size="Small"))
    return {"type": "Container", "style": "emphasis", "spacing": "Medium", "items": items}


def _key_result_item(
    lang: Language, view: ObjectiveView, line: KeyResultLine, edit_label: str
) -> Element:
    """A key result: title and status badge, a progress bar, its values and owner, buttons."""
    objective = view.objective
    kr = line.key_result
    heading_row: list[Element] = [
        {"type": "Column", "width": "stretch", "items": [paragraph(bold(kr.title))]}
    ]
    if kr.last_status is not None:
        heading_row.append(
            {"type": "Column", "width": "auto", "items": [status_badge(lang, kr.last_status)]}
        )
    buttons = []
    if line.can_check_in:
        buttons.append(
            execute(text(lang, "action.check_in"), verbs.CHECKIN_OPEN, {"key_result_id": kr.id})
        )
    if line.can_edit:
        # Named, so that one key result's Edit is not another's, to the eye or a screen reader.
        buttons.append(
            execute(
                edit_label,
                verbs.KEY_RESULT_EDIT,
                {"objective_id": objective.id, "key_result_id": kr.id, **_from_card(view)},
                tooltip=text(lang, "action.edit_key_result_tip", title=kr.title),
            )
        )
    items: list[Element] = [
        {"type": "ColumnSet", "columns": heading_row},
        progress_element(lang, line.progress, kr.last_status),
        paragraph(join([line.values, line.owner_name]), isSubtle=True, spacing="None"),
    ]
    if buttons:
        items.append({"type": "ActionSet", "spacing": "Small", "actions": buttons})
    return {"type": "Container", "spacing": "Medium", "separator": True, "items": items}


def objective_card(lang: Language, view: ObjectiveView) -> Element:
    """One objective: the OKR block, each key result's status and progress, guidance, actions."""
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
            pace = label(lang, view.pace)
            expected = text(lang, "pace.expected", expected=format_progress(view.expected, lang))
            line = join([line, pace, expected])
        body.append(paragraph(line))
    body += _closing_lines(lang, view)
    body.append(okr_block(lang, view))
    edit_names = edit_labels(lang, [kr_line.key_result.title for kr_line in view.key_results])
    for kr_line, edit_label in zip(view.key_results, edit_names, strict=True):
        body.append(_key_result_item(lang, view, kr_line, edit_label))
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
                {"objective_id": objective.id, "initiative_id": initiative.id, **_from_card(view)},
                tooltip=text(lang, "action.edit_initiative_tip", title=initiative.title),
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
    if view.back is not None:
        actions.append(cancel_action(lang, view.back, "action.back"))
    data = {"objective_id": objective.id, **_from_card(view)}
    editable = view.can_edit and objective.state is not ObjectiveState.CLOSED
    if editable and objective.state is ObjectiveState.DRAFT:
        actions.append(
            execute(text(lang, "action.activate"), verbs.OBJECTIVE_ACTIVATE, data, style="positive")
        )
    if view.tab_link is not None:
        actions.append(open_in_tab(lang, view.tab_link))
    if editable:
        # Changes are kept out of the way: Teams shows secondary actions behind "…".
        for key, verb in (
            ("action.add_key_result", verbs.KEY_RESULT_NEW),
            ("action.add_initiative", verbs.INITIATIVE_NEW),
            ("action.edit_objective", verbs.OBJECTIVE_EDIT),
        ):
            actions.append(execute(text(lang, key), verb, data, mode="secondary"))
    else:
        body.append(paragraph(text(lang, "permission.read_only_hint"), isSubtle=True, size="Small"))
    if view.can_reopen and objective.state is ObjectiveState.CLOSED:
        actions.append(
            execute(
                text(lang, "closing.reopen"), verbs.OBJECTIVE_REOPEN, {"objective_id": objective.id}
            )
        )
    return card(body, actions)


def _closing_lines(lang: Language, view: ObjectiveView) -> list[Element]:
    """A closed objective's score, reading and note; who closed or reopened it, and when."""
    objective = view.objective
    lines: list[Element] = []
    if objective.state is ObjectiveState.CLOSED and objective.score is not None:
        reading = text(lang, f"score.reading.{read_score(objective.score, objective.type).value}")
        score = text(lang, "score.value", score=format_score(objective.score, lang))
        lines.append(paragraph(join([bold(score), reading])))
        if objective.closing_note:
            note = text(lang, "closing.note_recorded", note=objective.closing_note)
            lines.append(paragraph(note, spacing="None"))
    for said in (view.closed_text, view.reopened_text):
        if said:
            lines.append(paragraph(said, isSubtle=True, size="Small", spacing="None"))
    return lines


@dataclass(frozen=True, slots=True)
class ObjectiveSummary:
    """One line of an objective list."""

    objective: Objective
    progress: float | None
    key_results: int
    owner_name: str
    expected: float | None = None  # the pace, as on the objective card (active ones)
    pace: PaceStatus | None = None
    status: CheckInStatus | None = None  # the most worrying owner's status among its KRs


def summary_heading(lang: Language, summary: ObjectiveSummary) -> Element:
    """The title, with the pace and the owners' most worrying status as badges beside it."""
    badges = [pace_badge(lang, summary.pace)] if summary.pace is not None else []
    if summary.status is not None and summary.status is not CheckInStatus.ON_TRACK:
        badges.append(status_badge(lang, summary.status))
    title = paragraph(bold(summary.objective.title))
    if not badges:
        return title
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "stretch", "items": [title]},
            {"type": "Column", "width": "auto", "items": badges},
        ],
    }


def summary_progress(lang: Language, summary: ObjectiveSummary) -> str:
    """The objective's progress bar, and where the plan is by now when it is active."""
    if summary.progress is None:
        return text(lang, "okr.no_key_results")
    bar = progress_text(summary.progress, lang)
    if summary.expected is None:
        return bar
    expected = format_progress(summary.expected, lang)
    return join([bar, text(lang, "pace.expected", expected=expected)])


def objective_list_card(
    lang: Language,
    title: str,
    summaries: Sequence[ObjectiveSummary],
    empty_key: str,
    *,
    back_here: Origin | None = None,
    more: Element | None = None,
) -> Element:
    """A list of objectives with progress; each opens its objective card.

    With ``back_here`` (this list, for one person), the objective card opened has
    Back to it; ``more`` (a "Show more" action) ends the list when it goes on.
    """
    opened = back_here.data() if back_here else {}
    body: list[Element] = [heading(title)]
    if not summaries:
        body.append(paragraph(text(lang, empty_key)))
    for summary in summaries:
        objective = summary.objective
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    summary_heading(lang, summary),
                    paragraph(summary_progress(lang, summary), spacing="None"),
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
                    text(lang, "action.open"),
                    verbs.OBJECTIVE_VIEW,
                    {"objective_id": objective.id, **opened},
                ),
            }
        )
    if more is not None:
        body.append({"type": "ActionSet", "separator": True, "actions": [more]})
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
