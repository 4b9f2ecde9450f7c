"""The check-in card: one card per owner with every key result to update.

Three states: the input card (values, a pre-filled status and a note per key
result), the same card with problems next to the fields, and the read-only
record of what was sent and when. Also the reminder and the team owners'
summary of missing check-ins. Pure functions of prepared, formatted data.
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
    execute,
    heading,
    paragraph,
    progress_bar,
    text_input,
)
from cards.i18n import Language, label, text
from cards.locale_format import format_progress
from cards.markdown import bold, bullets, join
from okr.models import CheckInStatus, KeyResult, KeyResultKind

NOTE_MAX = 500


@dataclass(frozen=True, slots=True)
class CheckInItem:
    """One key result on the card, formatted for the owner's locale."""

    key_result: KeyResult
    objective_title: str
    last_value: str
    target: str
    progress: float
    expected: float | None
    suggested_status: CheckInStatus
    placeholder: str  # how to type a value, e.g. "12.500.000" or "2:37"


def value_field(index: int) -> str:
    """Input id of the new value of the ``index``-th key result."""
    return f"value_{index}"


def status_field(index: int) -> str:
    """Input id of the status of the ``index``-th key result."""
    return f"status_{index}"


def note_field(index: int) -> str:
    """Input id of the note of the ``index``-th key result."""
    return f"note_{index}"


def _item_header(lang: Language, item: CheckInItem) -> list[Element]:
    kr = item.key_result
    line = text(
        lang,
        "checkin.kr_line",
        last=item.last_value,
        target=item.target,
        progress=format_progress(item.progress, lang),
    )
    header = [
        paragraph(bold(kr.title), spacing="Large", separator=True),
        paragraph(item.objective_title, isSubtle=True, spacing="None", size="Small"),
        paragraph(f"{progress_bar(item.progress)} {line}", spacing="Small"),
    ]
    if item.expected is not None:
        header.append(
            paragraph(
                text(lang, "pace.expected", expected=format_progress(item.expected, lang)),
                isSubtle=True,
                spacing="None",
                size="Small",
            )
        )
    return header


def checkin_card(
    lang: Language,
    items: Sequence[CheckInItem],
    *,
    card_id: str,
    round_id: str | None,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    reminder: bool = False,
) -> Element:
    """The input card (``problems`` shown next to their fields when given)."""
    values = values or {}
    problems = problems or {}
    title_key = "checkin.reminder_title" if reminder else "checkin.title"
    body: list[Element] = [
        heading(text(lang, title_key)),
        paragraph(text(lang, "checkin.intro", count=len(items)), isSubtle=True),
    ]
    if problems:
        body.append(paragraph(text(lang, "form.fix_problems"), color="Attention"))
    if "_all" in problems:
        body.append(paragraph(problems["_all"], color="Attention"))
    statuses = [(label(lang, s), s.value) for s in CheckInStatus]
    for index, item in enumerate(items):
        kr = item.key_result
        body.extend(_item_header(lang, item))
        value_id, status_id, note_id = value_field(index), status_field(index), note_field(index)
        if kr.kind is KeyResultKind.MILESTONE:
            value_input = choice_input(
                value_id,
                text(lang, "field.checkin.value"),
                [
                    (text(lang, "milestone.not_done"), "0"),
                    (text(lang, "milestone.done"), "1"),
                ],
                values.get(value_id, ""),
            )
        else:
            value_input = text_input(
                value_id,
                text(lang, "field.checkin.value"),
                values.get(value_id, ""),
                placeholder=item.placeholder,
                max_length=40,
            )
        status_input = choice_input(
            status_id,
            text(lang, "field.checkin.status"),
            statuses,
            values.get(status_id, item.suggested_status.value),
        )
        # Value and status side by side keeps a five-KR card short enough to scan.
        body.append(
            {
                "type": "ColumnSet",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": checked(value_input, problems),
                    },
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": checked(status_input, problems),
                    },
                ],
            }
        )
        body += checked(
            text_input(
                note_id,
                text(lang, "field.checkin.note"),
                values.get(note_id, ""),
                max_length=NOTE_MAX,
            ),
            problems,
        )
    data = {
        "card_id": card_id,
        "key_results": [item.key_result.id for item in items],
    }
    if round_id:
        data["round_id"] = round_id
    return card(
        body,
        [execute(text(lang, "checkin.submit"), verbs.CHECKIN_SUBMIT, data, style="positive")],
    )


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """One recorded check-in as the read-only card shows it."""

    title: str
    value: str
    status: CheckInStatus
    note: str
    progress: float


def recorded_card(
    lang: Language, lines: Sequence[RecordedLine], recorded_at: str, unchanged: int
) -> Element:
    """What the card turns into once sent: what was recorded, and when."""
    body: list[Element] = [
        heading(text(lang, "checkin.recorded_title")),
        paragraph(text(lang, "checkin.recorded_at", at=recorded_at), isSubtle=True),
    ]
    for line in lines:
        body.append(paragraph(bold(line.title), spacing="Medium", separator=True))
        body.append(
            paragraph(
                f"{progress_bar(line.progress)} {line.value} · {label(lang, line.status)}",
                spacing="None",
            )
        )
        if line.note:
            body.append(paragraph(f"“{line.note}”", isSubtle=True, spacing="None"))
    if unchanged:
        body.append(paragraph(text(lang, "checkin.skipped", count=unchanged), isSubtle=True))
    return card(body)


@dataclass(frozen=True, slots=True)
class MissingOwner:
    """One person missing check-ins, for the team owners' summary."""

    name: str
    key_results: Sequence[str]
    unreachable: bool


def missing_summary_card(
    lang: Language, team_name: str, round_label: str, missing: Sequence[MissingOwner]
) -> Element:
    """To team owners: who has not checked in this round (and who cannot be reached)."""
    body: list[Element] = [
        heading(text(lang, "summary.title", team=team_name)),
        paragraph(text(lang, "summary.round", round=round_label), isSubtle=True),
    ]
    if not missing:
        body.append(paragraph(text(lang, "summary.everyone")))
    for person in missing:
        note = [text(lang, "summary.unreachable")] if person.unreachable else []
        body.append(paragraph(join([bold(person.name), *note]), spacing="Medium", separator=True))
        body.append(paragraph(bullets(person.key_results), spacing="None"))
    return card(body)
