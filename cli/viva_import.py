"""``python app.py import-viva-goals EXPORT.zip``: a Viva Goals organisation, brought over.

Reads the export (:mod:`cli.viva_export`), decides what each item becomes
(:mod:`cli.viva_mapping`), then writes what is not stored yet with the CSV
import's mechanism (:meth:`storage.store.OkrStore.create_missing`):

* every id is derived from the tenant and the Viva Goals ``ID``, so the same
  export always means the same documents;
* what is stored already is left as it is (check-ins and edits made in Teams
  since are never overwritten), and a run that finds everything stored writes
  nothing at all;
* documents are written a chunk at a time, chunks in an order where each
  objective comes after its parent and each key result after its check-ins:
  :data:`ATOMIC_CHUNK` on SQLite, where a chunk is one statement (all of it or
  none); :data:`CHUNK` on Cosmos DB, where a chunk's documents are created
  many at once, in dependency layers (see ``create_missing``). Either way an
  interrupted run leaves whole chunks (and on Cosmos DB part of one, never a
  document before what it refers to), and running it again writes the rest
  and duplicates nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cli.errors import CommandError
from cli.formulas import neutralise
from cli.tenants import require_team, require_tenant
from cli.viva_export import ExportError, Skipped, VivaExport, read_export
from cli.viva_mapping import Context, Kind, VivaPlan, plan
from okr.models import CheckIn, Initiative, KeyResult, Kpi, Objective, PendingOwner
from storage.backend import CreatesAtomically
from storage.store import Creatable, OkrStore

# Documents per create_missing call, one progress step each. Where a call is one
# statement (SQLite) each costs a commit: 29 chunks of 500 took 12 s more than
# one statement for 14,500 documents on the loaded VM, 3 of 5,000 about 5 s more.
# Where documents are created many at once (Cosmos DB) a chunk is written in
# dependency layers, each waiting for the one before: chunks of 2,000 keep the
# layers wide enough to fill the requests in flight, and the bar moving.
ATOMIC_CHUNK = 5000
CHUNK = 2000
SHOWN_PER_REASON = 10  # lines listed under each reason a summary gives
TEAMS_COLUMNS = ("viva_team_id", "viva_team", "team_id")

Progress = Callable[[int, int], None]

# What the summary calls each kind of document, singular and plural.
_NAMES: dict[type, tuple[str, str]] = {
    Objective: ("objective", "objectives"),
    KeyResult: ("key result", "key results"),
    Initiative: ("initiative", "initiatives"),
    Kpi: ("KPI", "KPIs"),
    CheckIn: ("check-in", "check-ins"),
    PendingOwner: ("pending owner", "pending owners"),
}


@dataclass(frozen=True, slots=True)
class VivaImport:
    """What an import planned, found stored, and wrote."""

    plan: VivaPlan
    new: Counter[type]  # not stored before this run, per kind
    stored: Counter[type]  # stored already, per kind
    written: int  # documents this run created (0 on a dry run)


def read_teams_file(text: str) -> dict[str, str]:
    """``--teams``: Viva Goals team id -> Teams team id, from the CSV the dry run prints.

    Rows whose ``team_id`` is empty are left unmapped.

    Raises:
        CommandError: a missing column, or one Viva Goals team mapped twice.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("viva_team_id", "team_id") if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            f"--teams: missing column(s) {', '.join(missing)} "
            f"(the file has {', '.join(TEAMS_COLUMNS)}; --dry-run prints one)"
        )
    found: dict[str, str] = {}
    for row in reader:
        viva_id = (row.get("viva_team_id") or "").strip()
        team_id = (row.get("team_id") or "").strip()
        if not viva_id or not team_id:
            continue
        if viva_id in found and found[viva_id] != team_id:
            raise CommandError(
                f"--teams: line {reader.line_num}: Viva Goals team {viva_id} is mapped twice"
            )
        found[viva_id] = team_id
    return found


async def import_viva_goals(
    store: OkrStore,
    tenant_id: str,
    export: VivaExport,
    *,
    teams: Mapping[str, str] | None = None,
    types: Mapping[str, Kind] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk: int | None = None,
) -> VivaImport:
    """Plan the import against the tenant, then (unless ``dry_run``) write what is missing.

    Raises:
        CommandError: the tenant, or a team ``teams`` maps to, is unknown;
            nothing was written.
        StoreError: storage failed while writing; run the same import again.
    """
    tenant = await require_tenant(store, tenant_id)
    mapped = dict(teams or {})
    for team_id in sorted(set(mapped.values())):
        await require_team(store, tenant_id, team_id)
    members = await store.list_members(tenant_id)
    owners: dict[str, str | None] = {
        o.id: o.owner_id for o in await store.list_objectives(tenant_id)
    }
    owners.update({k.id: k.owner_id for k in await store.list_key_results(tenant_id)})
    context = Context(
        tenant_id=tenant_id,
        fiscal_year_start_month=tenant.fiscal_year_start_month,
        members={m.email.strip().casefold(): m.id for m in members if m.email},
        teams=mapped,
        team_names={t.id: t.name for t in await store.list_teams(tenant_id)},
        types=dict(types or {}),
        stored_owners=owners,
    )
    planned = plan(export, context)
    missing = await store.not_stored(tenant_id, planned.entities)
    new = Counter(type(e) for e in missing)
    stored = Counter(type(e) for e in planned.entities) - new
    written = 0
    if not dry_run and missing:
        atomic = isinstance(store.backend, CreatesAtomically)
        size = chunk or (ATOMIC_CHUNK if atomic else CHUNK)
        await _write(store, tenant_id, missing, progress, size)
        written = len(missing)
    return VivaImport(planned, new, stored, written)


