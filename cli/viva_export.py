"""Reading a Viva Goals export: a ZIP of JSON arrays, read tolerantly.

There is no Microsoft specification of the export. The file and field names
here are those independent importers written against real exports agree on
(docs/migrate-from-viva-goals.md lists them). Files are matched by a fragment
of their name, without case: ``TimePeriods``, ``Teams``, ``Users``,
``objectives``, ``checkins`` and, when present, ``comments``; several files
with one fragment (an export split in parts) are read one after another.

Tolerant means:

* numbers may be JSON numbers or strings, with thousands separators
  (``"1,200,000"``, ``"1 200 000"``, ``"1.200.000,5"``) or a percent sign;
* any field may be missing or null;
* notes may be HTML: the text is kept, not the markup (:func:`plain_text`);
* an entry that is not an object, or has no ``ID``, is skipped and reported.

Nothing here knows the bot's domain: :mod:`cli.viva_mapping` decides what each
item becomes.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# Which file holds what: the first fragment a file's name contains wins, so
# "objective_checkins.json" is check-ins, not objectives.
_FRAGMENTS = ("checkins", "comments", "timeperiods", "teams", "users", "objectives")


class ExportError(ValueError):
    """The file is not a Viva Goals export this command can read; nothing was imported."""


@dataclass(frozen=True, slots=True)
class VivaPerson:
    """Someone an export names: an owner, a check-in's author. ``email`` is case-folded."""

    id: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class VivaOutcome:
    """How a measured item is measured.

    Attributes:
        type: ``Percentage`` or ``Metric`` (as exported).
        target_type: ``Increase From``, ``Decrease From``, ``Reach``,
            ``Keep below``, ``Maintain at``, ... (as exported).
    """

    type: str
    metric_name: str
    unit: str
    start: Decimal | None
    target: Decimal | None
    target_type: str


@dataclass(frozen=True, slots=True)
class VivaItem:
    """One OKR item of the ``objectives`` file, whatever its kind.

    Attributes:
        type_name: ``Type`` as exported, in the organisation's own terms.
        parent_ids: ``Parent IDs``, in the export's order.
        weights: ``Alignment`` entries: the id of the item at the other end
            of the alignment, and its weight as a fraction (``"40%"`` → 0.4),
            None when not given.
        progress: ``Progress``, 0 to 100.
        progress_mode: ``Progress and Status Configuration.Progress``
            ("Update from Children", "Update Manually").
        kept_aside: Names of the fields this item has that do not come over
            (phased targets, permissions, ...).
    """

    id: str
    title: str
    type_name: str
    description: str
    owners: tuple[VivaPerson, ...]
    team_ids: tuple[str, ...]
    period_id: str
    period_name: str
    start: date | None
    end: date | None
    parent_ids: tuple[str, ...]
    weights: tuple[tuple[str, Decimal | None], ...]
    children: tuple[str, ...]
    progress_mode: str
    progress: Decimal | None
    status: str
    outcome: VivaOutcome | None
    score: Decimal | None
    goal_type: str
    created_at: datetime | None
    last_checkin: datetime | None
    kept_aside: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VivaCheckIn:
    """One check-in of the ``checkins`` file."""

    id: str
    okr_id: str
    at: datetime | None
    author: VivaPerson | None
    note: str
    status: str
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class VivaTeam:
    """One team of the ``Teams`` file."""

    id: str
    name: str
    parent: str
    type: str
    status: str


@dataclass(frozen=True, slots=True)
class VivaPeriod:
    """One time period of the ``TimePeriods`` file."""

    id: str
    name: str
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry that could not be read (or will not be imported), and why."""

    what: str  # e.g. "objectives entry 12", "check-in 881"
    reason: str


@dataclass(frozen=True, slots=True)
class VivaExport:
    """Everything read from one export."""

    items: tuple[VivaItem, ...]
    checkins: tuple[VivaCheckIn, ...]
    teams: tuple[VivaTeam, ...]
    periods: tuple[VivaPeriod, ...]
    users: tuple[VivaPerson, ...]
    comments: int  # how many comments the export holds (none come over)
    files: tuple[str, ...]  # the files read, for the summary
    unread: tuple[Skipped, ...] = field(default=())


def read_export(path: Path) -> VivaExport:
    """Read the ZIP at ``path``.

    Raises:
        ExportError: not a ZIP, no ``objectives`` file, or a file that is not
            a JSON array.
        OSError: the file cannot be read.
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ExportError(f"{path} is not a ZIP file (Viva Goals exports are ZIPs)") from None
    with archive:
        arrays: dict[str, list[Any]] = {}
        files: list[str] = []
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not name.lower().endswith(".json") or name.startswith("."):
                continue
            fragment = next((f for f in _FRAGMENTS if f in name.lower()), None)
            if fragment is None:
                continue
            arrays.setdefault(fragment, []).extend(_json_array(archive, info))
            files.append(info.filename)
    return parse_export(arrays, tuple(files))


