"""Forms declared once: the card's inputs, the reading of a submission, the pre-fill.

A :class:`Form` lists its fields (and rows of fields side by side) with their
label, input kind, choices and limits. From that one declaration come the
inputs of the card (with each field's problem under it), the raw values read
back from a submission (:meth:`Form.raw`), and the values shown when editing a
stored object (:meth:`Form.prefill`). Each entity's module (``objective_form``,
``key_result_form``, ``initiative_form``, ``kpi_form``) declares its form and
turns the raw values into its typed input, checked by the domain.

Teams sends a card's inputs as strings merged into the action's data; anything
may be missing, of the wrong type, absurdly long or from an older card. A read
form is a :class:`FormResult`: the raw values (to show the form again as
typed), the typed input when it could be read, and the problems by field,
already in the person's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from cards.elements import (
    Element,
    checked,
    choice_input,
    date_input,
    paragraph,
    text_input,
)
from cards.i18n import Language, label, text
from cards.locale_format import format_date
from okr.authoring import Problem

# Longer than any field the forms offer: anything beyond is cut before parsing.
_MAX_RAW = 2000
# A pick-list this long gets a search box.
_FILTER_OVER = 8
CUSTOM_PERIOD = "custom"
TOGGLE_ON, TOGGLE_OFF = "true", "false"
_WALL_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?")
# The value of "nobody" / "no parent" choices: Adaptive Cards refuse empty choice values.
NONE = "none"


@dataclass(frozen=True, slots=True)
class FormResult[T]:
    """A read form: what was typed, the typed value if valid, problems by field."""

    values: dict[str, str]
    parsed: T | None
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the input may be saved."""
        return self.parsed is not None and not self.problems


def raw_values(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The named fields as text; non-text values and the "none" choice become ""."""
    values: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, bool) or value is None:
            values[name] = ""
        elif isinstance(value, str | int | float):
            text_value = str(value)[:_MAX_RAW]
            values[name] = "" if text_value == NONE else text_value
        else:
            values[name] = ""
    return values


def problems_summary(
    lang: Language, problems: Mapping[str, str], named: Sequence[tuple[str, str]]
) -> list[Element]:
    """The line over a card with problems, naming the first one and what is wrong with it.

    On a long card the field can sit far below the line: "Check “Revenue”: “abc” is
    not a number." says where to look. ``named`` gives ``(input id, title)`` in the
    card's order (a field's label, or a key result's title); ``"_all"`` (a problem of
    the whole card) is shown by the card itself and not counted here.
    """
    count = len([name for name in problems if name != "_all"])
    if not count:
        return []
    for name, title in named:
        if name in problems:
            key = "form.fix_first" if count == 1 else "form.fix_first_of_many"
            line = text(lang, key, field=title, problem=problems[name], count=count)
            return [paragraph(line, color="Attention")]
    return [paragraph(text(lang, "form.fix_problems"), color="Attention")]


def translate(lang: Language, problem: Problem) -> str:
    """A domain problem as a sentence in ``lang``; dates formatted for the locale."""
    params: dict[str, object] = dict(problem.kwargs)
    for name in ("start", "end"):
        if name in params:
            params[name] = format_date(date.fromisoformat(str(params[name])), lang)
    return text(lang, f"validation.{problem.code}", **params)


def parse_wall_time(value: str) -> time | None:
    """A time of day as inputs send it ("09:30", "9:30", "09:30:00"; seconds dropped), else None."""
    match = _WALL_TIME.fullmatch(value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def enum_choice[E: StrEnum](cls: type[E], raw: str, default: E) -> E | None:
    """The member of ``cls`` a choice names; ``default`` when none was made; None if unknown."""
    if not raw:
        return default
    try:
        return cls(raw)
    except ValueError:
        return None


class Kind(StrEnum):
    """How a field is typed in."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # several lines
    CHOICE = "choice"  # a compact pick-list
    OPTIONS = "options"  # every choice shown (radio buttons)
    DATE = "date"
    TIME = "time"  # a wall time, "HH:MM"
    NUMBER = "number"  # a whole number within ``bounds``
    TOGGLE = "toggle"  # on or off: "true" / "false"


