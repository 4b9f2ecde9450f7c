"""Activities built the way Teams sends them, for posting to ``/api/messages``.

Every builder takes the connector's ``service_url`` and returns the JSON body
(a dict). Ids follow Teams' shapes: users ``29:…``, the bot ``28:<app id>``,
personal conversations ``a:…``, channels and teams ``19:…@thread.tacv2``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT_ID = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"
BOT_ID = "28:00000000-0000-0000-0000-00000000b07"
BOT_NAME = "OKR Bot"

_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class User:
    """A Teams user as activities name them."""

    id: str = "29:1-alice"
    aad_object_id: str = "aad-alice"
    name: str = "Alice Nguyen"
    locale: str = "en-US"
    time_zone: str | None = "America/Los_Angeles"


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team and the channel an activity happens in."""

    id: str = "19:team-sales@thread.tacv2"  # also the General channel's id
    name: str = "Sales"
    channel_id: str = "19:team-sales@thread.tacv2"
    channel_name: str | None = None  # Teams leaves General unnamed


ALICE = User()
BINH = User(
    id="29:1-binh",
    aad_object_id="aad-binh",
    name="Trần Bình",
    locale="vi-VN",
    time_zone="Asia/Ho_Chi_Minh",
)
SALES = TeamInfo()


def _next_id() -> str:
    return f"1{next(_ids):012d}"


def personal_conversation_id(user: User) -> str:
    """The id of the one-to-one chat between ``user`` and the bot."""
    return f"a:personal-{user.id.split(':', 1)[1]}"


def _base(
    activity_type: str,
    service_url: str,
    *,
    user: User,
    tenant_id: str,
    conversation: dict[str, Any],
    channel_data: dict[str, Any],
) -> dict[str, Any]:
    entities: list[dict[str, Any]] = []
    if user.time_zone is not None:
        entities.append(
            {
                "type": "clientInfo",
                "locale": user.locale,
                "country": user.locale.split("-")[-1],
                "platform": "Web",
                "timezone": user.time_zone,
            }
        )
    return {
        "type": activity_type,
        "id": _next_id(),
        "timestamp": "2026-11-27T02:00:00.000Z",
        "localTimestamp": "2026-11-26T18:00:00.000-08:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": user.id, "name": user.name, "aadObjectId": user.aad_object_id},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {**conversation, "tenantId": tenant_id},
        "channelData": {**channel_data, "tenant": {"id": tenant_id}},
        "entities": entities,
        "locale": user.locale,
    }


def _personal(user: User) -> dict[str, Any]:
    return {"conversationType": "personal", "id": personal_conversation_id(user)}


def _channel(team: TeamInfo, thread: str | None = None) -> dict[str, Any]:
    conversation_id = team.channel_id + (f";messageid={thread}" if thread else "")
    return {"conversationType": "channel", "isGroup": True, "id": conversation_id}


def _team_data(team: TeamInfo) -> dict[str, Any]:
    channel: dict[str, Any] = {"id": team.channel_id}
    if team.channel_name is not None:
        channel["name"] = team.channel_name
    return {
        "team": {"id": team.id, "name": team.name, "aadGroupId": "group-" + team.name.lower()},
        "channel": channel,
    }


def personal_message(
    text: str, service_url: str, *, user: User = ALICE, tenant_id: str = TENANT_ID
) -> dict[str, Any]:
    """A message typed in the personal chat with the bot."""
    activity = _base(
        "message",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation=_personal(user),
        channel_data={},
    )
    activity.update(text=text, textFormat="plain")
    return activity


def channel_message(
    text: str,
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo = SALES,
    tenant_id: str = TENANT_ID,
) -> dict[str, Any]:
    """A channel post that @mentions the bot (the only channel posts Teams delivers)."""
    mention = f"<at>{BOT_NAME}</at>"
    activity = _base(
        "message",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation=_channel(team, thread=_next_id()),
        channel_data=_team_data(team),
    )
    activity.update(text=f"{mention} {text}", textFormat="plain")
    activity["entities"].insert(
        0,
        {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}},
    )
    return activity


