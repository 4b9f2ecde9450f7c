"""``python app.py export``: a tenant's OKRs as CSV (the import is in cli.csv_import)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from cli.okr_csv import KeyResultReport, write_csv
from cli.tenants import require_tenant
from okr.models import CheckIn, KeyResult, Objective, PendingOwner
from okr.progress import key_result_progress
from storage.store import OkrStore


@dataclass(frozen=True, slots=True)
class Export:
    """An export's CSV text and what it holds."""

    text: str
    objectives: int
    key_results: int


async def export_csv(store: OkrStore, tenant_id: str) -> Export:
    """Every objective of the tenant with its key results and report columns.

    Owners are written as e-mail/UPN; an owner the bot has not met yet as the
    e-mail the import named (so export then import gives the same owners back).

    Raises:
        CommandError: the tenant is unknown (rather than an empty file that looks
            like a tenant without OKRs).
    """
    await require_tenant(store, tenant_id)
    members = {m.id: m for m in await store.list_members(tenant_id)}
    pending = {p.id: p.email for p in await store.list_pending_owners(tenant_id)}
    objectives = await store.list_objectives(tenant_id)
    titles = {o.id: o.title for o in objectives}

    def email(member_id: str | None, objective_id: str, key_result_id: str | None = None) -> str:
        if member_id is None:
            return pending.get(PendingOwner.id_for(objective_id, key_result_id), "")
        member = members.get(member_id)
        return (member.email or member.id) if member else member_id

    key_results_of: dict[str, list[KeyResult]] = defaultdict(list)
    for kr in await store.list_key_results(tenant_id):  # one query, in creation order
        key_results_of[kr.objective_id].append(kr)

    rows = []
    for objective in objectives:
        history = await _checkins_by_key_result(store, objective, key_results_of[objective.id])
        reports = [
            KeyResultReport(
                key_result=kr,
                owner_email=email(kr.owner_id, objective.id, kr.id),
                progress=float(key_result_progress(kr).clamped),
                status=kr.last_status.value if kr.last_status else "",
                checkins=len(history[kr.id]),
                last_checkin=history[kr.id][0].recorded_at if history[kr.id] else None,
            )
            for kr in key_results_of[objective.id]
        ]
        parent = titles.get(objective.parent_id or "", "")
        rows.append((objective, email(objective.owner_id, objective.id), parent, reports))
    key_results = sum(len(reports) for *_, reports in rows)
    emails = {m.id: m.email for m in members.values() if m.email}
    return Export(write_csv(rows, emails), objectives=len(objectives), key_results=key_results)


async def _checkins_by_key_result(
    store: OkrStore, objective: Objective, key_results: list[KeyResult]
) -> dict[str, list[CheckIn]]:
    """Each key result's check-ins, newest first: one query per objective that has any."""
    history: dict[str, list[CheckIn]] = defaultdict(list)
    if any(kr.last_checkin_at is not None for kr in key_results):
        for checkin in await store.list_checkins(objective.tenant_id, objective_id=objective.id):
            history[checkin.key_result_id].append(checkin)
    return history
