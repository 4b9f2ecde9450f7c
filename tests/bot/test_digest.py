"""``digest`` on demand and "Check in now", through the real endpoint, in both languages.

In a channel, ``digest`` posts the card the scheduled digest posts, in the team's
language, compared with the last stored snapshot, and stores none. In the
personal chat it is the person's own objectives and key results. "Check in now"
sends the presser their own check-in card privately and touches nothing in the
channel. What arrived at the local connector is read and its values asserted.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from cards import verbs
from okr.digest import digest_today, participation_round_id
from okr.due import DeliveryKind
from okr.models import (
    CheckInStatus,
    Delivery,
    DeliveryState,
    DigestSnapshot,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveMark,
    ObjectiveState,
)
from tests import factories as f
from tests.bot.test_authoring import all_actions, card_text, nodes
from tests.bot.test_checkin import Q4
from tests.bot.test_shared_cards import (
    SENT,
    channel_bot,  # noqa: F401  (fixture)
    press_in_channel,
    stored,
)
from tests.cards.checks import TEAMS_MAX_PAYLOAD_BYTES, mention_problems, teams_only_problems
from tests.conftest import BotClient, Clock
from tests.connector import Call, Connector

MESSAGE = "application/vnd.microsoft.activity.message"


async def _set_language(bot: BotClient, language: str) -> None:
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    settings = dataclasses.replace(team.settings, language=language)
    await bot.store.save_team(dataclasses.replace(team, settings=settings))


async def _a_week_of_checkins(bot: BotClient, clock: Clock) -> None:
    """Binh checked in both his key results this round (revenue at risk, with a note);
    Alice has not checked in hers. Both were asked."""
    store = bot.store
    checked = clock.now - timedelta(hours=1)
    for kr_id, current, status, note in (
        ("kr-rev", 15_600_000, CheckInStatus.AT_RISK, "Chậm ký hợp đồng"),
        ("kr-tix", 84, CheckInStatus.ON_TRACK, ""),
    ):
        kr = await store.get_key_result(f.TENANT_ID, kr_id)
        assert kr is not None
        await store.save_key_result(
            dataclasses.replace(
                kr,
                current=Decimal(current),
                last_status=status,
                last_note=note,
                last_checkin_at=checked,
            )
        )
    team = await store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    round_id = participation_round_id(team, clock.now)
    assert round_id is not None
    for member in (f.ALICE, f.BINH):
        await store.save_delivery(
            Delivery(
                tenant_id=f.TENANT_ID,
                id=f"{round_id}|{member.id}",
                round_id=round_id,
                member_id=member.id,
                kind=DeliveryKind.CHECKIN.value,
                state=DeliveryState.SENT,
            )
        )


async def _channel_digest(bot: BotClient, connector: Connector) -> tuple[dict[str, Any], Call]:
    """``digest`` typed in Sales' channel: the card and the request that carried it."""
    connector.calls.clear()
    await bot.post(f.channel_message("digest", connector.url))
    [call] = [c for c in connector.sent() if c.conversation_id.startswith(f.SALES.channel_id)]
    [attachment] = call.body["attachments"]
    return attachment["content"], call


def _text(card: dict[str, Any]) -> str:
    return card_text({"value": card})


# Revenue 12M -> 24M now 15.6M: 30%; tickets 120 -> 30 now 84: 40%; Alice's 80 -> 90: 0%.
# The objective and the team: (30 + 40 + 0) / 3 = 23%.
EXPECTED = {
    "en": (
        "Sales\nWeek 9 of 14 · Q4 2026\n",
        "Overall: ▰▰▱▱▱▱▱▱▱▱ 23% · plan to date ",
        "**1 of 2 checked in**",
        "Not yet: Alice Nguyen",
        "On track: 1 · At risk: 1 · Off track: 0 · Not updated: 1",
        "**Tăng doanh thu**\n23% · Plan to date: ",
        "At risk or off track\n**Doanh thu**\n<at>Trần Bình</at> · 30%\n_“Chậm ký hợp đồng”_",
        "Check in now",
    ),
    "vi": (
        "Sales\nTuần 9/14 · Quý 4/2026\n",
        "Tổng thể: ▰▰▱▱▱▱▱▱▱▱ 23% · kế hoạch đến nay ",
        "**1/2 người đã cập nhật**",
        "Chưa cập nhật: Alice Nguyen",
        "Đúng tiến độ: 1 · Có rủi ro: 1 · Trễ tiến độ: 0 · Chưa cập nhật: 1",
        "**Tăng doanh thu**\n23% · Kế hoạch đến nay: ",
        "Có rủi ro hoặc trễ tiến độ\n**Doanh thu**\n<at>Trần Bình</at> · 30%\n_“Chậm ký hợp đồng”_",
        "Cập nhật ngay",
    ),
}


