"""A new team's first week (issue 15), lived as a team would, through the real endpoint.

Alice (English, in Hanoi) owns Sales and installs the bot; Binh reads Vietnamese,
Chi reads English; all three live in Hanoi. Every step goes over HTTP into
``/api/messages`` or through the app's own delivery engine (the passes the
scheduler runs, on an injected clock), and reads what arrived at the local
connector: the parts built separately for issue 15 are proven to work together.

Friday 27 Nov 2026 (two thirds into 2026-Q4): install, greetings, objectives.
Tuesday 1 Dec: the first round, at the time the owner chose; reminders and the
owners' summary follow; the lead reads the digest, ``team okrs``, ``status`` and
``close``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app import SETTINGS_KEY, SUMMARIES_KEY
from bot.delivery import delivery_engine
from cards import verbs
from okr.due import DeliveryKind
from okr.models import UNCHANGED, KeyResult, Objective, ObjectiveState
from scheduling.rounds import PassKind
from tests import factories as f
from tests.bot.test_authoring import (  # noqa: F401  (team_bot: fixture)
    actions,
    all_actions,
    card_text,
    inputs,
    invoke,
    team_bot,
)
from tests.bot.test_checkin import submission
from tests.bot.test_form_exits import sales_template_form, submitted, titled
from tests.bot.test_install import ROSTER
from tests.bot.test_pace import _NEGATIVE_ZERO
from tests.bot.test_shared_cards import personal_chats, press_in_channel, shared_card
from tests.conftest import BotClient, Clock
from tests.connector import Connector

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"
SALES_TEMPLATE_OBJECTIVE = (
    "Add $1 million in average annual profit through sales to new customers this fiscal year"
)
HANOI = "Asia/Ho_Chi_Minh"
ALICE = dataclasses.replace(f.ALICE, time_zone=HANOI)  # the team's owner, installs
BINH = f.BINH  # a member; reads Vietnamese
CHI = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", time_zone=HANOI)

# Tuesday 1 Dec 2026 10:00 in Hanoi: the round the owner set for Tuesdays 10:00 is due.
ROUND_DUE = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@dataclass
class Team:
    """The team living its week: the bot, the connector, the clock, what was seen."""

    bot: BotClient
    connector: Connector
    clock: Clock
    seen: list[str] = field(default_factory=list)

    def saw(self, card: dict[str, Any]) -> str:
        """The text of a card someone saw (kept for the negative-zero check at the end)."""
        shown = card_text({"value": card})
        self.seen.append(shown)
        return shown

    def chat(self, user: f.User) -> list[dict[str, Any]]:
        """The cards in ``user``'s personal chat: those the bot opened and the typed replies."""
        chats = personal_chats(self.connector, user) | {f.personal_conversation_id(user)}
        return [card for cid in sorted(chats) for card in self.connector.cards(cid)]

    async def chat_id(self, user: f.User) -> str:
        """The personal chat the bot stored for ``user`` (where its rounds go)."""
        chat = await self.bot.store.get_conversation(f.TENANT_ID, user.id)
        assert chat is not None
        return chat.conversation_id

    def sent_since(self, mark: int, conversation_id: str | None = None) -> list[dict[str, Any]]:
        """The cards sent after ``mark`` (a count of ``connector.calls``), each kept as seen."""
        cards = [
            a["content"]
            for c in self.connector.calls[mark:]
            if c.route in ("send_to_conversation", "reply_to_activity")
            and (conversation_id is None or c.conversation_id == conversation_id)
            for a in c.body.get("attachments") or ()
            if a.get("contentType") == ADAPTIVE
        ]
        for card in cards:
            self.saw(card)
        return cards

    async def typed(self, user: f.User, text: str) -> dict[str, Any]:
        """``user`` types ``text`` in the personal chat; the one card the bot answers with."""
        mark = len(self.connector.calls)
        await self.bot.post(f.personal_message(text, self.connector.url, user=user))
        [card] = self.sent_since(mark)
        return card

    async def press(self, user: f.User, action: dict[str, Any], **typed: Any) -> dict[str, Any]:
        """``user`` presses ``action`` in the personal chat; the invoke's answer."""
        body = await invoke(
            self.bot, self.connector, action["verb"], {**action["data"], **typed}, user
        )
        if not isinstance(body["value"], str):
            self.saw(body["value"])
        return body


async def key_results(team: Team) -> dict[str, KeyResult]:
    """Every key result as stored, by title."""
    return {k.title: k for k in await team.bot.store.list_key_results(f.TENANT_ID)}


