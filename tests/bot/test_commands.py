"""Every chat command, in English and Vietnamese, through the real endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from tests import factories as f
from tests.bot.test_checkin import seed
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector

APOLOGY = ("Sorry, something went wrong", "Xin lỗi, đã có lỗi")

# (what Alice types in English, what Binh types in Vietnamese, a text each answer must contain)
COMMANDS = [
    ("help", "trợ giúp", ("What I can do", "Tôi có thể giúp gì")),
    ("new", "tạo mới", ("New objective", "Mục tiêu mới")),
    ("my okrs", "okr của tôi", ("Your OKRs", "OKR của bạn")),
    ("team okrs", "okr của nhóm", ("The team's OKRs", "OKR của nhóm")),
    ("status Tăng doanh thu", "trạng thái tăng doanh thu", ("Tăng doanh thu", "Tăng doanh thu")),
    ("checkin", "cập nhật", ("Time for your OKR check-in", "Đến giờ cập nhật OKR")),
    ("digest", "tổng hợp", ("Your progress", "Tiến độ của bạn")),
    ("settings", "cài đặt", ("settings", "Cài đặt")),
    ("close", "kết thúc kỳ", ("No objectives to close", "Không có mục tiêu nào cần kết thúc")),
    ("templates", "mẫu", ("Start from an example", "Bắt đầu từ một ví dụ")),
    ("language en", "ngôn ngữ vi", ("English", "tiếng Việt")),
]


@pytest.fixture
async def team_bot(bot: BotClient, connector: Connector) -> BotClient:
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    await bot.post(f.bot_added_to_team(connector.url))
    await seed(bot)
    connector.calls.clear()
    return bot


def answer(connector: Connector) -> str:
    """Everything the bot sent back, as one string."""
    return " ".join(str(c.body) for c in connector.sent())


@pytest.mark.parametrize(("english", "vietnamese", "expected"), COMMANDS)
async def test_each_command_answers_in_the_persons_language(
    team_bot: BotClient,
    connector: Connector,
    english: str,
    vietnamese: str,
    expected: tuple[str, str],
) -> None:
    for user, typed, wanted in ((f.ALICE, english, expected[0]), (f.BINH, vietnamese, expected[1])):
        connector.calls.clear()
        response = await team_bot.post(f.personal_message(typed, connector.url, user=user))
        assert response.status == 202
        said = answer(connector)
        assert wanted in said, f"{typed!r} answered {said[:300]!r}"
        assert not any(a in said for a in APOLOGY)


@pytest.mark.parametrize(
    "typed",
    [
        "TRỢ GIÚP",
        "tro giup",
        "Trợ giúp",  # decomposed accents (NFD)
        "ｈｅｌｐ",  # full-width letters
        "help\u200b",  # zero-width space
        "\u202bhelp\u202c",  # bidi embedding
        "  help  ",
        "/help",
    ],
)
async def test_odd_unicode_still_finds_help(
    team_bot: BotClient, connector: Connector, typed: str
) -> None:
    await team_bot.post(f.personal_message(typed, connector.url))
    assert "What I can do" in answer(connector)


async def test_commands_in_a_channel_after_a_mention(
    team_bot: BotClient, connector: Connector
) -> None:
    await team_bot.post(f.channel_message("team okrs", connector.url))
    said = answer(connector)
    assert "The team's OKRs" in said and "Tăng doanh thu" in said


async def test_unknown_text_suggests_the_closest_commands_briefly(
    team_bot: BotClient, connector: Connector
) -> None:
    await team_bot.post(f.personal_message("stauts revenue", connector.url))
    [reply] = connector.texts()
    assert "status" in reply and "help" in reply and len(reply) < 200
    connector.calls.clear()
    await team_bot.post(f.personal_message("caidat", connector.url, user=f.BINH))
    [reply] = connector.texts()
    assert "cài đặt" in reply


async def test_a_very_long_message_gets_a_short_answer(
    team_bot: BotClient, connector: Connector
) -> None:
    await team_bot.post(f.personal_message("x" * 5000, connector.url))
    [reply] = connector.texts()
    assert len(reply) < 300


@pytest.mark.parametrize("command", ["my okrs", "team okrs", "status Tăng doanh thu"])
async def test_lists_and_the_objective_card_read_the_people_they_name_not_the_tenant(
    team_bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # A request costs what it shows: the owners' names come from reading those
    # owners by id, never from the tenant's member list (which grows with it).
    async def whole_tenant(*args: object, **kwargs: object) -> object:
        raise AssertionError("the tenant's member list was read")

    monkeypatch.setattr(team_bot.store, "list_members", whole_tenant)
    read: list[str] = []
    get_members = team_bot.store.get_members

    async def by_id(tenant_id: str, member_ids: Iterable[str]) -> object:
        wanted = list(member_ids)
        read.extend(wanted)
        return await get_members(tenant_id, wanted)

    monkeypatch.setattr(team_bot.store, "get_members", by_id)
    await team_bot.post(f.personal_message(command, connector.url, user=f.ALICE))
    # The cards sent, not the whole activity (which names its recipient anyway).
    shown = json.dumps([c.body.get("attachments") for c in connector.sent()], ensure_ascii=False)
    assert f.ALICE.name in shown  # the objective's owner, by name
    if command.startswith("status"):
        assert f.BINH.name in shown  # a key result's owner
    assert f.ALICE.id in read and set(read) <= {f.ALICE.id, f.BINH.id}