@pytest.mark.parametrize("language", ["en", "vi"])
async def test_digest_in_a_channel_is_the_teams_card_in_the_teams_language(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
    language: str,
) -> None:
    await _set_language(channel_bot, language)
    await _a_week_of_checkins(channel_bot, clock)

    card, _ = await _channel_digest(channel_bot, connector)

    shown = _text(card)
    for wanted in EXPECTED[language]:
        assert wanted in shown, f"{wanted!r} not in {shown!r}"
    # Binh is @mentioned as Teams wants it: one entity whose text is in the card.
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Trần Bình</at>",
            "mentioned": {"id": f.BINH.id, "name": "Trần Bình"},
        }
    ]
    assert mention_problems(card) == [] and teams_only_problems(card) == []
    gauge = next(n for n in nodes(card) if n.get("type") == "Chart.Gauge")
    assert gauge["value"] == 23.3
    # No authoring in a channel post: check in, and the team's OKRs.
    assert [a["verb"] for a in card["actions"]] == [verbs.CHECKIN_NOW, verbs.COMMAND_RUN]
    assert card["actions"][0]["data"] == {"schema": 1, "team_id": f.SALES.id}


async def test_digest_on_demand_compares_with_the_last_snapshot_and_stores_none(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
) -> None:
    await _a_week_of_checkins(channel_bot, clock)
    team = await channel_bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    last_week = digest_today(team, clock.now) - timedelta(days=7)
    snapshot = DigestSnapshot(
        tenant_id=f.TENANT_ID,
        id=DigestSnapshot.id_for(f.SALES.id, last_week),
        team_id=f.SALES.id,
        slot=last_week,
        taken_at=clock.now - timedelta(days=7),
        period_label=Q4.label,
        overall=Decimal("0.18"),
        expected=Decimal("0.5"),
        objectives=(ObjectiveMark(id="obj", progress=Decimal("0.18")),),
    )
    snapshot = await channel_bot.store.save_snapshot(snapshot)

    card, _ = await _channel_digest(channel_bot, connector)

    shown = _text(card)
    # 23.3% now against 18% a week ago: +5.3 points, for the team and the objective.
    assert "+5.3 points since the last digest" in shown
    assert "**Tăng doanh thu**\n23% · Plan to date: " in shown and " · +5.3 points · " in shown
    after = await channel_bot.store.latest_snapshot(
        f.TENANT_ID, f.SALES.id, before=digest_today(team, clock.now) + timedelta(days=1)
    )
    assert after == snapshot  # nothing stored by a digest on demand


def _big_team(count: int = 200, per_objective: int = 5) -> tuple[list[Objective], list[KeyResult]]:
    """200 objectives of Binh's with 5 key results each, titles as long as people type."""
    title = "Rút ngắn thời gian xử lý yêu cầu hỗ trợ của khách hàng doanh nghiệp ở mọi khu vực"
    objectives, key_results = [], []
    for i in range(count):
        objective = Objective(
            tenant_id=f.TENANT_ID,
            id=f"big-{i:03d}",
            title=f"{title} {i + 1}",
            owner_id=f.BINH.id,
            period=Q4,
            state=ObjectiveState.ACTIVE,
            team_id=f.SALES.id,
        )
        objectives.append(objective)
        for j in range(per_objective):
            key_results.append(
                KeyResult(
                    tenant_id=f.TENANT_ID,
                    id=f"big-{i:03d}-{j}",
                    objective_id=objective.id,
                    title=f"{title} — KR {j + 1}",
                    owner_id=f.BINH.id,
                    kind=KeyResultKind.NUMBER,
                    start=Decimal(0),
                    target=Decimal(100),
                    current=Decimal((i + j) % 100),
                    last_status=(CheckInStatus.AT_RISK if j == 0 else CheckInStatus.ON_TRACK),
                    last_note="Nhà cung cấp khảo sát đã thay đổi, đợt tháng Hai bị mất dữ liệu. "
                    * 6,
                )
            )
    return objectives, key_results


@pytest.mark.parametrize("language", ["en", "vi"])
async def test_a_team_of_200_objectives_and_1000_key_results_gets_a_digest_teams_accepts(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
    language: str,
) -> None:
    await _set_language(channel_bot, language)
    objectives, key_results = _big_team()
    await channel_bot.store.create_missing(f.TENANT_ID, [*objectives, *key_results])

    card, call = await _channel_digest(channel_bot, connector)

    # Measured on the activity as it arrived, card and all.
    assert call.size < TEAMS_MAX_PAYLOAD_BYTES, f"{call.size} bytes"
    assert call.size == len(json.dumps(call.body).encode())  # what was measured is what was sent
    shown = _text(card)
    more = {"en": "…and {} more objectives", "vi": "…và {} mục tiêu khác"}[language]
    listed = shown.count("\n**Rút ngắn")  # objectives and key results listed by title
    assert any(more.format(n) in shown for n in range(150, 200)), shown[-2000:]
    assert listed >= 10
    # The overall covers all 201 objectives (the 200 and the seeded one), not those shown.
    assert {"en": "Objectives (201)", "vi": "Mục tiêu (201)"}[language] in shown
    assert {"en": "Key results (1,003)", "vi": "Kết quả chính (1.003)"}[language] in shown
    see_all = [a for a in all_actions(card) if a["title"] in ("See all", "Xem tất cả")]
    assert see_all and all(a["data"]["command"] == "team_okrs" for a in see_all)


