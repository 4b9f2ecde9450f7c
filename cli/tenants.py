"""Tenant and team ids as operators type them."""

from __future__ import annotations

import argparse
import uuid

from cli.errors import CommandError
from okr.models import Team, Tenant, tenant_key
from storage.store import OkrStore


def tenant_argument(text: str) -> str:
    """``--tenant``: a Microsoft Entra tenant id (a GUID, in any case), as stored."""
    key = tenant_key(text)
    try:
        canonical = str(uuid.UUID(key))
    except ValueError:
        canonical = ""
    if canonical != key:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a tenant id (a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47)"
        )
    return key


async def require_tenant(store: OkrStore, tenant_id: str) -> Tenant:
    """The tenant's record; a :class:`CommandError` if the bot has never been in it."""
    tenant = await store.get_tenant(tenant_id)
    if tenant is None:
        raise CommandError(
            f"tenant {tenant_id} is unknown here: the bot has not been installed in it "
            "(check the tenant id, and STORAGE/SQLITE_PATH or COSMOS_* point at the bot's data)"
        )
    return tenant


async def require_team(store: OkrStore, tenant_id: str, team_id: str) -> Team:
    """The team's record; a :class:`CommandError` if the bot is not installed in it."""
    team = await store.get_team(tenant_id, team_id)
    if team is None:
        raise CommandError(
            f"team {team_id!r} is unknown in tenant {tenant_id}: install the bot in the team "
            "first, then use the team id its `team okrs` card shows"
        )
    return team
