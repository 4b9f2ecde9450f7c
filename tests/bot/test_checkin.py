"""The check-in card in chat: on demand, submitted, validated, recorded once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cards import verbs
from okr.models import (
    UNCHANGED,
    CheckInStatus,
    KeyResult,
    KeyResultKind,
    Objective,
    ObjectiveState,
)
from okr.periods import Period
from storage.errors import StoreUnavailableError
from tests import factories as f
from tests.bot.test_authoring import actions, all_actions, card_text, inputs, invoke
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector

Q4 = Period.quarter(2026, 4)


async def seed(bot: BotClient, state: ObjectiveState = ObjectiveState.ACTIVE) -> None:
    """An active Q4 objective of Alice's with two key results owned by Binh, one by Alice."""
    store = bot.store
    await store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj",
            title="Tăng doanh thu",
            owner_id=f.ALICE.id,
            period=Q4,
            state=state,
            team_id=f.SALES.id,
        )
    )
    for kr_id, title, owner, kind, start, target, currency in (
        ("kr-rev", "Doanh thu", f.BINH.id, KeyResultKind.CURRENCY, 12_000_000, 24_000_000, "VND"),
        ("kr-tix", "Phiếu hỗ trợ", f.BINH.id, KeyResultKind.NUMBER, 120, 30, None),
        ("kr-ali", "Alice's KR", f.ALICE.id, KeyResultKind.PERCENTAGE, 80, 90, None),
    ):
        await store.save_key_result(
            KeyResult(
                tenant_id=f.TENANT_ID,
                id=kr_id,
                objective_id="obj",
                title=title,
                owner_id=owner,
                kind=kind,
                start=Decimal(start),
                target=Decimal(target),
                current=Decimal(start),
                currency=currency,
            )
        )


@pytest.fixture
async def team_bot(bot: BotClient, connector: Connector) -> BotClient:
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    await bot.post(f.bot_added_to_team(connector.url))
    await seed(bot)
    connector.calls.clear()
    return bot


async def binh_card(bot: BotClient, connector: Connector) -> dict[str, Any]:
    await bot.post(f.personal_message("cập nhật", connector.url, user=f.BINH))
    [card] = connector.cards(f.personal_conversation_id(f.BINH))
    return card


def submission(card: dict[str, Any], **typed: str) -> dict[str, Any]:
    """The card's submit data with the inputs as the person typed them."""
    data = dict(actions(card)[verbs.CHECKIN_SUBMIT]["data"])
    for name, field in inputs(card).items():
        data[name] = typed.get(name, field.get("value", ""))
    return data


async def test_checkin_command_sends_one_card_with_the_persons_key_results(
    team_bot: BotClient, connector: Connector
) -> None:
    card = await binh_card(team_bot, connector)
    shown = card_text({"value": card})
    assert "Doanh thu" in shown and "Phiếu hỗ trợ" in shown and "Alice's KR" not in shown
    assert "Đến giờ cập nhật OKR" in shown  # Binh reads Vietnamese
    assert "24.000.000\xa0₫" in shown  # the target, in Vietnamese money format
    fields = inputs(card)
    assert set(fields) == {"value_0", "status_0", "note_0", "value_1", "status_1", "note_1"}
    # The fields start at what is stored: the current value, the last status
    # (none yet: on track). The pace is a hint beside it, never the default.
    assert fields["value_0"]["value"] == "12.000.000"
    assert fields["status_0"]["value"] == CheckInStatus.ON_TRACK.value
    assert "Nhịp độ:" in shown  # the pace's own word, not the status's "tiến độ"
    assert fields["note_0"]["isVisible"] is False  # behind "Add a note"
    assert shown.count("Tăng doanh thu") == 1  # the objective's title once, over its KRs