def values_of(form: dict[str, Any]) -> dict[str, Any]:
    """A form's inputs as it shows them."""
    return {name: field.get("value", "") for name, field in inputs(form).items()}


# -- the steps -------------------------------------------------------------------------------


async def alice_installs_the_bot(team: Team) -> None:
    team.connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    await team.bot.post(f.bot_added_to_team(team.connector.url, user=ALICE))
    await team.bot.post(f.installation_update("add", team.connector.url, user=ALICE, team=f.SALES))

    stored = await team.bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert stored is not None and stored.settings.time_zone == HANOI
    # Teams announced the install twice: one welcome in the channel, one set of steps.
    [welcome] = team.connector.cards(f.SALES.channel_id)
    shown = team.saw(welcome)
    assert "Team time zone: **Asia/Ho_Chi_Minh**" in shown
    assert (
        "the first check-in round is on Monday, 11/30/2026 at 9:00 AM (Asia/Ho_Chi_Minh)" in shown
    )
    [steps] = team.chat(ALICE)
    shown = team.saw(steps)
    assert "Sales is ready for OKR check-ins" in shown
    assert [a["title"] for a in all_actions(steps)] == [
        "Set the schedule",
        "Choose the channel",
        "New objective",
        "templates",
    ]
    assert team.chat(BINH) == team.chat(CHI) == []  # members are not messaged on install


async def binh_says_hello(team: Team) -> None:
    card = await team.typed(BINH, "xin chào")
    assert card_text({"value": card}).startswith("Chào Bình! Đây là những việc tôi có thể giúp")
    assert [a["title"] for a in all_actions(card)] == ["cập nhật", "okr của tôi", "trợ giúp"]


async def binh_creates_an_objective_from_scratch(team: Team) -> Objective:
    form = await team.typed(BINH, "tạo mới Tăng doanh thu")
    assert inputs(form)["title"]["value"] == "Tăng doanh thu"
    draft = await team.press(BINH, actions(form)[verbs.OBJECTIVE_SAVE], **values_of(form))
    [objective] = await team.bot.store.list_objectives(f.TENANT_ID)
    assert objective.state is ObjectiveState.DRAFT and objective.team_id == f.SALES.id
    assert "Nên có từ 3 đến 5 kết quả chính" in card_text(draft)

    card = draft["value"]
    for title, kind, start, target, currency in [
        ("Doanh thu", "currency", "12.000.000", "24.000.000", "VND"),
        ("Phiếu hỗ trợ mỗi tháng", "number", "120", "30", ""),  # a decreasing one
    ]:
        kr_form = await team.press(BINH, actions(card)[verbs.KEY_RESULT_NEW])
        typed = {"title": title, "kind": kind, "start": start, "target": target}
        saved = await team.press(
            BINH,
            actions(kr_form["value"])[verbs.KEY_RESULT_SAVE],
            **{**values_of(kr_form["value"]), **typed, "currency": currency},
        )
        card = saved["value"]
    krs = await team.bot.store.list_key_results(f.TENANT_ID, objective_id=objective.id)
    assert {k.title: (k.owner_id, k.start, k.target) for k in krs} == {
        "Doanh thu": (BINH.id, Decimal(12_000_000), Decimal(24_000_000)),
        "Phiếu hỗ trợ mỗi tháng": (BINH.id, Decimal(120), Decimal(30)),
    }
    shown = card_text({"value": card})
    assert "12.000.000\xa0₫ → 24.000.000\xa0₫" in shown and "120 → 30 · hiện tại 120" in shown

    # Cancel on a form brings back the card it replaced, and writes nothing.
    before = await team.bot.store.list_key_results(f.TENANT_ID)
    kr_form = await team.press(BINH, actions(card)[verbs.KEY_RESULT_NEW])
    back = await team.press(BINH, titled(kr_form["value"], "Hủy"), title="Gõ rồi bỏ")
    assert back["value"] == card
    assert await team.bot.store.list_key_results(f.TENANT_ID) == before

    # Activated two thirds into the quarter: on pace, nothing expected yet.
    activated = card_text(await team.press(BINH, actions(card)[verbs.OBJECTIVE_ACTIVATE]))
    assert "**0%** · Theo kịp kế hoạch · Kế hoạch đến nay: 0%" in activated
    stored = await team.bot.store.get_objective(f.TENANT_ID, objective.id)
    assert stored is not None and stored.state is ObjectiveState.ACTIVE
    return stored


