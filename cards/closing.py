"""The closing card: scores, a note and carry-over for the objectives of an ended period.

Three states, like the check-in card: the input card (per key result a score
pick-list 0.0-1.0 pre-set to the suggested score and, when unfinished, a
"carry over" toggle; per objective its score with the reading for its type, a
closing note and the health warnings), the same card with problems next to
the fields, and the read-only record of what was closed. Pure functions of
prepared, formatted data; the reading of a submitted card is here too, so the
field names live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from cards import verbs
from cards.elements import (
    Element,
    card,
    checked,
    choice_input,
    execute,
    heading,
    paragraph,
    progress_bar,
    text_input,
)
from cards.forms import TOGGLE_OFF, TOGGLE_ON, problems_summary, raw_values
from cards.i18n import Language, label, text
from cards.locale_format import format_period, format_progress, format_score, format_value
from cards.markdown import bold, join
from okr.closing import (
    MAX_NOTE,
    Closing,
    ClosingWarning,
    ClosingWarningCode,
    closing_warnings,
    is_unfinished,
    next_period,
    offered_objective_score,
    suggested_scores,
)
from okr.models import KeyResult, Objective, ObjectiveType
from okr.progress import key_result_progress
from okr.scoring import MAX_SCORE, SCORE_STEP, ScoreError, read_score, validate_score

MAX_OBJECTIVES = 5
"""Most objectives one closing card holds (with their pick-lists it stays under 28 KB)."""
MAX_KEY_RESULTS = 15
"""Most key results one closing card holds, over all its objectives."""
_MAX_ID = 200
_MAX_PER_OBJECTIVE = 100  # what a submitted card may name at most, against absurd input

SCORE_VALUES = tuple(str(SCORE_STEP * i) for i in range(11))  # "0.0" ... "1.0"


def kr_score_field(objective: int, key_result: int) -> str:
    """The input id of a key result's score on the card."""
    return f"kr_score_{objective}_{key_result}"


def carry_field(objective: int, key_result: int) -> str:
    """The input id of a key result's "carry over" toggle."""
    return f"carry_{objective}_{key_result}"


def score_field(objective: int) -> str:
    """The input id of an objective's score."""
    return f"score_{objective}"


def note_field(objective: int) -> str:
    """The input id of an objective's closing note."""
    return f"note_{objective}"


@dataclass(frozen=True, slots=True)
class ClosingKeyResult:
    """One key result on the closing card, formatted for the reader.

    Attributes:
        key_result: As stored.
        values: ``start → target · now current``, formatted.
        progress: Progress, clamped 0..1.
        suggested: The score the card starts at.
        unfinished: Whether it may be carried over.
    """

    key_result: KeyResult
    values: str
    progress: float
    suggested: Decimal
    unfinished: bool


@dataclass(frozen=True, slots=True)
class ClosingItem:
    """One objective on the closing card.

    Attributes:
        objective: As stored.
        owner_name: Who owns it (shown on a team owner's card).
        period_text: Its period, formatted ("Q4 2026").
        next_period_text: The period a carried-over copy goes into.
        key_results: Its key results, in order.
        score: The objective score the card starts at (None: none to suggest).
        warnings: The health warnings at that score.
    """

    objective: Objective
    owner_name: str
    period_text: str
    next_period_text: str
    key_results: Sequence[ClosingKeyResult]
    score: Decimal | None
    warnings: Sequence[ClosingWarning] = ()


@dataclass(frozen=True, slots=True)
class ClosedLine:
    """One closed objective as the record shows it.

    Attributes:
        objective: As stored after the close.
        key_results: ``(title, score)`` of each key result.
        closed_by: Who closed it (a name) and when, formatted.
        carried_to: The next period's name when key results were carried over.
        carried: How many key results were carried over.
        can_reopen: Whether the reader may reopen it (a team owner).
    """

    objective: Objective
    key_results: Sequence[tuple[str, Decimal | None]]
    closed_by: str
    carried_to: str = ""
    carried: int = 0
    can_reopen: bool = False


@dataclass(frozen=True, slots=True)
class ClosingLayout:
    """What a submitted closing card names: its id and, per objective, its key results.

    Read from the card's data (:func:`read_layout`); the bot checks every id
    against the store before anything is read or written.
    """

    card_id: str
    objectives: tuple[tuple[str, tuple[str, ...]], ...]
    team_id: str | None = None


