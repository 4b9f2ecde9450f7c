"""``python app.py import``: OKRs from a CSV file into one team, all or nothing.

An objective is identified by (title, period, team) and a key result by (its
objective, its title, which occurrence of that title). Each new one gets an id
derived from that identity and the tenant, so one file always means the same
ids:

* On SQLite the whole import is one statement: everything or nothing.
* On Cosmos DB documents are created one request each, many at once, parents
  first (:meth:`storage.store.OkrStore.create_missing`); an interrupted import
  leaves part of it, and running it again creates the rest and duplicates
  nothing.
* Importing what is already stored changes nothing, and says so.

Import only adds. An objective or key result already stored is left as it is,
even where the file says otherwise (the summary lists those differences), so
check-ins and edits made in Teams are never overwritten.

An owner the bot has not met yet is stored as a pending owner
(:class:`okr.models.PendingOwner`) and linked when they arrive (``bot.people``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cli.okr_csv import (
    CsvError,
    KeyResultRow,
    ObjectiveKey,
    ObjectiveRows,
    objective_key,
    pick_parent,
    read_csv,
    title_key,
)
from cli.tenants import require_team, require_tenant
from okr.cadence import owner_zone
from okr.models import KeyResult, Member, Objective, ObjectiveState, PendingOwner
from okr.pace import start_on_activation
from storage.store import Creatable, OkrStore


@dataclass(frozen=True, slots=True)
class PendingCount:
    """What one owner the bot has not met yet will own."""

    email: str
    objectives: int
    key_results: int


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing a file changes; :func:`import_csv` writes ``to_create``.

    Attributes:
        to_create: Objectives, key results and pending owners, parents first.
        new_objectives: Objectives of the file not stored yet.
        new_key_results: Key results of the file not stored yet.
        stored_objectives: Objectives of the file already stored (left as they are).
        stored_key_results: Key results of the file already stored (left as they are).
        pending: Owners the bot has not met, with what they own (new or stored).
        left_as_stored: ``(line, message)`` where the file differs from what is stored.
    """

    to_create: tuple[Creatable, ...]
    new_objectives: int
    new_key_results: int
    stored_objectives: int
    stored_key_results: int
    pending: tuple[PendingCount, ...]
    left_as_stored: tuple[tuple[int, str], ...]


