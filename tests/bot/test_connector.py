"""The local connector answers the SDK's own client the way Teams does (the harness, checked)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from tests.connector import Connector, Member


@pytest.fixture
async def client(connector: Connector) -> AsyncIterator[TeamsConnectorClient]:
    teams = TeamsConnectorClient(endpoint=connector.url, token="")
    yield teams
    await teams.close()


async def test_send_reply_update_and_create(
    connector: Connector, client: TeamsConnectorClient
) -> None:
    created = await client.conversations.create_conversation(
        ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id="28:bot"),
            members=[ChannelAccount(id="29:1-alice")],
            tenant_id="t",
        )
    )
    sent = await client.conversations.send_to_conversation(
        created.id, Activity(type="message", text="hello")
    )
    await client.conversations.reply_to_activity(
        created.id, sent.id, Activity(type="message", text="again")
    )
    await client.conversations.update_activity(
        created.id, sent.id, Activity(type="message", text="edited", id=sent.id)
    )

    assert [c.route for c in connector.calls] == [
        "create_conversation",
        "send_to_conversation",
        "reply_to_activity",
        "update_activity",
    ]
    assert connector.texts(created.id) == ["hello", "again"]
    assert connector.calls_to("update_activity")[0].activity_id == sent.id


async def test_members_paged_and_single(connector: Connector, client: TeamsConnectorClient) -> None:
    people = [Member(id=f"29:1-{i}", name=f"P{i}", aad_object_id=f"a{i}") for i in range(5)]
    connector.add_team("19:t@thread.tacv2", "T", members=people)

    first = await client.get_conversation_paged_member("19:t@thread.tacv2", 2, "")
    member = await client.get_conversation_member("19:t@thread.tacv2", "29:1-3")

    assert [m.id for m in first.members] == ["29:1-0", "29:1-1"]
    assert first.continuation_token
    assert member.aad_object_id == "a3"


async def test_fail_next_answers_with_the_status_then_recovers(
    connector: Connector, client: TeamsConnectorClient
) -> None:
    connector.add_team("19:t@thread.tacv2", "T")
    connector.fail_next(2, 503, route="team_channels")

    for _ in range(2):
        with pytest.raises(Exception, match="503"):
            await client.fetch_channel_list("19:t@thread.tacv2")
    channels = await client.fetch_channel_list("19:t@thread.tacv2")

    assert [c.id for c in channels] == ["19:t@thread.tacv2"]
    assert len(connector.calls_to("team_channels")) == 3  # refused calls are recorded too
