"""What a submitted check-in card says for one key result: value, status and note.

Read from the card's raw inputs (untrusted) in the person's language: an empty
value keeps the current one, an empty status the last one; anything unreadable
is a problem by field. Compared with what a stored check-in said, to tell a
double click from a change of mind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from cards.checkin import NOTE_MAX, note_field, status_field, value_field
from cards.i18n import Language, text
from cards.locale_format import ValueParseError, parse_value
from okr.models import CheckIn, CheckInStatus, KeyResult


@dataclass(frozen=True, slots=True)
class Answer:
    """What the card says for one key result: value, status, note (read, not yet judged)."""

    value: Decimal
    status: CheckInStatus
    note: str

    def changes(self, kr: KeyResult) -> bool:
        """Whether it says anything new: the card starts at the value and the last status."""
        last = kr.last_status or CheckInStatus.ON_TRACK
        return self.value != kr.current or self.status is not last or bool(self.note)


def read_answer(
    lang: Language, index: int, kr: KeyResult, values: Mapping[str, str]
) -> Answer | dict[str, str]:
    """The ``index``-th key result's answer, or its problems by field (in ``lang``).

    An empty value keeps the current one; an empty status, the last one.
    """
    problems: dict[str, str] = {}
    typed = values.get(value_field(index), "").strip()
    status_text = values.get(status_field(index), "")
    note = values.get(note_field(index), "").strip()
    if len(note) > NOTE_MAX:
        problems[note_field(index)] = text(lang, "validation.too_long", max=NOTE_MAX)
    status = kr.last_status or CheckInStatus.ON_TRACK
    if status_text:
        try:
            status = CheckInStatus(status_text)
        except ValueError:
            problems[status_field(index)] = text(lang, "validation.invalid_choice")
    value = kr.current
    if typed:
        try:
            value = parse_value(typed, kr.kind, lang, currency=kr.currency)
        except ValueParseError as exc:
            problems[value_field(index)] = exc.message(lang)
    return problems or Answer(value, status, note)


def said(answer: Answer | dict[str, str]) -> tuple[object, ...]:
    """An answer as compared with a stored one (an unreadable one differs from any)."""
    if isinstance(answer, dict):
        return ("unreadable",)
    return answer.value, answer.status, answer.note


def answer_of(kr: KeyResult, checkin: CheckIn | None) -> tuple[object, ...]:
    """The answer a stored check-in gave (the key result as it is now, when there is none)."""
    if checkin is None:
        return kr.current, kr.last_status or CheckInStatus.ON_TRACK, ""
    return recorded_answer(checkin)


def recorded_answer(checkin: CheckIn) -> tuple[object, ...]:
    return checkin.value, checkin.status, checkin.note
