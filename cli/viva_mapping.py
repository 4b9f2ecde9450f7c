"""What a Viva Goals export becomes here: objectives, key results, initiatives, KPIs, check-ins.

Pure: an export (:mod:`cli.viva_export`) and what the tenant already holds in,
a :class:`VivaPlan` out; :mod:`cli.viva_import` reads and writes. Every
decision is listed in docs/migrate-from-viva-goals.md; in short:

* **Kinds** per ``Type`` name: ``--types`` first, then the names Viva Goals
  let admins choose (Objective, Goal, Theme, Big Rock / Key Result, Metric,
  Result / Initiative, Project, To Do, Deliverable, Milestone, Action), then
  the structure of the items with that name (an item with an ``Outcome`` under
  another item is a key result). A key result whose target type is
  "Maintain…" becomes a KPI: the domain has KPIs, and no key result with a
  tolerance.
* **Ids** are derived from the tenant and the Viva Goals ``ID``, so a second
  run, or the rest of an interrupted one, finds what the first created.
* **Periods** from their first and last days (:func:`okr.periods.period_of_days`).
* **Owners** by e-mail, without case; people the bot has not met become
  pending owners, as with the CSV import.
* **One parent**: the domain aligns an objective to one parent. The first of
  ``Parent IDs`` that is imported is kept (a warning names the others); a
  cycle is refused, a parent outside the export is dropped with a warning
  (or linked, when an earlier import of another export stored it).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from babel.numbers import list_currencies

from cli.viva_export import Skipped, VivaCheckIn, VivaExport, VivaItem, VivaOutcome
from okr.authoring import DESCRIPTION_MAX, TITLE_MAX, UNIT_MAX
from okr.models import (
    VIVA_GOALS,
    CheckIn,
    CheckInStatus,
    Comparison,
    Initiative,
    InitiativeState,
    KeyResult,
    KeyResultKind,
    Kpi,
    Level,
    Objective,
    ObjectiveState,
    ObjectiveType,
    PendingOwner,
)
from okr.periods import Period, PeriodError, period_of_days
from okr.scoring import SCORE_STEP
from storage.store import Creatable

NOTE_MAX = 1000  # a check-in note's length here (a card shows it; Viva notes can be pages)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


class Kind(StrEnum):
    """What a Viva Goals item becomes."""

    OBJECTIVE = "objective"
    KEY_RESULT = "key_result"
    INITIATIVE = "initiative"
    KPI = "kpi"


# The names Viva Goals let admins give each kind ("Outcome" was offered for
# both objectives and key results, so it is left to the structure).
_NAMES = {
    **dict.fromkeys(("objective", "goal", "theme", "big rock"), Kind.OBJECTIVE),
    **dict.fromkeys(("key result", "metric", "result"), Kind.KEY_RESULT),
    **dict.fromkeys(
        ("initiative", "project", "to do", "todo", "deliverable", "milestone", "action", "task"),
        Kind.INITIATIVE,
    ),
}

_STATUSES = {
    "on track": CheckInStatus.ON_TRACK,
    "at risk": CheckInStatus.AT_RISK,
    "behind": CheckInStatus.OFF_TRACK,
    "off track": CheckInStatus.OFF_TRACK,
}
_DECREASING = ("decrease", "keep below", "at most", "below", "reduce")
_INCREASING = ("increase", "reach", "keep above", "at least", "above", "achieve", "grow")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₫": "VND", "₹": "INR", "đ": "VND"}
_CURRENCIES = frozenset(list_currencies())


class TypesError(ValueError):
    """``--types`` is malformed (the message says where)."""


def parse_types(text: str) -> dict[str, Kind]:
    """``"Big rock=objective,Kpi=key_result"`` as {type name (case-folded): kind}.

    Raises:
        TypesError: a pair without ``=``, or a kind that is not one of ours.
    """
    found: dict[str, Kind] = {}
    for pair in (p for p in text.split(",") if p.strip()):
        name, sep, kind = pair.partition("=")
        if not sep or not name.strip():
            raise TypesError(f"--types: {pair.strip()!r} is not NAME=KIND")
        try:
            found[" ".join(name.split()).casefold()] = Kind(kind.strip().casefold())
        except ValueError:
            allowed = ", ".join(k.value for k in Kind)
            raise TypesError(f"--types: {kind.strip()!r} is not one of: {allowed}") from None
    return found


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """How one ``Type`` name maps, and why ("--types", "name" or "structure")."""

    type_name: str
    kind: Kind
    because: str
    items: int


@dataclass(frozen=True, slots=True)
class PeriodUse:
    """A period the import uses: the Viva name, ours, and how many objectives are in it."""

    viva_name: str
    period: Period
    objectives: int


@dataclass(frozen=True, slots=True)
class TeamUse:
    """A Viva Goals team items name, the Teams team it maps to (None: unmapped)."""

    viva_id: str
    name: str
    team_id: str | None
    items: int
    suggested: str = ""  # a stored team with the same name, for the --teams template


@dataclass(frozen=True, slots=True)
class Context:
    """What the plan needs to know about the tenant.

    Attributes:
        members: Member id by e-mail/UPN (case-folded).
        teams: Viva Goals team id -> Teams team id (from ``--teams``).
        team_names: Stored Teams team id -> name (to suggest a mapping).
        types: ``--types``: kind by type name (case-folded).
        stored_owners: Stored objectives' and key results' owner by id (for
            pending owners: only a thing without an owner gets one).
    """

    tenant_id: str
    fiscal_year_start_month: int = 1
    members: Mapping[str, str] = field(default_factory=dict)
    teams: Mapping[str, str] = field(default_factory=dict)
    team_names: Mapping[str, str] = field(default_factory=dict)
    types: Mapping[str, Kind] = field(default_factory=dict)
    stored_owners: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VivaPlan:
    """What an import would write, and everything the summary says.

    Attributes:
        entities: What to create, in write order: each objective after its
            parent; each key result after its check-ins (so a key result
            appears with its history whole); pending owners after what they own.
        skipped: Items and check-ins that will not come over, and why.
        warnings: What comes over differently than in Viva Goals, and why.
    """

    entities: tuple[Creatable, ...]
    types: tuple[TypeMapping, ...]
    periods: tuple[PeriodUse, ...]
    teams: tuple[TeamUse, ...]
    owners_matched: tuple[str, ...]
    owners_pending: tuple[tuple[str, int], ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[Skipped, ...]
    comments: int
    kept_aside: tuple[tuple[str, int], ...] = ()  # fields that do not come over, how many items

    def count(self, cls: type) -> int:
        """How many entities of ``cls`` the plan holds."""
        return sum(1 for e in self.entities if type(e) is cls)


def viva_id(tenant_id: str, kind: str, source_id: str) -> str:
    """The id an imported item gets: the same for the same tenant and Viva Goals ``ID``."""
    # 32 hex digits, the shape of storage.ids.new_id; the separator cannot occur in an id.
    return hashlib.sha256("\x1f".join(("viva", tenant_id, kind, source_id)).encode()).hexdigest()[
        :32
    ]


def plan(export: VivaExport, context: Context) -> VivaPlan:
    """Decide what every item of ``export`` becomes; writes nothing."""
    return _Planner(export, context).plan()


class _Planner:
    def __init__(self, export: VivaExport, context: Context) -> None:
        self.export = export
        self.context = context
        self.tenant_id = context.tenant_id
        self.skipped: list[Skipped] = list(export.unread)
        self.warnings: list[Skipped] = []
        self.items: dict[str, VivaItem] = {}
        for item in export.items:
            if item.id in self.items:
                self.skipped.append(Skipped(_name(item), "its ID is used twice in the export"))
            else:
                self.items[item.id] = item
        self.periods = {p.id: p for p in export.periods}
        self.viva_teams = {t.id: t for t in export.teams}
        self.checkins: dict[str, list[VivaCheckIn]] = defaultdict(list)
        self.kind: dict[str, Kind] = {}
        self.parent: dict[str, str | None] = {}  # chosen parent among imported items
        self.stored_parent: dict[str, str] = {}  # objective id stored by an earlier import
        self.objective_of: dict[str, str] = {}  # item id -> the objective item it belongs to
        self.team_of: dict[str, str | None] = {}
        self.matched: set[str] = set()
        self.pending: Counter[str] = Counter()
        self.period_uses: Counter[tuple[str, Period]] = Counter()
        self.team_uses: Counter[str] = Counter()
        self.above: dict[str, str | None] = {}
        self.measured_children: dict[str, list[VivaItem]] = defaultdict(list)
        self.refused: set[str] = set()

    # -- the whole plan -----------------------------------------------------------------

    def plan(self) -> VivaPlan:
        types = self._decide_types()
        self._refuse_cycles()
        self._choose_parents()
        self._index_measured_children()
        self._read_checkins()
        entities: list[Creatable] = []
        objectives = self._objectives_parents_first()
        built: dict[str, Objective] = {}
        for item in objectives:
            objective = self._objective(item, built)
            if objective is None:
                continue
            built[item.id] = objective
            entities.append(objective)
            entities += self._pending_owner(item, objective, None)
        for item in self.items.values():
            kind = self.kind.get(item.id)
            if kind is Kind.KEY_RESULT:
                entities += self._key_result(item, built)
        for item in self.items.values():
            kind = self.kind.get(item.id)
            if kind is Kind.INITIATIVE:
                entities += self._initiative(item, built)
            elif kind is Kind.KPI:
                entities += self._kpi(item, built)
        entities = _grouped_by_objective(entities)
        return VivaPlan(
            entities=tuple(entities),
            types=types,
            periods=tuple(
                PeriodUse(name, period, n)
                for (name, period), n in sorted(
                    self.period_uses.items(), key=lambda u: (u[0][1].start, u[0][1].end, u[0][0])
                )
            ),
            teams=self._team_uses(),
            owners_matched=tuple(sorted(self.matched)),
            owners_pending=tuple(sorted(self.pending.items())),
            skipped=tuple(self.skipped),
            warnings=tuple(self.warnings),
            comments=self.export.comments,
            kept_aside=tuple(
                sorted(Counter(n for i in self.items.values() for n in i.kept_aside).items())
            ),
        )

    # -- kinds ----------------------------------------------------------------------

    def _decide_types(self) -> tuple[TypeMapping, ...]:
        by_name: dict[str, list[VivaItem]] = defaultdict(list)
        for item in self.items.values():
            by_name[item.type_name].append(item)
        decided: dict[str, TypeMapping] = {}
        for name, items in by_name.items():
            folded = name.casefold()
            if folded in self.context.types:
                decided[name] = TypeMapping(name, self.context.types[folded], "--types", len(items))
            elif folded in _NAMES:
                decided[name] = TypeMapping(name, _NAMES[folded], "name", len(items))
            else:
                votes = Counter(self._shape(item) for item in items)
                kind = max(votes, key=lambda k: (votes[k], k is Kind.OBJECTIVE))
                decided[name] = TypeMapping(name, kind, "structure", len(items))
        for item in self.items.values():
            kind = decided[item.type_name].kind
            if kind is Kind.KEY_RESULT and _maintains(item.outcome):
                kind = Kind.KPI
            self.kind[item.id] = kind
        return tuple(sorted(decided.values(), key=lambda t: t.type_name.casefold()))

    def _shape(self, item: VivaItem) -> Kind:
        """The kind an item's place suggests: measured under something → key result."""
        has_parent = any(p in self.items for p in item.parent_ids)
        measured = item.outcome is not None and (
            item.outcome.target is not None or item.outcome.type.casefold() == "percentage"
        )
        if measured and has_parent:
            return Kind.KEY_RESULT
        if not has_parent or item.children or self._has_children(item.id):
            return Kind.OBJECTIVE
        return Kind.INITIATIVE

    def _has_children(self, item_id: str) -> bool:
        if not hasattr(self, "_children"):
            children: set[str] = set()
            for other in self.items.values():
                children.update(other.parent_ids)
            self._children = children
        return item_id in self._children

    # -- alignment ------------------------------------------------------------------

    def _refuse_cycles(self) -> None:
        """Refuse the items whose ``Parent IDs`` lead back to themselves."""
        for cycle in _cycles(
            {i.id: [p for p in i.parent_ids if p in self.items] for i in self.items.values()}
        ):
            path = " → ".join([*cycle, cycle[0]])
            for item_id in cycle:
                item = self.items.pop(item_id)
                self.refused.add(item_id)
                self.skipped.append(
                    Skipped(_name(item), f"refused: its Parent IDs run in a circle ({path})")
                )

    def _choose_parents(self) -> None:
        for item in self.items.values():
            imported = [p for p in item.parent_ids if p in self.items]
            self.parent[item.id] = imported[0] if imported else None
            if len(imported) > 1:
                self._warn(
                    item,
                    f"aligned to {len(imported)} items; one parent is kept here: "
                    f"ID {imported[0]} (not {', '.join(imported[1:])})",
                )
            if not imported and item.parent_ids:
                stored = next(
                    (
                        viva_id(self.tenant_id, Kind.OBJECTIVE, p)
                        for p in item.parent_ids
                        if viva_id(self.tenant_id, Kind.OBJECTIVE, p) in self.context.stored_owners
                    ),
                    None,
                )
                if stored is not None:
                    self.stored_parent[item.id] = stored
                elif any(p in self.refused for p in item.parent_ids):
                    self._warn(
                        item,
                        f"its parent (ID {', '.join(item.parent_ids)}) was refused: "
                        "imported without it",
                    )
                else:
                    self._warn(
                        item,
                        f"its parent (ID {', '.join(item.parent_ids)}) is not in the export: "
                        "imported without it",
                    )

    def _objective_above(self, item: VivaItem) -> str | None:
        """The nearest objective above ``item`` (not itself), by its chosen parents."""
        if item.id in self.above:
            return self.above[item.id]
        current = self.parent.get(item.id)
        while current is not None and self.kind.get(current) is not Kind.OBJECTIVE:
            current = self.parent.get(current)
        self.above[item.id] = current
        return current

    def _index_measured_children(self) -> None:
        """Each objective's key results and aligned objectives: they share its 100%."""
        for item in self.items.values():
            if self.kind[item.id] in (Kind.OBJECTIVE, Kind.KEY_RESULT):
                above = self._objective_above(item)
                if above is not None:
                    self.measured_children[above].append(item)

    def _note_reattached(self, item: VivaItem, above: str | None, outcome: str) -> None:
        """Warn when ``item``'s parent is not the objective it ends up under."""
        direct = self.parent.get(item.id)
        if direct is not None and direct != above:
            kind = self.kind[direct].replace("_", " ")
            self._warn(item, f"aligned to a {kind} (ID {direct}): {outcome}")

    def _objectives_parents_first(self) -> list[VivaItem]:
        ordered: list[VivaItem] = []
        done: set[str] = set()
        for item in self.items.values():
            if self.kind[item.id] is not Kind.OBJECTIVE:
                continue
            chain: list[VivaItem] = []
            current: VivaItem | None = item
            while current is not None and current.id not in done:  # cycles were refused
                done.add(current.id)
                chain.append(current)
                above = self._objective_above(current)
                current = self.items[above] if above is not None else None
            ordered += reversed(chain)
        return ordered

    def _weight(self, item: VivaItem, above: str | None) -> Decimal:
        """``item``'s alignment weight in its objective; the rest of 100% shared where not given."""
        parent = self.items.get(above) if above is not None else None
        if parent is None:
            return _ONE
        siblings = self.measured_children[parent.id]
        given = {s.id: _edge_weight(s, parent) for s in siblings}
        if all(w is None for w in given.values()):
            return _ONE
        own = given.get(item.id)
        if own is not None:
            return own
        missing = sum(1 for w in given.values() if w is None)
        rest = _ONE - sum((w for w in given.values() if w is not None), Decimal(0))
        return max(rest, Decimal(0)) / missing

    # -- objectives -----------------------------------------------------------------

    def _objective(self, item: VivaItem, built: Mapping[str, Objective]) -> Objective | None:
        """The objective ``item`` becomes (its parent, if any, is in ``built`` already)."""
        period = self._period(item)
        if period is None:
            return None
        above = self._objective_above(item)
        self._note_reattached(item, above, "aligned to its objective instead")
        if above is not None and above not in built:
            self._warn(item, f"its parent (ID {above}) is skipped: imported without it")
        parent_id = (
            built[above].id
            if above is not None and above in built
            else self.stored_parent.get(item.id)
        )
        team_id = self._team(item, above)
        self.team_of[item.id] = team_id
        id_ = viva_id(self.tenant_id, Kind.OBJECTIVE, item.id)
        owner_id, _ = self._owner(item, id_)
        if "manual" in item.progress_mode.casefold():
            shown = "" if item.progress is None else f" ({_plain(item.progress)}%)"
            self._warn(
                item,
                f"its progress was set by hand{shown}: here an objective's progress comes "
                "from its key results (and aligned objectives), so that value is not kept",
            )
        weight = self._weight(item, above)
        created = item.created_at or datetime.combine(period.start, time(), UTC)
        objective = Objective(
            tenant_id=self.tenant_id,
            id=id_,
            title=self._clipped_title(item),
            owner_id=owner_id,
            period=period,
            level=self._level(item),
            type=ObjectiveType.ASPIRATIONAL
            if "aspiration" in item.goal_type.casefold()
            else ObjectiveType.COMMITTED,
            state=ObjectiveState.ACTIVE,
            team_id=team_id,
            parent_id=parent_id,
            description=self._description(item),
            weight=weight,
            created_at=created,
            updated_at=item.last_checkin or created,
        )
        return self._closed(item, objective)

    def _closed(self, item: VivaItem, objective: Objective) -> Objective:
        """Closed in Viva Goals (status Closed, or scored): closed here, with its score."""
        score = _score(item.score)
        if score is None and item.status.casefold() != "closed":
            return objective
        ended = datetime.combine(objective.period.end + timedelta(days=1), time(), UTC)
        owner = item.owners[0] if item.owners else None
        closed_by = objective.owner_id or (owner.email if owner and owner.email else None)
        return replace(
            objective,
            state=ObjectiveState.CLOSED,
            score=score,
            closed_at=min(item.last_checkin, ended) if item.last_checkin else ended,
            closed_by=closed_by,
        )

    def _period(self, item: VivaItem) -> Period | None:
        viva = self.periods.get(item.period_id)
        start, end = (viva.start, viva.end) if viva and viva.start and viva.end else (None, None)
        if start is None or end is None:
            start, end = item.start, item.end
        if start is None or end is None:
            self.skipped.append(Skipped(_name(item), "its time period has no start and end date"))
            return None
        try:
            period = _period_of(start, end, self.context.fiscal_year_start_month)
        except PeriodError as exc:
            self.skipped.append(Skipped(_name(item), f"its time period cannot be used ({exc})"))
            return None
        name = (viva.name if viva else "") or item.period_name or period.label
        self.period_uses[(name, period)] += 1
        return period

    def _team(self, item: VivaItem, above: str | None) -> str | None:
        for viva_team in item.team_ids:
            self.team_uses[viva_team] += 1
        mapped = [self.context.teams[t] for t in item.team_ids if t in self.context.teams]
        if mapped:
            return mapped[0]
        if item.team_ids:
            return None
        return self.team_of.get(above) if above is not None else None

    def _level(self, item: VivaItem) -> Level:
        teams = [self.viva_teams.get(t) for t in item.team_ids]
        if any(t is not None and "org" in t.type.casefold() for t in teams):
            return Level.ORGANIZATION
        return Level.TEAM if item.team_ids else Level.INDIVIDUAL

    # -- key results, initiatives, KPIs --------------------------------------------------

    def _key_result(self, item: VivaItem, built: Mapping[str, Objective]) -> list[Creatable]:
        above = self._objective_above(item)
        objective = built.get(above) if above is not None else None
        if objective is None:
            stored = self.stored_parent.get(item.id)
            if stored is None:
                self._skip_with_checkins(
                    item, "a key result needs an objective above it, and none is imported"
                )
                return []
            objective_id = stored
        else:
            objective_id = objective.id
        self._note_reattached(item, above, "attached to its objective")
        shape = self._measure(item)
        if shape is None:
            return []
        kind, start, target, unit, currency = shape
        id_ = viva_id(self.tenant_id, Kind.KEY_RESULT, item.id)
        checkins = self._checkins(item, id_, objective_id, start)
        latest = checkins[-1] if checkins else None
        owner_id, _ = self._owner(item, id_)
        created = item.created_at or (objective.created_at if objective else None)
        key_result = KeyResult(
            tenant_id=self.tenant_id,
            id=id_,
            objective_id=objective_id,
            title=self._clipped_title(item),
            owner_id=owner_id,
            kind=kind,
            start=start,
            target=target,
            current=latest.value if latest else self._current(item, start, target),
            unit=unit,
            currency=currency,
            weight=self._weight(item, above),
            last_checkin_at=latest.recorded_at if latest else None,
            last_checkin_id=latest.id if latest else None,
            last_status=latest.status if latest else None,
            last_note=latest.note if latest else "",
            score=_score(item.score),
            created_at=created,
        )
        pending = self._pending_owner(item, objective, key_result, objective_id)
        return [*checkins, key_result, *pending]

    def _measure(
        self, item: VivaItem
    ) -> tuple[KeyResultKind, Decimal, Decimal, str, str | None] | None:
        """Kind, start, target, unit and currency of a key result (None: skipped)."""
        outcome = item.outcome
        if outcome is None or outcome.type.casefold() == "percentage":
            start = outcome.start if outcome and outcome.start is not None else Decimal(0)
            target = outcome.target if outcome and outcome.target is not None else _HUNDRED
            return KeyResultKind.PERCENTAGE, start, target, "%", None
        if outcome.target is None:
            self._skip_with_checkins(item, "its outcome has no target")
            return None
        unit = outcome.unit[:UNIT_MAX]
        currency = _currency(unit)
        kind = (
            KeyResultKind.CURRENCY
            if currency
            else KeyResultKind.PERCENTAGE
            if unit == "%"
            else KeyResultKind.NUMBER
        )
        direction = outcome.target_type.casefold()
        decreasing = any(direction.startswith(d) or d in direction for d in _DECREASING)
        known = decreasing or not direction or any(d in direction for d in _INCREASING)
        if not known:
            self._warn(
                item,
                f"target type {outcome.target_type!r} is not known here: "
                "imported as a number from start to target",
            )
        start = outcome.start if outcome.start is not None else Decimal(0)
        if outcome.start is None and decreasing:
            self._warn(item, "a decreasing key result without a start value: start 0")
        if decreasing and start <= outcome.target:
            self._warn(
                item,
                f"{outcome.target_type} with start {_plain(start)} not above the "
                f"target {_plain(outcome.target)}: progress reads 0 until it is reached",
            )
        return kind, start, outcome.target, "" if currency else unit, currency

    def _current(self, item: VivaItem, start: Decimal, target: Decimal) -> Decimal:
        """The value without check-ins: where ``Progress`` (0-100) puts it, else the start."""
        if item.progress is None:
            return start
        return start + (target - start) * item.progress / _HUNDRED

    def _initiative(self, item: VivaItem, built: Mapping[str, Objective]) -> list[Creatable]:
        above = self._objective_above(item)
        objective = built.get(above) if above is not None else None
        if objective is None:
            self._skip_with_checkins(
                item, "an initiative needs an objective above it, and none is imported"
            )
            return []
        direct = self.parent.get(item.id)
        key_result_id = (
            viva_id(self.tenant_id, Kind.KEY_RESULT, direct)
            if direct is not None and self.kind.get(direct) is Kind.KEY_RESULT
            else None
        )
        self._skip_checkins(item, "an initiative has a state here, not check-ins")
        owner_id, _ = self._owner(item, None)
        done = item.status.casefold() in ("closed", "completed", "done") or (
            item.progress is not None and item.progress >= _HUNDRED
        )
        started = item.progress is not None and item.progress > 0
        return [
            Initiative(
                tenant_id=self.tenant_id,
                id=viva_id(self.tenant_id, Kind.INITIATIVE, item.id),
                objective_id=objective.id,
                title=self._clipped_title(item),
                owner_id=owner_id,
                key_result_id=key_result_id,
                state=InitiativeState.DONE
                if done
                else InitiativeState.IN_PROGRESS
                if started
                else InitiativeState.NOT_STARTED,
                created_at=item.created_at or objective.created_at,
            )
        ]

    def _kpi(self, item: VivaItem, built: Mapping[str, Objective]) -> list[Creatable]:
        outcome = item.outcome
        target = outcome.target if outcome else None
        if outcome is None or target is None:
            self._skip_with_checkins(item, "a “Maintain” item without a target value")
            return []
        above = self._objective_above(item)
        objective = built.get(above) if above is not None else None
        direction = outcome.target_type.casefold()
        if "below" in direction or "most" in direction or "under" in direction:
            comparison = Comparison.AT_MOST
        elif "above" in direction or "least" in direction:
            comparison = Comparison.AT_LEAST
        else:  # "Maintain at": at the target or on the good side of it, seen from the start
            start = outcome.start
            comparison = (
                Comparison.AT_MOST if start is not None and start > target else Comparison.AT_LEAST
            )
        values = [c for c in self.checkins.get(item.id, []) if c.value is not None and c.at]
        latest = max(values, key=lambda c: (c.at, c.id)) if values else None
        if values:
            self._skip_checkins(item, "a KPI keeps its latest value, not a history", keep=latest)
        else:
            self._skip_checkins(item, "a check-in without a value")
        owner_id, _ = self._owner(item, None)
        unit = "%" if outcome.type.casefold() == "percentage" else outcome.unit[:UNIT_MAX]
        self._warn(
            item,
            f"“{outcome.target_type}” became a KPI (healthy when "
            f"{comparison.value} {_plain(target)}): the domain has KPIs, and no key "
            "result with a tolerance",
        )
        return [
            Kpi(
                tenant_id=self.tenant_id,
                id=viva_id(self.tenant_id, Kind.KPI, item.id),
                title=self._clipped_title(item),
                threshold=target,
                comparison=comparison,
                current=latest.value if latest else None,
                unit=unit,
                owner_id=owner_id,
                team_id=self._team(item, None) or (objective.team_id if objective else None),
                updated_at=latest.at if latest else None,
            )
        ]

    # -- check-ins ------------------------------------------------------------------

    def _read_checkins(self) -> None:
        seen: set[str] = set()
        for checkin in self.export.checkins:
            what = f"check-in {checkin.id}"
            if checkin.id in seen:
                self.skipped.append(Skipped(what, "its ID is used twice in the export"))
                continue
            seen.add(checkin.id)
            if checkin.okr_id not in self.items:
                refused = checkin.okr_id in self.refused
                reason = "its OKR was refused" if refused else "its OKR ID is not in the export"
                self.skipped.append(Skipped(what, f"{reason} ({checkin.okr_id or 'none'})"))
                continue
            if checkin.at is None:
                self.skipped.append(Skipped(what, "it has no date"))
                continue
            self.checkins[checkin.okr_id].append(checkin)
        for item_id, checkins in self.checkins.items():
            checkins.sort(key=lambda c: (c.at, c.id))
            if self.kind.get(item_id) is Kind.OBJECTIVE:
                self._skip_checkins(
                    self.items[item_id],
                    "a check-in of an objective: here an objective's progress comes from "
                    "its key results",
                )

    def _checkins(
        self, item: VivaItem, key_result_id: str, objective_id: str, start: Decimal
    ) -> list[CheckIn]:
        """The item's check-ins in date order; one without a value keeps the one before."""
        found: list[CheckIn] = []
        value, status = start, CheckInStatus.ON_TRACK
        for checkin in self.checkins.get(item.id, []):
            assert checkin.at is not None  # dateless ones were skipped
            value = checkin.value if checkin.value is not None else value
            status = _STATUSES.get(checkin.status.casefold(), status)
            note = checkin.note
            if len(note) > NOTE_MAX:
                self._warn(
                    item,
                    f"the note of check-in {checkin.id} was shortened to {NOTE_MAX} characters",
                )
                note = note[: NOTE_MAX - 1] + "…"
            found.append(
                CheckIn(
                    tenant_id=self.tenant_id,
                    id=viva_id(self.tenant_id, "checkin", checkin.id),
                    key_result_id=key_result_id,
                    objective_id=objective_id,
                    author_id=self._author(checkin),
                    value=value,
                    status=status,
                    recorded_at=checkin.at,
                    note=note,
                    source=VIVA_GOALS,
                )
            )
        return found

    def _author(self, checkin: VivaCheckIn) -> str:
        """The member who checked in, else their e-mail (the person, not yet met), else the ID."""
        author = checkin.author
        if author is None:
            return "viva-goals"
        return self.context.members.get(author.email) or author.email or f"viva:{author.id}"

    def _skip_checkins(self, item: VivaItem, reason: str, keep: VivaCheckIn | None = None) -> None:
        for checkin in self.checkins.get(item.id, []):
            if checkin is not keep:
                self.skipped.append(Skipped(f"check-in {checkin.id} of {_name(item)}", reason))

    def _skip_with_checkins(self, item: VivaItem, reason: str) -> None:
        self.skipped.append(Skipped(_name(item), reason))
        self._skip_checkins(item, "its OKR is skipped")

    # -- owners ---------------------------------------------------------------------

    def _owner(self, item: VivaItem, owned_id: str | None) -> tuple[str | None, str]:
        """The owner's member id (None: not met yet) and e-mail ("" when none is given)."""
        emails = [o.email for o in item.owners if o.email]
        if not emails:
            if item.owners:
                self._warn(item, "its owner has no e-mail: imported without an owner")
            return None, ""
        if len(emails) > 1:
            self._warn(item, f"{len(emails)} owners: one owner is kept here, {emails[0]}")
        email = emails[0]
        member = self.context.members.get(email)
        if member is not None:
            self.matched.add(email)
        elif owned_id is None:
            self._warn(
                item,
                f"owner {email} is not known here yet: imported without an owner "
                "(pending owners are kept for objectives and key results only)",
            )
        return member, email

    def _pending_owner(
        self,
        item: VivaItem,
        objective: Objective | None,
        key_result: KeyResult | None,
        objective_id: str | None = None,
    ) -> list[Creatable]:
        owner = key_result.owner_id if key_result else objective.owner_id if objective else None
        emails = [o.email for o in item.owners if o.email]
        if owner is not None or not emails:
            return []
        owned = key_result.id if key_result else objective.id if objective else None
        if owned is None:
            return []
        if owned in self.context.stored_owners and self.context.stored_owners[owned] is not None:
            return []  # the person arrived and owns it, or someone was set in Teams meanwhile
        self.pending[emails[0]] += 1
        objective_id = objective_id or (objective.id if objective else None)
        assert objective_id is not None
        return [
            PendingOwner(
                tenant_id=self.tenant_id,
                id=PendingOwner.id_for(objective_id, key_result.id if key_result else None),
                email=emails[0],
                objective_id=objective_id,
                key_result_id=key_result.id if key_result else None,
                team_id=objective.team_id if objective else None,
                created_at=key_result.created_at
                if key_result
                else objective.created_at
                if objective
                else None,
            )
        ]

    # -- text and summary -----------------------------------------------------------

    def _clipped_title(self, item: VivaItem) -> str:
        title = item.title or f"(untitled {item.type_name or 'item'} {item.id})"
        if len(title) > TITLE_MAX:
            self._warn(item, f"its title was shortened to {TITLE_MAX} characters")
            return title[: TITLE_MAX - 1] + "…"
        return title

    def _description(self, item: VivaItem) -> str:
        if len(item.description) > DESCRIPTION_MAX:
            self._warn(item, f"its description was shortened to {DESCRIPTION_MAX} characters")
            return item.description[: DESCRIPTION_MAX - 1] + "…"
        return item.description

    def _warn(self, item: VivaItem, message: str) -> None:
        self.warnings.append(Skipped(_name(item), message))

    def _team_uses(self) -> tuple[TeamUse, ...]:
        by_name = {name.casefold(): id_ for id_, name in self.context.team_names.items() if name}
        uses = []
        for viva_id_, count in self.team_uses.items():
            team = self.viva_teams.get(viva_id_)
            name = team.name if team else ""
            uses.append(
                TeamUse(
                    viva_id=viva_id_,
                    name=name,
                    team_id=self.context.teams.get(viva_id_),
                    items=count,
                    suggested=by_name.get(name.casefold(), "") if name else "",
                )
            )
        for team in self.export.teams:  # teams no item names, for a complete template
            if team.id not in self.team_uses:
                uses.append(
                    TeamUse(
                        team.id,
                        team.name,
                        self.context.teams.get(team.id),
                        0,
                        by_name.get(team.name.casefold(), "") if team.name else "",
                    )
                )
        return tuple(sorted(uses, key=lambda u: (-u.items, u.name.casefold(), u.viva_id)))


