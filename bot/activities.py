"""Reading Teams activities: the one place that knows where Teams puts things."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.activity.teams import TeamsChannelData
from pydantic import BaseModel, ValidationError

from bot.people import SeenPerson
from okr.models import ConversationKind, ConversationRef, tenant_key
from okr.text import clean_text

# Deeper than this, nothing of an activity is read (the edge refuses far deeper bodies).
_MAX_DEPTH = 32
# The locale assumed when an activity names none.
DEFAULT_LOCALE = "en-US"


def clean_activity(activity: Activity) -> None:
    """Clean every text of ``activity`` in place (:func:`okr.text.clean_text`), keys included.

    Runs first on every turn, so that nothing the bot reads or stores can carry a
    lone surrogate or a control character, and Vietnamese is always composed.
    """
    _clean_model(activity, 0)


def _clean_model(model: BaseModel, depth: int) -> None:
    fields = model.__dict__
    for name, value in fields.items():
        cleaned = _cleaned(value, depth + 1)
        if cleaned is not value:
            fields[name] = cleaned
    extra = model.__pydantic_extra__
    if extra:
        for name, value in list(extra.items()):
            extra[name] = _cleaned(value, depth + 1)


def _cleaned(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, BaseModel):
        _clean_model(value, depth)
        return value
    if isinstance(value, dict):
        return {
            (clean_text(k) if isinstance(k, str) else k): _cleaned(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_cleaned(item, depth + 1) for item in value]
    return value


def _text_or_none(value: object) -> str | None:
    """``value`` if it is a non-empty string: Teams' optional fields may come as anything."""
    return value if isinstance(value, str) and value else None


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
    return tenant_key(tenant) if tenant else None


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
    # A field of the wrong type is ignored, never a reason to fail the turn.
    return SeenPerson(
        id=sender.id,
        aad_object_id=_text_or_none(sender.aad_object_id),
        name=_text_or_none(sender.name),
        email=_text_or_none(extra.get("email")) or _text_or_none(extra.get("userPrincipalName")),
        time_zone=_text_or_none(info.get("timezone")),
        locale=_text_or_none(activity.locale) or _text_or_none(info.get("locale")),
        team_id=team[0] if team else None,
    )