def parse_export(arrays: Mapping[str, list[Any]], files: tuple[str, ...] = ()) -> VivaExport:
    """An export from its arrays, by file fragment (``objectives``, ``checkins``, ...).

    Raises:
        ExportError: there is no ``objectives`` array.
    """
    if "objectives" not in arrays:
        raise ExportError("the export has no objectives file (a JSON file named *objectives*)")
    unread: list[Skipped] = []
    users = tuple(_read_all(arrays.get("users", []), "Users", _person, unread))
    emails = {u.id: u.email for u in users if u.email}
    items = tuple(_read_all(arrays["objectives"], "objectives", lambda o: _item(o, emails), unread))
    checkins = tuple(
        _read_all(arrays.get("checkins", []), "checkins", lambda o: _checkin(o, emails), unread)
    )
    teams = tuple(_read_all(arrays.get("teams", []), "Teams", _team, unread))
    periods = tuple(_read_all(arrays.get("timeperiods", []), "TimePeriods", _period, unread))
    return VivaExport(
        items=items,
        checkins=checkins,
        teams=teams,
        periods=periods,
        users=users,
        comments=len(arrays.get("comments", [])),
        files=files,
        unread=tuple(unread),
    )


def _json_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[Any]:
    try:
        data = json.loads(archive.read(info).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{info.filename} is not JSON text ({exc})") from None
    if isinstance(data, dict):  # some exports wrap the array: {"value": [...]}
        arrays = [v for v in data.values() if isinstance(v, list)]
        data = arrays[0] if len(arrays) == 1 else data
    if not isinstance(data, list):
        raise ExportError(f"{info.filename} is not a JSON array")
    return data


def _read_all[T](
    entries: list[Any], file: str, read: Callable[[dict[str, Any]], T], unread: list[Skipped]
) -> list[T]:
    found: list[T] = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            unread.append(Skipped(f"{file} entry {position}", "not a JSON object"))
            continue
        if _id(entry.get("ID")) == "":
            unread.append(Skipped(f"{file} entry {position}", "it has no ID"))
            continue
        found.append(read(entry))
    return found


# -- entries -----------------------------------------------------------------------


def _item(entry: dict[str, Any], emails: Mapping[str, str]) -> VivaItem:
    period = _mapping(entry.get("Time Period"))
    config = _mapping(entry.get("Progress and Status Configuration"))
    outcome = _mapping(entry.get("Outcome"))
    kept_aside = tuple(
        name
        for name in ("Phased Targets", "Check-in Owners", "Delegated To", "Permissions")
        if entry.get(name)
    )
    if _text(config.get("Data Source")) not in ("", "Manual", "None"):
        kept_aside += ("Data Source",)
    return VivaItem(
        id=_id(entry.get("ID")),
        title=_text(entry.get("Title")),
        type_name=_text(entry.get("Type")),
        description=plain_text(_raw(entry.get("Description"))),
        owners=tuple(_people(entry.get("Owner"), emails)),
        team_ids=tuple(_id(t.get("ID")) for t in _list(entry.get("Teams")) if isinstance(t, dict)),
        period_id=_id(period.get("ID")),
        period_name=_text(period.get("Name")),
        start=parse_day(entry.get("Start Date")),
        end=parse_day(entry.get("End Date")),
        parent_ids=tuple(p for p in (_id(x) for x in _list(entry.get("Parent IDs"))) if p),
        weights=tuple(
            (_id(a.get("ID")), parse_weight(a.get("Weight")))
            for a in _list(entry.get("Alignment"))
            if isinstance(a, dict) and _id(a.get("ID"))
        ),
        children=tuple(
            _id(c.get("ID") if isinstance(c, dict) else c)
            for c in _list(entry.get("Children"))
            if _id(c.get("ID") if isinstance(c, dict) else c)
        ),
        progress_mode=_text(config.get("Progress")),
        progress=parse_number(entry.get("Progress")),
        status=_text(entry.get("Status")),
        outcome=_outcome(outcome) if outcome else None,
        score=parse_number(entry.get("Score")),
        goal_type=_text(entry.get("Goal Type")),
        created_at=parse_instant(entry.get("Created At")),
        last_checkin=parse_instant(entry.get("Last Check-in")),
        kept_aside=kept_aside,
    )


def _outcome(outcome: Mapping[str, Any]) -> VivaOutcome:
    return VivaOutcome(
        type=_text(outcome.get("Outcome Type")),
        metric_name=_text(outcome.get("Metric Name")),
        unit=_text(outcome.get("Metric Unit")),
        start=parse_number(outcome.get("Start")),
        target=parse_number(outcome.get("Target")),
        target_type=_text(outcome.get("Target Type")),
    )


def _checkin(entry: dict[str, Any], emails: Mapping[str, str]) -> VivaCheckIn:
    note = entry.get("Check In Note")
    if isinstance(note, dict):
        html = _raw(note.get("Check In Note HTML"))
        text = plain_text(html) if html.strip() else _note(_raw(note.get("Check In Note")))
    else:
        text = plain_text(_raw(note))
    authors = _people([entry.get("Check In Owner")], emails)
    return VivaCheckIn(
        id=_id(entry.get("ID")),
        okr_id=_id(entry.get("OKR ID")),
        at=parse_instant(entry.get("CheckIn Date")) or parse_instant(entry.get("Activity Date")),
        author=authors[0] if authors else None,
        note=text,
        status=_text(entry.get("Status")),
        value=parse_number(entry.get("Current Value")),
    )


def _team(entry: dict[str, Any]) -> VivaTeam:
    parent = entry.get("Parent Team")
    parent_text = _text(parent.get("Name") if isinstance(parent, dict) else parent)
    return VivaTeam(
        id=_id(entry.get("ID")),
        name=_text(entry.get("Team Name")),
        parent=parent_text,
        type=_text(entry.get("Team Type")),
        status=_text(entry.get("Status")),
    )


def _period(entry: dict[str, Any]) -> VivaPeriod:
    return VivaPeriod(
        id=_id(entry.get("ID")),
        name=_text(entry.get("Time Period Name")),
        start=parse_day(entry.get("Start Date")),
        end=parse_day(entry.get("End Date")),
    )


def _person(entry: Mapping[str, Any]) -> VivaPerson:
    return VivaPerson(
        id=_id(entry.get("ID")),
        name=_text(entry.get("Name")),
        email=_text(entry.get("Email")).casefold(),
    )


def _people(value: Any, emails: Mapping[str, str]) -> list[VivaPerson]:
    """People of a list (or a single object); an e-mail missing here is taken from Users."""
    found = []
    for entry in _list(value) if isinstance(value, list) else [value]:
        if not isinstance(entry, dict):
            continue
        person = _person(entry)
        if not person.email and person.id in emails:
            person = VivaPerson(person.id, person.name, emails[person.id])
        if person.id or person.email:
            found.append(person)
    return found


# -- values ------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f'_]")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_number(value: Any) -> Decimal | None:
    """A number as exported: JSON number, or text with separators; None when absent or not one.

    ``"1,200,000"`` and ``"1 200 000"`` are 1200000; ``"1.200.000,5"`` is
    1200000.5; ``"12,5"`` (one comma, not three digits after it) is 12.5;
    ``"45%"`` is 45.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value)).rstrip("%")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    elif _GROUPED_DOTS.match(text) and (text.count(".") > 1 or "," in text):
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if len(number.as_tuple().digits) <= 18 else None


def parse_weight(value: Any) -> Decimal | None:
    """An alignment weight as a fraction: ``"40%"``, ``"40"`` and ``0.4`` are all 0.4."""
    number = parse_number(value)
    if number is None or number < 0:
        return None
    percent = isinstance(value, str) and "%" in value
    return number / 100 if percent or number > 1 else number


_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p")


def parse_instant(value: Any) -> datetime | None:
    """An aware instant from ISO 8601 (``Z`` or an offset; none means UTC) or ``MM/DD/YYYY``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for shape in (*_FORMATS, "%m/%d/%Y"):
            try:
                moment = datetime.strptime(text, shape)  # naive: UTC below
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_day(value: Any) -> date | None:
    """The calendar day a date or date-time names, as written (no time-zone shift)."""
    moment = parse_instant(value)
    return moment.date() if moment is not None else None


def _id(value: Any) -> str:
    if isinstance(value, bool | dict | list) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _raw(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _note(text: str) -> str:
    """A plain-text note: lines kept, spaces within a line collapsed."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    return "\n".join(_squeeze(lines))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- HTML notes --------------------------------------------------------------------

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
)
_HIDDEN = frozenset({"script", "style", "head", "title"})


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment, a line per block, list items as "- "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self._new_line()
            if tag == "li":
                self.lines[-1] = "- "

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._new_line()

    def _new_line(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += data


def plain_text(html: str) -> str:
    """The text of an HTML note: tags dropped, entities decoded, a line per paragraph.

    ``<p>Tăng <b>20%</b> &amp; hơn</p><ul><li>một</li></ul>`` becomes
    ``Tăng 20% & hơn`` and ``- một`` on two lines. Text that is not HTML
    comes back as it was (spaces collapsed within lines).
    """
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return _note(html)
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in parser.lines]
    return unicodedata.normalize("NFC", "\n".join(_squeeze(lines)))


def _squeeze(lines: list[str]) -> list[str]:
    """Lines without leading, trailing or repeated empty ones."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return [line for line in kept if line != "-"]
