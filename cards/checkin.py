"""The check-in card: one card per owner with every key result to update.

Three states: the input card (per key result the current value and the
owner's last status to change, a note behind a toggle, and "no change" for
one tap when nothing moved), the same card with problems next to the fields,
and the read-only record of what was sent and when. Also the reminder and the team owners'
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
    with_action,
)
from cards.forms import problems_summary
from cards.i18n import Language, label, text
from cards.locale_format import format_progress
from cards.markdown import Markdown, bold, bullets, join
from cards.teams_elements import progress_element, status_badge
from okr.cadence import RemindLater
from okr.models import CheckInStatus, KeyResult, KeyResultKind
from okr.pace import PaceStatus

NOTE_MAX = 500
# In a card's data when it shows done lines: the card with problems shows them again.
SHOWS_DONE = "shows_done"


@dataclass(frozen=True, slots=True)
class CheckInItem:
    """One key result on the card, formatted for the owner's locale.

    Attributes:
        key_result: The key result as stored.
        objective_title: Its objective's title (shown once over its key results).
        last_value: The current value, formatted to read ("12.500.000 ₫").
        target: The target, formatted to read.
        typed_value: The current value as it is typed back ("12.500.000", "2:37").
        progress: Progress, clamped 0..1.
        expected: Where the plan says it should be by now, 0..1 (None: no plan).
        pace: What the pace suggests (None: no plan); shown as a hint.
        status: The status the card starts at: the owner's last one.
        due: The due date of a milestone, formatted ("" when none).
    """

    key_result: KeyResult
    objective_title: str
    last_value: str
    target: str
    typed_value: str
    progress: float
    expected: float | None
    pace: PaceStatus | None
    status: CheckInStatus
    due: str = ""


def value_field(index: int) -> str:
    """Input id of the new value of the ``index``-th key result."""
    return f"value_{index}"


def status_field(index: int) -> str:
    """Input id of the status of the ``index``-th key result."""
    return f"status_{index}"


def note_field(index: int) -> str:
    """Input id of the note of the ``index``-th key result."""
    return f"note_{index}"


def _meta_line(lang: Language, item: CheckInItem) -> str:
    """``▰▰▱ 42% · $13M → $24M · Plan to date: 66% · Pace: behind · due 31/03``."""
    parts = [
        f"{progress_bar(item.progress)} {format_progress(item.progress, lang)}",
        text(lang, "checkin.now_to_target", current=item.last_value, target=item.target),
    ]
    if item.expected is not None:
        parts.append(text(lang, "pace.expected", expected=format_progress(item.expected, lang)))
    if item.pace is not None:
        # The pace is a hint beside the owner's own reading, never its default.
        pace = label(lang, item.pace)
        parts.append(text(lang, "checkin.pace_hint", pace=pace))
    if item.due:
        parts.append(text(lang, "checkin.due", date=item.due))
    return join(parts)


def _unlabelled(element: Element, placeholder: str = "") -> Element:
    """An input without its own label: the card names the columns once, at the top."""
    element.pop("label", None)
    if placeholder and element["type"] == "Input.Text":
        element["placeholder"] = placeholder
    return element


def _value_input(lang: Language, item: CheckInItem, field: str, value: str) -> Element:
    label_text = text(lang, "field.checkin.value")
    if item.key_result.kind is KeyResultKind.MILESTONE:
        choices = [(text(lang, "milestone.not_done"), "0"), (text(lang, "milestone.done"), "1")]
        return _unlabelled(choice_input(field, label_text, choices, value))
    return _unlabelled(text_input(field, label_text, value, max_length=40), label_text)


# The shares of the width the value and the status take, over every key result alike:
# on a phone, "Chưa hoàn thành" (a milestone's value) and "Đúng tiến độ" both fit.
_VALUE_WIDTH, _STATUS_WIDTH = 55, 45


def _columns_header(lang: Language) -> Element:
    """ "New value | Status" once over every key result's inputs."""

    def column(key: str, width: int) -> Element:
        label_text = paragraph(text(lang, key), isSubtle=True, size="Small", weight="Bolder")
        return {"type": "Column", "width": width, "items": [label_text]}

    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": [
            column("field.checkin.value", _VALUE_WIDTH),
            column("field.checkin.status", _STATUS_WIDTH),
        ],
    }