async def _write(
    store: OkrStore,
    tenant_id: str,
    missing: Sequence[Creatable],
    progress: Progress | None,
    chunk: int,
) -> None:
    # Marked before the first write too, so a run interrupted after its last
    # create still leaves the schedule's next-due index invalidated.
    await store.mark_tenant_changed(tenant_id)
    for start in range(0, len(missing), chunk):
        await store.create_missing(tenant_id, missing[start : start + chunk])
        if progress is not None:
            progress(min(start + chunk, len(missing)), len(missing))


# -- what the operator reads --------------------------------------------------------


def summary(result: VivaImport, *, dry_run: bool = False) -> list[str]:
    """The dry run's report, or a real run's at the end; one line each."""
    planned = result.plan
    lines = [_headline(result, dry_run)]
    lines.append("types:")
    lines += [
        f"  {t.type_name or '(no type)'} → {t.kind.replace('_', ' ')} "
        f"({_because(t.because)}, {_count(t.items, 'item')})"
        for t in planned.types
    ]
    if planned.periods:
        lines.append("periods:")
        lines += [
            f"  {use.viva_name} → {use.period.label}"
            f"{' (custom dates)' if use.period.kind == 'custom' else ''}"
            f": {_count(use.objectives, 'objective')}"
            for use in planned.periods
        ]
    lines.append(
        f"owners: {len(planned.owners_matched)} matched, {len(planned.owners_pending)} pending"
    )
    if planned.owners_pending:
        lines.append(
            "  pending owners are people the bot has not met yet: each becomes the owner "
            "when the bot sees them (team roster or a message)"
        )
        lines += [f"  {email}: {_count(n, 'item')}" for email, n in planned.owners_pending]
    unmapped = [t for t in planned.teams if t.team_id is None and t.items]
    if unmapped:
        lines.append(
            f"teams unmapped: {len(unmapped)} (their OKRs come over without a team; "
            "map them with --teams FILE, a template is below)"
        )
        lines += [
            f"  {t.name or '(no name)'} (ID {t.viva_id}): {_count(t.items, 'item')}"
            for t in unmapped
        ]
    lines += _grouped("skipped", planned.skipped)
    lines += _grouped("warnings", planned.warnings)
    lines += _not_brought_over(result)
    if dry_run and planned.teams:
        lines.append("--teams template (fill in team_id; an empty team_id stays unmapped):")
        lines += teams_template(result).splitlines()
    return lines


def teams_template(result: VivaImport) -> str:
    """The ``--teams`` CSV for this export, with the mapping given or a team of the same name."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEAMS_COLUMNS)
    for team in result.plan.teams:
        writer.writerow(
            (neutralise(team.viva_id), neutralise(team.name), team.team_id or team.suggested)
        )
    return out.getvalue()


def _headline(result: VivaImport, dry_run: bool) -> str:
    new, stored = _kinds(result.new), _kinds(result.stored)
    if dry_run:
        line = f"dry run, nothing written: would import {new or 'nothing'}"
        return line + (f"; already there: {stored}" if stored else "")
    if not result.new:
        return f"nothing changed: the export's {stored or 'OKRs'} are already there"
    line = f"imported {new}"
    return line + (f"; already there: {stored}" if stored else "")


def _kinds(counts: Counter[type]) -> str:
    return ", ".join(
        f"{n} {names[0] if n == 1 else names[1]}"
        for cls, names in _NAMES.items()
        if (n := counts.get(cls, 0))
    )


def _because(how: str) -> str:
    return {"--types": "--types", "name": "by its name"}.get(how, "by the items' structure")


def _grouped(title: str, entries: Sequence[Skipped]) -> list[str]:
    """``title (N):`` then each reason with its count and the first lines it concerns."""
    if not entries:
        return []
    by_reason: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        by_reason[_reason_key(entry.reason)].append(f"{entry.what}: {entry.reason}")
    lines = [f"{title} ({len(entries)}):"]
    for reason, found in by_reason.items():
        if len(found) == 1:
            lines.append(f"  {found[0]}")
            continue
        lines.append(f"  {reason} ({len(found)}):")
        lines += [f"    {line}" for line in found[:SHOWN_PER_REASON]]
        if len(found) > SHOWN_PER_REASON:
            lines.append(f"    … and {len(found) - SHOWN_PER_REASON} more")
    return lines


def _reason_key(reason: str) -> str:
    """Reasons that differ only by what is in parentheses (ids, values) group together."""
    return _DETAILS.sub("", reason)


_DETAILS = re.compile(r"\s*\([^)]*\)")


def _not_brought_over(result: VivaImport) -> list[str]:
    planned = result.plan
    parts = [f"{name} ({_count(n, 'item')})" for name, n in planned.kept_aside]
    if planned.comments:
        parts.insert(0, _count(planned.comments, "comment"))
    if not parts:
        return []
    return [f"not brought over (the bot has no place for them): {', '.join(parts)}"]


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def print_progress(stream: TextIO) -> Progress:
    """A progress bar on ``stream`` (standard error), redrawn in place."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        end = "\n" if done >= total else ""
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} written",
            end=end,
            file=stream,
            flush=True,
        )

    return show


def read_export_file(path: Path) -> VivaExport:
    """The export at ``path``; a :class:`CommandError` an operator can act on otherwise."""
    try:
        return read_export(path)
    except ExportError as exc:
        raise CommandError(f"{path}: nothing imported: {exc}") from None
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}", 2) from None
