"""After the card was sent: "Correct" within the round, and ``checkin`` showing what is done."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cards import verbs
from okr.models import CheckInStatus, ObjectiveState
from tests import factories as f
from tests.bot import test_checkin
from tests.bot.test_authoring import actions, all_actions, card_text, inputs, invoke
from tests.bot.test_checkin import binh_card, submission
from tests.conftest import BotClient, Clock
from tests.connector import Connector

team_bot = test_checkin.team_bot  # the same team, roster and key results
CHI = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="en-US")


MESSAGE = "application/vnd.microsoft.activity.message"


async def _binh_checks_in(bot: BotClient, connector: Connector) -> dict[str, Any]:
    """Binh sends 18.000.000 ₫ (at risk, with a note) and 60 tickets; the record card."""
    card = await binh_card(bot, connector)
    data = submission(card, value_0="18.000.000", status_0="at_risk", note_0="Chậm", value_1="60")
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert "Đã ghi nhận cập nhật" in card_text(body)
    return body


async def _reopen(
    bot: BotClient, connector: Connector, recorded: dict[str, Any], user: f.User
) -> dict[str, Any]:
    """Press "Correct" on a record card (an invoke response)."""
    data = dict(actions(recorded["value"])[verbs.CHECKIN_CORRECT]["data"])
    return await invoke(bot, connector, verbs.CHECKIN_CORRECT, data, user=user)


async def test_a_recorded_check_in_is_corrected_and_history_keeps_both(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    recorded = await _binh_checks_in(bot, connector)
    [correct] = [a for a in all_actions(recorded["value"]) if a["verb"] == verbs.CHECKIN_CORRECT]
    assert correct["title"] == "Sửa lại"
    reopened = await invoke(bot, connector, verbs.CHECKIN_CORRECT, correct["data"], user=f.BINH)
    card = reopened["value"]
    assert "Sửa cập nhật của bạn" in card_text(reopened)
    fields = inputs(card)
    # The card starts at what was recorded, not at a fresh card's values.
    assert fields["value_0"]["value"] == "18.000.000"
    assert fields["status_0"]["value"] == CheckInStatus.AT_RISK.value
    assert fields["note_0"]["value"] == "Chậm"
    assert fields["value_1"]["value"] == "60"
    assert verbs.CHECKIN_NO_CHANGE not in actions(card)  # nothing to replace "as it was"

    data = submission(card, value_0="19.000.000", status_0="on_track")
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    shown = card_text(body)
    assert "Đã ghi nhận cập nhật" in shown and "19.000.000\xa0₫" in shown
    assert "1 kết quả chính không thay đổi" in shown  # the tickets stand as recorded

    store = bot.store
    revenue = await store.get_key_result(f.TENANT_ID, "kr-rev")
    assert revenue is not None and revenue.current == 19_000_000
    assert revenue.last_status is CheckInStatus.ON_TRACK
    [standing] = await store.list_checkins(f.TENANT_ID, key_result_id="kr-rev")
    assert standing.value == 19_000_000 and standing.note == "Chậm"
    both = await store.list_checkins(f.TENANT_ID, key_result_id="kr-rev", include_superseded=True)
    # Both were recorded at the same instant (the tests' clock stands still): any order.
    assert sorted((c.value, c.superseded_by or "") for c in both) == [
        (Decimal(18_000_000), standing.id),
        (Decimal(19_000_000), ""),
    ]
    [replaced] = [c for c in both if c.id != standing.id]
    assert standing.supersedes == replaced.id
    [tickets] = await store.list_checkins(f.TENANT_ID, key_result_id="kr-tix")
    assert tickets.value == 60 and tickets.superseded_by is None


async def test_a_double_click_on_a_correction_records_it_once(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    recorded = await _binh_checks_in(bot, connector)
    reopened = await _reopen(bot, connector, recorded, f.BINH)
    data = submission(reopened["value"], value_1="55")
    first = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    second = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=f.BINH)
    assert card_text(first) == card_text(second)
    history = await bot.store.list_checkins(f.TENANT_ID, include_superseded=True)
    assert len(history) == 3  # two answers, one correction
    # Opening "Correct" twice gives the same card: its answer is stored once too.
    again = await _reopen(bot, connector, recorded, f.BINH)
    assert "đã được sửa" in card_text(again)  # the record moved on
    assert len(await bot.store.list_checkins(f.TENANT_ID, include_superseded=True)) == 3


async def test_only_those_who_may_check_in_can_correct(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    recorded = await _binh_checks_in(bot, connector)
    refused = await _reopen(bot, connector, recorded, CHI)
    assert refused["type"] == "application/vnd.microsoft.activity.message"
    # Nor can a correction card be submitted by someone else.
    reopened = await _reopen(bot, connector, recorded, f.BINH)
    forged = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(reopened["value"], value_1="1"), user=CHI
    )
    assert forged["type"] == "application/vnd.microsoft.activity.message"
    assert len(await bot.store.list_checkins(f.TENANT_ID, include_superseded=True)) == 2
    tickets = await bot.store.get_key_result(f.TENANT_ID, "kr-tix")
    assert tickets is not None and tickets.current == 60


async def test_after_the_round_correct_says_it_is_closed_and_changes_nothing(
    team_bot: BotClient, connector: Connector, clock: Clock
) -> None:
    bot = team_bot
    recorded = await _binh_checks_in(bot, connector)
    reopened = await _reopen(bot, connector, recorded, f.BINH)
    saved = clock.now
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # the next round began on Monday
    closed = await _reopen(bot, connector, recorded, f.BINH)
    assert "đã kết thúc" in card_text(closed)
    late = await invoke(
        bot,
        connector,
        verbs.CHECKIN_SUBMIT,
        submission(reopened["value"], value_1="1"),
        user=f.BINH,
    )
    assert "đã kết thúc" in card_text(late)  # the card opened in time, sent weeks later
    # Within the round, but the objective was closed meanwhile.
    clock.now = saved
    objective = await bot.store.get_objective(f.TENANT_ID, "obj")
    assert objective is not None
    await bot.store.save_objective(dataclasses.replace(objective, state=ObjectiveState.CLOSED))
    also_closed = await _reopen(bot, connector, recorded, f.BINH)
    assert "đã kết thúc" in card_text(also_closed)
    assert len(await bot.store.list_checkins(f.TENANT_ID, include_superseded=True)) == 2
    tickets = await bot.store.get_key_result(f.TENANT_ID, "kr-tix")
    assert tickets is not None and tickets.current == 60


async def test_alice_corrects_in_english_and_an_unchanged_correction_is_refused(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    await bot.post(f.personal_message("checkin", connector.url, user=f.ALICE))
    [card] = connector.cards(f.personal_conversation_id(f.ALICE))
    recorded = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(card, value_0="84"), user=f.ALICE
    )
    assert actions(recorded["value"])[verbs.CHECKIN_CORRECT]["title"] == "Correct"
    reopened = await _reopen(bot, connector, recorded, f.ALICE)
    assert "Correct your check-in" in card_text(reopened)
    same = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(reopened["value"]), user=f.ALICE
    )
    assert "Nothing differs from what was recorded" in card_text(same)
    fixed = await invoke(
        bot,
        connector,
        verbs.CHECKIN_SUBMIT,
        submission(reopened["value"], value_0="85"),
        user=f.ALICE,
    )
    assert "Check-in recorded" in card_text(fixed)
    kr = await bot.store.get_key_result(f.TENANT_ID, "kr-ali")
    assert kr is not None and kr.current == 85
    assert [c.value for c in await bot.store.list_checkins(f.TENANT_ID)] == [85]


async def _revenue_done_then_checkin(bot: BotClient, connector: Connector) -> dict[str, Any]:
    """Binh checks in on the revenue alone ("Check in" on the objective card), then types
    ``checkin``: that card. (A ``checkin`` card sent with one change records the rest too.)"""
    opened = await invoke(
        bot, connector, verbs.CHECKIN_OPEN, {"key_result_id": "kr-rev"}, user=f.BINH
    )
    await invoke(
        bot,
        connector,
        verbs.CHECKIN_SUBMIT,
        submission(opened["value"], value_0="18.000.000"),
        user=f.BINH,
    )
    connector.calls.clear()
    return await binh_card(bot, connector)


async def test_checkin_after_checking_in_shows_what_is_done_and_asks_only_the_rest(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    again = await _revenue_done_then_checkin(bot, connector)
    shown = card_text({"value": again})
    assert "(Cần cập nhật: 1)" in shown  # not 2
    assert set(inputs(again)) == {"value_0", "status_0", "note_0"}  # the tickets only
    assert actions(again)[verbs.CHECKIN_SUBMIT]["data"]["key_results"] == ["kr-tix"]
    assert "Đã cập nhật trong đợt này" in shown and "✓ **Doanh thu**" in shown
    [correct] = [a for a in all_actions(again) if a["verb"] == verbs.CHECKIN_CORRECT]
    revenue = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    assert revenue is not None and correct["data"]["checkins"] == [revenue.last_checkin_id]
    # "Correct" on a done line keeps this card (and what is typed in it): the correction
    # comes as a message of its own.
    connector.calls.clear()
    pressed = await invoke(bot, connector, verbs.CHECKIN_CORRECT, correct["data"], user=f.BINH)
    assert (
        pressed["type"] == MESSAGE
        and pressed["value"] == "Thẻ để sửa lại nằm ở tin nhắn ngay bên dưới."
    )
    [correction] = connector.cards()
    assert "Sửa cập nhật của bạn" in card_text({"value": correction})
    assert inputs(correction)["value_0"]["value"] == "18.000.000"
    # The rest answered: everything is done, and still correctable.
    await invoke(bot, connector, verbs.CHECKIN_SUBMIT, submission(again, value_0="90"), user=f.BINH)
    connector.calls.clear()
    done = await binh_card(bot, connector)
    shown = card_text({"value": done})
    assert "Bạn đã cập nhật đầy đủ" in shown and not inputs(done)
    assert len([a for a in all_actions(done) if a["verb"] == verbs.CHECKIN_CORRECT]) == 2


async def test_checkin_in_english_counts_only_what_is_left(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    # Alice checks in on her first key result alone ("Check in" on the objective card).
    opened = await invoke(bot, connector, verbs.CHECKIN_OPEN, {"key_result_id": "kr-ali"})
    await invoke(bot, connector, verbs.CHECKIN_SUBMIT, submission(opened["value"], value_0="84"))
    connector.calls.clear()
    await bot.post(f.personal_message("checkin", connector.url, user=f.ALICE))
    [done] = connector.cards(f.personal_conversation_id(f.ALICE))
    shown = card_text({"value": done})
    assert "You're up to date" in shown and "Already updated this round" in shown
    assert "Alice's KR" in shown and "Correct" in shown


async def test_a_card_with_problems_keeps_its_done_lines(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    again = await _revenue_done_then_checkin(bot, connector)
    stored = await bot.store.list_checkins(f.TENANT_ID)
    body = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(again, value_0="chín mươi"), user=f.BINH
    )
    shown = card_text(body)
    assert "không phải là số" in shown and set(inputs(body["value"])) == set(inputs(again))
    assert "Đã cập nhật trong đợt này" in shown and "✓ **Doanh thu**" in shown
    [correct] = [a for a in all_actions(body["value"]) if a["verb"] == verbs.CHECKIN_CORRECT]
    revenue = await bot.store.get_key_result(f.TENANT_ID, "kr-rev")
    assert revenue is not None and correct["data"]["checkins"] == [revenue.last_checkin_id]
    assert await bot.store.list_checkins(f.TENANT_ID) == stored  # nothing recorded
    # Fixed, the same card records the tickets.
    fixed = submission(body["value"], value_0="90")
    assert "Đã ghi nhận cập nhật" in card_text(
        await invoke(bot, connector, verbs.CHECKIN_SUBMIT, fixed, user=f.BINH)
    )
    tickets = await bot.store.get_key_result(f.TENANT_ID, "kr-tix")
    assert tickets is not None and tickets.current == 90


async def test_a_card_with_problems_in_english_keeps_its_done_lines_and_no_one_elses(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    alice_kr = await bot.store.get_key_result(f.TENANT_ID, "kr-ali")
    assert alice_kr is not None
    await bot.store.save_key_result(
        dataclasses.replace(alice_kr, id="kr-ali-2", title="Alice's second KR", etag=None)
    )
    # Alice checks in on her first key result alone ("Check in" on the objective card).
    opened = await invoke(bot, connector, verbs.CHECKIN_OPEN, {"key_result_id": "kr-ali"})
    await invoke(bot, connector, verbs.CHECKIN_SUBMIT, submission(opened["value"], value_0="84"))
    # Binh's card shows nothing done: a forged flag shows only the presser's own lines.
    binh = await binh_card(bot, connector)
    forged = {**submission(binh, value_0="abc"), "shows_done": True}
    shown = card_text(await invoke(bot, connector, verbs.CHECKIN_SUBMIT, forged, user=f.BINH))
    assert "Alice's KR" not in shown and "Đã cập nhật trong đợt này" not in shown
    connector.calls.clear()
    await bot.post(f.personal_message("checkin", connector.url, user=f.ALICE))
    [again] = connector.cards(f.personal_conversation_id(f.ALICE))
    body = await invoke(
        bot, connector, verbs.CHECKIN_SUBMIT, submission(again, value_0="lots"), user=f.ALICE
    )
    shown = card_text(body)
    assert "Alice's second KR" in shown and "Already updated this round" in shown
    assert "✓ **Alice's KR**" in shown
    assert [c.value for c in await bot.store.list_checkins(f.TENANT_ID)] == [84]
