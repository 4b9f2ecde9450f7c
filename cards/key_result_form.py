"""The key-result form: declared once, built, read and pre-filled from that declaration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import list_currencies

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.forms import Field, Form, FormResult, Kind, Row, enum_choice, translate
from cards.i18n import Language, text
from cards.locale_format import ValueParseError, format_typed, parse_value
from cards.origin import FRESH, Origin, cancel_action
from okr.authoring import TITLE_MAX, UNIT_MAX, Context, KeyResultInput, check_key_result
from okr.models import KeyResult, KeyResultKind, Objective
from okr.periods import Period

_CURRENCIES = frozenset(list_currencies())
_NUMBERS = ("start", "target", "current")


def _typed(name: str) -> Any:
    """How a stored value of the key result is typed back into the form, per its kind."""

    def show(kr: KeyResult, lang: Language) -> str:
        return format_typed(getattr(kr, name), kr.kind, lang)

    return show


KEY_RESULT_FORM = Form(
    items=(
        Field(
            "title",
            Kind.TEXT,
            "field.key_result.title",
            placeholder="form.key_result.title_placeholder",
            max_length=TITLE_MAX,
            required=True,
            error="form.required.key_result_title",
            stored=lambda kr, _: kr.title,
        ),
        Field(
            "owner", Kind.CHOICE, "field.key_result.owner", stored=lambda kr, _: kr.owner_id or ""
        ),
        Field(
            "kind",
            Kind.CHOICE,
            "field.key_result.kind",
            options=KeyResultKind,
            default=KeyResultKind.NUMBER.value,
            stored=lambda kr, _: kr.kind.value,
        ),
        Row(
            tuple(
                Field(
                    name,
                    Kind.TEXT,
                    f"field.key_result.{name}",
                    placeholder=f"form.key_result.{name}_placeholder",
                    max_length=40,
                    stored=_typed(name),
                )
                for name in _NUMBERS
            ),
            hint="form.key_result.values_hint",
        ),
        Field(
            "unit",
            Kind.TEXT,
            "field.key_result.unit",
            placeholder="form.key_result.unit_placeholder",
            max_length=UNIT_MAX,
            stored=lambda kr, _: kr.unit,
        ),
        Field(
            "currency",
            Kind.TEXT,
            "field.key_result.currency",
            placeholder_text="USD, VND, EUR",
            max_length=3,
            stored=lambda kr, _: kr.currency or "",
        ),
        Field(
            "due_date",
            Kind.DATE,
            "field.key_result.due_date",
            stored=lambda kr, _: kr.due_date.isoformat() if kr.due_date else "",
        ),
    )
)


def key_result_form(
    lang: Language,
    objective: Objective,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    key_result_id: str | None = None,
    origin: Origin = FRESH,
) -> Element:
    """The form to add a key result to ``objective`` or edit one.

    Cancel goes back to ``origin``: the objective card it was opened from.
    """
    title_key = "form.key_result.edit" if key_result_id else "form.key_result.new"
    body: list[Element] = [
        heading(text(lang, title_key)),
        paragraph(text(lang, "form.key_result.for", objective=objective.title), isSubtle=True),
        paragraph(text(lang, "form.key_result.hint"), isSubtle=True, size="Small"),
    ]
    body += KEY_RESULT_FORM.summary(lang, problems)
    body += KEY_RESULT_FORM.inputs(lang, values, problems, {"owner": members})
    data: dict[str, Any] = {"objective_id": objective.id, **origin.data()}
    if key_result_id:
        data["key_result_id"] = key_result_id
    actions = [
        execute(text(lang, "action.save"), verbs.KEY_RESULT_SAVE, data, style="positive"),
        cancel_action(lang, origin),
    ]
    return card(body, actions)


def read_key_result_form(
    data: Mapping[str, Any], lang: Language, period: Period, context: Context
) -> FormResult[KeyResultInput]:
    """Read and check the key-result form; numbers are read as typed in ``lang``."""
    values = KEY_RESULT_FORM.raw(data)
    problems: dict[str, str] = {}
    kind = enum_choice(KeyResultKind, values["kind"], KeyResultKind.NUMBER)
    if kind is None:
        problems["kind"] = text(lang, "validation.invalid_choice")
        kind = KeyResultKind.NUMBER
    currency = values["currency"].strip().upper() or None
    if kind is KeyResultKind.CURRENCY and currency is not None and currency not in _CURRENCIES:
        problems["currency"] = text(lang, "validation.unknown_currency", value=currency)
        currency = None
    kr_currency = currency if kind is KeyResultKind.CURRENCY else None
    numbers: dict[str, Decimal | None] = {}
    for name in _NUMBERS:
        typed = values[name].strip()
        if kind is KeyResultKind.MILESTONE and name != "current":
            numbers[name] = Decimal(0) if name == "start" else Decimal(1)
            continue
        if not typed:
            numbers[name] = None
            continue
        try:
            numbers[name] = parse_value(typed, kind, lang, currency=kr_currency)
        except ValueParseError as exc:
            numbers[name] = None
            problems[name] = exc.message(lang)
    due_date: date | None = None
    if values["due_date"]:
        try:
            due_date = date.fromisoformat(values["due_date"])
        except ValueError:
            problems["due_date"] = text(lang, "validation.not_a_date")
    parsed = KeyResultInput(
        title=values["title"].strip(),
        owner_id=values["owner"] or None,
        kind=kind,
        start=numbers["start"],
        target=numbers["target"],
        current=numbers["current"],
        unit=values["unit"].strip() if kind is KeyResultKind.NUMBER else "",
        currency=currency if kind is KeyResultKind.CURRENCY else None,
        due_date=due_date,
    )
    for name, found in check_key_result(parsed, period, context).items():
        if name in ("start", "target") and name in problems:
            continue  # "not a number" says more than "required"
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)
