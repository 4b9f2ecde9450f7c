"""OKRs as CSV: read and validate an import file, write an export.

One row per key result (an objective without key results has one row with the
key-result columns empty). Owners are e-mail addresses or UPNs. Numbers are
plain (``12000000``, ``12.5``), durations ``m:ss`` or ``h:mm:ss``, milestones
``done``/``not done``. The ``unit`` column decides the kind of a key result:
``%`` → percentage, an ISO 4217 code (``USD``, ``VND``) → currency,
``duration`` → duration, ``milestone`` → milestone, anything else → a number
with that unit. Export adds read-only report columns that import ignores.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from okr.models import KeyResult, KeyResultKind, Level, Objective, ObjectiveType
from okr.periods import Period, PeriodError, parse_period
from okr.values import ValueFormatError, format_duration, parse_duration

COLUMNS = (
    "objective",
    "objective_owner",
    "level",
    "period",
    "type",
    "parent",
    "key_result",
    "kr_owner",
    "start",
    "target",
    "unit",
    "current",
)
REPORT_COLUMNS = ("progress", "status", "checkins", "last_checkin")
_KR_COLUMNS = ("key_result", "kr_owner", "start", "target", "unit", "current")
_MAX_TEXT = 500
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_MILESTONE = {"done": True, "not done": False, "1": True, "0": False, "yes": True, "no": False}
_CURRENCIES = frozenset(list_currencies())


class CsvError(ValueError):
    """The file cannot be imported; ``problems`` lists ``(line, message)`` pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {message}" for line, message in problems))


@dataclass(frozen=True, slots=True)
class KeyResultRow:
    """A key result as read from one CSV line."""

    line: int
    title: str
    owner_email: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str
    currency: str | None


@dataclass(frozen=True, slots=True)
class ObjectiveRows:
    """An objective as read from the CSV, with its key results in file order."""

    line: int
    title: str
    owner_email: str
    level: Level
    period: Period
    type: ObjectiveType
    parent_title: str
    key_results: tuple[KeyResultRow, ...]