async def import_csv(
    store: OkrStore,
    tenant_id: str,
    team_id: str,
    text: str,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ImportPlan:
    """Check the whole file against the tenant, then create what is missing.

    Every problem (bad cell, unknown or ambiguous parent, an objective stored
    twice) is reported with its line number before anything is written.

    Raises:
        CsvError: the file cannot be imported; nothing was written.
        CommandError: the tenant or team is unknown; nothing was written.
    """
    plan = await plan_import(store, tenant_id, team_id, text, now or datetime.now(UTC))
    if not dry_run:
        await store.create_missing(tenant_id, plan.to_create)
    return plan


async def plan_import(
    store: OkrStore, tenant_id: str, team_id: str, text: str, now: datetime
) -> ImportPlan:
    """What importing ``text`` into the team would create; reads, never writes.

    Raises:
        CsvError: the file cannot be imported.
        CommandError: the tenant or team is unknown.
    """
    tenant = await require_tenant(store, tenant_id)
    team = await require_team(store, tenant_id, team_id)
    rows = read_csv(text, tenant.fiscal_year_start_month)
    planner = _Planner(
        tenant_id,
        team_id,
        now,
        owner_zone(team.settings),
        objectives=await store.list_objectives(tenant_id),
        key_results=await store.list_key_results(tenant_id),
        members=await store.list_members(tenant_id),
        pending=await store.list_pending_owners(tenant_id),
    )
    return planner.plan(rows)


def objective_id(tenant_id: str, team_id: str, key: ObjectiveKey) -> str:
    """The id an imported objective gets: the same for the same (tenant, team, title, period)."""
    title, start, end = key
    return _hashed("objective", tenant_id, team_id, title, start.isoformat(), end.isoformat())


def key_result_id(objective_id: str, title: str, occurrence: int) -> str:
    """The id an imported key result gets: its objective, title and how many came before."""
    return _hashed("key_result", objective_id, title_key(title), str(occurrence))


def _hashed(*parts: str) -> str:
    # 32 hex digits, the shape of storage.ids.new_id; the separator cannot occur in a title.
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class _Planner:
    """Matches the file's rows with what is stored and lists what to create."""

    def __init__(
        self,
        tenant_id: str,
        team_id: str,
        now: datetime,
        zone: ZoneInfo,
        *,
        objectives: list[Objective],
        key_results: list[KeyResult],
        members: list[Member],
        pending: list[PendingOwner],
    ) -> None:
        self.tenant_id = tenant_id
        self.team_id = team_id
        self.now = now
        self.zone = zone  # the team's: an objective imported mid-period starts that day
        self.objectives = objectives
        self.objectives_by_title: dict[str, list[Objective]] = {}
        for objective in objectives:
            self.objectives_by_title.setdefault(title_key(objective.title), []).append(objective)
        self.key_results_of: dict[str, list[KeyResult]] = {}
        for key_result in key_results:  # in creation order
            self.key_results_of.setdefault(key_result.objective_id, []).append(key_result)
        self.member_by_email = {m.email.casefold(): m.id for m in members if m.email}
        self.email_of = {m.id: m.email.casefold() if m.email else None for m in members}
        self.pending = {p.id: p for p in pending}
        self.to_create: list[Creatable] = []
        self.problems: list[tuple[int, str]] = []
        self.notes: list[tuple[int, str]] = []
        self.counts: Counter[str] = Counter()
        self.pending_counts: dict[str, Counter[str]] = {}

    def plan(self, rows: list[ObjectiveRows]) -> ImportPlan:
        ids, stored = self._match_objectives(rows)
        for row in _parents_first(rows):
            self._plan_objective(row, ids, stored.get(row.key))
        if self.problems:
            raise CsvError(sorted(self.problems))
        return ImportPlan(
            to_create=tuple(self.to_create),
            new_objectives=self.counts["new objective"],
            new_key_results=self.counts["new key result"],
            stored_objectives=self.counts["stored objective"],
            stored_key_results=self.counts["stored key result"],
            pending=tuple(
                PendingCount(email, c["objective"], c["key result"])
                for email, c in sorted(self.pending_counts.items())
            ),
            left_as_stored=tuple(sorted(self.notes)),
        )

    # -- objectives ------------------------------------------------------------------------

    def _match_objectives(
        self, rows: list[ObjectiveRows]
    ) -> tuple[dict[ObjectiveKey, str], dict[ObjectiveKey, Objective]]:
        """Each row's objective id, and the stored objective it is, if any.

        The id derived from the row wins (an earlier import created it, maybe
        renamed since); else an objective of the team with the same title and period.
        """
        by_id = {o.id: o for o in self.objectives}
        in_team: dict[ObjectiveKey, list[Objective]] = {}
        for objective in self.objectives:
            if objective.team_id == self.team_id:
                key = objective_key(objective.title, objective.period)
                in_team.setdefault(key, []).append(objective)
        ids: dict[ObjectiveKey, str] = {}
        stored: dict[ObjectiveKey, Objective] = {}
        for row in rows:
            derived = objective_id(self.tenant_id, self.team_id, row.key)
            same = [by_id[derived]] if derived in by_id else in_team.get(row.key, [])
            if len(same) > 1:
                self.problems.append(
                    (
                        row.line,
                        f"objective {row.title!r} ({row.period.label}) is stored "
                        f"{len(same)} times in this team: keep one in Teams, then import again",
                    )
                )
            ids[row.key] = same[0].id if same else derived
            if same:
                stored[row.key] = same[0]
        return ids, stored

    def _plan_objective(
        self, row: ObjectiveRows, ids: dict[ObjectiveKey, str], stored: Objective | None
    ) -> None:
        id_ = ids[row.key]
        parent_id = ids[row.parent] if row.parent is not None else self._stored_parent(row, id_)
        owner_id = self._member_id(row.owner_email)
        if stored is None:
            self.counts["new objective"] += 1
            objective = Objective(
                tenant_id=self.tenant_id,
                id=id_,
                title=row.title,
                owner_id=owner_id,
                period=row.period,
                level=row.level,
                type=row.type,
                state=ObjectiveState.ACTIVE,
                team_id=self.team_id,
                parent_id=parent_id,
                created_at=self._stamp(),
                updated_at=self.now,
            )
            starts_on = start_on_activation(objective, self.now, self.zone)
            self._create(self._closed(replace(objective, starts_on=starts_on), row))
        else:
            self.counts["stored objective"] += 1
            differs = [
                column
                for column, same in (
                    ("objective_owner", self._same_owner(stored.owner_id, id_, None, row)),
                    ("level", stored.level is row.level),
                    ("type", stored.type is row.type),
                    ("parent", stored.parent_id == parent_id),
                    ("score", stored.score == (row.closed.score if row.closed else None)),
                )
                if not same
            ]
            if differs:
                self._note(row.line, f"objective {row.title!r}", differs)
        if (stored is None or stored.owner_id is None) and owner_id is None:
            self._pending(row.owner_email, id_, None, "objective")
        occurrences: Counter[str] = Counter()
        unmatched = list(self.key_results_of.get(id_, [])) if stored else []
        for kr_row in row.key_results:
            occurrence = occurrences[title_key(kr_row.title)]
            occurrences[title_key(kr_row.title)] += 1
            self._plan_key_result(kr_row, id_, occurrence, unmatched)

    def _stored_parent(self, row: ObjectiveRows, own_id: str) -> str | None:
        """The stored objective a parent title names (anywhere in the tenant)."""
        if not row.parent_title:
            return None
        wanted = title_key(row.parent_title)
        named = [o for o in self.objectives_by_title.get(wanted, []) if o.id != own_id]
        chosen = pick_parent(named, lambda o: (o.period.start, o.period.end) == row.key[1:])
        if chosen is not None:
            return chosen.id
        if named:
            problem = f"parent {row.parent_title!r} is ambiguous: {len(named)} are stored"
        elif wanted == title_key(row.title):
            problem = "an objective cannot be its own parent"
        else:
            problem = f"parent {row.parent_title!r} is not in the file or the tenant"
        self.problems.append((row.line, problem))
        return None

    # -- key results -----------------------------------------------------------------------

    def _plan_key_result(
        self, row: KeyResultRow, objective_id: str, occurrence: int, unmatched: list[KeyResult]
    ) -> None:
        """Create the key result, or match it with one of ``unmatched`` (and take it out)."""
        id_ = key_result_id(objective_id, row.title, occurrence)
        found = next((k for k in unmatched if k.id == id_), None)
        if found is None:
            # Created in Teams, or by an import before ids were derived: the
            # first stored key result with this title not matched yet.
            wanted = title_key(row.title)
            found = next((k for k in unmatched if title_key(k.title) == wanted), None)
        if found is not None:
            unmatched.remove(found)
        owner_id = self._member_id(row.owner_email)
        if found is None:
            self.counts["new key result"] += 1
            self._create(
                KeyResult(
                    tenant_id=self.tenant_id,
                    id=id_,
                    objective_id=objective_id,
                    title=row.title,
                    owner_id=owner_id,
                    kind=row.kind,
                    start=row.start,
                    target=row.target,
                    current=row.current,
                    unit=row.unit,
                    currency=row.currency,
                    score=row.score,
                    created_at=self._stamp(),
                )
            )
        else:
            self.counts["stored key result"] += 1
            id_ = found.id
            differs = [
                column
                for column, same in (
                    ("kr_owner", self._same_owner(found.owner_id, objective_id, id_, row)),
                    ("start", found.start == row.start),
                    ("target", found.target == row.target),
                    (
                        "unit",
                        (found.kind, found.unit, found.currency)
                        == (row.kind, row.unit, row.currency),
                    ),
                )
                if not same
            ]
            if differs:
                self._note(row.line, f"key result {row.title!r}", differs)
        if (found is None or found.owner_id is None) and owner_id is None:
            self._pending(row.owner_email, objective_id, id_, "key result")

    def _closed(self, objective: Objective, row: ObjectiveRows) -> Objective:
        """The fields of a closed objective from its rows (none for an active one).

        ``closed_by`` is the member an e-mail names, else as written: it records
        who closed it, and a person the bot has not met is still that person.
        """
        if row.closed is None:
            return objective
        closed = row.closed
        return replace(
            objective,
            state=ObjectiveState.CLOSED,
            score=closed.score,
            closing_note=closed.note,
            closed_at=closed.closed_at,
            closed_by=self.member_by_email.get(closed.closed_by, closed.closed_by) or None,
        )

    # -- owners ----------------------------------------------------------------------------

    def _member_id(self, email: str) -> str | None:
        return self.member_by_email.get(email)

    def _same_owner(
        self,
        owner_id: str | None,
        objective_id: str,
        key_result_id: str | None,
        row: ObjectiveRows | KeyResultRow,
    ) -> bool:
        if owner_id is not None:
            # Someone the bot learned from a message only has no e-mail to compare.
            email = self.email_of.get(owner_id)
            return email is None or email == row.owner_email
        pending = self.pending.get(PendingOwner.id_for(objective_id, key_result_id))
        if pending is None:  # no owner: the same if the file's is not known either
            return self._member_id(row.owner_email) is None
        return pending.email == row.owner_email

    def _pending(self, email: str, objective_id: str, key_result_id: str | None, what: str) -> None:
        """Record ``email`` as the owner-to-be (unless stored already) and count it."""
        stored = self.pending.get(PendingOwner.id_for(objective_id, key_result_id))
        if stored is not None and stored.email != email:
            return  # pending for someone else: noted as a difference, left as stored
        self.pending_counts.setdefault(email, Counter())[what] += 1
        pending = PendingOwner(
            tenant_id=self.tenant_id,
            id=PendingOwner.id_for(objective_id, key_result_id),
            email=email,
            objective_id=objective_id,
            key_result_id=key_result_id,
            team_id=self.team_id,
            created_at=self.now,
        )
        if stored is None:
            self._create(pending)

    # -- helpers ---------------------------------------------------------------------------

    def _create(self, entity: Creatable) -> None:
        self.to_create.append(entity)

    def _stamp(self) -> datetime:
        # Lists order by created_at: one microsecond apart keeps the file's order.
        return self.now + timedelta(microseconds=len(self.to_create))

    def _note(self, line: int, what: str, columns: list[str]) -> None:
        self.notes.append((line, f"{what} is stored with another {', '.join(columns)}"))


def _parents_first(rows: list[ObjectiveRows]) -> list[ObjectiveRows]:
    """``rows`` in file order, except that a parent of the file comes before its children."""
    by_key = {row.key: row for row in rows}
    done: set[ObjectiveKey] = set()
    ordered: list[ObjectiveRows] = []
    for row in rows:
        chain: list[ObjectiveRows] = []
        current: ObjectiveRows | None = row
        while current is not None and current.key not in done:  # read_csv refused cycles
            done.add(current.key)
            chain.append(current)
            current = by_key[current.parent] if current.parent is not None else None
        ordered += reversed(chain)
    return ordered


def summary(plan: ImportPlan, *, dry_run: bool = False) -> list[str]:
    """What an import did (or, for a dry run, would do), one line each, for the operator."""
    new = _both(plan.new_objectives, plan.new_key_results)
    stored = _both(plan.stored_objectives, plan.stored_key_results)
    if dry_run:
        lines = [f"dry run, nothing written: would import {new}"]
        if plan.stored_objectives or plan.stored_key_results:
            lines[0] += f"; {stored} already there"
    elif not plan.new_objectives and not plan.new_key_results:
        lines = [f"nothing changed: the file's {stored} are already there"]
    else:
        lines = [f"imported {new}"]
        if plan.stored_objectives or plan.stored_key_results:
            lines[0] += f"; {stored} were already there"
    if plan.pending:
        lines.append(
            f"{_count(len(plan.pending), 'owner')} the bot has not met yet, recorded as "
            "pending: each becomes the owner when the bot sees them (team roster or a message)"
        )
        lines += [
            f"  {p.email}: {_both(p.objectives, p.key_results, skip_zero=True)}"
            for p in plan.pending
        ]
    if plan.left_as_stored:
        lines.append("left as stored, where the file says otherwise (change them in Teams):")
        lines += [f"  line {line}: {message}" for line, message in plan.left_as_stored]
    return lines


def _both(objectives: int, key_results: int, *, skip_zero: bool = False) -> str:
    parts = [(objectives, "objective"), (key_results, "key result")]
    shown = [_count(n, what) for n, what in parts if n or not skip_zero]
    return " and ".join(shown)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
