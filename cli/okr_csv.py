"""OKRs as CSV: read and validate an import file, write an export.

One row per key result (an objective without key results has one row with the
key-result columns empty). Owners are e-mail addresses or UPNs. Numbers are
plain (``12000000``, ``12.5``), durations ``m:ss`` or ``h:mm:ss``, milestones
``done``/``not done``. The ``unit`` column decides the kind of a key result:
``%`` → percentage, an ISO 4217 code (``USD``, ``VND``) → currency,
``duration`` → duration, ``milestone`` → milestone, anything else → a number
with that unit. Export adds read-only report columns that import ignores.

A closed objective (the period close, docs/close.md) carries ``score``,
``closing_note``, ``closed_at`` (ISO 8601 with its offset) and ``closed_by``
(an e-mail/UPN or a member id) on each of its rows, and each key result its
``kr_score``. These columns are optional on import: a file without them (or
with them empty) imports active objectives, so a closed quarter round-trips
and older files still import.

An objective is identified by its title (case and spacing aside), its period
(its days) and its team. Text cells that a spreadsheet could run as a formula
are quoted on export and unquoted on import (:mod:`cli.formulas`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from cli.formulas import neutralise, restore
from okr.closing import MAX_NOTE
from okr.models import KeyResult, KeyResultKind, Level, Objective, ObjectiveType
from okr.periods import Period, PeriodError, parse_period
from okr.scoring import ScoreError, parse_score
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
CLOSE_COLUMNS = ("score", "closing_note", "closed_at", "closed_by", "kr_score")
# Columns the export fills from numbers it formats itself (never from anyone's
# text): a negative start or target stays a number there. Every other cell is
# text and is neutralised (see cli.formulas).
NUMBER_COLUMNS = frozenset(
    {
        "start",
        "target",
        "current",
        "progress",
        "checkins",
        "last_checkin",
        "score",
        "closed_at",
        "kr_score",
    }
)
_KR_COLUMNS = ("key_result", "kr_owner", "start", "target", "unit", "current")
_MAX_TEXT = 500
_MAX_NOTE = MAX_NOTE
_MEMBER_ID = re.compile(r"^\d+:[^\s,]+$")  # a Teams user id, e.g. 29:1-abc
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
    score: Decimal | None = None  # kr_score, on a closed objective


@dataclass(frozen=True, slots=True)
class ClosedRow:
    """How a closed objective was closed, as read from its rows.

    ``closed_by`` is as written: an e-mail/UPN (case-folded) or a member id.
    """

    score: Decimal
    note: str
    closed_at: datetime
    closed_by: str


# What identifies an objective within a team: title key, first and last day.
ObjectiveKey = tuple[str, date, date]


def title_key(title: str) -> str:
    """How titles are compared: composed Unicode (NFC), case-folded, single spaces.

    "Tăng doanh thu" typed on a Mac (decomposed accents) and in Excel (composed)
    is the same title.
    """
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


def objective_key(title: str, period: Period) -> ObjectiveKey:
    """The identity of an objective within its team: (title, period)."""
    return title_key(title), period.start, period.end


@dataclass(frozen=True, slots=True)
class ObjectiveRows:
    """An objective as read from the CSV, with its key results in file order.

    ``parent`` is the key of the objective it aligns to when that objective is
    in the file; otherwise ``parent_title`` names a stored one (or is empty).
    """

    line: int
    title: str
    owner_email: str
    level: Level
    period: Period
    type: ObjectiveType
    parent_title: str
    key_results: tuple[KeyResultRow, ...]
    parent: ObjectiveKey | None = None
    closed: ClosedRow | None = None

    @property
    def key(self) -> ObjectiveKey:
        """This objective's identity within its team."""
        return objective_key(self.title, self.period)


