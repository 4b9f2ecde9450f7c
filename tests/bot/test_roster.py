"""Team rosters read tolerantly, retried by the scheduler when Teams fails, and kept true.

Teams ends the last roster page with ``"continuationToken": null`` (the local
connector does too); channels come and go; group chats have members too.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from app import SETTINGS_KEY
from bot.proactive import build_sender
from bot.roster_retry import RosterRetry
from okr.models import Channel, Team
from scheduling.throttle import TeamsRateLimiter
from tests import factories as f
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector, Member

PIPELINE = "19:pipeline@thread.tacv2"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _sales(connector: Connector) -> None:
    connector.add_team(
        f.SALES.id,
        f.SALES.name,
        channels=[(f.SALES.id, None), (PIPELINE, "Pipeline")],
        members=ROSTER,
    )


async def test_a_roster_whose_last_page_has_a_null_token_is_read(
    bot: BotClient, connector: Connector
) -> None:
    _sales(connector)
    await bot.post(f.bot_added_to_team(connector.url))
    [page] = connector.calls_to("paged_members")
    assert page.route == "paged_members"
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and team.owner_ids == (f.ALICE.id,) and not team.roster_pending
    assert {m.id for m in await bot.store.list_members(f.TENANT_ID)} == {m.id for m in ROSTER}


async def test_a_malformed_member_record_does_not_lose_the_others(
    bot: BotClient, connector: Connector
) -> None:
    _sales(connector)
    connector.teams[f.SALES.id].members = [*ROSTER, _Malformed("29:1-odd", "Odd", "aad-odd")]
    await bot.post(f.bot_added_to_team(connector.url))
    known = {m.id for m in await bot.store.list_members(f.TENANT_ID)}
    assert known == {m.id for m in ROSTER}


class _Malformed(Member):
    """A roster entry whose name is not a string."""

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "name": {"not": "a name"}}


async def test_a_failed_roster_read_is_logged_and_retried_by_the_scheduler(
    bot: BotClient,
    connector: Connector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _sales(connector)
    connector.fail_next(1, 503, route="paged_members")
    with caplog.at_level(logging.INFO, logger="okr"):
        await bot.post(f.bot_added_to_team(connector.url))
    assert any("roster NOT read" in r.getMessage() for r in caplog.records)
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and team.roster_pending and team.owner_ids == ()
    assert await bot.store.list_pending_rosters(f.TENANT_ID) == [team]

    settings = bot.app[SETTINGS_KEY]
    async with build_sender(settings, TeamsRateLimiter()) as sender:
        retry = RosterRetry(bot.store, sender)
        connector.fail_next(1, 503, route="paged_members")  # Teams still failing once…
        assert await retry(NOW) == 1  # …the sender's own retry gets through
        assert await retry(NOW) == 0  # nothing left to do

    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and not team.roster_pending and team.owner_ids == (f.ALICE.id,)
    members = {m.id: m for m in await bot.store.list_members(f.TENANT_ID)}
    assert set(members) == {m.id for m in ROSTER}
    assert members[f.BINH.id].email == "binh@contoso.com"


async def test_channels_created_renamed_and_deleted_keep_the_team_true(
    bot: BotClient, connector: Connector
) -> None:
    _sales(connector)
    await bot.post(f.bot_added_to_team(connector.url))
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    await bot.store.save_team(
        team.__class__(
            **{
                **{n: getattr(team, n) for n in team.__slots__},
                "settings": team.settings.__class__(
                    **{
                        **{n: getattr(team.settings, n) for n in team.settings.__slots__},
                        "digest_channel_id": PIPELINE,
                    }
                ),
            }
        )
    )
    launch = "19:launch@thread.tacv2"
    for activity in (
        f.channel_event("channelCreated", launch, "Launch", connector.url),
        f.channel_event("channelRenamed", PIPELINE, "Deals", connector.url),
        f.channel_event("channelDeleted", PIPELINE, "Deals", connector.url),
    ):
        assert (await bot.post(activity)).status == 202
        if activity["channelData"]["eventType"] == "channelRenamed":
            renamed = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
            assert renamed is not None
            assert [c.name for c in renamed.channels] == ["", "Deals", "Launch"]
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    assert team.channels == (Channel(f.SALES.id, ""), Channel(launch, "Launch"))
    assert team.settings.digest_channel_id is None  # the digest goes to General again


async def test_a_group_chats_members_are_learned_on_install(
    bot: BotClient, connector: Connector
) -> None:
    chi = Member(id="29:1-chi", name="Chi Lê", aad_object_id="aad-chi", email="chi@contoso.com")
    connector.conversation_members[f.GROUP_CHAT_ID] = [ROSTER[0], chi]
    assert (await bot.post(f.bot_added_to_group_chat(connector.url))).status == 202
    members = {m.id: m for m in await bot.store.list_members(f.TENANT_ID)}
    assert members["29:1-chi"].email == "chi@contoso.com"
    assert members["29:1-chi"].team_ids == ()


async def _installed_without_roster_or_zone(bot: BotClient, connector: Connector) -> None:
    """Sales installed by someone whose client gave no zone, its roster read failing;
    then Binh (Ho Chi Minh City) writes to the bot."""
    _sales(connector)
    connector.fail_next(1, 503, route="paged_members")
    installer = dataclasses.replace(f.ALICE, time_zone=None)
    await bot.post(f.bot_added_to_team(connector.url, user=installer))
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and team.roster_pending and team.settings.time_zone == "UTC"
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))


async def _retry_rosters(bot: BotClient) -> Team:
    async with build_sender(bot.app[SETTINGS_KEY], TeamsRateLimiter()) as sender:
        assert await RosterRetry(bot.store, sender)(NOW) == 1
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None and not team.roster_pending
    return team


async def test_a_roster_read_late_gives_the_team_its_members_zone(
    bot: BotClient, connector: Connector
) -> None:
    await _installed_without_roster_or_zone(bot, connector)
    team = await _retry_rosters(bot)
    assert team.settings.time_zone == "Asia/Ho_Chi_Minh"
    assert team.owner_ids == (f.ALICE.id,)


async def test_a_roster_read_late_never_overrides_a_zone_the_owners_chose(
    bot: BotClient, connector: Connector
) -> None:
    await _installed_without_roster_or_zone(bot, connector)
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    chosen = dataclasses.replace(team.settings, rhythm_changed_at=NOW)  # UTC, on purpose
    await bot.store.save_team(dataclasses.replace(team, settings=chosen))
    team = await _retry_rosters(bot)
    assert team.settings.time_zone == "UTC" and team.owner_ids == (f.ALICE.id,)