async def chi_starts_from_a_template_and_gives_binh_a_key_result(team: Team) -> Objective:
    gallery = await team.typed(CHI, "templates")
    [sales] = [
        a
        for a in all_actions(gallery)
        if a["verb"] == verbs.TEMPLATE_USE and a["data"]["template"] == "sales"
    ]
    mark = len(team.connector.calls)
    kept = await team.press(CHI, sales)
    assert kept["value"] == gallery  # the templates card stays usable
    [form] = team.sent_since(mark)
    assert card_text({"value": form}).startswith("New objective from the “Sales” example")
    pickers = {n: i for n, i in inputs(form).items() if n.startswith("kr_owner_")}
    assert [i["value"] for i in pickers.values()] == [CHI.id] * 3
    mid_market = pickers["kr_owner_1"]["label"]
    body = await team.press(
        CHI,
        actions(form)[verbs.OBJECTIVE_SAVE],
        **{**values_of(form), "kr_owner_1": BINH.id},
    )
    [objective] = [
        o for o in await team.bot.store.list_objectives(f.TENANT_ID) if o.owner_id == CHI.id
    ]
    krs = await team.bot.store.list_key_results(f.TENANT_ID, objective_id=objective.id)
    assert [k.owner_id for k in krs if k.title == mid_market] == [BINH.id]
    assert sorted(str(k.owner_id) for k in krs) == [BINH.id, CHI.id, CHI.id]
    assert "now $0 · Trần Bình" in card_text(body)

    activated = card_text(await team.press(CHI, actions(body["value"])[verbs.OBJECTIVE_ACTIVATE]))
    assert "**0%** · On pace · Plan to date: 0%" in activated
    stored = await team.bot.store.get_objective(f.TENANT_ID, objective.id)
    assert stored is not None and stored.state is ObjectiveState.ACTIVE
    return stored


async def alice_sets_the_schedule(team: Team) -> None:
    """Tuesdays at 10:00 instead of Mondays at 09:00, from her three steps."""
    [steps] = team.chat(ALICE)
    opened = await team.press(ALICE, titled(steps, "Set the schedule"))
    assert "Next round: Monday, 11/30/2026 at 9:00 AM (Asia/Ho_Chi_Minh)." in card_text(opened)
    card = opened["value"]
    saved = await team.press(
        ALICE,
        actions(card)[verbs.SETTINGS_SAVE],
        **{**values_of(card), "weekday": "1", "time_of_day": "10:00"},
    )
    shown = card_text(saved)
    assert "Saved." in shown
    assert "Next round: Tuesday, 12/01/2026 at 10:00 AM (Asia/Ho_Chi_Minh)." in shown
    stored = await team.bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert stored is not None
    assert (stored.settings.weekday, stored.settings.time_of_day.isoformat()) == (1, "10:00:00")
    assert stored.settings.time_zone == HANOI


async def run_pass(team: Team, kind: PassKind, at: datetime) -> int:
    """The scheduler's pass of ``kind`` at ``at``, the bot's clock moved there: how many sent."""
    team.clock.now = at
    async with delivery_engine(team.bot.app[SETTINGS_KEY], team.bot.store) as engine:
        counts = await engine.run(kind, at)
    assert counts.ok
    return counts.sent


async def the_round_goes_out_and_chi_answers_at_once(team: Team) -> None:
    # Monday 10:00 in Hanoi, the old time: nothing; Tuesday 10:00: one card per owner.
    assert await run_pass(team, PassKind.CHECKINS, ROUND_DUE - timedelta(days=1)) == 0
    mark = len(team.connector.calls)
    assert await run_pass(team, PassKind.CHECKINS, ROUND_DUE) == 2
    [binh] = team.sent_since(mark, await team.chat_id(BINH))
    [chi] = team.sent_since(mark, await team.chat_id(CHI))
    assert card_text({"value": binh}).startswith("Đến giờ cập nhật OKR của bạn")
    assert "(Cần cập nhật: 3)" in card_text({"value": binh})  # his two and Chi's mid-market
    assert "(2 to update)" in card_text({"value": chi})

    # Chi answers half an hour later, then corrects her first key result.
    team.clock.now = ROUND_DUE + timedelta(minutes=30)
    data = submission(chi, value_0="120,000", value_1="20,000")
    recorded = await team.press(CHI, actions(chi)[verbs.CHECKIN_SUBMIT], **data)
    assert "Check-in recorded" in card_text(recorded) and "$120,000" in card_text(recorded)
    reopened = await team.press(CHI, actions(recorded["value"])[verbs.CHECKIN_CORRECT])
    assert card_text(reopened).startswith("Correct your check-in")
    assert inputs(reopened["value"])["value_0"]["value"] == "120,000"  # as recorded
    data = submission(reopened["value"], value_0="150,000")
    corrected = await team.press(CHI, actions(reopened["value"])[verbs.CHECKIN_SUBMIT], **data)
    assert "$150,000" in card_text(corrected) and "1 key result left unchanged." in card_text(
        corrected
    )
    krs = await key_results(team)
    enterprises = krs["Close new deals with enterprises"]
    assert enterprises.current == 150_000
    assert krs["Close new deals with small and medium businesses"].current == 20_000
    history = await team.bot.store.list_checkins(
        f.TENANT_ID, key_result_id=enterprises.id, include_superseded=True
    )
    # Newest first: the correction, made in the same instant, is still the later one.
    assert [(c.value, c.superseded_by is None) for c in history] == [
        (Decimal(150_000), True),
        (Decimal(120_000), False),
    ]
    assert history[0].recorded_at > history[1].recorded_at
    # ``checkin`` right after: nothing left to update, both shown done.
    done = card_text({"value": await team.typed(CHI, "checkin")})
    assert "You're up to date" in done and "(2 to update)" not in done
    assert "✓ **Close new deals with enterprises** · $150,000 · On track" in done