async def test_submitting_records_one_checkin_per_key_result_and_shows_the_record(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    data = submission(
        card, value_0="18.000.000", status_0="at_risk", note_0="Chậm một chút", value_1="60"
    )
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    shown = card_text(body)
    assert "Đã ghi nhận cập nhật" in shown and "18.000.000\xa0₫" in shown
    assert "Chậm một chút" in shown
    assert not inputs(body["value"])  # read-only now

    revenue = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    tickets = await bot.store.get_key_result(f.TENANT_ID, "kr-tix")
    assert revenue is not None and revenue.current == 18_000_000
    assert revenue.last_status is CheckInStatus.AT_RISK
    assert tickets is not None and tickets.current == 60
    [checkin] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-rev")
    assert checkin.author_id == f.BINH.id and checkin.note == "Chậm một chút"


async def test_a_double_click_records_once(team_bot: BotClient, connector: Connector) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    data = submission(card, value_0="13.000.000", value_1="100")
    first = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    second = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert card_text(first) == card_text(second)
    assert len(await bot.store.list_checkins(f.TENANT_ID)) == 2


async def test_a_card_sent_with_one_change_records_the_rest_as_left_as_it_was(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    nothing = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, submission(card), user=f.BINH)
    assert "Chưa có gì thay đổi" in card_text(nothing)
    assert inputs(nothing["value"])
    assert await bot.store.list_checkins(f.TENANT_ID) == []
    one = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_1="90"), user=f.BINH
    )
    # The card said "leave the rest as it is": the record lists the change and counts the rest.
    assert "1 kết quả chính" in card_text(one) and "Phiếu hỗ trợ" in card_text(one)
    assert "Doanh thu" not in card_text(one)
    stored = {c.key_result_id: c for c in await bot.store.list_checkins(f.TENANT_ID)}
    assert stored["kr-tix"].value == Decimal(90) and stored["kr-tix"].source == "card"
    # What was left stands, recorded as such: Binh is not asked for it again this round.
    assert stored["kr-rev"].value == Decimal(12_000_000) and stored["kr-rev"].source == UNCHANGED
    revenue = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    assert revenue is not None and revenue.last_checkin_id == stored["kr-rev"].id
    connector.calls.clear()
    await bot.post(f.personal_message("cập nhật", connector.url, user=f.BINH))
    [again] = connector.cards()
    assert not inputs(again), "both of Binh's key results were asked again"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ({"value_0": "mười triệu"}, "không phải là số"),
        ({"value_0": "12,000,000"}, ""),  # English grouping typed in Vietnamese
        ({"value_1": "1e400"}, ""),
        ({"status_0": "fine"}, ""),
        ({"note_1": "x" * 501}, "500"),
    ],
)
async def test_invalid_values_return_the_card_with_problems_and_record_nothing(
    team_bot: BotClient, connector: Connector, typed: dict[str, str], problem: str
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    data = submission(card, **{"value_0": "13.000.000", "value_1": "100", **typed})
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert inputs(body["value"])  # still the input card
    assert problem in card_text(body)
    assert await bot.store.list_checkins(f.TENANT_ID) == []
    kr = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    assert kr is not None and kr.current == 12_000_000


async def test_someone_else_cannot_submit_a_persons_card(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    chi = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="en-US")
    body = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_0="1"), user=chi
    )
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert await bot.store.list_checkins(f.TENANT_ID) == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"card_id": "c", "key_results": "kr-rev"},
        {"card_id": "c", "key_results": []},
        {"card_id": "c", "key_results": ["kr-rev"] * 21},
        {"card_id": 7, "key_results": ["kr-rev"]},
        {"card_id": "c", "key_results": ["kr-missing"]},
        {"card_id": "c", "key_results": ["kr-rev", "kr-gone"], "value_0": "1"},
    ],
)
async def test_malformed_or_outdated_cards_are_answered_and_change_nothing(
    team_bot: BotClient, connector: Connector, data: dict[str, Any]
) -> None:
    body = await invoke(team_bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"]
    assert await team_bot.store.list_checkins(f.TENANT_ID) == []


async def test_nothing_to_check_in_is_said_plainly(bot: BotClient, connector: Connector) -> None:
    await seed(bot, state=ObjectiveState.DRAFT)
    await bot.post(f.personal_message("checkin", connector.url, user=f.ALICE))
    [reply] = connector.texts()
    assert "no key results in active objectives" in reply


async def test_a_status_or_a_note_alone_is_a_check_in_and_the_value_stays(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    data = submission(card, status_0="at_risk", note_1="Khách hàng lớn chậm thanh toán")
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert "Đã ghi nhận" in card_text(body)
    [revenue] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-rev")
    [tickets] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-tix")
    assert (revenue.value, revenue.status) == (Decimal(12_000_000), CheckInStatus.AT_RISK)
    assert (tickets.value, tickets.note) == (Decimal(120), "Khách hàng lớn chậm thanh toán")
    kr = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    assert kr is not None and kr.current == 12_000_000 and kr.last_status is CheckInStatus.AT_RISK


async def test_no_change_records_every_key_result_as_it_was_in_one_tap(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    no_change = actions(card)[verbs.CHECKIN_NO_CHANGE]
    assert no_change["title"] == "Không đổi, vẫn đúng tiến độ"
    assert no_change.get("associatedInputs") == "none"
    body = await invoke(bot, connector, verbs.CHECKIN_NO_CHANGE, no_change["data"], user=f.BINH)
    assert "Đã ghi nhận" in card_text(body)
    stored = {c.key_result_id: c for c in await bot.store.list_checkins(f.TENANT_ID)}
    assert set(stored) == {"kr-rev", "kr-tix"}
    assert stored["kr-rev"].value == 12_000_000 and stored["kr-tix"].value == 120
    assert {c.status for c in stored.values()} == {CheckInStatus.ON_TRACK}


async def test_a_card_sent_again_with_other_values_says_the_first_answer_was_kept(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)
    await invoke(bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_1="100"), user=f.BINH)
    again = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_1="90"), user=f.BINH
    )
    shown = card_text(again)
    assert "câu trả lời đầu tiên được giữ lại" in shown
    [tickets] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-tix")
    assert tickets.value == 100
    # The same answer again is a double click, not a conflict: no notice.
    same = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_1="100"), user=f.BINH
    )
    assert "câu trả lời đầu tiên" not in card_text(same)