# -- helpers ------------------------------------------------------------------------


def _name(item: VivaItem) -> str:
    kind = item.type_name or "item"
    return f"{kind} {item.title[:80]!r} (ID {item.id})"


def _maintains(outcome: VivaOutcome | None) -> bool:
    return outcome is not None and outcome.target_type.casefold().startswith("maintain")


def _edge_weight(child: VivaItem, parent: VivaItem) -> Decimal | None:
    """The weight of the alignment child → parent, given on either end."""
    for other, weight in child.weights:
        if other == parent.id and weight is not None:
            return weight
    for other, weight in parent.weights:
        if other == child.id and weight is not None:
            return weight
    return None


def _currency(unit: str) -> str | None:
    text = unit.strip()
    if text.upper() in _CURRENCIES and len(text) == 3:
        return text.upper()
    return _SYMBOLS.get(text.casefold()) or _SYMBOLS.get(text)


def _score(value: Decimal | None) -> Decimal | None:
    """A Viva Goals score (0-1, or 0-100) in steps of 0.1, as scores are here."""
    if value is None or value < 0:
        return None
    fraction = value / _HUNDRED if value > 1 else value
    return min(fraction, _ONE).quantize(SCORE_STEP, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _period_of(start: date, end: date, fiscal_year_start_month: int) -> Period:
    """Our period for Viva's first and last day; an end given as the day after is forgiven."""
    period = period_of_days(start, end, fiscal_year_start_month)
    if period.kind == "custom" and end > start:
        earlier = period_of_days(start, end - timedelta(days=1), fiscal_year_start_month)
        if earlier.kind != "custom":
            return earlier
    return period


def _cycles(parents: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The circles in a parent graph (Tarjan's strongly connected components, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    edges = {node: list(targets) for node, targets in parents.items()}
    for root in edges:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, []):
                    found.append(list(reversed(component)))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _grouped_by_objective(entities: list[Creatable]) -> list[Creatable]:
    """Objectives parents first, each followed by what belongs to it; KPIs last.

    An interrupted import then leaves whole objectives behind it, and each key
    result appears together with its history.
    """
    belongs: dict[str, list[Creatable]] = defaultdict(list)
    objectives: list[Creatable] = []
    rest: list[Creatable] = []
    for entity in entities:
        if isinstance(entity, Objective):
            objectives.append(entity)
        elif isinstance(entity, Kpi):
            rest.append(entity)
        else:
            belongs[entity.objective_id].append(entity)
    ordered: list[Creatable] = []
    placed: set[str] = set()
    for objective in objectives:
        ordered.append(objective)
        ordered += belongs.get(objective.id, [])
        placed.add(objective.id)
    for objective_id, things in belongs.items():  # under objectives of an earlier import
        if objective_id not in placed:
            ordered += things
    return ordered + rest
