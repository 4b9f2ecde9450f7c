"""Read submitted card forms into typed inputs, with every problem translated.

Teams sends a card's inputs as strings merged into the action's data; anything
may be missing, of the wrong type, absurdly long or from an older card. Each
``read_*`` returns the raw values (to show the form again as typed), the typed
input when it could be read, and the problems by field, already in the
person's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import list_currencies

from cards.i18n import Language, text
from cards.locale_format import ValueParseError, format_date, parse_number, parse_value
from okr.authoring import (
    Context,
    InitiativeInput,
    KeyResultInput,
    KpiInput,
    ObjectiveInput,
    Problem,
    check_initiative,
    check_key_result,
    check_kpi,
    check_objective,
)
from okr.models import Comparison, InitiativeState, KeyResultKind, Level, ObjectiveType
from okr.periods import Period, PeriodError, parse_period

# Longer than any field the forms offer: anything beyond is cut before parsing.
_MAX_RAW = 2000
_CURRENCIES = frozenset(list_currencies())
CUSTOM_PERIOD = "custom"
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


def translate(lang: Language, problem: Problem) -> str:
    """A domain problem as a sentence in ``lang``; dates formatted for the locale."""
    params: dict[str, object] = dict(problem.kwargs)
    for name in ("start", "end"):
        if name in params:
            params[name] = format_date(date.fromisoformat(str(params[name])), lang)
    return text(lang, f"validation.{problem.code}", **params)


def _choice[E: (Level, ObjectiveType, KeyResultKind, Comparison, InitiativeState)](
    cls: type[E], raw: str, default: E
) -> E | None:
    if not raw:
        return default
    try:
        return cls(raw)
    except ValueError:
        return None


OBJECTIVE_FIELDS = (
    "title",
    "description",
    "owner",
    "level",
    "type",
    "period",
    "period_start",
    "period_end",
    "parent",
)


def read_objective_form(
    data: Mapping[str, Any],
    lang: Language,
    context: Context,
    fiscal_year_start_month: int,
    objective_id: str | None = None,
) -> FormResult[ObjectiveInput]:
    """Read and check the objective form."""
    values = raw_values(data, OBJECTIVE_FIELDS)
    problems: dict[str, str] = {}
    level = _choice(Level, values["level"], Level.TEAM)
    kind = _choice(ObjectiveType, values["type"], ObjectiveType.COMMITTED)
    if level is None:
        problems["level"] = text(lang, "validation.invalid_choice")
    if kind is None:
        problems["type"] = text(lang, "validation.invalid_choice")
    period = _read_period(values, lang, fiscal_year_start_month, problems)
    parsed = ObjectiveInput(
        title=values["title"].strip(),
        owner_id=values["owner"] or None,
        level=level or Level.TEAM,
        type=kind or ObjectiveType.COMMITTED,
        period=period,
        description=values["description"].strip(),
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


KEY_RESULT_FIELDS = ("title", "owner", "kind", "start", "target", "current", "unit", "currency")
KEY_RESULT_FIELDS_ALL = (*KEY_RESULT_FIELDS, "due_date")


def read_key_result_form(
    data: Mapping[str, Any], lang: Language, period: Period, context: Context
) -> FormResult[KeyResultInput]:
    """Read and check the key-result form; numbers are read as typed in ``lang``."""
    values = raw_values(data, KEY_RESULT_FIELDS_ALL)
    problems: dict[str, str] = {}
    kind = _choice(KeyResultKind, values["kind"], KeyResultKind.NUMBER)
    if kind is None:
        problems["kind"] = text(lang, "validation.invalid_choice")
        kind = KeyResultKind.NUMBER
    numbers: dict[str, Decimal | None] = {}
    for name in ("start", "target", "current"):
        typed = values[name].strip()
        if kind is KeyResultKind.MILESTONE and name != "current":
            numbers[name] = Decimal(0) if name == "start" else Decimal(1)
            continue
        if not typed:
            numbers[name] = None
            continue
        try:
            numbers[name] = parse_value(typed, kind, lang)
        except ValueParseError as exc:
            numbers[name] = None
            problems[name] = exc.message(lang)
    currency = values["currency"].strip().upper() or None
    if kind is KeyResultKind.CURRENCY and currency is not None and currency not in _CURRENCIES:
        problems["currency"] = text(lang, "validation.unknown_currency", value=currency)
        currency = None
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


INITIATIVE_FIELDS = ("title", "owner", "key_result", "state")


def read_initiative_form(
    data: Mapping[str, Any], lang: Language, context: Context, kr_ids: frozenset[str]
) -> FormResult[InitiativeInput]:
    """Read and check the initiative form."""
    values = raw_values(data, INITIATIVE_FIELDS)
    problems: dict[str, str] = {}
    state = _choice(InitiativeState, values["state"], InitiativeState.NOT_STARTED)
    if state is None:
        problems["state"] = text(lang, "validation.invalid_choice")
    parsed = InitiativeInput(
        title=values["title"].strip(),
        owner_id=values["owner"] or None,
        key_result_id=values["key_result"] or None,
        state=state or InitiativeState.NOT_STARTED,
    )
    for name, found in check_initiative(parsed, context, kr_ids).items():
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)


KPI_FIELDS = ("title", "comparison", "threshold", "current", "unit", "owner")


def read_kpi_form(
    data: Mapping[str, Any], lang: Language, context: Context
) -> FormResult[KpiInput]:
    """Read and check the KPI form."""
    values = raw_values(data, KPI_FIELDS)
    problems: dict[str, str] = {}
    comparison = _choice(Comparison, values["comparison"], Comparison.AT_LEAST)
    if comparison is None:
        problems["comparison"] = text(lang, "validation.invalid_choice")
    numbers: dict[str, Decimal | None] = {}
    for name in ("threshold", "current"):
        numbers[name] = None
        if values[name].strip():
            try:
                numbers[name] = parse_number(values[name], lang)
            except ValueParseError as exc:
                problems[name] = exc.message(lang)
    parsed = KpiInput(
        title=values["title"].strip(),
        threshold=numbers["threshold"],
        comparison=comparison or Comparison.AT_LEAST,
        current=numbers["current"],
        unit=values["unit"].strip(),
        owner_id=values["owner"] or None,
    )
    for name, found in check_kpi(parsed, context).items():
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)