@dataclass(frozen=True, slots=True)
class ClosingForm:
    """A submitted closing card, read: the fields as typed, problems, and the closings."""

    values: dict[str, str]
    problems: dict[str, str]
    closings: dict[str, Closing] = field(default_factory=dict)


def closing_items(
    lang: Language,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    owner_names: Mapping[str, str] | None = None,
) -> list[ClosingItem]:
    """The objectives as the closing card shows them, with suggested scores and warnings.

    ``key_results`` may hold other objectives' key results; each objective gets its own.
    """
    names = owner_names or {}
    items = []
    for objective in objectives:
        own = [kr for kr in key_results if kr.objective_id == objective.id]
        suggested = suggested_scores(own)
        score = offered_objective_score(objective, own)
        lines = [
            ClosingKeyResult(
                key_result=kr,
                values=text(
                    lang,
                    "okr.values",
                    start=_value(kr, kr.start, lang),
                    target=_value(kr, kr.target, lang),
                    current=_value(kr, kr.current, lang),
                ),
                progress=float(key_result_progress(kr).clamped),
                suggested=suggested[kr.id],
                unfinished=is_unfinished(kr),
            )
            for kr in own
        ]
        items.append(
            ClosingItem(
                objective=objective,
                owner_name=names.get(objective.owner_id or "", ""),
                period_text=format_period(objective.period, lang),
                next_period_text=format_period(next_period(objective.period), lang),
                key_results=lines,
                score=score,
                warnings=closing_warnings(objective, own, score),
            )
        )
    return items


def fit(items: Sequence[ClosingItem]) -> tuple[list[ClosingItem], int]:
    """The items one card holds (:data:`MAX_OBJECTIVES`, :data:`MAX_KEY_RESULTS`), and how
    many are left off. The first one always goes on the card."""
    shown: list[ClosingItem] = []
    count = 0
    for item in items:
        if len(shown) == MAX_OBJECTIVES:
            break
        if shown and count + len(item.key_results) > MAX_KEY_RESULTS:
            break
        shown.append(item)
        count += len(item.key_results)
    return shown, len(items) - len(shown)


def _value(kr: KeyResult, value: Decimal, lang: Language) -> str:
    return format_value(value, kr.kind, lang, currency=kr.currency, unit=kr.unit, compact=True)


def score_value(score: Decimal) -> str:
    """A score as the pick-lists carry it: ``"0.7"`` whatever the reader's language."""
    return str(score.quantize(SCORE_STEP))


def score_choices(lang: Language) -> list[tuple[str, str]]:
    """``0.0`` to ``1.0`` in steps of 0.1, written for the reader (``0,7`` in Vietnamese)."""
    return [(format_score(Decimal(value), lang), value) for value in SCORE_VALUES]


def _reading(lang: Language, objective: Objective, score: Decimal | None) -> str:
    guide = text(
        lang,
        "score.guide.committed"
        if objective.type is ObjectiveType.COMMITTED
        else "score.guide.aspirational",
    )
    if score is None:
        return guide
    reading = text(lang, f"score.reading.{read_score(score, objective.type).value}")
    return join([text(lang, "score.value", score=format_score(score, lang)), reading, guide])


def warning_lines(
    lang: Language, warnings: Sequence[ClosingWarning], titles: Mapping[str, str]
) -> list[Element]:
    """The health warnings, one line each, in the card's warning colour."""
    lines = []
    for warning in warnings:
        params: dict[str, Any] = {}
        if warning.code is ClosingWarningCode.TOO_MANY_KEY_RESULTS:
            params["count"] = warning.count or 0
        if warning.code is ClosingWarningCode.NEVER_CHECKED_IN:
            params["key_result"] = titles.get(warning.key_result_id or "", "")
        message = text(lang, f"closing.warning.{warning.code.value}", **params)
        lines.append(paragraph(f"⚠ {message}", color="Warning", spacing="None", size="Small"))
    return lines