def read_csv(text: str, fiscal_year_start_month: int = 1) -> list[ObjectiveRows]:
    """Parse and validate a whole import file.

    Raises:
        CsvError: with every problem found, each with its line number; the
            caller must then write nothing.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CsvError([(1, f"missing column(s): {', '.join(missing)}")])
    problems: list[tuple[int, str]] = []
    objectives: dict[tuple[str, str], ObjectiveRows] = {}
    for row in reader:
        line = reader.line_num
        if all(not (v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        try:
            objective, key_result = _read_row(row, line, fiscal_year_start_month)
        except ValueError as exc:
            problems.append((line, str(exc)))
            continue
        key = (objective.title.casefold(), objective.period.label)
        seen = objectives.get(key)
        if seen is None:
            objectives[key] = objective
        elif (seen.owner_email, seen.level, seen.type, seen.parent_title) != (
            objective.owner_email,
            objective.level,
            objective.type,
            objective.parent_title,
        ):
            problems.append((line, f"objective {objective.title!r} differs from line {seen.line}"))
            continue
        if key_result is not None:
            current = objectives[key]
            objectives[key] = _with_kr(current, key_result)
    # A parent may name another objective of the file or one already stored;
    # the importer resolves it. Stored objectives never align to new ones, so a
    # cycle can only run through the file's own objectives: refuse it here.
    parent_of = {o.title.casefold(): o.parent_title.casefold() for o in objectives.values()}
    for objective in objectives.values():
        if objective.parent_title.casefold() == objective.title.casefold():
            problems.append((objective.line, "an objective cannot be its own parent"))
        elif _aligns_back(objective.title.casefold(), parent_of):
            problems.append(
                (objective.line, f"objective {objective.title!r} aligns back to itself")
            )
    if problems:
        raise CsvError(sorted(problems))
    return list(objectives.values())


def _aligns_back(title: str, parent_of: dict[str, str]) -> bool:
    seen = {title}
    current = parent_of.get(title, "")
    while current in parent_of:
        if current in seen:
            return current == title
        seen.add(current)
        current = parent_of[current]
    return False


def _with_kr(objective: ObjectiveRows, key_result: KeyResultRow) -> ObjectiveRows:
    return ObjectiveRows(
        line=objective.line,
        title=objective.title,
        owner_email=objective.owner_email,
        level=objective.level,
        period=objective.period,
        type=objective.type,
        parent_title=objective.parent_title,
        key_results=(*objective.key_results, key_result),
    )


def _read_row(
    row: dict[str, str | None], line: int, fiscal_year_start_month: int
) -> tuple[ObjectiveRows, KeyResultRow | None]:
    cell = {c: _text(row.get(c)) for c in COLUMNS}
    for column, value in cell.items():
        if len(value) > _MAX_TEXT:
            raise ValueError(f"{column} is longer than {_MAX_TEXT} characters")
    if not cell["objective"]:
        raise ValueError("objective is empty")
    if not _looks_like_email(cell["objective_owner"]):
        raise ValueError(f"objective_owner {cell['objective_owner']!r} is not an e-mail/UPN")
    try:
        period = parse_period(cell["period"], fiscal_year_start_month)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    objective = ObjectiveRows(
        line=line,
        title=cell["objective"],
        owner_email=cell["objective_owner"].casefold(),
        level=_enum(Level, cell["level"] or "team", "level"),
        period=period,
        type=_enum(ObjectiveType, cell["type"] or "committed", "type"),
        parent_title=cell["parent"],
        key_results=(),
    )
    if not any(cell[c] for c in _KR_COLUMNS):
        return objective, None
    return objective, _read_key_result(cell, line)


def _read_key_result(cell: dict[str, str], line: int) -> KeyResultRow:
    if not cell["key_result"]:
        raise ValueError("key_result is empty but other key-result columns are filled")
    if not _looks_like_email(cell["kr_owner"]):
        raise ValueError(f"kr_owner {cell['kr_owner']!r} is not an e-mail/UPN")
    unit = cell["unit"]
    kind, currency = _kind_of(unit)
    start = _value(kind, cell["start"], "start")
    target = _value(kind, cell["target"], "target")
    current = _value(kind, cell["current"], "current") if cell["current"] else start
    if start == target:
        raise ValueError("target equals start: the key result cannot show progress")
    return KeyResultRow(
        line=line,
        title=cell["key_result"],
        owner_email=cell["kr_owner"].casefold(),
        kind=kind,
        start=start,
        target=target,
        current=current,
        unit="" if kind in (KeyResultKind.DURATION, KeyResultKind.MILESTONE) else unit,
        currency=currency,
    )


def _kind_of(unit: str) -> tuple[KeyResultKind, str | None]:
    lowered = unit.casefold()
    if unit == "%":
        return KeyResultKind.PERCENTAGE, None
    if unit.upper() in _CURRENCIES and len(unit) == 3 and unit.isupper():
        return KeyResultKind.CURRENCY, unit
    if lowered == "duration":
        return KeyResultKind.DURATION, None
    if lowered == "milestone":
        return KeyResultKind.MILESTONE, None
    return KeyResultKind.NUMBER, None


def _value(kind: KeyResultKind, text: str, column: str) -> Decimal:
    if not text:
        raise ValueError(f"{column} is empty")
    if kind is KeyResultKind.MILESTONE:
        done = _MILESTONE.get(text.casefold())
        if done is None:
            raise ValueError(f"{column} {text!r} is not 'done' or 'not done'")
        return Decimal(1 if done else 0)
    if kind is KeyResultKind.DURATION and ":" in text:
        try:
            return parse_duration(text)
        except ValueFormatError as exc:
            raise ValueError(f"{column}: {exc}") from None
    if not _NUMBER.match(text.replace("_", "")):
        raise ValueError(f"{column} {text!r} is not a number (write 12000000 or 12.5)")
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if len(value.as_tuple().digits) > 18:
        raise ValueError(f"{column} {text!r} has too many digits")
    return value


def _enum[E: (Level, ObjectiveType)](cls: type[E], text: str, column: str) -> E:
    try:
        return cls(text.casefold())
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"{column} {text!r} is not one of: {allowed}") from None


def _looks_like_email(text: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+", text))


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


# -- export --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyResultReport:
    """What the export says about a key result beyond its definition."""

    key_result: KeyResult
    owner_email: str
    progress: float | None
    status: str
    checkins: int
    last_checkin: datetime | None


def write_csv(
    objectives: list[tuple[Objective, str, str, list[KeyResultReport]]],
) -> str:
    """Export rows: ``(objective, owner e-mail, parent title, key results)`` each."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, *REPORT_COLUMNS))
    for objective, owner_email, parent_title, reports in objectives:
        head = (
            objective.title,
            owner_email,
            objective.level.value,
            objective.period.label,
            objective.type.value,
            parent_title,
        )
        if not reports:
            writer.writerow((*head, *[""] * (len(_KR_COLUMNS) + len(REPORT_COLUMNS))))
        for report in reports:
            kr = report.key_result
            writer.writerow(
                (
                    *head,
                    kr.title,
                    report.owner_email,
                    _format_value(kr.kind, kr.start),
                    _format_value(kr.kind, kr.target),
                    _unit_cell(kr),
                    _format_value(kr.kind, kr.current),
                    "" if report.progress is None else f"{report.progress:.2f}",
                    report.status,
                    str(report.checkins),
                    "" if report.last_checkin is None else report.last_checkin.isoformat(),
                )
            )
    return out.getvalue()


def _unit_cell(kr: KeyResult) -> str:
    match kr.kind:
        case KeyResultKind.PERCENTAGE:
            return "%"
        case KeyResultKind.CURRENCY:
            return kr.currency or kr.unit
        case KeyResultKind.DURATION:
            return "duration"
        case KeyResultKind.MILESTONE:
            return "milestone"
        case KeyResultKind.NUMBER:
            return kr.unit


def _format_value(kind: KeyResultKind, value: Decimal) -> str:
    if kind is KeyResultKind.MILESTONE:
        return "done" if value >= 1 else "not done"
    if kind is KeyResultKind.DURATION:
        return format_duration(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
