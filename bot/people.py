"""Learning who people are from what Teams tells the bot (activities and the roster).

When a person's e-mail/UPN is first learned, whatever a CSV import named them
the owner of before the bot had met them (:class:`okr.models.PendingOwner`)
becomes theirs.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.upsert import upsert
from okr.models import KeyResult, Member, Objective, PendingOwner
from storage.store import OkrStore

_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class SeenPerson:
    """What one activity or roster entry says about a person; None means "not said"."""

    id: str
    aad_object_id: str | None = None
    name: str | None = None
    email: str | None = None  # e-mail or UPN
    time_zone: str | None = None
    locale: str | None = None
    team_id: str | None = None


def valid_time_zone(name: str | None) -> str | None:
    """``name`` if it is an IANA time zone this Python knows, else None."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return name


def valid_locale(tag: str | None) -> str | None:
    """``tag`` if it looks like a BCP 47 language tag (``vi-VN``), else None."""
    return tag if tag and _LOCALE.match(tag) else None


def merge_person(
    member: Member | None, seen: SeenPerson, tenant_id: str, now: datetime
) -> Member | None:
    """``member`` updated with what ``seen`` says, or None when nothing changed.

    Known values are never cleared by a source that does not carry them (an
    activity has no e-mail; the roster has no time zone).
    """
    if member is None:
        member = Member(tenant_id=tenant_id, id=seen.id)
        changed = True
    else:
        changed = False
    updates: dict[str, object] = {}
    for field, value in (
        ("aad_object_id", seen.aad_object_id),
        ("name", seen.name),
        ("email", seen.email),
        ("time_zone", valid_time_zone(seen.time_zone)),
        ("locale", valid_locale(seen.locale)),
    ):
        if value and getattr(member, field) != value:
            updates[field] = value
    if seen.team_id and seen.team_id not in member.team_ids:
        updates["team_ids"] = (*member.team_ids, seen.team_id)
    if not updates and not changed:
        return None
    return dataclasses.replace(member, **updates, updated_at=now)  # type: ignore[arg-type]


async def learn_person(store: OkrStore, tenant_id: str, seen: SeenPerson, now: datetime) -> Member:
    """Create or update the person ``seen`` describes; writes only when something changed.

    The first time their e-mail/UPN is known, they take up what an import made
    them the pending owner of (one query; nothing more on later turns).
    """
    stored = await upsert(
        store.save_member,
        lambda: store.get_member(tenant_id, seen.id),
        lambda member: merge_person(member, seen, tenant_id, now),
    )
    member = stored.after
    assert member is not None  # merge_person always creates a missing member
    before = stored.before.email if stored.before is not None else None
    if member.email and (before or "").casefold() != member.email.casefold():
        await take_up_pending_ownership(store, member, now)
    return member


async def take_up_pending_ownership(store: OkrStore, member: Member, now: datetime) -> int:
    """Make ``member`` the owner of what an import named their e-mail for; returns how many.

    Something that got an owner meanwhile (someone edited it in Teams) keeps it.
    Each pending record is deleted once handled, so a retry does the rest.
    """
    if not member.email:
        return 0
    taken = 0
    for pending in await store.list_pending_owners(member.tenant_id, email=member.email):
        if pending.key_result_id is None:
            taken += await _take_objective(store, pending, member.id, now)
        else:
            taken += await _take_key_result(store, pending, pending.key_result_id, member.id)
        await store.delete_pending_owner(pending)
    return taken


async def _take_objective(
    store: OkrStore, pending: PendingOwner, member_id: str, now: datetime
) -> bool:
    def owned(objective: Objective | None) -> Objective | None:
        if objective is None or objective.owner_id is not None:
            return None
        return dataclasses.replace(objective, owner_id=member_id, updated_at=now)

    async def load() -> Objective | None:
        return await store.get_objective(pending.tenant_id, pending.objective_id)

    saved = await upsert(store.save_objective, load, owned)
    return saved.after is not saved.before


async def _take_key_result(
    store: OkrStore, pending: PendingOwner, key_result_id: str, member_id: str
) -> bool:
    def owned(key_result: KeyResult | None) -> KeyResult | None:
        if key_result is None or key_result.owner_id is not None:
            return None
        return dataclasses.replace(key_result, owner_id=member_id)

    async def load() -> KeyResult | None:
        return await store.get_key_result(pending.tenant_id, key_result_id)

    saved = await upsert(store.save_key_result, load, owned)
    return saved.after is not saved.before


async def leave_team(store: OkrStore, tenant_id: str, member_id: str, team_id: str) -> None:
    """Forget that the person is in ``team_id`` (they left it); the person stays known."""

    def without_team(member: Member | None) -> Member | None:
        if member is None or team_id not in member.team_ids:
            return None
        return dataclasses.replace(
            member, team_ids=tuple(t for t in member.team_ids if t != team_id)
        )

    await upsert(store.save_member, lambda: store.get_member(tenant_id, member_id), without_team)
