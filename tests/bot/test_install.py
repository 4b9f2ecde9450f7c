"""Installing and removing the bot, seen from Teams: what is stored, what is sent."""

from __future__ import annotations

from okr.models import Channel, ConversationKind
from tests import factories as f
from tests.conftest import BotClient
from tests.connector import Connector, Member

ROSTER = [
    Member(
        id=f.ALICE.id,
        name=f.ALICE.name,
        aad_object_id=f.ALICE.aad_object_id,
        email="alice@contoso.com",
        user_role="owner",
    ),
    Member(
        id=f.BINH.id,
        name=f.BINH.name,
        aad_object_id=f.BINH.aad_object_id,
        user_principal_name="binh@contoso.com",
    ),
    Member(id="29:1-chi", name="Chi Lê", aad_object_id="aad-chi", email="chi@contoso.com"),
]


def _sales_team(connector: Connector) -> None:
    connector.add_team(
        f.SALES.id,
        f.SALES.name,
        channels=[(f.SALES.id, None), ("19:pipeline@thread.tacv2", "Pipeline")],
        members=ROSTER,
    )


async def test_bot_added_to_a_team_stores_team_channels_roster_and_greets(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)

    response = await bot.post(f.bot_added_to_team(connector.url))

    assert response.status == 202
    ref = await bot.store.get_conversation(f.TENANT_ID, f.SALES.channel_id)
    assert ref is not None
    assert ref.kind is ConversationKind.CHANNEL
    assert ref.active and ref.team_id == f.SALES.id
    assert ref.conversation_id == f.SALES.channel_id
    assert ref.service_url == connector.url and ref.bot_id == f.BOT_ID
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and team.installed and team.name == "Sales"
    assert team.channels == (
        Channel(id=f.SALES.id, name=""),
        Channel(id="19:pipeline@thread.tacv2", name="Pipeline"),
    )
    assert team.owner_ids == (f.ALICE.id,)
    members = {m.id: m for m in await bot.store.list_members(f.TENANT_ID)}
    assert set(members) == {f.ALICE.id, f.BINH.id, "29:1-chi"}
    assert members[f.ALICE.id].email == "alice@contoso.com"
    assert members[f.BINH.id].email == "binh@contoso.com"  # the UPN when there is no e-mail
    assert members["29:1-chi"].aad_object_id == "aad-chi"
    assert all(f.SALES.id in m.team_ids for m in members.values())
    assert await bot.store.get_tenant(f.TENANT_ID) is not None

    [welcome] = connector.cards(f.SALES.channel_id)
    assert welcome["type"] == "AdaptiveCard"
    assert "help" in str(welcome)
    assert connector.calls_to("team_channels")[0].conversation_id == f.SALES.id
    assert all(c.authorization is None for c in connector.calls)  # local mode: no token


async def test_roster_is_read_page_by_page(bot: BotClient, connector: Connector) -> None:
    many = [Member(id=f"29:1-u{i}", name=f"User {i}", aad_object_id=f"aad-{i}") for i in range(450)]
    connector.add_team(f.SALES.id, f.SALES.name, members=many)

    await bot.post(f.bot_added_to_team(connector.url))

    assert len(connector.calls_to("paged_members")) == 3
    assert len(await bot.store.list_members(f.TENANT_ID)) == 450 + 1  # and the installer


async def test_install_announced_twice_greets_once(bot: BotClient, connector: Connector) -> None:
    _sales_team(connector)

    await bot.post(f.bot_added_to_team(connector.url))
    await bot.post(f.installation_update("add", connector.url, team=f.SALES))

    assert len(connector.cards(f.SALES.channel_id)) == 1
    # and Alice (installer and owner) gets her first steps once
    assert len(connector.calls_to("create_conversation")) == 1
    assert len(connector.cards()) == 2


async def test_personal_install_stores_the_chat_and_greets_in_the_users_language(
    bot: BotClient, connector: Connector
) -> None:
    response = await bot.post(f.installation_update("add", connector.url, user=f.BINH))

    assert response.status == 202
    ref = await bot.store.get_conversation(f.TENANT_ID, f.BINH.id)
    assert ref is not None and ref.active
    assert ref.kind is ConversationKind.PERSONAL
    assert ref.conversation_id == f.personal_conversation_id(f.BINH)
    assert ref.member_id == f.BINH.id and ref.team_id is None
    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None and member.locale == "vi-VN"
    [welcome] = connector.cards(f.personal_conversation_id(f.BINH))
    assert "Xin chào, tôi là bot theo dõi OKR" in str(welcome) and "Trần Bình" in str(welcome)


async def test_personal_removal_marks_the_chat_inactive(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.installation_update("add", connector.url))
    sent_before = len(connector.sent())

    response = await bot.post(f.installation_update("remove", connector.url))

    assert response.status == 202
    ref = await bot.store.get_conversation(f.TENANT_ID, f.ALICE.id)
    assert ref is not None and not ref.active
    assert len(connector.sent()) == sent_before  # nothing said to someone who left

    await bot.post(f.installation_update("add", connector.url))  # reinstalled: greeted again
    assert len(connector.cards()) == 2


async def test_bot_removed_from_team_marks_team_and_channels_inactive(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url))

    response = await bot.post(f.bot_removed_from_team(connector.url))

    assert response.status == 202
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and not team.installed
    refs = await bot.store.list_conversations(f.TENANT_ID, team_id=f.SALES.id)
    assert refs and not any(r.active for r in refs)
    assert len(await bot.store.list_members(f.TENANT_ID)) == 3  # nobody forgotten


async def test_team_deleted_marks_team_uninstalled(bot: BotClient, connector: Connector) -> None:
    _sales_team(connector)
    await bot.post(f.bot_added_to_team(connector.url))

    await bot.post(f.team_deleted(connector.url))

    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and not team.installed


async def test_install_survives_teams_failing_to_list_channels_and_roster(
    bot: BotClient, connector: Connector
) -> None:
    _sales_team(connector)
    connector.fail_next(1, 500, route="team_channels")
    connector.fail_next(1, 503, route="paged_members")

    response = await bot.post(f.bot_added_to_team(connector.url))

    assert response.status == 202
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and team.installed
    assert team.channels == (Channel(id=f.SALES.channel_id, name=""),)
    assert team.owner_ids == ()
    assert len(connector.cards(f.SALES.channel_id)) == 1  # still greeted