async def reminders_the_summary_and_a_late_answer(team: Team) -> None:
    binh_chat, alice_chat = await team.chat_id(BINH), await team.chat_id(ALICE)
    # A day later: only Binh is reminded.
    mark = len(team.connector.calls)
    assert await run_pass(team, PassKind.REMINDERS, ROUND_DUE + timedelta(days=1)) == 1
    [reminder] = team.sent_since(mark, binh_chat)
    assert card_text({"value": reminder}).startswith("Nhắc nhở: bạn chưa cập nhật OKR")
    # Another day: the owners' summary, to Alice.
    mark = len(team.connector.calls)
    assert await run_pass(team, PassKind.REMINDERS, ROUND_DUE + timedelta(days=2)) == 1
    [summary] = team.sent_since(mark, alice_chat)
    shown = card_text({"value": summary})
    assert "**1 of 2 checked in**" in shown and "**Trần Bình**" in shown
    assert "Chi Lê" not in shown
    # "Nudge them" works once a round.
    nudge = actions(summary)[verbs.CHECKIN_NUDGE]
    assert "one more reminder" in (await team.press(ALICE, nudge))["value"]
    assert "nudged this round already" in (await team.press(ALICE, nudge))["value"]
    mark = len(team.connector.calls)
    assert await run_pass(team, PassKind.REMINDERS, ROUND_DUE + timedelta(days=2, minutes=1)) == 1
    assert await run_pass(team, PassKind.REMINDERS, ROUND_DUE + timedelta(days=2, minutes=2)) == 0
    [nudged] = team.sent_since(mark, binh_chat)

    # Binh answers late, the revenue only ("leave the rest as it is"): that settles his
    # round, and the summary is updated in place.
    team.clock.now = ROUND_DUE + timedelta(days=2, hours=1)
    data = submission(nudged, value_0="14.000.000", status_0="at_risk", note_0="Chậm ký hợp đồng")
    recorded = card_text(await team.press(BINH, actions(nudged)[verbs.CHECKIN_SUBMIT], **data))
    assert "Đã ghi nhận cập nhật" in recorded and "14.000.000\xa0₫" in recorded
    await team.bot.app[SUMMARIES_KEY].settled()
    [(updated_id, updated)] = team.connector.updated_cards(alice_chat)
    delivery = f"checkin|{f.SALES.id}|2026-12-01|{ALICE.id}|{DeliveryKind.SUMMARY.value}"
    record = await team.bot.store.get_delivery(f.TENANT_ID, delivery)
    assert record is not None and updated_id == record.activity_id  # the summary itself
    shown = team.saw(updated)
    assert "**2 of 2 checked in**" in shown and "Everyone has checked in. 🎉" in shown
    assert len(team.connector.sent(alice_chat)) == 2  # her three steps and the summary: no more

    # ``cập nhật`` asks him nothing more this round: all done, each still correctable.
    again = await team.typed(BINH, "cập nhật")
    shown = card_text({"value": again})
    assert "Bạn đã cập nhật đầy đủ" in shown and "✓ **Doanh thu**" in shown
    assert not inputs(again)
    krs = await key_results(team)
    assert krs["Doanh thu"].current == 14_000_000
    tickets = krs["Phiếu hỗ trợ mỗi tháng"]
    recorded_tickets = await team.bot.store.list_checkins(f.TENANT_ID, key_result_id=tickets.id)
    assert [(c.value, c.source) for c in recorded_tickets] == [(120, UNCHANGED)]


