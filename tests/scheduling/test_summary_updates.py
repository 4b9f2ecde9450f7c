"""The team owners' summary stays true: a late answer updates it in place, in each language.

A round goes out through the app's own engine to the local connector; the
summary reaches the team's owner; then a member answers late through
``/api/messages``, and the owner's summary card is replaced (Teams' update
activity, at the activity id its delivery kept) with the round as it stands.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app import SETTINGS_KEY, SUMMARIES_KEY
from bot.delivery import delivery_engine
from cards import verbs
from okr.due import DeliveryKind
from okr.models import DeliveryState, KeyResult, KeyResultKind, Objective, ObjectiveState
from okr.periods import Period
from scheduling.rounds import PassKind
from tests import factories as f
from tests.bot.test_authoring import actions, card_text, inputs
from tests.conftest import BotClient, Clock
from tests.connector import Connector, Member

MINH = f.User(id="29:1-minh", aad_object_id="aad-minh", name="Minh Trần", locale="en-US")
LAN = f.User(id="29:1-lan", aad_object_id="aad-lan", name="Lan Phạm", locale="en-US")
# The round of Monday 30 Nov 2026 has gone out everywhere by then; reminders a day
# later; the summary after the reminders' delay again.
CHECKINS_AT = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
REMINDERS_AT = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
SUMMARY_AT = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)

SAID = {
    # (before, after Minh answers, after both answer)
    "en": ("0 of 2 checked in", "1 of 2 checked in", "Everyone has checked in"),
    "vi": ("0/2 người đã cập nhật", "1/2 người đã cập nhật", "Mọi người đều đã cập nhật"),
}


async def _round_with_summary(bot: BotClient, connector: Connector, owner: f.User) -> str:
    """Minh and Lan each own a key result; the round, its reminders and the summary go out.

    Returns the owner's conversation with the bot (where the summary is).
    """
    roster = [
        Member(owner.id, owner.name, owner.aad_object_id, user_role="owner"),
        Member(MINH.id, MINH.name, MINH.aad_object_id),
        Member(LAN.id, LAN.name, LAN.aad_object_id),
    ]
    connector.add_team(f.SALES.id, f.SALES.name, members=roster)
    await bot.post(f.bot_added_to_team(connector.url, user=owner))
    store = bot.store
    await store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj",
            title="Grow revenue",
            owner_id=owner.id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=f.SALES.id,
        )
    )
    for person in (MINH, LAN):
        await store.save_key_result(
            KeyResult(
                tenant_id=f.TENANT_ID,
                id=f"kr-{person.aad_object_id}",
                objective_id="obj",
                title=f"Deals closed by {person.name}",
                owner_id=person.id,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(10),
                current=Decimal(0),
            )
        )
    async with delivery_engine(bot.app[SETTINGS_KEY], store) as engine:
        assert (await engine.run(PassKind.CHECKINS, CHECKINS_AT)).sent == 2
        assert (await engine.run(PassKind.REMINDERS, REMINDERS_AT)).sent == 2
        assert (await engine.run(PassKind.REMINDERS, SUMMARY_AT)).sent == 1
    chat = await store.get_conversation(f.TENANT_ID, owner.id)
    assert chat is not None
    return chat.conversation_id


async def _answer(bot: BotClient, connector: Connector, person: f.User, value: str) -> None:
    """``person`` answers the last card the round sent them."""
    chat = await bot.store.get_conversation(f.TENANT_ID, person.id)
    assert chat is not None
    card = connector.cards(chat.conversation_id)[-1]
    data: dict[str, Any] = dict(actions(card)[verbs.CHECKIN_SUBMIT]["data"])
    data |= {name: field.get("value", "") for name, field in inputs(card).items()}
    data["value_0"] = value
    response = await bot.post(f.card_action(verbs.CHECKIN_SUBMIT, data, connector.url, user=person))
    assert "Check-in recorded" in card_text(await response.json())


@pytest.mark.parametrize(("lang", "owner"), [("en", f.ALICE), ("vi", f.BINH)])
async def test_a_late_answer_updates_the_owners_summary_in_place(
    bot: BotClient, connector: Connector, clock: Clock, lang: str, owner: f.User
) -> None:
    before, after_one, after_both = SAID[lang]
    owner_chat = await _round_with_summary(bot, connector, owner)
    sent_before = connector.cards(owner_chat)
    summary = sent_before[-1]  # after the owner's welcome
    shown = card_text({"value": summary})
    assert before in shown and "Minh Trần" in shown and "Lan Phạm" in shown
    record = await bot.store.get_delivery(
        f.TENANT_ID, f"checkin|{f.SALES.id}|2026-11-30|{owner.id}|{DeliveryKind.SUMMARY.value}"
    )
    assert record is not None and record.state is DeliveryState.SENT and record.activity_id

    clock.now = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)  # Minh answers late
    await _answer(bot, connector, MINH, "3")
    await bot.app[SUMMARIES_KEY].settled()
    [(activity_id, updated)] = connector.updated_cards(owner_chat)
    assert activity_id == record.activity_id  # the summary itself, not a new message
    shown = card_text({"value": updated})
    assert after_one in shown and "Lan Phạm" in shown and "Minh Trần" not in shown
    assert connector.cards(owner_chat) == sent_before  # nothing new was posted

    await _answer(bot, connector, LAN, "4")
    await bot.app[SUMMARIES_KEY].settled()
    (_, last) = connector.updated_cards(owner_chat)[-1]
    assert after_both in card_text({"value": last})
    assert (await bot.store.get_delivery(f.TENANT_ID, record.id)) == record  # record untouched


async def test_an_update_teams_refuses_is_logged_and_the_answer_still_recorded(
    bot: BotClient, connector: Connector, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    owner_chat = await _round_with_summary(bot, connector, f.ALICE)
    connector.fail_next(1, status=400, route="update_activity")
    clock.now = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    with caplog.at_level(logging.WARNING):
        await _answer(bot, connector, MINH, "3")
        await bot.app[SUMMARIES_KEY].settled()
    assert connector.updated_cards(owner_chat) == []
    assert any("not updated" in r.getMessage() for r in caplog.records)
    [checkin] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-aad-minh")
    assert checkin.value == 3


async def test_answers_before_any_summary_update_nothing(
    bot: BotClient, connector: Connector, clock: Clock
) -> None:
    await _round_with_summary(bot, connector, f.ALICE)
    clock.now = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # next round: no summary sent yet
    await bot.post(f.personal_message("checkin", connector.url, user=MINH))
    chat = await bot.store.get_conversation(f.TENANT_ID, MINH.id)
    assert chat is not None
    card = connector.cards(chat.conversation_id)[-1]
    data: dict[str, Any] = dict(actions(card)[verbs.CHECKIN_SUBMIT]["data"])
    data |= {name: field.get("value", "") for name, field in inputs(card).items()}
    data["value_0"] = "5"
    # Every check-in asks whether its round's summary went out: by point reads of the
    # owners' summary records, not by listing the round's records.
    listed: list[str] = []
    list_deliveries = bot.store.list_deliveries

    async def counted(tenant_id: str, round_id: str) -> Any:
        listed.append(round_id)
        return await list_deliveries(tenant_id, round_id)

    bot.store.list_deliveries = counted  # type: ignore[method-assign]
    await bot.post(f.card_action(verbs.CHECKIN_SUBMIT, data, connector.url, user=MINH))
    await bot.app[SUMMARIES_KEY].settled()
    assert connector.calls_to("update_activity") == []
    assert listed == []
