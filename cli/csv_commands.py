"""``python app.py import|export``: OKRs in and out of a tenant as CSV."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from cli.okr_csv import CsvError, KeyResultReport, ObjectiveRows, read_csv, write_csv
from okr.models import KeyResult, Member, Objective, ObjectiveState
from okr.progress import key_result_progress
from storage.ids import new_id
from storage.store import OkrStore


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote."""

    objectives: int
    key_results: int


async def import_csv(
    store: OkrStore, tenant_id: str, team_id: str, text: str, now: datetime | None = None
) -> ImportResult:
    """Validate the whole file against the tenant, then write it; all or nothing.

    Every problem (bad cell, unknown owner, unknown parent, objective already
    present) is reported with its line number before anything is written.

    Raises:
        CsvError: the file cannot be imported; nothing was written.
    """
    now = now or datetime.now(UTC)
    tenant = await store.get_tenant(tenant_id)
    rows = read_csv(text, tenant.fiscal_year_start_month if tenant else 1)
    members = _by_email(await store.list_members(tenant_id))
    stored = await store.list_objectives(tenant_id)
    stored_by_title: dict[str, list[Objective]] = defaultdict(list)
    for objective in stored:
        stored_by_title[objective.title.casefold()].append(objective)

    problems: list[tuple[int, str]] = []
    new_ids = {row.title.casefold(): new_id() for row in rows}
    for row in rows:
        problems += _owner_problems(row, members)
        if any(o.period == row.period for o in stored_by_title.get(row.title.casefold(), [])):
            problems.append((row.line, f"objective {row.title!r} already exists in this period"))
        parent = row.parent_title.casefold()
        if parent and parent not in new_ids:
            found = stored_by_title.get(parent, [])
            if len(found) != 1:
                what = "is ambiguous" if found else "is not in the file or the tenant"
                problems.append((row.line, f"parent {row.parent_title!r} {what}"))
    if problems:
        raise CsvError(sorted(problems))

    key_results = 0
    for row in rows:
        parent = row.parent_title.casefold()
        parent_id = new_ids.get(parent) or (stored_by_title[parent][0].id if parent else None)
        objective_id = new_ids[row.title.casefold()]
        await store.save_objective(
            Objective(
                tenant_id=tenant_id,
                id=objective_id,
                title=row.title,
                owner_id=members[row.owner_email].id,
                period=row.period,
                level=row.level,
                type=row.type,
                state=ObjectiveState.ACTIVE,
                team_id=team_id,
                parent_id=parent_id,
                created_at=now,
                updated_at=now,
            )
        )
        for kr in row.key_results:
            await store.save_key_result(
                KeyResult(
                    tenant_id=tenant_id,
                    id=new_id(),
                    objective_id=objective_id,
                    title=kr.title,
                    owner_id=members[kr.owner_email].id,
                    kind=kr.kind,
                    start=kr.start,
                    target=kr.target,
                    current=kr.current,
                    unit=kr.unit,
                    currency=kr.currency,
                    created_at=now,
                )
            )
            key_results += 1
    return ImportResult(objectives=len(rows), key_results=key_results)


def _by_email(members: list[Member]) -> dict[str, Member]:
    return {m.email.casefold(): m for m in members if m.email}


def _owner_problems(row: ObjectiveRows, members: dict[str, Member]) -> list[tuple[int, str]]:
    hint = "(the bot learns people when it is installed in their team)"
    problems = []
    if row.owner_email not in members:
        problems.append((row.line, f"objective_owner {row.owner_email!r} is unknown {hint}"))
    for kr in row.key_results:
        if kr.owner_email not in members:
            problems.append((kr.line, f"kr_owner {kr.owner_email!r} is unknown {hint}"))
    return problems


async def export_csv(store: OkrStore, tenant_id: str) -> str:
    """Every objective of the tenant with its key results and report columns."""
    members = {m.id: m for m in await store.list_members(tenant_id)}
    objectives = await store.list_objectives(tenant_id)
    titles = {o.id: o.title for o in objectives}

    def email(member_id: str | None) -> str:
        member = members.get(member_id or "")
        return (member.email or member.id) if member else (member_id or "")

    rows = []
    for objective in objectives:
        reports = []
        for kr in await store.list_key_results(tenant_id, objective_id=objective.id):
            history = await store.list_checkins(tenant_id, key_result_id=kr.id)
            reports.append(
                KeyResultReport(
                    key_result=kr,
                    owner_email=email(kr.owner_id),
                    progress=float(key_result_progress(kr).clamped),
                    status=kr.last_status.value if kr.last_status else "",
                    checkins=len(history),
                    last_checkin=history[0].recorded_at if history else None,
                )
            )
        parent = titles.get(objective.parent_id or "", "")
        rows.append((objective, email(objective.owner_id), parent, reports))
    return write_csv(rows)