async def the_lead_reads_the_week(team: Team) -> None:
    team.clock.now = ROUND_DUE + timedelta(days=3)  # Friday
    # ``digest`` in the channel: the card the scheduled digest posts, in the team's language.
    digest = team.saw(await shared_card(team.bot, team.connector, "digest"))
    assert digest.startswith("Sales\nWeek 10 of 14 · Q4 2026\n")
    # The gauge's fallback. The plan to date is the objectives' own lines (activated
    # mid-quarter, so 19%, as the objective's line below says), not the quarter's 70%.
    assert "Overall: ▰▱▱▱▱▱▱▱▱▱ 11% · plan to date 19%" in digest
    assert "**2 of 2 checked in** · Check-in round of 12/01/2026" in digest
    assert "On track: 4 · At risk: 1 · Off track: 0 · Not updated: 0" in digest
    assert "**Tăng doanh thu**\n8% · Plan to date: 19% · Trần Bình\nBehind pace\n" in digest
    assert "At risk or off track\n**Doanh thu**\n<at>Trần Bình</at> · 17%" in digest
    assert "_“Chậm ký hợp đồng”_" in digest  # Binh's latest note

    status = card_text({"value": await team.typed(ALICE, "status Tăng doanh thu")})
    assert "**8%** · Behind pace · Plan to date: 19%" in status  # pace from 27 Nov
    assert "₫12,000,000 → ₫24,000,000 · now ₫14,000,000 · Trần Bình" in status

    # The period close comes once the quarter ends (tests/bot/test_closing.py).

    # ``team okrs`` in the channel: status and pace per objective.
    listed = await shared_card(team.bot, team.connector, "team okrs")
    shown = team.saw(listed)
    assert "**Tăng doanh thu**\nBehind pace\nBehind pace\nAt risk" in shown
    assert "▰▱▱▱▱▱▱▱▱▱ 8% · Plan to date: 19%" in shown
    assert "▰▱▱▱▱▱▱▱▱▱ 13% · Plan to date: 19%" in shown
    # Its buttons open in the presser's own chat, in their language; the card stays.
    opened = {"Tăng doanh thu": "Cam kết", SALES_TEMPLATE_OBJECTIVE: "Quý 4/2026"}
    for user, said, words in [
        (ALICE, "Sent to your chat with me.", ("Committed", "Q4 2026")),
        (BINH, "Đã gửi vào trò chuyện riêng của bạn với tôi.", tuple(opened.values())),
    ]:
        for action, title in zip(all_actions(listed), opened, strict=True):
            body, private = await press_in_channel(team.bot, team.connector, action, user)
            assert body == {"statusCode": 200, "type": MESSAGE, "value": said}
            [card] = private
            shown = team.saw(card)
            assert shown.startswith(title) and all(w in shown for w in words)


async def test_a_new_teams_first_week(bot: BotClient, connector: Connector, clock: Clock) -> None:
    team = Team(bot, connector, clock)
    await alice_installs_the_bot(team)
    await binh_says_hello(team)
    await binh_creates_an_objective_from_scratch(team)
    await chi_starts_from_a_template_and_gives_binh_a_key_result(team)
    await alice_sets_the_schedule(team)
    await the_round_goes_out_and_chi_answers_at_once(team)
    await reminders_the_summary_and_a_late_answer(team)
    await the_lead_reads_the_week(team)

    assert len(team.seen) > 30
    for shown in team.seen:
        assert not _NEGATIVE_ZERO.search(shown), _NEGATIVE_ZERO.search(shown)


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_key_results_that_begin_alike_get_edit_buttons_that_read_differently(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    user: f.User,
) -> None:
    # Found by the walk-through: the Sales example's three key results all begin "Close
    # new deals", and each Edit read "Edit “Close new…”".
    _, form = await sales_template_form(team_bot, connector, user)
    body = await invoke(team_bot, connector, verbs.OBJECTIVE_SAVE, submitted(form), user)
    edits = [a for a in all_actions(body["value"]) if a["verb"] == verbs.KEY_RESULT_EDIT]
    titles = [a["title"] for a in edits]
    assert len(titles) == 3 and len(set(titles)) == 3, titles
    krs = {k.id: k.title for k in await team_bot.store.list_key_results(f.TENANT_ID)}
    for edit in edits:  # each names the end of its own key result's title
        ending = edit["title"].split("…", 1)[1].rstrip("”")
        assert krs[edit["data"]["key_result_id"]].endswith(ending), edit["title"]