def _item(
    lang: Language,
    index: int,
    item: CheckInItem,
    values: Mapping[str, str],
    problems: Mapping[str, str],
) -> list[Element]:
    value_id, status_id, note_id = value_field(index), status_field(index), note_field(index)
    statuses = [(label(lang, s), s.value) for s in CheckInStatus]
    status_input = _unlabelled(
        choice_input(
            status_id,
            text(lang, "field.checkin.status"),
            statuses,
            values.get(status_id, item.status.value),
        )
    )
    note = values.get(note_id, "")
    note_label = text(lang, "field.checkin.note")
    note_input = _unlabelled(text_input(note_id, note_label, note, max_length=NOTE_MAX), note_label)
    # The note stays folded away until asked for (or already typed, or wrong).
    note_input["isVisible"] = bool(note) or note_id in problems
    # "Add a note" sits beside the title, so that on a phone the two inputs below
    # share the whole width.
    toggle = {
        "type": "Column",
        "width": "auto",
        "selectAction": {
            "type": "Action.ToggleVisibility",
            "title": text(lang, "checkin.add_note"),
            "targetElements": [note_id],
        },
        "items": [paragraph(text(lang, "checkin.add_note"), color="Accent", size="Small")],
    }
    title = {
        "type": "Column",
        "width": "stretch",
        "items": [paragraph(bold(item.key_result.title))],
    }
    return [
        {"type": "ColumnSet", "spacing": "Medium", "columns": [title, toggle]},
        paragraph(_meta_line(lang, item), isSubtle=True, size="Small", spacing="None"),
        {
            "type": "ColumnSet",
            "spacing": "Small",
            "columns": [
                {
                    "type": "Column",
                    "width": _VALUE_WIDTH,
                    "items": checked(
                        _value_input(lang, item, value_id, values.get(value_id, item.typed_value)),
                        problems,
                    ),
                },
                {
                    "type": "Column",
                    "width": _STATUS_WIDTH,
                    "items": checked(status_input, problems),
                },
            ],
        },
        *checked(note_input, problems),
    ]


def checkin_card(
    lang: Language,
    items: Sequence[CheckInItem],
    *,
    card_id: str,
    round_id: str | None,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    reminder: bool = False,
    done: Sequence[DoneLine] = (),
    corrects: Sequence[str] = (),
    to_close: int = 0,
) -> Element:
    """The input card (``problems`` shown next to their fields when given).

    Each field starts at what is stored: the current value, the owner's last
    status. Key results are grouped under their objective's title, shown once.
    ``done``: key results already updated this round, one compact line each
    (with "Correct") under the inputs. ``corrects``: the ids of the check-ins
    this card corrects, one per key result (values then start at what they
    recorded, given in ``values``); a correction has no "No change" and no
    "Remind me later". ``to_close``: objectives of an ended period left out
    (:func:`closing_waits`).
    """
    values = values or {}
    problems = problems or {}
    title_key = "checkin.reminder_title" if reminder else "checkin.title"
    if corrects:
        title_key = "checkin.correct.title"
    body: list[Element] = [
        heading(text(lang, title_key)),
        paragraph(text(lang, "checkin.intro", count=len(items)), isSubtle=True, spacing="None"),
    ]
    # The first problem may be far below on a long card: the line names its key result.
    named = [
        (field(index), item.key_result.title)
        for index, item in enumerate(items)
        for field in (value_field, status_field, note_field)
    ]
    body += problems_summary(lang, problems, named)
    if "_all" in problems:
        body.append(paragraph(problems["_all"], color="Attention"))
    body.append(_columns_header(lang))
    shown_objective: str | None = None
    for index, item in enumerate(items):
        if item.objective_title != shown_objective:
            shown_objective = item.objective_title
            body.append(
                paragraph(item.objective_title, weight="Bolder", separator=True, spacing="Medium")
            )
        body.extend(_item(lang, index, item, values, problems))
    body.extend(_done_lines(lang, done, beside=True))
    body.extend(closing_waits(lang, to_close))
    data: dict[str, object] = {
        "card_id": card_id,
        "key_results": [item.key_result.id for item in items],
    }
    if round_id:
        data["round_id"] = round_id
    if done:
        data[SHOWS_DONE] = True
    if corrects:
        data["corrects"] = list(corrects)
        submit = execute(text(lang, "checkin.submit"), verbs.CHECKIN_SUBMIT, data, style="positive")
        return card(body, [submit])
    still_on_track = all(item.status is CheckInStatus.ON_TRACK for item in items)
    no_change = text(lang, "checkin.no_change" if still_on_track else "checkin.no_change_since")
    # "No change" gets a row of its own over the card's buttons: the three side by side
    # run past the card on a phone, and in English past a desktop card too.
    body.append(
        {
            "type": "ActionSet",
            "spacing": "Medium",
            "actions": [execute(no_change, verbs.CHECKIN_NO_CHANGE, data, associatedInputs="none")],
        }
    )
    actions = [execute(text(lang, "checkin.submit"), verbs.CHECKIN_SUBMIT, data, style="positive")]
    if round_id and not reminder:
        # A scheduled card can come back later once: that is the round's reminder.
        actions.append(_later(lang, data))
    return card(body, actions)