def read_csv(text: str, fiscal_year_start_month: int = 1) -> list[ObjectiveRows]:
    """Parse and validate a whole import file.

    Parents that name an objective of the file are resolved here (to
    ``ObjectiveRows.parent``); the others are left for the importer to find
    among stored objectives.

    Raises:
        CsvError: with every problem found, each with its line number; the
            caller must then write nothing.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    problems: list[tuple[int, str]] = []
    objectives: dict[ObjectiveKey, ObjectiveRows] = {}
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CsvError([(1, f"missing column(s): {', '.join(missing)}")])
        for row in reader:
            _add_row(row, reader.line_num, fiscal_year_start_month, objectives, problems)
    except csv.Error as exc:
        # line_num counts the lines of the records read whole: the bad one starts after them.
        raise CsvError([(reader.line_num + 1, _csv_error(exc))]) from None
    problems += _resolve_parents(objectives)
    if problems:
        raise CsvError(sorted(problems))
    return list(objectives.values())


def _csv_error(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return f"a cell is longer than {limit:,} characters: this is not an OKR file"
    return f"not a valid CSV file ({exc})"


def _add_row(
    row: dict[str, str | None],
    line: int,
    fiscal_year_start_month: int,
    objectives: dict[ObjectiveKey, ObjectiveRows],
    problems: list[tuple[int, str]],
) -> None:
    if all(not (v or "").strip() for v in row.values() if isinstance(v, str)):
        return  # blank line
    try:
        objective, key_result = _read_row(row, line, fiscal_year_start_month)
    except ValueError as exc:
        problems.append((line, str(exc)))
        return
    seen = objectives.get(objective.key)
    if seen is None:
        objectives[objective.key] = seen = objective
    elif (seen.owner_email, seen.level, seen.type, title_key(seen.parent_title), seen.closed) != (
        objective.owner_email,
        objective.level,
        objective.type,
        title_key(objective.parent_title),
        objective.closed,
    ):
        problems.append((line, f"objective {objective.title!r} differs from line {seen.line}"))
        return
    if key_result is not None:
        objectives[objective.key] = replace(seen, key_results=(*seen.key_results, key_result))


def pick_parent[T](candidates: Sequence[T], in_period: Callable[[T], bool]) -> T | None:
    """The parent a title names: the only candidate, or the only one in the child's period.

    None when there is no candidate or several (the caller says which).
    """
    if len(candidates) == 1:
        return candidates[0]
    same_period = [c for c in candidates if in_period(c)]
    return same_period[0] if len(same_period) == 1 else None


def _resolve_parents(objectives: dict[ObjectiveKey, ObjectiveRows]) -> list[tuple[int, str]]:
    """Point each objective at its parent in the file; refuse ambiguity and cycles.

    Stored objectives never align to new ones, so a cycle can only run through
    the file's own objectives.
    """
    problems: list[tuple[int, str]] = []
    by_title: dict[str, list[ObjectiveRows]] = {}
    for objective in objectives.values():
        by_title.setdefault(title_key(objective.title), []).append(objective)
    for key, objective in objectives.items():
        if not objective.parent_title:
            continue
        named = by_title.get(title_key(objective.parent_title), [])
        candidates = [c for c in named if c.key != key]
        chosen = pick_parent(candidates, _in_period_of(key))
        if chosen is not None:
            objectives[key] = replace(objective, parent=chosen.key)
        elif candidates:
            problems.append(
                (
                    objective.line,
                    f"parent {objective.parent_title!r} is ambiguous: "
                    f"the file has it in {len(candidates)} periods",
                )
            )
    parent_of = {k: o.parent for k, o in objectives.items() if o.parent is not None}
    for key, objective in objectives.items():
        if _aligns_back(key, parent_of):
            problems.append(
                (objective.line, f"objective {objective.title!r} aligns back to itself")
            )
    return problems


def _in_period_of(key: ObjectiveKey) -> Callable[[ObjectiveRows], bool]:
    return lambda candidate: candidate.key[1:] == key[1:]


def _aligns_back(key: ObjectiveKey, parent_of: dict[ObjectiveKey, ObjectiveKey]) -> bool:
    seen = {key}
    current = parent_of.get(key)
    while current is not None:
        if current in seen:
            return current == key
        seen.add(current)
        current = parent_of.get(current)
    return False


def _read_row(
    row: dict[str, str | None], line: int, fiscal_year_start_month: int
) -> tuple[ObjectiveRows, KeyResultRow | None]:
    cell = {c: _text(restore(row.get(c) or "")) for c in COLUMNS}
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
        closed=_read_closed(row),
    )
    kr_score = _score(_text(restore(row.get("kr_score") or "")), "kr_score")
    if kr_score is not None and objective.closed is None:
        raise ValueError("kr_score is filled but the objective is not closed (no score)")
    if not any(cell[c] for c in _KR_COLUMNS):
        if kr_score is not None:
            raise ValueError("kr_score is filled on a row without a key result")
        return objective, None
    return objective, replace(_read_key_result(cell, line), score=kr_score)


def _read_closed(row: dict[str, str | None]) -> ClosedRow | None:
    """The close columns of a row, checked; None when the objective is not closed."""
    score = _score(_text(restore(row.get("score") or "")), "score")
    note = restore(row.get("closing_note") or "").strip()
    closed_at = _text(row.get("closed_at") or "")
    closed_by = _text(restore(row.get("closed_by") or ""))
    if score is None and not (note or closed_at or closed_by):
        return None
    if score is None or not closed_at:
        raise ValueError("a closed objective needs both score and closed_at")
    if len(note) > _MAX_NOTE:
        raise ValueError(f"closing_note is longer than {_MAX_NOTE} characters")
    try:
        when = datetime.fromisoformat(closed_at)
    except ValueError:
        raise ValueError(f"closed_at {closed_at!r} is not an ISO 8601 date and time") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"closed_at {closed_at!r} has no offset (write 2027-01-04T10:00:00+00:00)")
    if closed_by and not (_looks_like_email(closed_by) or _MEMBER_ID.match(closed_by)):
        raise ValueError(f"closed_by {closed_by!r} is not an e-mail/UPN or a member id")
    return ClosedRow(score, note, when, closed_by.casefold() if "@" in closed_by else closed_by)


def _score(text: str, column: str) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_score(text)
    except ScoreError:
        raise ValueError(
            f"{column} {text!r} is not a score from 0.0 to 1.0 in steps of 0.1"
        ) from None


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


def _text(value: str) -> str:
    return " ".join(value.split())


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
    emails: Mapping[str, str] | None = None,
) -> str:
    """Export rows: ``(objective, owner e-mail, parent title, key results)`` each.

    ``emails`` gives people's e-mail by member id, for ``closed_by`` (a member
    id is written when none is known). Text cells that could start a formula
    are neutralised (:mod:`cli.formulas`).
    """
    known = emails or {}
    header = (*COLUMNS, *REPORT_COLUMNS, *CLOSE_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)

    def write(cells: Sequence[str]) -> None:
        writer.writerow(
            c if name in NUMBER_COLUMNS else neutralise(c)
            for name, c in zip(header, cells, strict=True)
        )

    for objective, owner_email, parent_title, reports in objectives:
        head = (
            objective.title,
            owner_email,
            objective.level.value,
            objective.period.label,
            objective.type.value,
            parent_title,
        )
        closed = (
            "" if objective.score is None else f"{objective.score:.1f}",
            objective.closing_note,
            "" if objective.closed_at is None else objective.closed_at.isoformat(),
            known.get(objective.closed_by, objective.closed_by) if objective.closed_by else "",
        )
        if not reports:
            write((*head, *[""] * (len(_KR_COLUMNS) + len(REPORT_COLUMNS)), *closed, ""))
        for report in reports:
            kr = report.key_result
            write(
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
                    *closed,
                    "" if kr.score is None else f"{kr.score:.1f}",
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
