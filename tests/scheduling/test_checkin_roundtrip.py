"""The whole loop a key-result owner lives: the scheduled card arrives, they answer it.

The app's own engine sends the round through the Teams sender to the local
connector; the card that arrived there is submitted back through
``/api/messages`` as Teams would, with real-length Teams ids.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app import SETTINGS_KEY
from bot.delivery import delivery_engine
from cards import verbs
from okr.models import KeyResult, KeyResultKind, Objective, ObjectiveState
from okr.periods import Period
from scheduling.rounds import PassKind, card_id_for
from tests import factories as f
from tests.bot.test_authoring import actions, all_actions, card_text, inputs
from tests.conftest import BotClient, Clock
from tests.connector import Connector, Member

# Teams' real ids are long; the card's ids must survive them.
LONG_USER = f.User(
    id="29:1"
    + "Hgfbfn9ng7SCJWL0kX1zX9PwUe9W9gw5BtSiQ5JqPfwKNuT4ivIdtkaexmUFmtOF6UE6vCGh2LkIgDFC0fO4kg",
    aad_object_id="6f0c2a1e-8a43-4c7b-9d2e-3b5f7a9c1d2e",
    name="Phạm Thu Hà",
    locale="vi-VN",
    time_zone="Asia/Ho_Chi_Minh",
)
TEAM = f.TeamInfo(
    id="19:a3b6f2e4c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6@thread.tacv2",
    name="Kinh doanh",
    channel_id="19:a3b6f2e4c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6@thread.tacv2",
)
# Monday 30 Nov 2026, 10:00 in Ho Chi Minh City: the default round (Mon 09:00) is due.
MONDAY_10_HCM = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


async def _owner_with_one_key_result(bot: BotClient, connector: Connector) -> None:
    """Hà owns Kinh doanh and one key result in an active objective."""
    roster = [
        Member(
            LONG_USER.id,
            LONG_USER.name,
            LONG_USER.aad_object_id,
            email="ha@contoso.com",
            user_role="owner",
        ),
    ]
    connector.add_team(TEAM.id, TEAM.name, members=roster)
    await bot.post(f.bot_added_to_team(connector.url, user=LONG_USER, team=TEAM))
    store = bot.store
    await store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj",
            title="Tăng doanh thu",
            owner_id=LONG_USER.id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=TEAM.id,
        )
    )
    await store.save_key_result(
        KeyResult(
            tenant_id=f.TENANT_ID,
            id="kr-revenue",
            objective_id="obj",
            title="Doanh thu",
            owner_id=LONG_USER.id,
            kind=KeyResultKind.CURRENCY,
            start=Decimal(12_000_000),
            target=Decimal(24_000_000),
            current=Decimal(12_000_000),
            currency="VND",
        )
    )
    connector.calls.clear()


async def test_a_scheduled_card_is_answered_and_recorded(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    await _owner_with_one_key_result(bot, connector)
    store = bot.store

    settings = bot.app[SETTINGS_KEY]
    async with delivery_engine(settings, store) as engine:
        counts = await engine.run(PassKind.CHECKINS, MONDAY_10_HCM)
    assert counts.sent == 1 and counts.ok

    [card] = connector.cards()
    assert "Đến giờ cập nhật OKR" in card_text({"value": card})
    submit = actions(card)[verbs.CHECKIN_SUBMIT]
    data: dict[str, Any] = dict(submit["data"])
    data |= {name: field.get("value", "") for name, field in inputs(card).items()}
    data |= {"value_0": "15.000.000", "note_0": "Ký thêm hai hợp đồng"}
    clock.now = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)  # she answers an hour and a half later
    response = await bot.post(
        f.card_action(verbs.CHECKIN_SUBMIT, data, connector.url, user=LONG_USER)
    )
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    assert "Đã ghi nhận cập nhật" in card_text(body)

    [checkin] = await store.list_checkins(f.TENANT_ID, key_result_id="kr-revenue")
    assert checkin.value == 15_000_000 and checkin.author_id == LONG_USER.id
    assert checkin.round_id is not None and checkin.round_id.startswith("checkin|")
    # The reminder pass a day later has nothing to remind: they answered.
    async with delivery_engine(settings, store) as engine:
        later = await engine.run(PassKind.REMINDERS, datetime(2026, 12, 1, 4, tzinfo=UTC))
    assert later.sent == 0


async def test_remind_me_later_brings_the_card_back_once_at_the_chosen_time(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    await _owner_with_one_key_result(bot, connector)
    settings = bot.app[SETTINGS_KEY]
    async with delivery_engine(settings, bot.store) as engine:
        assert (await engine.run(PassKind.CHECKINS, MONDAY_10_HCM)).sent == 1
    [card] = connector.cards()
    later = [a for a in all_actions(card) if a["verb"] == verbs.CHECKIN_LATER]
    assert [a["title"] for a in later] == ["Sau 1 giờ", "Sau 3 giờ", "9:00 sáng mai"]
    clock.now = MONDAY_10_HCM + timedelta(minutes=10)
    response = await bot.post(
        f.card_action(verbs.CHECKIN_LATER, later[1]["data"], connector.url, user=LONG_USER)
    )
    body = await response.json()
    assert "Đã dời lịch cập nhật" in card_text(body)
    assert "13:10" in card_text(body)  # 3 hours after 10:10, her time
    # Someone else pressing the same button moves nothing.
    other = f.User(id="29:1-other", aad_object_id="aad-other", name="Người khác")
    refused = await bot.post(
        f.card_action(verbs.CHECKIN_LATER, later[0]["data"], connector.url, user=other)
    )
    assert (await refused.json())["type"] == "application/vnd.microsoft.activity.message"
    connector.calls.clear()
    async with delivery_engine(settings, bot.store) as engine:
        early = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(hours=3, minutes=9))
        assert early.sent == 0
        back = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(hours=3, minutes=10))
        assert back.sent == 1
        # It was the round's reminder: the usual one a day later is not sent again.
        usual = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(hours=25))
        assert usual.sent == 0
    [again] = connector.cards()
    assert "Nhắc nhở" in card_text({"value": again})
    assert not [a for a in all_actions(again) if a["verb"] == verbs.CHECKIN_LATER]


def test_card_ids_stay_short_whatever_the_ids_teams_uses() -> None:
    long_delivery = f"checkin|{TEAM.id}|2026-11-30|{LONG_USER.id * 3}|checkin"
    assert len(card_id_for(long_delivery)) == 32
    assert card_id_for(long_delivery) == card_id_for(long_delivery)
    assert card_id_for(long_delivery) != card_id_for(long_delivery.replace("11-30", "12-07"))


async def test_a_team_owner_nudges_those_still_missing_once_a_round(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    await _owner_with_one_key_result(bot, connector)  # Hà owns the team and the key result
    settings = bot.app[SETTINGS_KEY]
    async with delivery_engine(settings, bot.store) as engine:
        assert (await engine.run(PassKind.CHECKINS, MONDAY_10_HCM)).sent == 1
        assert (await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(days=1))).sent == 1
        summary_pass = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(days=2))
    assert summary_pass.sent == 1  # the summary of who is missing, to the team's owner
    summary = connector.cards()[-1]
    [nudge] = [a for a in all_actions(summary) if a["verb"] == verbs.CHECKIN_NUDGE]
    assert nudge["title"] == "Nhắc họ"

    someone = f.User(id="29:1-someone", aad_object_id="aad-someone", name="Ai đó")
    refused = await bot.post(
        f.card_action(verbs.CHECKIN_NUDGE, nudge["data"], connector.url, user=someone)
    )
    assert "Only the team's owners" in (await refused.json())["value"]  # he reads English
    pressed = await bot.post(
        f.card_action(verbs.CHECKIN_NUDGE, nudge["data"], connector.url, user=LONG_USER)
    )
    assert "một lời nhắc" in (await pressed.json())["value"]
    again = await bot.post(
        f.card_action(verbs.CHECKIN_NUDGE, nudge["data"], connector.url, user=LONG_USER)
    )
    assert "đã nhắc họ rồi" in (await again.json())["value"]
    forged = {**nudge["data"], "round_id": "checkin|19:another-team@thread.tacv2|2026-11-30"}
    other_team = await bot.post(
        f.card_action(verbs.CHECKIN_NUDGE, forged, connector.url, user=LONG_USER)
    )
    assert (await other_team.json())["type"] == "application/vnd.microsoft.activity.message"

    connector.calls.clear()
    async with delivery_engine(settings, bot.store) as engine:
        first = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(days=2, minutes=1))
        second = await engine.run(PassKind.REMINDERS, MONDAY_10_HCM + timedelta(days=2, minutes=2))
    assert (first.sent, second.sent) == (1, 0)
    [nudged] = connector.cards()
    assert "Nhắc nhở" in card_text({"value": nudged})
