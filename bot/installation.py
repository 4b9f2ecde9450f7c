"""What installing and removing the bot changes in storage. Nothing is ever deleted.

Teams announces one installation several ways (a ``conversationUpdate`` with
the bot in ``membersAdded`` and an ``installationUpdate`` ``add``, in either
order, possibly at once). Every function here is idempotent, and
:func:`activate_conversation` reports whether *this* call made the reference
active, so exactly one of the announcements sends the welcome card.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from bot.people import learn_person
from bot.teams_api import Roster
from bot.upsert import upsert
from okr.cadence import team_zone_chosen
from okr.models import Channel, ConversationRef, Member, Team, Tenant
from storage.store import OkrStore


async def ensure_tenant(store: OkrStore, tenant_id: str, now: datetime) -> Tenant:
    """The tenant's record, created on first sight."""

    def create(tenant: Tenant | None) -> Tenant | None:
        return Tenant(id=tenant_id, created_at=now) if tenant is None else None

    stored = await upsert(store.save_tenant, lambda: store.get_tenant(tenant_id), create)
    assert stored.after is not None
    return stored.after


async def activate_conversation(store: OkrStore, ref: ConversationRef) -> bool:
    """Store ``ref`` as active (refreshing its service URL); True if it was not active before."""

    def refreshed(stored: ConversationRef | None) -> ConversationRef | None:
        wanted = ref if stored is None else dataclasses.replace(ref, etag=stored.etag)
        if stored is not None and _same_delivery(stored, wanted):
            return None
        return wanted

    stored = await upsert(
        store.save_conversation, lambda: store.get_conversation(ref.tenant_id, ref.id), refreshed
    )
    return stored.before is None or not stored.before.active


async def deactivate_conversation(store: OkrStore, tenant_id: str, key: str, now: datetime) -> None:
    """Mark a stored conversation inactive (the bot can no longer send there)."""

    def inactive(stored: ConversationRef | None) -> ConversationRef | None:
        if stored is None or not stored.active:
            return None
        return dataclasses.replace(stored, active=False, updated_at=now)

    await upsert(store.save_conversation, lambda: store.get_conversation(tenant_id, key), inactive)


async def install_team(
    store: OkrStore,
    tenant_id: str,
    team_id: str,
    *,
    name: str,
    channels: Sequence[Channel],
    owner_ids: Sequence[str] | None,
    now: datetime,
) -> Team:
    """Record the team as installed with its channels and (when known) its owners.

    ``owner_ids`` None keeps the stored owners: the roster could not be read, so
    the team is marked ``roster_pending`` for the scheduler to try again.
    """
    pending = owner_ids is None

    def installed(team: Team | None) -> Team | None:
        if team is None:
            return Team(
                tenant_id=tenant_id,
                id=team_id,
                name=name,
                channels=tuple(channels),
                owner_ids=tuple(owner_ids or ()),
                installed=True,
                roster_pending=pending,
                created_at=now,
            )
        wanted = dataclasses.replace(
            team,
            name=name or team.name,
            channels=tuple(channels) or team.channels,
            owner_ids=team.owner_ids if owner_ids is None else tuple(owner_ids),
            installed=True,
            roster_pending=pending,
        )
        return None if wanted == team else wanted

    stored = await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), installed)
    assert stored.after is not None
    return stored.after


async def record_roster(
    store: OkrStore, tenant_id: str, team_id: str, roster: Roster, now: datetime
) -> list[Member]:
    """A team's roster was read (on install, or later by the scheduler): owners and people.

    Returns the team's people as stored now (for the team's default zone).
    """

    def read(team: Team | None) -> Team | None:
        if team is None:
            return None
        wanted = dataclasses.replace(team, owner_ids=roster.owner_ids, roster_pending=False)
        return None if wanted == team else wanted

    await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), read)
    return [await learn_person(store, tenant_id, person, now) for person in roster.people]


async def default_team_zone(
    store: OkrStore, tenant_id: str, team_id: str, zone: str | None
) -> Team | None:
    """Give the team ``zone`` unless somebody chose one already; returns the team as stored.

    See :func:`okr.cadence.team_default_zone` for which zone a new team gets, and
    :func:`okr.cadence.team_zone_chosen` for which zones are never overwritten.
    """

    def defaulted(team: Team | None) -> Team | None:
        if team is None or zone is None or team_zone_chosen(team.settings):
            return None
        return dataclasses.replace(
            team, settings=dataclasses.replace(team.settings, time_zone=zone)
        )

    stored = await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), defaulted)
    return stored.after


async def default_team_language(
    store: OkrStore, tenant_id: str, team_id: str, language: str
) -> Team | None:
    """Give the team ``language`` (its installer's) unless it has one; returns the team as stored.

    A channel is shared, so what the bot posts there (the digest, the period
    report) is in the team's language; owners change it in ``settings``.
    """

    def defaulted(team: Team | None) -> Team | None:
        if team is None or team.settings.language is not None:
            return None
        return dataclasses.replace(
            team, settings=dataclasses.replace(team.settings, language=language)
        )

    stored = await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), defaulted)
    return stored.after


async def change_channel(
    store: OkrStore, tenant_id: str, team_id: str, channel: Channel, *, deleted: bool
) -> None:
    """A channel was created, renamed or deleted in Teams: keep the team's list true.

    A deleted channel that received the digest sends it to General again.
    """

    def changed(team: Team | None) -> Team | None:
        if team is None:
            return None
        others = tuple(c for c in team.channels if c.id != channel.id)
        channels = others if deleted else (*others, channel)
        if not deleted:  # keep Teams' order: a renamed channel stays where it was
            order = [c.id for c in team.channels]
            channels = tuple(
                sorted(channels, key=lambda c: order.index(c.id) if c.id in order else len(order))
            )
        settings = team.settings
        if deleted and settings.digest_channel_id == channel.id:
            settings = dataclasses.replace(settings, digest_channel_id=None)
        wanted = dataclasses.replace(team, channels=channels, settings=settings)
        return None if wanted == team else wanted

    await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), changed)


async def uninstall_team(store: OkrStore, tenant_id: str, team_id: str, now: datetime) -> None:
    """The bot left the team (removed, or the team was deleted): mark it and its chats inactive."""

    def uninstalled(team: Team | None) -> Team | None:
        if team is None or not team.installed:
            return None
        return dataclasses.replace(team, installed=False)

    await upsert(store.save_team, lambda: store.get_team(tenant_id, team_id), uninstalled)
    for ref in await store.list_conversations(tenant_id, team_id=team_id):
        await deactivate_conversation(store, tenant_id, ref.id, now)


def _same_delivery(a: ConversationRef, b: ConversationRef) -> bool:
    """Whether two references send to the same place the same way (ignoring timestamps)."""
    return dataclasses.replace(a, updated_at=None, etag=None) == dataclasses.replace(
        b, updated_at=None, etag=None
    )