def _team_update(
    event_type: str,
    service_url: str,
    *,
    user: User,
    team: TeamInfo,
    tenant_id: str,
    added: list[dict[str, Any]] | None = None,
    removed: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    activity = _base(
        "conversationUpdate",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation=_channel(team),
        channel_data={**_team_data(team), "eventType": event_type},
    )
    if added is not None:
        activity["membersAdded"] = added
    if removed is not None:
        activity["membersRemoved"] = removed
    return activity


def bot_added_to_team(
    service_url: str, *, user: User = ALICE, team: TeamInfo = SALES, tenant_id: str = TENANT_ID
) -> dict[str, Any]:
    """``conversationUpdate``: ``user`` added the bot to ``team``."""
    return _team_update(
        "teamMemberAdded",
        service_url,
        user=user,
        team=team,
        tenant_id=tenant_id,
        added=[{"id": BOT_ID}],
    )


def bot_removed_from_team(
    service_url: str, *, user: User = ALICE, team: TeamInfo = SALES, tenant_id: str = TENANT_ID
) -> dict[str, Any]:
    """``conversationUpdate``: ``user`` removed the bot from ``team``."""
    return _team_update(
        "teamMemberRemoved",
        service_url,
        user=user,
        team=team,
        tenant_id=tenant_id,
        removed=[{"id": BOT_ID}],
    )


def team_deleted(
    service_url: str, *, user: User = ALICE, team: TeamInfo = SALES, tenant_id: str = TENANT_ID
) -> dict[str, Any]:
    """``conversationUpdate`` with ``eventType: teamDeleted``."""
    return _team_update("teamDeleted", service_url, user=user, team=team, tenant_id=tenant_id)


def channel_event(
    event_type: str,
    channel_id: str,
    channel_name: str | None,
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo = SALES,
    tenant_id: str = TENANT_ID,
) -> dict[str, Any]:
    """``conversationUpdate`` ``channelCreated``/``channelRenamed``/``channelDeleted``.

    Teams names the channel concerned in ``channelData.channel``.
    """
    changed = TeamInfo(id=team.id, name=team.name, channel_id=channel_id, channel_name=channel_name)
    activity = _team_update(event_type, service_url, user=user, team=changed, tenant_id=tenant_id)
    activity["conversation"] = _channel(team)  # the event arrives in General
    return activity


GROUP_CHAT_ID = "19:meeting-group-chat@thread.v2"


def bot_added_to_group_chat(
    service_url: str, *, user: User = ALICE, tenant_id: str = TENANT_ID
) -> dict[str, Any]:
    """``conversationUpdate``: ``user`` added the bot to a group chat."""
    activity = _base(
        "conversationUpdate",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation={"conversationType": "groupChat", "isGroup": True, "id": GROUP_CHAT_ID},
        channel_data={},
    )
    activity["membersAdded"] = [{"id": BOT_ID}]
    return activity


def members_added(
    members: list[User],
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo = SALES,
    tenant_id: str = TENANT_ID,
) -> dict[str, Any]:
    """``conversationUpdate``: people (not the bot) joined ``team``."""
    return _team_update(
        "teamMemberAdded",
        service_url,
        user=user,
        team=team,
        tenant_id=tenant_id,
        added=[{"id": m.id, "aadObjectId": m.aad_object_id} for m in members],
    )


def members_removed(
    members: list[User],
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo = SALES,
    tenant_id: str = TENANT_ID,
) -> dict[str, Any]:
    """``conversationUpdate``: people (not the bot) left ``team``."""
    return _team_update(
        "teamMemberRemoved",
        service_url,
        user=user,
        team=team,
        tenant_id=tenant_id,
        removed=[{"id": m.id, "aadObjectId": m.aad_object_id} for m in members],
    )


def installation_update(
    action: str,
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo | None = None,
    tenant_id: str = TENANT_ID,
) -> dict[str, Any]:
    """``installationUpdate`` ``add``/``remove``: personally, or in ``team``."""
    if team is None:
        conversation, channel_data = _personal(user), {"source": {"name": "message"}}
    else:
        conversation, channel_data = _channel(team), _team_data(team)
    activity = _base(
        "installationUpdate",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation=conversation,
        channel_data=channel_data,
    )
    activity["action"] = action
    return activity


def card_action(
    verb: str,
    data: dict[str, Any],
    service_url: str,
    *,
    user: User = ALICE,
    team: TeamInfo | None = None,
    tenant_id: str = TENANT_ID,
    card_activity_id: str = "1000000000001",
) -> dict[str, Any]:
    """``invoke`` ``adaptiveCard/action``: ``user`` pressed an ``Action.Execute`` button."""
    if team is None:
        conversation, channel_data = _personal(user), {"source": {"name": "message"}}
    else:
        conversation, channel_data = _channel(team, thread=card_activity_id), _team_data(team)
    activity = _base(
        "invoke",
        service_url,
        user=user,
        tenant_id=tenant_id,
        conversation=conversation,
        channel_data=channel_data,
    )
    activity.update(
        name="adaptiveCard/action",
        replyToId=card_activity_id,
        value={
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": "manual",
        },
    )
    return activity
