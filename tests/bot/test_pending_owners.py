"""Item 16, the bot's side: pending owners are linked when the bot meets them, and listed
on the team settings card for the team's owners."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cards.i18n import Language
from cards.settings import (
    PendingOwnerLine,
    TeamSettingsView,
    settings_version,
    team_settings_card,
    team_settings_values,
)
from cli.csv_import import import_csv
from cli.okr_csv import COLUMNS
from okr.models import KeyResult, TeamSettings
from tests import factories as f
from tests.bot.test_authoring import nodes
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector, Member

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
CUONG = f.User(id="29:1-cuong", aad_object_id="aad-cuong", name="Phạm Cường", locale="vi-VN")
DUNG = f.User(id="29:1-dung", aad_object_id="aad-dung", name="Lê Dũng")
# Alice (known from the roster) owns the objective; Cuong and Dung are not known yet.
OKRS = (
    ",".join(COLUMNS)
    + "\n"
    + "Grow revenue,alice@contoso.com,team,2026-Q4,committed,,Revenue,cuong@contoso.com,1,2,USD,\n"
    + "Grow revenue,alice@contoso.com,team,2026-Q4,committed,,Deals,dung@contoso.com,10,20,,\n"
    + "Grow revenue,alice@contoso.com,team,2026-Q4,committed,,Churn,Cuong@Contoso.com,9,6,%,\n"
)


@pytest.fixture
async def imported(bot: BotClient, connector: Connector) -> BotClient:
    """The bot in Sales (Alice owns it), and an import naming two people it has not met."""
    connector.add_team(f.SALES.id, f.SALES.name, members=list(ROSTER))
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    plan = await import_csv(bot.store, f.TENANT_ID, f.SALES.id, OKRS, now=NOW)
    assert [p.email for p in plan.pending] == ["cuong@contoso.com", "dung@contoso.com"]
    connector.calls.clear()
    return bot


async def owners(bot: BotClient) -> dict[str, str | None]:
    krs: list[KeyResult] = await bot.store.list_key_results(f.TENANT_ID)
    return {k.title: k.owner_id for k in krs}


def texts(card: dict[str, Any]) -> list[str]:
    keys = ("text", "title", "value")
    return [n[k] for n in nodes(card) for k in keys if isinstance(n.get(k), str)]


async def team_card(bot: BotClient, connector: Connector) -> list[str]:
    connector.calls.clear()
    await bot.post(f.channel_message("settings", connector.url))
    [card] = connector.cards()
    return texts(card)


async def test_team_owners_see_pending_owners_on_the_settings_card(
    imported: BotClient, connector: Connector
) -> None:
    shown = await team_card(imported, connector)

    at = shown.index("Owners I have not met yet")
    assert shown[at + 2 : at + 4] == [
        "cuong@contoso.com will own 2 key results",
        "dung@contoso.com will own 1 key result",
    ]


async def test_the_roster_brings_a_pending_owner_and_they_become_the_owner(
    imported: BotClient, connector: Connector
) -> None:
    connector.teams[f.SALES.id].members.append(
        Member(
            id=CUONG.id,
            name=CUONG.name,
            aad_object_id=CUONG.aad_object_id,
            user_principal_name="cuong@contoso.com",
        )
    )

    # Teams announces the roster change; the bot reads the roster again on (re)install.
    assert (await imported.post(f.bot_added_to_team(connector.url))).status == 202

    assert await owners(imported) == {"Revenue": CUONG.id, "Deals": None, "Churn": CUONG.id}
    pending = await imported.store.list_pending_owners(f.TENANT_ID)
    assert [p.email for p in pending] == ["dung@contoso.com"]
    shown = await team_card(imported, connector)
    assert "dung@contoso.com will own 1 key result" in shown
    assert not [line for line in shown if "cuong" in line]


async def test_a_first_message_that_carries_the_upn_links_the_pending_owner(
    imported: BotClient, connector: Connector
) -> None:
    message = f.personal_message("help", connector.url, user=DUNG)
    message["from"]["userPrincipalName"] = "Dung@Contoso.com"

    await imported.post(message)

    assert (await owners(imported))["Deals"] == DUNG.id
    assert [p.email for p in await imported.store.list_pending_owners(f.TENANT_ID)] == [
        "cuong@contoso.com",
        "cuong@contoso.com",
    ]
    shown = await team_card(imported, connector)
    assert "Owners I have not met yet" in shown
    assert not [line for line in shown if "dung" in line]


async def test_a_first_message_without_an_email_asks_teams_and_links_the_pending_owner(
    imported: BotClient, connector: Connector
) -> None:
    # Teams' messages carry no e-mail; the member's profile in the chat does.
    connector.conversation_members[f.personal_conversation_id(DUNG)] = [
        Member(
            id=DUNG.id, name=DUNG.name, aad_object_id=DUNG.aad_object_id, email="dung@contoso.com"
        )
    ]
    await imported.post(f.personal_message("help", connector.url, user=DUNG))
    assert (await owners(imported))["Deals"] == DUNG.id
    assert len(connector.calls_to("member")) == 1
    # Asked once: later messages cost nothing more.
    await imported.post(f.personal_message("help", connector.url, user=DUNG))
    assert len(connector.calls_to("member")) == 1


async def test_without_pending_owners_the_card_has_no_such_section(
    bot: BotClient, connector: Connector
) -> None:
    connector.add_team(f.SALES.id, f.SALES.name, members=list(ROSTER))
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    assert "Owners I have not met yet" not in await team_card(bot, connector)


def test_the_section_in_vietnamese() -> None:
    view = TeamSettingsView(
        team_id=f.SALES.id,
        team_name="Kinh doanh",
        channels=(),
        values=team_settings_values(TeamSettings(), ()),
        version=settings_version(TeamSettings()),
        pending_owners=(PendingOwnerLine("cuong@contoso.com", objectives=1, key_results=2),),
        more_pending=True,
    )
    shown = texts(team_settings_card(Language.VI, view, NOW))
    at = shown.index("Người phụ trách tôi chưa gặp")
    assert shown[at + 1].startswith("Một lần nhập OKR đã giao mục tiêu hoặc kết quả chính")
    assert shown[at + 2] == "cuong@contoso.com sẽ phụ trách 1 mục tiêu, 2 kết quả chính"
    assert shown[at + 3] == "…và một số người khác không hiển thị ở đây."
