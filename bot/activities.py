"""Reading Teams activities: the one place that knows where Teams puts things."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.activity.teams import TeamsChannelData
from pydantic import ValidationError

from bot.people import SeenPerson
from okr.models import ConversationKind, ConversationRef


def channel_data(activity: Activity) -> TeamsChannelData:
    """``channelData`` as Teams' typed model (empty when missing or malformed)."""
    raw = activity.channel_data
    if isinstance(raw, TeamsChannelData):
        return raw
    try:
        return TeamsChannelData.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError:
        return TeamsChannelData()


def tenant_of(activity: Activity) -> str | None:
    """The tenant id, lower case: ``channelData.tenant.id``, else ``conversation.tenantId``."""
    data = channel_data(activity)
    tenant: str | None = data.tenant.id if data.tenant is not None else None
    if not tenant and activity.conversation is not None:
        tenant = activity.conversation.tenant_id
    return tenant.lower() if tenant else None


def team_of(activity: Activity) -> tuple[str, str] | None:
    """``(team id, team name)`` from ``channelData.team``, or None outside teams."""
    team = channel_data(activity).team
    if team is None or not team.id:
        return None
    return team.id, team.name or ""


def conversation_kind(activity: Activity) -> ConversationKind:
    """Personal chat, team channel or group chat."""
    kind = activity.conversation.conversation_type if activity.conversation else None
    if kind == "channel" or (kind is None and team_of(activity) is not None):
        return ConversationKind.CHANNEL
    if kind == "groupChat":
        return ConversationKind.GROUP_CHAT
    return ConversationKind.PERSONAL


def conversation_ref(activity: Activity, tenant_id: str, now: datetime) -> ConversationRef:
    """Enough of the activity's conversation to send into it later.

    The key is the member id in a personal chat, the channel id in a channel,
    the conversation id in a group chat. A channel message's conversation id
    carries ``;messageid=…`` (its thread); the stored id is the channel's.
    """
    assert activity.conversation is not None  # the adapter refuses activities without one
    conversation_id = activity.conversation.id.split(";messageid=")[0]
    kind = conversation_kind(activity)
    team = team_of(activity)
    member_id = activity.from_property.id if activity.from_property else None
    if kind is ConversationKind.PERSONAL:
        key = member_id or conversation_id
    elif kind is ConversationKind.CHANNEL:
        channel = channel_data(activity).channel
        key = channel.id if channel is not None and channel.id else conversation_id
        member_id = None
    else:
        key, member_id = conversation_id, None
    return ConversationRef(
        tenant_id=tenant_id,
        id=key,
        kind=kind,
        conversation_id=conversation_id,
        service_url=activity.service_url or "",
        bot_id=activity.recipient.id if activity.recipient else "",
        channel_id=str(activity.channel_id or "msteams"),
        member_id=member_id,
        team_id=team[0] if team else None,
        active=True,
        updated_at=now,
    )


def client_info(activity: Activity) -> dict[str, Any]:
    """The ``clientInfo`` entity (locale, country, platform, timezone), or {}."""
    for entity in activity.entities or ():
        if str(entity.type) == "clientInfo":
            return entity.model_dump(by_alias=True)
    return {}


def sender_of(activity: Activity) -> SeenPerson | None:
    """Who sent the activity, as far as it says; None for the bot itself or no sender."""
    sender = activity.from_property
    if sender is None or not sender.id:
        return None
    if activity.recipient is not None and sender.id == activity.recipient.id:
        return None
    if sender.role in ("bot", "skill"):
        return None
    info = client_info(activity)
    team = team_of(activity)
    extra = sender.model_extra or {}
    email = extra.get("email") or extra.get("userPrincipalName")
    return SeenPerson(
        id=sender.id,
        aad_object_id=sender.aad_object_id,
        name=sender.name,
        email=email if isinstance(email, str) else None,
        time_zone=info.get("timezone"),
        locale=activity.locale or info.get("locale"),
        team_id=team[0] if team else None,
    )
