"""Rules for what a person may write into an objective, key result, initiative or KPI.

Card forms are parsed into the ``*Input`` types here (text already turned into
numbers and dates for the person's locale), then checked. Problems are returned
per field, with a code the cards translate (``validation.<code>``) and its
parameters; nothing here raises for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from okr.models import Comparison, InitiativeState, KeyResultKind, Level, ObjectiveType
from okr.periods import Period

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
UNIT_MAX = 30
# Teams users paste numbers; beyond this many digits they are a typo, not a metric.
MAX_DIGITS = 15


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one field: a catalog code (``validation.<code>``) and parameters."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def kwargs(self) -> dict[str, str]:
        """The parameters as keyword arguments for the catalog."""
        return dict(self.params)


def problem(code: str, **params: object) -> Problem:
    """A problem with its parameters turned to text."""
    return Problem(code, tuple((k, str(v)) for k, v in params.items()))


Problems = dict[str, Problem]


@dataclass(frozen=True, slots=True)
class ObjectiveInput:
    """An objective as submitted from its form."""

    title: str
    owner_id: str | None
    level: Level
    type: ObjectiveType
    period: Period | None
    description: str = ""
    parent_id: str | None = None
    starts_on: date | None = None  # the start of the expected line (okr.pace)


@dataclass(frozen=True, slots=True)
class KeyResultInput:
    """A key result as submitted from its form. Values are None when missing."""

    title: str
    owner_id: str | None
    kind: KeyResultKind
    start: Decimal | None
    target: Decimal | None
    current: Decimal | None = None
    unit: str = ""
    currency: str | None = None
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class InitiativeInput:
    """An initiative as submitted from its form."""

    title: str
    owner_id: str | None = None
    key_result_id: str | None = None
    state: InitiativeState = InitiativeState.NOT_STARTED


@dataclass(frozen=True, slots=True)
class KpiInput:
    """A KPI as submitted from its form."""

    title: str
    threshold: Decimal | None
    comparison: Comparison
    current: Decimal | None = None
    unit: str = ""
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What a check needs to know beyond the form: who exists, what may be a parent."""

    member_ids: frozenset[str] = field(default_factory=frozenset)
    objective_ids: frozenset[str] = field(default_factory=frozenset)
    # objective id -> its parent id, to refuse alignment cycles
    parents: dict[str, str | None] = field(default_factory=dict)


def check_objective(
    value: ObjectiveInput, context: Context, objective_id: str | None = None
) -> Problems:
    """Problems with an objective's fields (empty when it may be saved)."""
    problems: Problems = {}
    _check_title(problems, "title", value.title)
    if len(value.description) > DESCRIPTION_MAX:
        problems["description"] = problem("too_long", max=DESCRIPTION_MAX)
    _check_owner(problems, "owner", value.owner_id, context, required=True)
    if value.period is None:
        problems.setdefault("period", problem("required"))
    elif value.starts_on is not None and not value.period.contains_day(value.starts_on):
        problems["starts_on"] = problem(
            "date_outside_period", start=value.period.start, end=value.period.end
        )
    if value.parent_id is not None:
        if value.parent_id not in context.objective_ids:
            problems["parent"] = problem("unknown_parent")
        elif objective_id is not None and _reaches(value.parent_id, objective_id, context):
            problems["parent"] = problem("parent_cycle")
    return problems


def _reaches(start: str, wanted: str, context: Context) -> bool:
    seen: set[str] = set()
    current: str | None = start
    while current is not None and current not in seen:
        if current == wanted:
            return True
        seen.add(current)
        current = context.parents.get(current)
    return False


def check_key_result(value: KeyResultInput, period: Period, context: Context) -> Problems:
    """Problems with a key result's fields, given its objective's period."""
    problems: Problems = {}
    _check_title(problems, "title", value.title)
    _check_owner(problems, "owner", value.owner_id, context, required=True)
    if value.kind is not KeyResultKind.MILESTONE:
        for name in ("start", "target"):
            if getattr(value, name) is None:
                problems.setdefault(name, problem("required"))
        for name in ("start", "target", "current"):
            number = getattr(value, name)
            if number is not None and len(number.as_tuple().digits) > MAX_DIGITS:
                problems.setdefault(name, problem("number_too_long", value=number))
        if (
            value.start is not None
            and value.target is not None
            and value.start == value.target
            and "target" not in problems
        ):
            problems["target"] = problem("target_equals_start")
    if value.kind is KeyResultKind.PERCENTAGE:
        for name in ("start", "target", "current"):
            number = getattr(value, name)
            if number is not None and not Decimal(-1000) <= number <= Decimal(1000):
                problems.setdefault(name, problem("percentage_out_of_range"))
    if value.kind is KeyResultKind.DURATION:
        for name in ("start", "target", "current"):
            number = getattr(value, name)
            if number is not None and number < 0:
                problems.setdefault(name, problem("negative_duration"))
    if value.kind is KeyResultKind.CURRENCY and not value.currency:
        problems["currency"] = problem("currency_required")
    if len(value.unit) > UNIT_MAX:
        problems["unit"] = problem("too_long", max=UNIT_MAX)
    if value.due_date is not None and not period.contains_day(value.due_date):
        problems["due_date"] = problem("date_outside_period", start=period.start, end=period.end)
    return problems


def check_initiative(value: InitiativeInput, context: Context, kr_ids: frozenset[str]) -> Problems:
    """Problems with an initiative's fields; ``kr_ids`` are its objective's key results."""
    problems: Problems = {}
    _check_title(problems, "title", value.title)
    _check_owner(problems, "owner", value.owner_id, context, required=False)
    if value.key_result_id is not None and value.key_result_id not in kr_ids:
        problems["key_result"] = problem("invalid_choice")
    return problems


def check_kpi(value: KpiInput, context: Context) -> Problems:
    """Problems with a KPI's fields."""
    problems: Problems = {}
    _check_title(problems, "title", value.title)
    _check_owner(problems, "owner", value.owner_id, context, required=False)
    if value.threshold is None:
        problems["threshold"] = problem("required")
    if len(value.unit) > UNIT_MAX:
        problems["unit"] = problem("too_long", max=UNIT_MAX)
    return problems


def _check_title(problems: Problems, name: str, title: str) -> None:
    if not title.strip():
        problems[name] = problem("required")
    elif len(title) > TITLE_MAX:
        problems[name] = problem("too_long", max=TITLE_MAX)


def _check_owner(
    problems: Problems, name: str, owner_id: str | None, context: Context, *, required: bool
) -> None:
    if owner_id is None:
        if required:
            problems[name] = problem("required")
    elif owner_id not in context.member_ids:
        problems[name] = problem("unknown_owner")