@pytest.mark.parametrize(
    ("user", "title"), [(f.ALICE, "Your progress"), (f.BINH, "Tiến độ của bạn")]
)
async def test_digest_in_the_personal_chat_shows_the_persons_own_okrs(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
    user: f.User,
    title: str,
) -> None:
    await _a_week_of_checkins(channel_bot, clock)
    connector.calls.clear()
    await channel_bot.post(f.personal_message("digest", connector.url, user=user))
    [card] = connector.cards()
    shown = _text(card)
    assert shown.startswith(f"{title}\n")
    # Alice owns the objective (all three key results); Binh owns two of its key results.
    progress = {f.ALICE.id: "23%", f.BINH.id: "35%"}[user.id]
    assert f"**Tăng doanh thu**\n{progress} · " in shown
    # No participation, no mentions, no "first digest" in one's own digest.
    assert "msteams" not in card or "entities" not in card["msteams"]
    assert "checked in" not in shown and "người đã cập nhật" not in shown
    assert "First digest" not in shown and "Bản tổng hợp đầu tiên" not in shown
    assert [a["verb"] for a in card["actions"]] == [verbs.CHECKIN_NOW, verbs.OBJECTIVE_NEW]
    assert [a["verb"] for a in all_actions(card)][-1:] == [verbs.OBJECTIVE_NEW]
    assert verbs.KPI_NEW in [a["verb"] for a in all_actions(card)]  # beside the KPIs


async def test_a_person_without_objectives_is_told_so_in_their_digest(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    chi = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="vi-VN")
    connector.calls.clear()
    await channel_bot.post(f.personal_message("digest", connector.url, user=chi))
    assert connector.texts() == [
        "Bạn chưa có mục tiêu nào đang thực hiện trong kỳ này. Gõ **tạo mới** để tạo."
    ]


# -- Check in now ---------------------------------------------------------------------


async def _check_in_now(bot: BotClient, connector: Connector) -> dict[str, Any]:
    card, _ = await _channel_digest(bot, connector)
    [action] = [a for a in card["actions"] if a["verb"] == verbs.CHECKIN_NOW]
    return action


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_check_in_now_sends_the_pressers_own_card_privately_and_leaves_the_channel(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
    user: f.User,
) -> None:
    action = await _check_in_now(channel_bot, connector)
    before = await stored(channel_bot)

    body, private = await press_in_channel(channel_bot, connector, action, user)

    assert body == {"statusCode": 200, "type": MESSAGE, "value": SENT[user]}
    [checkin] = private
    shown = _text(checkin)
    titles = {f.ALICE.id: ["Alice's KR"], f.BINH.id: ["Doanh thu", "Phiếu hỗ trợ"]}[user.id]
    assert all(title in shown for title in titles)
    assert [a for a in all_actions(checkin) if a["verb"] == verbs.CHECKIN_SUBMIT]
    assert await stored(channel_bot) == before
    assert connector.updated_cards() == []  # the digest in the channel is left as it was


async def test_check_in_now_with_nothing_to_check_in_says_so_privately(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    chi = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="en-US")
    action = await _check_in_now(channel_bot, connector)
    connector.calls.clear()
    response = await channel_bot.post(
        f.card_action(action["verb"], action["data"], connector.url, user=chi, team=f.SALES)
    )
    body = await response.json()
    # One line, shown to the presser alone (the invoke's answer); nothing posted anywhere.
    assert body == {
        "statusCode": 200,
        "type": MESSAGE,
        "value": "You have no key results in active objectives to check in on. Type **my okrs** "
        "to see yours.",
    }
    assert connector.sent() == []


async def test_check_in_now_from_another_tenant_is_refused_and_stores_nothing(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    action = await _check_in_now(channel_bot, connector)
    other_tenant = "00000000-0000-0000-0000-0000000000ff"
    # The other tenant's Binh owns a key result there: still, Sales' card is not his.
    await channel_bot.store.save_member(Member(tenant_id=other_tenant, id=f.BINH.id, name="Bình"))
    before = await stored(channel_bot)
    connector.calls.clear()
    response = await channel_bot.post(
        f.card_action(
            action["verb"], action["data"], connector.url, user=f.BINH, tenant_id=other_tenant
        )
    )
    body = await response.json()
    assert body["type"] == MESSAGE and "Thẻ này không còn hiệu lực" in body["value"]
    assert connector.cards() == []
    assert await stored(channel_bot) == before
    assert await channel_bot.store.list_checkins(other_tenant) == []


async def test_a_replayed_old_check_in_now_is_answered_out_of_date(
    channel_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    action = await _check_in_now(channel_bot, connector)
    before = await stored(channel_bot)
    connector.calls.clear()
    old = {**action["data"], "schema": 0}  # a card from an older version of the bot
    response = await channel_bot.post(
        f.card_action(action["verb"], old, connector.url, team=f.SALES)
    )
    body = await response.json()
    assert body["type"] == MESSAGE
    assert connector.cards() == []
    assert await stored(channel_bot) == before