def closing_card(
    lang: Language,
    items: Sequence[ClosingItem],
    *,
    card_id: str,
    title: str | None = None,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    more: int = 0,
    team_id: str | None = None,
    show_owners: bool = False,
    empty_text: str = "",
) -> Element:
    """The closing card for ``items`` (an owner's, or a team owner's list with ``show_owners``).

    Args:
        lang: The reader's language.
        items: The objectives to close, at most :data:`MAX_OBJECTIVES`.
        card_id: Names this card; its submission is answered once.
        title: The heading (default: "Close the period").
        values: Fields as submitted, when shown again.
        problems: What is wrong, by field (``"_all"``: the whole card).
        more: Objectives of the period left off this card (closed with the next one).
        team_id: The team a team owner's card is for (carried in its data).
        show_owners: Name each objective's owner (a team owner's list).
        empty_text: What to say when there is nothing to close.
    """
    typed = values or {}
    wrong = problems or {}
    body: list[Element] = [
        heading(title or text(lang, "closing.title")),
        paragraph(text(lang, "closing.intro"), isSubtle=True, spacing="None"),
    ]
    if "_all" in wrong:
        body.append(paragraph(wrong["_all"], color="Attention"))
    named: list[tuple[str, str]] = []
    choices = score_choices(lang)
    layout = []
    for i, item in enumerate(items):
        objective = item.objective
        meta = [label(lang, objective.type), item.period_text]
        if show_owners:
            meta.append(item.owner_name)
        section: list[Element] = [
            heading(objective.title, size="Medium"),
            paragraph(join(meta), isSubtle=True, spacing="None"),
        ]
        titles = {line.key_result.id: line.key_result.title for line in item.key_results}
        for j, line in enumerate(item.key_results):
            kr = line.key_result
            name = kr_score_field(i, j)
            named.append((name, kr.title))
            section.append(paragraph(bold(kr.title), spacing="Medium"))
            section.append(
                paragraph(
                    join(
                        [
                            f"{progress_bar(line.progress)} {format_progress(line.progress, lang)}",
                            line.values,
                        ]
                    ),
                    isSubtle=True,
                    spacing="None",
                )
            )
            score_input = choice_input(
                name,
                text(lang, "closing.kr_score"),
                choices,
                typed.get(name) or score_value(line.suggested),
            )
            section += checked(score_input, wrong)
            if line.unfinished:
                carry = carry_field(i, j)
                section.append(
                    {
                        "type": "Input.Toggle",
                        "id": carry,
                        "title": text(lang, "closing.carry_over", period=item.next_period_text),
                        "wrap": True,
                        "value": TOGGLE_ON if typed.get(carry) == TOGGLE_ON else TOGGLE_OFF,
                        "valueOn": TOGGLE_ON,
                        "valueOff": TOGGLE_OFF,
                    }
                )
        named.append((score_field(i), objective.title))
        offered = typed.get(score_field(i)) or (
            "" if item.score is None else score_value(item.score)
        )
        section += checked(
            choice_input(score_field(i), text(lang, "closing.objective_score"), choices, offered),
            wrong,
            paragraph(
                _reading(lang, objective, item.score), isSubtle=True, size="Small", spacing="None"
            ),
        )
        section += warning_lines(lang, item.warnings, titles)
        section += checked(
            text_input(
                note_field(i),
                text(lang, "closing.note"),
                typed.get(note_field(i), objective.closing_note),
                placeholder=text(lang, "closing.note_placeholder"),
                multiline=True,
                max_length=MAX_NOTE,
            ),
            wrong,
        )
        body.append({"type": "Container", "separator": True, "spacing": "Large", "items": section})
        layout.append(
            {"id": objective.id, "key_results": [line.key_result.id for line in item.key_results]}
        )
    if not items:
        body.append(paragraph(empty_text or text(lang, "closing.nothing")))
    if more:
        body.append(paragraph(text(lang, "closing.more", count=more), isSubtle=True))
    body[2:2] = problems_summary(lang, wrong, named)
    data: dict[str, Any] = {"card_id": card_id, "objectives": layout}
    if team_id:
        data["team_id"] = team_id
    submit = execute(text(lang, "closing.submit"), verbs.CLOSING_SUBMIT, data, style="positive")
    return card(body, [submit] if items else [])


