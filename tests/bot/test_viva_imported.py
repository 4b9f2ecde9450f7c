"""After a Viva Goals import, the chat shows the imported OKRs with their history.

The export of tests/cli/viva_sample.py is imported into the bot's own store
(the tenant and the Sales team the bot was installed in, with Alice and Binh
on its roster), then people ask the bot through the real endpoint and the
tests read what arrived at the local connector.
"""

from __future__ import annotations

import pytest

from cli.viva_import import import_viva_goals
from cli.viva_mapping import viva_id
from tests import factories as f
from tests.bot.test_digest import _channel_digest, _text
from tests.bot.test_install import ROSTER
from tests.cli import viva_sample as v
from tests.cli.viva_sample import People
from tests.conftest import BotClient
from tests.connector import Connector

ALICE_AND_BINH = People(an="Alice@Contoso.com", binh="binh@contoso.com")


@pytest.fixture
async def imported_bot(bot: BotClient, connector: Connector) -> BotClient:
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    await bot.post(f.personal_message("ngôn ngữ vi", connector.url, user=f.BINH))
    export = v.read_sample(ALICE_AND_BINH)
    result = await import_viva_goals(bot.store, f.TENANT_ID, export, teams={"70": f.SALES.id})
    assert result.written > 0
    connector.calls.clear()
    return bot


async def test_status_shows_an_imported_objective_with_values_statuses_and_initiatives(
    imported_bot: BotClient, connector: Connector
) -> None:
    await imported_bot.post(
        f.personal_message("status Tăng gấp đôi doanh thu", connector.url, user=f.ALICE)
    )

    [call] = connector.sent()
    shown = _text(call.body["attachments"][0]["content"])
    for line in (
        "Tăng gấp đôi doanh thu",
        "▰▰▰▰▱▱▱▱▱▱ **43%** · Behind pace · Plan to date: 61%",  # weighted 60/40
        "**Doanh thu quý**\nAt risk",
        "₫1,000,000,000 → ₫2,000,000,000 · now ₫1,500,000,000 · Trần Bình",
        "**Giảm phiếu hỗ trợ**\nOff track",
        "120 tickets/month → 30 tickets/month · now 90 tickets/month · No owner",
        "• Ra mắt ứng dụng · In progress",
    ):
        assert line in shown, f"{line!r} not in {shown}"


async def test_a_closed_quarter_reads_as_closed_with_its_score(
    imported_bot: BotClient, connector: Connector
) -> None:
    await imported_bot.post(
        f.personal_message("status Ra mắt sản phẩm Q1", connector.url, user=f.ALICE)
    )

    [call] = connector.sent()
    shown = _text(call.body["attachments"][0]["content"])
    assert "Closed by Alice Nguyen" in shown and "0.7" in shown, shown


async def test_my_okrs_lists_what_binh_owns_in_vietnamese(
    imported_bot: BotClient, connector: Connector
) -> None:
    await imported_bot.post(f.personal_message("okr của tôi", connector.url, user=f.BINH))

    [call] = connector.sent()
    shown = _text(call.body["attachments"][0]["content"])
    titles = [line for line in shown.splitlines() if line.startswith("**")]
    # His objectives and the one he owns a key result of; the closed quarter is not listed.
    assert titles == [
        "**Mở rộng thị trường**",
        "**Sprint goal**",
        "**Tăng gấp đôi doanh thu**",
    ]
    assert "▰▰▰▰▱▱▱▱▱▱ 43% · Kế hoạch đến nay: 61%" in shown


async def test_the_channel_digest_shows_the_imported_history(
    imported_bot: BotClient, connector: Connector
) -> None:
    card, _ = await _channel_digest(imported_bot, connector)

    shown = _text(card)
    for line in (
        "Overall: ▰▰▰▰▱▱▱▱▱▱ 43% · plan to date 61%",
        "**Tăng gấp đôi doanh thu**\n43% · Plan to date: 61% · Alice Nguyen",
        "**Doanh thu quý**\n<at>Trần Bình</at> · 50%\n"
        "_“Chậm hơn kế hoạch,\ncần thêm khách hàng lớn”_\nAt risk",
        "**Giảm phiếu hỗ trợ**\n— · 33%\n_“Đang giảm”_\nOff track",
    ):
        assert line in shown, f"{line!r} not in {shown}"
    assert viva_id(f.TENANT_ID, "objective", str(v.CYCLE_A)) not in str(card)