# In a done line's "Correct" on a card with inputs: open the correction beside it.
CORRECT_BESIDE = "beside"


@dataclass(frozen=True, slots=True)
class DoneLine:
    """A key result already updated this round, as one compact line with "Correct"."""

    title: str
    value: str
    status: CheckInStatus
    checkin_id: str


def _correct(lang: Language, checkin_ids: Sequence[str], *, beside: bool = False) -> Element:
    """ "Correct": the card again with what these check-ins recorded, to change it.

    ``beside``: on a card with inputs, the correction comes as a message of its
    own, so what was typed into the card stays.
    """
    data: dict[str, object] = {"checkins": list(checkin_ids)}
    if beside:
        data[CORRECT_BESIDE] = True
    return execute(
        text(lang, "checkin.correct"), verbs.CHECKIN_CORRECT, data, associatedInputs="none"
    )


def _done_lines(lang: Language, done: Sequence[DoneLine], *, beside: bool) -> list[Element]:
    if not done:
        return []
    lines: list[Element] = [
        paragraph(
            text(lang, "checkin.done.heading"),
            weight="Bolder",
            separator=True,
            spacing="Medium",
        )
    ]
    for line in done:
        said = join([bold(line.title), line.value, label(lang, line.status)])
        lines.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "verticalContentAlignment": "Center",
                        "items": [paragraph(Markdown(f"✓ {said}"), size="Small")],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "items": [
                            {
                                "type": "ActionSet",
                                "actions": [_correct(lang, [line.checkin_id], beside=beside)],
                            }
                        ],
                    },
                ],
            }
        )
    return lines


def all_done_card(lang: Language, done: Sequence[DoneLine], *, to_close: int = 0) -> Element:
    """``checkin`` when every key result is updated this round: said so, each one correctable.

    ``to_close``: objectives of an ended period left out (:func:`closing_waits`).
    """
    return card(
        [
            heading(text(lang, "checkin.done.title")),
            paragraph(text(lang, "checkin.done.intro"), isSubtle=True, spacing="None"),
            *_done_lines(lang, done, beside=False),
            *closing_waits(lang, to_close),
        ]
    )


def closing_waits(lang: Language, count: int) -> list[Element]:
    """One line under ``checkin``: ``count`` objectives of an ended period are not asked
    about but wait to be closed, with a button that opens the closing card (``close``).
    Nothing when ``count`` is 0."""
    if count <= 0:
        return []
    open_closing = execute(
        text(lang, "checkin.to_close.open"),
        verbs.COMMAND_RUN,
        {"command": "close"},
        associatedInputs="none",
    )
    line = paragraph(text(lang, "checkin.to_close", count=count), isSubtle=True)
    return [{**with_action(line, open_closing), "separator": True, "spacing": "Medium"}]


def to_close_card(lang: Language, count: int) -> Element:
    """``checkin`` when every key result the person owns is of an ended period."""
    return card(
        [heading(text(lang, "checkin.to_close.title")), *closing_waits(lang, count)],
    )