def read_layout(data: Mapping[str, Any]) -> ClosingLayout | None:
    """The card id and objectives a submitted closing card names, or None when malformed."""
    card_id = data.get("card_id")
    objectives = data.get("objectives")
    team_id = data.get("team_id")
    if not _is_id(card_id) or not isinstance(objectives, list):
        return None
    if not 0 < len(objectives) <= MAX_OBJECTIVES or (team_id is not None and not _is_id(team_id)):
        return None
    read: list[tuple[str, tuple[str, ...]]] = []
    for entry in objectives:
        if not isinstance(entry, dict):
            return None
        objective_id, key_results = entry.get("id"), entry.get("key_results")
        if not _is_id(objective_id) or not isinstance(key_results, list):
            return None
        if len(key_results) > _MAX_PER_OBJECTIVE or not all(_is_id(k) for k in key_results):
            return None
        read.append((objective_id, tuple(key_results)))
    ids = [objective_id for objective_id, _ in read]
    krs = [k for _, key_results in read for k in key_results]
    if len(set(ids)) != len(ids) or len(set(krs)) != len(krs):
        return None
    return ClosingLayout(card_id, tuple(read), team_id)


def _is_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= _MAX_ID


def field_names(layout: ClosingLayout) -> tuple[str, ...]:
    """Every input id a card of ``layout`` has."""
    names: list[str] = []
    for i, (_, key_results) in enumerate(layout.objectives):
        for j in range(len(key_results)):
            names += [kr_score_field(i, j), carry_field(i, j)]
        names += [score_field(i), note_field(i)]
    return tuple(names)


def read_closing(lang: Language, data: Mapping[str, Any], layout: ClosingLayout) -> ClosingForm:
    """The submitted scores, notes and carry-over choices, each checked.

    A score must be one of the card's (0.0-1.0 in steps of 0.1); the objective's
    score may be left empty only when there is one to suggest (the caller knows).
    """
    values = raw_values(data, field_names(layout))
    problems: dict[str, str] = {}
    closings: dict[str, Closing] = {}
    for i, (objective_id, key_results) in enumerate(layout.objectives):
        scores: dict[str, Decimal] = {}
        for j, kr_id in enumerate(key_results):
            name = kr_score_field(i, j)
            score = _score(values[name])
            if score is None:
                problems[name] = text(lang, "closing.problem.score")
            else:
                scores[kr_id] = score
        carried = {
            kr_id for j, kr_id in enumerate(key_results) if values[carry_field(i, j)] == TOGGLE_ON
        }
        objective_score = None
        if values[score_field(i)]:
            objective_score = _score(values[score_field(i)])
            if objective_score is None:
                problems[score_field(i)] = text(lang, "closing.problem.score")
        note = values[note_field(i)]
        typed = data.get(note_field(i))  # as sent: the raw values are cut at their limit
        if isinstance(typed, str) and len(typed) > MAX_NOTE:
            problems[note_field(i)] = text(lang, "closing.problem.note", max=MAX_NOTE)
        closings[objective_id] = Closing(scores, objective_score, note, frozenset(carried))
    return ClosingForm(values, problems, {} if problems else closings)


def _score(value: str) -> Decimal | None:
    try:
        score = validate_score(Decimal(value.strip()))
    except (InvalidOperation, ScoreError):
        return None
    return score if score <= MAX_SCORE else None


def closed_card(
    lang: Language, lines: Sequence[ClosedLine], *, kept_first: bool = False
) -> Element:
    """The read-only record of a close: scores, readings, notes, carry-over, who and when."""
    body: list[Element] = [heading(text(lang, "closing.recorded"))]
    if kept_first:
        body.append(paragraph(text(lang, "closing.kept_first"), isSubtle=True))
    for line in lines:
        objective = line.objective
        items: list[Element] = [
            heading(objective.title, size="Medium"),
            paragraph(_reading(lang, objective, objective.score), spacing="None"),
        ]
        items += [
            paragraph(
                f"• {title}: {'—' if score is None else format_score(score, lang)}", spacing="None"
            )
            for title, score in line.key_results
        ]
        if objective.closing_note:
            items.append(
                paragraph(text(lang, "closing.note_recorded", note=objective.closing_note))
            )
        if line.carried:
            items.append(
                paragraph(
                    text(lang, "closing.carried", count=line.carried, period=line.carried_to),
                    spacing="Small",
                )
            )
        items.append(paragraph(line.closed_by, isSubtle=True, size="Small", spacing="Small"))
        if line.can_reopen:
            reopen = execute(
                text(lang, "closing.reopen"), verbs.OBJECTIVE_REOPEN, {"objective_id": objective.id}
            )
            items.append({"type": "ActionSet", "actions": [reopen]})
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": items})
    return card(body)