# How a field shows a stored object: the object and the reader's language in, text out.
Stored = Callable[[Any, Language], str]


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a form.

    Attributes:
        name: The input's id, and the key of its value and its problem.
        kind: How it is typed in.
        label: Catalog key of its label.
        placeholder: Catalog key of its placeholder (or ``placeholder_text``, not translated).
        max_length: The longest text accepted.
        required: Teams refuses to send the card without it.
        options: An enum whose members are the choices (labelled from the catalog).
        none_option: Catalog key of a first "nobody" / "none" choice (value ``NONE``).
        extra_option: ``(catalog key, value)`` of a last choice (e.g. "custom dates").
        default: The value chosen when nothing was typed.
        hint: Catalog key of a small line shown under the input.
        stored: How a stored object fills this field in (None: not from an object).
        bounds: The smallest and largest whole number a NUMBER takes.
        error: Catalog key of the message Teams shows when a required input is
            empty or out of bounds (TIME, NUMBER); it gets ``min`` and ``max``. A
            sentence saying what to enter ("Enter the objective's title"), never
            the label again: every required field must have one.
    """

    name: str
    kind: Kind
    label: str
    placeholder: str | None = None
    placeholder_text: str = ""
    max_length: int | None = None
    required: bool = False
    options: type[StrEnum] | None = None
    none_option: str | None = None
    extra_option: tuple[str, str] | None = None
    default: str = ""
    hint: str | None = None
    stored: Stored | None = None
    bounds: tuple[int, int] | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if (self.required or self.kind in (Kind.TIME, Kind.NUMBER)) and not self.error:
            raise ValueError(f"required field {self.name!r} has no error message")

    def element(
        self, lang: Language, value: str, choices: Sequence[tuple[str, str]] = ()
    ) -> Element:
        """The card input showing ``value``; ``choices`` for a pick-list not from an enum."""
        title = text(lang, self.label)
        if self.kind is Kind.DATE:
            return date_input(self.name, title, value)
        if self.kind is Kind.TOGGLE:
            return {
                "type": "Input.Toggle",
                "id": self.name,
                "title": title,
                "wrap": True,  # a long title on a phone: on two lines, not cut
                "value": TOGGLE_ON if value == TOGGLE_ON else TOGGLE_OFF,
                "valueOn": TOGGLE_ON,
                "valueOff": TOGGLE_OFF,
            }
        if self.kind in (Kind.TIME, Kind.NUMBER):
            return self._required(lang, title, value)
        if self.kind in (Kind.CHOICE, Kind.OPTIONS):
            offered = list(choices)
            if self.options is not None:
                offered = [(label(lang, m), m.value) for m in self.options]
            if self.none_option is not None:
                offered = [(text(lang, self.none_option), NONE), *offered]
            if self.extra_option is not None:
                offered.append((text(lang, self.extra_option[0]), self.extra_option[1]))
            shown = value or (NONE if self.none_option else self.default)
            return choice_input(
                self.name,
                title,
                offered,
                shown,
                compact=self.kind is Kind.CHOICE,
                filtered=len(offered) > _FILTER_OVER,
            )
        placeholder = text(lang, self.placeholder) if self.placeholder else self.placeholder_text
        return text_input(
            self.name,
            title,
            value,
            placeholder=placeholder,
            multiline=self.kind is Kind.LONG_TEXT,
            max_length=self.max_length,
            required=self.required,
            error_message=text(lang, self.error) if self.error else "",
        )

    def _required(self, lang: Language, title: str, value: str) -> Element:
        low, high = self.bounds or (0, 0)
        element: Element = {
            "type": "Input.Time" if self.kind is Kind.TIME else "Input.Number",
            "id": self.name,
            "label": title,
            "isRequired": True,
        }
        if self.kind is Kind.NUMBER:
            element |= {"min": low, "max": high}
        if self.error:
            element["errorMessage"] = text(lang, self.error, min=low, max=high)
        # Renderers refuse a value of the wrong shape: what was typed stays out
        # (its problem, shown under the input, says what is wrong).
        if self.kind is Kind.TIME and parse_wall_time(value) is not None:
            element["value"] = value
        elif self.kind is Kind.NUMBER and re.fullmatch(r"-?[0-9]{1,9}", value):
            element["value"] = int(value)
        return element


@dataclass(frozen=True, slots=True)
class Row:
    """Fields side by side (e.g. start, target, current), with an optional line under them."""

    fields: tuple[Field, ...]
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """A form's fields in order; ``after`` puts a row right under one field (with its problem).

    Attributes:
        items: Fields and rows, top to bottom.
        after: ``{field name: row}``: a row shown under that field, in its problem's
            place (the custom period's two dates under the period choice).
    """

    items: tuple[Field | Row, ...]
    after: Mapping[str, Row] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every field, rows flattened, ``after`` rows included."""
        found: list[Field] = []
        for item in self.items:
            found += item.fields if isinstance(item, Row) else (item,)
            if isinstance(item, Field) and item.name in self.after:
                found += self.after[item.name].fields
        return tuple(found)

    @property
    def names(self) -> tuple[str, ...]:
        """The input ids, in order."""
        return tuple(f.name for f in self.fields)

    def raw(self, data: Mapping[str, Any]) -> dict[str, str]:
        """A submission's values of this form's fields, as text (:func:`raw_values`)."""
        return raw_values(data, self.names)

    def summary(
        self, lang: Language, problems: Mapping[str, str], after: Sequence[tuple[str, str]] = ()
    ) -> list[Element]:
        """The problems line over this form (:func:`problems_summary`), naming the first field.

        ``after``: ``(input id, title)`` of inputs the card adds below the form's own.
        """
        named = [(f.name, text(lang, f.label)) for f in self.fields]
        return problems_summary(lang, problems, [*named, *after])

    def prefill(self, stored: Any, lang: Language) -> dict[str, str]:
        """The values that show ``stored`` in this form, formatted for ``lang``."""
        return {f.name: f.stored(stored, lang) for f in self.fields if f.stored is not None}

    def inputs(
        self,
        lang: Language,
        values: Mapping[str, str],
        problems: Mapping[str, str],
        choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
        *,
        leave_out: frozenset[str] = frozenset(),
    ) -> list[Element]:
        """The card body's inputs, each followed by its problem; ``leave_out`` skips fields."""
        choices = choices or {}
        body: list[Element] = []
        for item in self.items:
            if isinstance(item, Row):
                body += self._row(item, lang, values, problems, choices)
                continue
            if item.name in leave_out:
                continue
            after: list[Element] = []
            if item.hint:
                after.append(paragraph(text(lang, item.hint), isSubtle=True, size="Small"))
            if item.name in self.after:
                after += self._row(self.after[item.name], lang, values, {}, choices)
            element = item.element(lang, values.get(item.name, ""), choices.get(item.name, ()))
            body += checked(element, problems, *after)
        return body

    def _row(
        self,
        row: Row,
        lang: Language,
        values: Mapping[str, str],
        problems: Mapping[str, str],
        choices: Mapping[str, Sequence[tuple[str, str]]],
    ) -> list[Element]:
        columns = [
            {
                "type": "Column",
                "width": "stretch",
                "items": checked(
                    f.element(lang, values.get(f.name, ""), choices.get(f.name, ())), problems
                ),
            }
            for f in row.fields
        ]
        body: list[Element] = [{"type": "ColumnSet", "columns": columns}]
        if row.hint:
            body.append(paragraph(text(lang, row.hint), isSubtle=True, size="Small"))
        return body