async def test_key_result_owners_check_in_from_the_objective_card(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective = await invoke(
        bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": "obj"}, user=f.BINH
    )
    check_ins = [a for a in all_actions(objective["value"]) if a["verb"] == verbs.CHECKIN_OPEN]
    assert [a["data"]["key_result_id"] for a in check_ins] == ["kr-rev", "kr-tix"]  # his own
    opened = await invoke(bot, connector, verbs.CHECKIN_OPEN, check_ins[0]["data"], user=f.BINH)
    card = opened["value"]
    assert set(inputs(card)) == {"value_0", "status_0", "note_0"}  # just that key result
    assert actions(card)[verbs.CHECKIN_SUBMIT]["data"]["key_results"] == ["kr-rev"]
    chi = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="en-US")
    refused = await invoke(bot, connector, verbs.CHECKIN_OPEN, check_ins[0]["data"], user=chi)
    assert refused["type"] == "application/vnd.microsoft.activity.message"


async def test_storage_gone_keeps_the_values_on_the_card_and_records_nothing(
    team_bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team_bot
    card = await binh_card(bot, connector)

    async def unavailable(*args: object, **kwargs: object) -> object:
        raise StoreUnavailableError("no answer within 3 s")

    monkeypatch.setattr(bot.store, "record_checkins", unavailable)
    data = submission(card, value_0="13.000.000", note_0="Ký thêm hợp đồng")
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    shown = inputs(body["value"])
    assert shown["value_0"]["value"] == "13.000.000"  # what she typed is still there
    assert shown["note_0"]["value"] == "Ký thêm hợp đồng"
    assert "chưa xác nhận được" in card_text(body)
    monkeypatch.undo()
    assert await bot.store.list_checkins(f.TENANT_ID) == []


async def test_storage_gone_during_any_turn_is_said_plainly_not_as_a_bug(
    team_bot: BotClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team_bot

    async def unavailable(*args: object, **kwargs: object) -> object:
        raise StoreUnavailableError("database is locked")

    monkeypatch.setattr(bot.store, "list_key_results", unavailable)
    await bot.post(f.personal_message("my okrs", connector.url, user=f.ALICE))
    [said] = connector.texts()
    assert "storage isn't answering" in said and "Sorry, something went wrong" not in said