def _later(lang: Language, data: Mapping[str, object]) -> Element:
    """ "Remind me later", opening the choices (in one hour, in three, tomorrow morning)."""
    choices = [
        execute(
            text(lang, f"checkin.later.{choice.name.lower()}"),
            verbs.CHECKIN_LATER,
            {**data, "later": choice.value},
            associatedInputs="none",
        )
        for choice in RemindLater
    ]
    return {
        "type": "Action.ShowCard",
        "title": text(lang, "checkin.later"),
        "card": {
            "type": "AdaptiveCard",
            # One choice a row: side by side they run past the card on a phone.
            "body": [
                paragraph(text(lang, "checkin.later.hint"), isSubtle=True, size="Small"),
                *({"type": "ActionSet", "spacing": "Small", "actions": [c]} for c in choices),
            ],
        },
    }


def later_set_card(lang: Language, at: str) -> Element:
    """What the card turns into once "Remind me later" is chosen: when it comes back."""
    return card(
        [
            heading(text(lang, "checkin.later.title"), size="Medium"),
            paragraph(text(lang, "checkin.later.set", at=at)),
        ]
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
    lang: Language,
    lines: Sequence[RecordedLine],
    recorded_at: str,
    unchanged: int,
    *,
    kept_first: bool = False,
    correct: Sequence[str] = (),
) -> Element:
    """What the card turns into once sent: what was recorded, and when.

    ``kept_first``: the card was sent before with other answers, and those stay.
    ``correct``: the recorded check-ins' ids, while their round is open: "Correct"
    reopens the card with what they recorded.
    """
    body: list[Element] = [
        heading(text(lang, "checkin.recorded_title")),
        paragraph(text(lang, "checkin.recorded_at", at=recorded_at), isSubtle=True),
    ]
    if kept_first:
        body.append(paragraph(text(lang, "checkin.kept_first", at=recorded_at), color="Warning"))
    for line in lines:
        # What was sent, and the status as a badge: seen, not read.
        body.append(
            {
                "type": "ColumnSet",
                "spacing": "Medium",
                "separator": True,
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "verticalContentAlignment": "Center",
                        "items": [
                            paragraph(bold(line.title)),
                            paragraph(line.value, spacing="None"),
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [status_badge(lang, line.status)],
                    },
                ],
            }
        )
        body.append(progress_element(lang, line.progress, line.status))
        if line.note:
            body.append(paragraph(f"“{line.note}”", isSubtle=True, spacing="None"))
    if unchanged:
        body.append(paragraph(text(lang, "checkin.skipped", count=unchanged), isSubtle=True))
    return card(body, [_correct(lang, correct)] if correct else [])


@dataclass(frozen=True, slots=True)
class MissingOwner:
    """One person missing check-ins, for the team owners' summary."""

    name: str
    key_results: Sequence[str]
    unreachable: bool


def missing_summary_card(
    lang: Language,
    team_name: str,
    round_label: str,
    missing: Sequence[MissingOwner],
    *,
    asked: int | None = None,
    nudge: Mapping[str, str] | None = None,
) -> Element:
    """To team owners: who has not checked in this round (and who cannot be reached).

    ``asked``: how many people the round asked, for "9 of 12 checked in".
    ``nudge`` (the team and round ids) adds a button that sends those still
    missing one more reminder, once per round.
    """
    body: list[Element] = [
        heading(text(lang, "summary.title", team=team_name)),
        paragraph(text(lang, "summary.round", round=round_label), isSubtle=True),
    ]
    if asked:
        done = max(0, asked - len(missing))
        body.append(paragraph(bold(text(lang, "summary.count", done=done, total=asked))))
    if not missing:
        body.append(paragraph(text(lang, "summary.everyone")))
    for person in missing:
        note = [text(lang, "summary.unreachable")] if person.unreachable else []
        body.append(paragraph(join([bold(person.name), *note]), spacing="Medium", separator=True))
        body.append(paragraph(bullets(person.key_results), spacing="None"))
    actions = []
    if nudge and any(not person.unreachable for person in missing):
        actions.append(execute(text(lang, "summary.nudge"), verbs.CHECKIN_NUDGE, dict(nudge)))
    return card(body, actions)
