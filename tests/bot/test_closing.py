"""The period close through /api/messages: the card, submitting it, replays, hostile input,
read-only closed objectives, reopening, and who may do what (the objective's own team)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from okr.closing import carried_id
from okr.models import KeyResult, Objective, ObjectiveState
from okr.periods import Period
from storage.store import OkrStore
from tests import factories as f
from tests.bot.test_authoring import actions, card_text, inputs
from tests.bot.test_permission_matrix import (
    KR_OWNER,
    MARKETING,
    OBJECTIVE_OWNER,
    ROLES,
    SALES,
    TEAM_OWNER,
    WHERE,
    Role,
    seed,
)
from tests.conftest import BotClient, Clock
from tests.connector import Connector
from tests.stored import snapshot

# Monday 4 Jan 2027: Q4 2026 (the seeded objective's period) is over.
AFTER_Q4 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
CHI_VI = dataclasses.replace(OBJECTIVE_OWNER, locale="vi-VN")
MESSAGE = "application/vnd.microsoft.activity.message"
READ_ONLY = {
    "en-US": "This objective is closed, so it is read-only. A team owner can reopen it.",
    "vi-VN": "Mục tiêu này đã kết thúc nên chỉ còn để xem. Chủ sở hữu nhóm có thể mở lại.",
}


def close_data(**typed: Any) -> dict[str, Any]:
    """What the closing card for Chi's objective sends, with ``typed`` over the defaults."""
    return {
        "schema": CARD_SCHEMA,
        "card_id": "closing-1",
        "objectives": [{"id": "obj", "key_results": ["kr"]}],
        "kr_score_0_0": "0.4",
        "carry_0_0": "false",
        "score_0": "0.4",
        "note_0": "Partners took a quarter to sign.",
        **typed,
    }


async def press(
    bot: BotClient,
    connector: Connector,
    verb: str,
    data: dict[str, Any],
    *,
    user: f.User = OBJECTIVE_OWNER,
    team: f.TeamInfo | None = None,
    tenant_id: str = f.TENANT_ID,
) -> dict[str, Any]:
    activity = f.card_action(verb, data, connector.url, user=user, team=team, tenant_id=tenant_id)
    response = await bot.post(activity)
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    assert body["statusCode"] == 200
    return body


async def objective(store: OkrStore, objective_id: str = "obj") -> Objective:
    found = await store.get_objective(f.TENANT_ID, objective_id)
    assert found is not None
    return found


async def key_result(store: OkrStore, kr_id: str = "kr") -> KeyResult:
    found = await store.get_key_result(f.TENANT_ID, kr_id)
    assert found is not None
    return found


@pytest.fixture
async def closing_bot(bot: BotClient, clock: Clock) -> BotClient:
    await seed(bot.store)
    kr = await key_result(bot.store)
    await bot.store.save_key_result(dataclasses.replace(kr, current=Decimal(65)))
    clock.now = AFTER_Q4
    return bot


# -- the card ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "words"),
    [
        (OBJECTIVE_OWNER, ("Close the period", "0.7", "Carry over to Q1 2027", "What we learned")),
        (CHI_VI, ("Kết thúc kỳ", "0,7", "Chuyển sang Quý 1/2027", "Bài học rút ra")),
    ],
)
async def test_close_shows_an_owner_their_ended_objectives_with_suggested_scores(
    closing_bot: BotClient, connector: Connector, user: f.User, words: tuple[str, ...]
) -> None:
    typed = "close" if user.locale == "en-US" else "kết thúc kỳ"
    await closing_bot.post(f.personal_message(typed, connector.url, user=user))
    [card] = connector.cards()
    shown = card_text({"value": card})
    for word in words:
        assert word in shown
    fields = inputs(card)
    assert fields["kr_score_0_0"]["value"] == "0.7"  # 65 of 100, rounded half-up
    assert [c["value"] for c in fields["kr_score_0_0"]["choices"]] == [
        f"{i / 10:.1f}" for i in range(11)
    ]
    assert fields["score_0"]["value"] == "0.7"
    assert fields["carry_0_0"]["value"] == "false"
    submit = actions(card)[verbs.CLOSING_SUBMIT]
    assert submit["data"]["objectives"] == [{"id": "obj", "key_results": ["kr"]}]


async def test_close_while_the_period_runs_has_nothing_to_close(
    closing_bot: BotClient, connector: Connector, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 2, tzinfo=UTC)
    await closing_bot.post(f.personal_message("close", connector.url, user=OBJECTIVE_OWNER))
    [card] = connector.cards()
    assert "No objectives to close: none of this period is still active." in str(card)
    assert verbs.CLOSING_SUBMIT not in actions(card)


async def test_a_team_owner_closes_every_objective_of_the_team_from_its_channel(
    closing_bot: BotClient, connector: Connector
) -> None:
    store = closing_bot.store
    # Eve has left; her objective of the quarter is still open.
    await store.save_objective(
        dataclasses.replace(
            await objective(store), id="eve-obj", title="Eve's", owner_id="29:gone", etag=None
        )
    )
    await closing_bot.post(f.channel_message("close", connector.url, user=TEAM_OWNER))
    [card] = connector.cards()
    submit = actions(card)[verbs.CLOSING_SUBMIT]
    listed = submit["data"]["objectives"]
    assert sorted(o["id"] for o in listed) == ["eve-obj", "obj"]
    assert "Close the period: Sales" in card_text({"value": card})
    data: dict[str, Any] = {"schema": CARD_SCHEMA, "card_id": submit["data"]["card_id"]}
    for i, entry in enumerate(listed):
        data |= {f"kr_score_{i}_{j}": "0.4" for j in range(len(entry["key_results"]))}
        data |= {f"score_{i}": "0.1" if entry["id"] == "eve-obj" else "0.4", f"note_{i}": ""}
    data["objectives"] = listed
    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, data, user=TEAM_OWNER)
    eve = await objective(store, "eve-obj")
    assert (eve.state, eve.score, eve.closed_by) == (
        ObjectiveState.CLOSED,
        Decimal("0.1"),
        TEAM_OWNER.id,
    )


async def test_a_team_owner_names_the_team_in_their_personal_chat(
    closing_bot: BotClient, connector: Connector
) -> None:
    await closing_bot.post(f.personal_message("close sales", connector.url, user=TEAM_OWNER))
    [card] = connector.cards()
    assert "Close the period: Sales" in card_text({"value": card})
    connector.calls.clear()
    await closing_bot.post(f.personal_message("close Nowhere", connector.url, user=TEAM_OWNER))
    assert "I don't know a team called “Nowhere”" in connector.texts()[-1]


# -- submitting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "recorded"),
    [
        (OBJECTIVE_OWNER, ("Closed", "Score 0.4", "Missed", "Key results carried over to Q1 2027")),
        (CHI_VI, ("Đã kết thúc", "Điểm 0,4", "Không đạt", "sang Quý 1/2027")),
    ],
)
async def test_closing_stores_scores_note_who_and_when_and_carries_over(
    closing_bot: BotClient, connector: Connector, user: f.User, recorded: tuple[str, ...]
) -> None:
    store = closing_bot.store
    body = await press(
        closing_bot, connector, verbs.CLOSING_SUBMIT, close_data(carry_0_0="true"), user=user
    )
    shown = card_text(body)
    for word in recorded:
        assert word in shown
    closed = await objective(store)
    assert (closed.state, closed.score, closed.closing_note) == (
        ObjectiveState.CLOSED,
        Decimal("0.4"),
        "Partners took a quarter to sign.",
    )
    assert (closed.closed_by, closed.closed_at) == (OBJECTIVE_OWNER.id, AFTER_Q4)
    assert (await key_result(store)).score == Decimal("0.4")
    copy = await objective(store, carried_id("obj"))
    assert (copy.state, copy.period, copy.owner_id, copy.carried_from, copy.team_id) == (
        ObjectiveState.DRAFT,
        Period.quarter(2027, 1),
        OBJECTIVE_OWNER.id,
        "obj",
        SALES.id,
    )
    [carried] = await store.list_key_results(f.TENANT_ID, objective_id=copy.id)
    assert (carried.start, carried.current, carried.target, carried.owner_id) == (
        Decimal(65),
        Decimal(65),
        Decimal(100),
        KR_OWNER.id,
    )


async def test_a_replayed_card_closes_once(closing_bot: BotClient, connector: Connector) -> None:
    store = closing_bot.store
    data = close_data(carry_0_0="true")
    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, data)
    after_first = await snapshot(store)
    # The same card again (a double click), and again with other values.
    again = await press(closing_bot, connector, verbs.CLOSING_SUBMIT, data)
    other = await press(
        closing_bot, connector, verbs.CLOSING_SUBMIT, close_data(score_0="1.0", note_0="other")
    )
    assert await snapshot(store) == after_first
    for body in (again, other):
        assert "already closed; the first close stands" in card_text(body)
        assert "Score 0.4" in card_text(body)
    objectives = await store.list_objectives(f.TENANT_ID)
    assert len([o for o in objectives if o.carried_from == "obj"]) == 1


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ({"kr_score_0_0": ""}, "Pick a score from 0.0 to 1.0."),
        ({"kr_score_0_0": "1.5"}, "Pick a score from 0.0 to 1.0."),
        ({"kr_score_0_0": "0.75"}, "Pick a score from 0.0 to 1.0."),
        ({"score_0": "abc"}, "Pick a score from 0.0 to 1.0."),
        ({"score_0": "NaN"}, "Pick a score from 0.0 to 1.0."),
        ({"kr_score_0_0": ["0.4"]}, "Pick a score from 0.0 to 1.0."),
        ({"note_0": "x" * 2001}, "Keep the note under 2000 characters."),
    ],
)
async def test_bad_values_show_the_card_again_and_store_nothing(
    closing_bot: BotClient, connector: Connector, typed: dict[str, Any], problem: str
) -> None:
    before = await snapshot(closing_bot.store)
    body = await press(closing_bot, connector, verbs.CLOSING_SUBMIT, close_data(**typed))
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert problem in card_text(body)
    assert await snapshot(closing_bot.store) == before


async def test_a_vietnamese_problem_is_written_in_vietnamese(
    closing_bot: BotClient, connector: Connector
) -> None:
    body = await press(
        closing_bot, connector, verbs.CLOSING_SUBMIT, close_data(score_0="2"), user=CHI_VI
    )
    assert "Hãy chọn điểm từ 0,0 đến 1,0." in card_text(body)


@pytest.mark.parametrize(
    "data",
    [
        close_data(objectives="obj"),
        close_data(objectives=[]),
        close_data(objectives=[{"id": "obj", "key_results": "kr"}]),
        close_data(objectives=[{"id": "nope", "key_results": ["kr"]}]),
        close_data(objectives=[{"id": "obj", "key_results": ["kr", "kr"]}]),
        close_data(card_id=None),
        {**close_data(), "schema": 0},
    ],
)
async def test_a_malformed_or_forged_card_is_out_of_date_and_stores_nothing(
    closing_bot: BotClient, connector: Connector, data: dict[str, Any]
) -> None:
    before = await snapshot(closing_bot.store)
    body = await press(closing_bot, connector, verbs.CLOSING_SUBMIT, data)
    assert body["type"] == MESSAGE
    assert await snapshot(closing_bot.store) == before


async def test_a_card_naming_other_key_results_than_the_objectives_is_outdated(
    closing_bot: BotClient, connector: Connector
) -> None:
    before = await snapshot(closing_bot.store)
    forged = close_data(objectives=[{"id": "obj", "key_results": []}])
    body = await press(closing_bot, connector, verbs.CLOSING_SUBMIT, forged)
    assert body["type"] == MESSAGE
    assert await snapshot(closing_bot.store) == before


# -- closed means read-only ------------------------------------------------------------------


async def test_a_closed_objective_is_read_only_everywhere(
    closing_bot: BotClient, connector: Connector
) -> None:
    from tests.bot.test_permission_matrix import CHECKIN, KR_FORM, OBJECTIVE_FORM

    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, close_data())
    before = await snapshot(closing_bot.store)
    attempts = [
        (verbs.CHECKIN_SUBMIT, CHECKIN, KR_OWNER),
        (verbs.CHECKIN_OPEN, {"key_result_id": "kr"}, KR_OWNER),
        (verbs.OBJECTIVE_SAVE, OBJECTIVE_FORM, OBJECTIVE_OWNER),
        (verbs.OBJECTIVE_EDIT, {"objective_id": "obj"}, OBJECTIVE_OWNER),
        (verbs.KEY_RESULT_SAVE, {**KR_FORM, "key_result_id": "kr"}, TEAM_OWNER),
        (verbs.KEY_RESULT_EDIT, {"objective_id": "obj", "key_result_id": "kr"}, TEAM_OWNER),
        (verbs.KEY_RESULT_NEW, {"objective_id": "obj"}, TEAM_OWNER),
        (verbs.INITIATIVE_NEW, {"objective_id": "obj"}, OBJECTIVE_OWNER),
    ]
    for verb, data, user in attempts:
        body = await press(closing_bot, connector, verb, {"schema": CARD_SCHEMA, **data}, user=user)
        assert body["value"] == READ_ONLY[user.locale], verb
    assert await snapshot(closing_bot.store) == before


async def test_the_closed_objective_card_offers_reopen_to_team_owners_only(
    closing_bot: BotClient, connector: Connector
) -> None:
    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, close_data())
    for user, offered in ((TEAM_OWNER, True), (OBJECTIVE_OWNER, False)):
        body = await press(
            closing_bot,
            connector,
            verbs.OBJECTIVE_VIEW,
            {"schema": 1, "objective_id": "obj"},
            user=user,
        )
        card = body["value"]
        assert (verbs.OBJECTIVE_REOPEN in actions(card)) is offered
        assert verbs.OBJECTIVE_EDIT not in actions(card)
        assert verbs.KEY_RESULT_EDIT not in actions(card)
        shown = card_text(body)
        assert "Score 0.4" in shown and "Closed by Chi Lê on" in shown


@pytest.mark.parametrize("user", [TEAM_OWNER, dataclasses.replace(TEAM_OWNER, locale="vi-VN")])
async def test_reopening_is_recorded_and_check_ins_resume(
    closing_bot: BotClient, connector: Connector, clock: Clock, user: f.User
) -> None:
    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, close_data())
    clock.now = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
    body = await press(
        closing_bot,
        connector,
        verbs.OBJECTIVE_REOPEN,
        {"schema": 1, "objective_id": "obj"},
        user=user,
    )
    reopened = await objective(closing_bot.store)
    assert (reopened.state, reopened.reopened_by, reopened.reopened_at) == (
        ObjectiveState.ACTIVE,
        TEAM_OWNER.id,
        clock.now,
    )
    assert (reopened.score, reopened.closed_by) == (Decimal("0.4"), OBJECTIVE_OWNER.id)  # kept
    said = "Reopened by Alice Nguyen on" if user.locale == "en-US" else "Alice Nguyen đã mở lại vào"
    assert said in card_text(body)
    # Closing again offers the kept scores, and replaces them.
    await press(closing_bot, connector, verbs.CLOSING_SUBMIT, close_data(score_0="0.6"))
    assert (await objective(closing_bot.store)).score == Decimal("0.6")


# -- checkin on demand leaves an ended period out ------------------------------------------


async def _chi_owns_a_key_result(store: OkrStore, objective_id: str, kr_id: str) -> None:
    kr = await key_result(store)
    await store.save_key_result(
        dataclasses.replace(
            kr, id=kr_id, objective_id=objective_id, owner_id=OBJECTIVE_OWNER.id, etag=None
        )
    )


TO_CLOSE = {
    "en-US": (
        "checkin",
        "1 objective of an ended period is not asked about any more: it waits to be closed.",
        "Close the period",
        "Carry over to Q1 2027",
    ),
    "vi-VN": (
        "cập nhật",
        "1 mục tiêu của kỳ đã qua không còn được hỏi cập nhật: mục tiêu này đang chờ kết thúc.",
        "Kết thúc kỳ",
        "Chuyển sang Quý 1/2027",
    ),
}


@pytest.mark.parametrize("user", [OBJECTIVE_OWNER, CHI_VI], ids=["en", "vi"])
async def test_checkin_leaves_out_an_ended_period_and_offers_to_close_it(
    closing_bot: BotClient, connector: Connector, user: f.User
) -> None:
    typed, line, button, closing_words = TO_CLOSE[user.locale]
    store = closing_bot.store
    await _chi_owns_a_key_result(store, "obj", "kr-chi")  # in Q4 2026, which has ended
    await closing_bot.post(f.personal_message(typed, connector.url, user=user))
    [card] = connector.cards()
    shown = card_text({"value": card})
    assert line in shown and "New customers" not in shown  # nothing to fill in
    assert verbs.CHECKIN_SUBMIT not in actions(card)
    open_closing = actions(card)[verbs.COMMAND_RUN]
    assert (open_closing["title"], open_closing["data"]) == (
        button,
        {"schema": CARD_SCHEMA, "command": "close"},
    )
    # The button opens the closing card of that objective.
    connector.calls.clear()
    await press(closing_bot, connector, verbs.COMMAND_RUN, open_closing["data"], user=user)
    [closing] = connector.cards()
    assert closing_words in card_text({"value": closing})
    assert actions(closing)[verbs.CLOSING_SUBMIT]["data"]["objectives"] == [
        {"id": "obj", "key_results": ["kr", "kr-chi"]}
    ]
    # With an objective of the running quarter too, its key result is asked, the line stays.
    q1 = dataclasses.replace(
        await objective(store), id="obj-q1", period=Period.quarter(2027, 1), etag=None
    )
    await store.save_objective(q1)
    await _chi_owns_a_key_result(store, "obj-q1", "kr-q1")
    connector.calls.clear()
    await closing_bot.post(f.personal_message(typed, connector.url, user=user))
    [card] = connector.cards()
    assert line in card_text({"value": card})
    assert actions(card)[verbs.CHECKIN_SUBMIT]["data"]["key_results"] == ["kr-q1"]
    assert (await objective(store)).state is ObjectiveState.ACTIVE  # nothing closed by looking


async def test_checkin_does_not_offer_to_close_someone_elses_objective(
    closing_bot: BotClient, connector: Connector
) -> None:
    """Binh's key result is under Chi's ended objective: not asked, and not his to close."""
    await closing_bot.post(f.personal_message("checkin", connector.url, user=KR_OWNER))
    assert connector.cards() == []
    [answer] = connector.texts()
    assert answer.startswith("Bạn không có kết quả chính nào trong các mục tiêu đang thực hiện")


# -- who may: roles × verbs, judged by the objective's own team --------------------------------


async def _closed_with(store: OkrStore, score: Decimal) -> bool:
    o = await objective(store)
    return o.state is ObjectiveState.CLOSED and o.score == score


async def _carried(store: OkrStore) -> bool:
    return await store.get_objective(f.TENANT_ID, carried_id("obj")) is not None


async def _reopened(store: OkrStore) -> bool:
    return (await objective(store)).state is ObjectiveState.ACTIVE


async def _closed_by_someone(store: OkrStore) -> None:
    o = await objective(store)
    await store.save_objective(
        dataclasses.replace(
            o, state=ObjectiveState.CLOSED, score=Decimal("0.3"), closed_by=OBJECTIVE_OWNER.id
        )
    )


async def _nothing(store: OkrStore) -> None:
    return None


@dataclasses.dataclass(frozen=True)
class Verb:
    name: str
    verb: str
    data: dict[str, Any]
    before: Callable[[OkrStore], Awaitable[None]]
    applied: Callable[[OkrStore], Awaitable[bool]]
    allowed: frozenset[str]


OWNERS = frozenset({"objective_owner", "team_owner"})
VERBS = (
    Verb(
        "close",
        verbs.CLOSING_SUBMIT,
        close_data(),
        _nothing,
        lambda s: _closed_with(s, Decimal("0.4")),
        OWNERS,
    ),
    Verb(
        "carry_over", verbs.CLOSING_SUBMIT, close_data(carry_0_0="true"), _nothing, _carried, OWNERS
    ),
    Verb(
        "reopen",
        verbs.OBJECTIVE_REOPEN,
        {"schema": CARD_SCHEMA, "objective_id": "obj"},
        _closed_by_someone,
        _reopened,
        frozenset({"team_owner"}),
    ),
)


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
@pytest.mark.parametrize("verb", VERBS, ids=lambda v: v.name)
async def test_who_may_close_carry_over_and_reopen(
    closing_bot: BotClient, connector: Connector, verb: Verb, role: Role, where: str
) -> None:
    store = closing_bot.store
    await verb.before(store)
    before = await snapshot(store)
    body = await press(
        closing_bot,
        connector,
        verb.verb,
        verb.data,
        user=role.user,
        team=WHERE[where],
        tenant_id=role.tenant_id,
    )
    if role.name in verb.allowed:
        assert await verb.applied(store), f"{role.name} could not {verb.name}"
    else:
        assert await snapshot(store) == before, f"{role.name} changed stored data with {verb.name}"
        assert body["type"] == MESSAGE, body


def test_the_matrix_covers_another_teams_owner_and_another_tenant() -> None:
    names = {role.name for role in ROLES}
    assert {"other_team_owner", "other_tenant", "member", "kr_owner"} <= names
    assert MARKETING.id != SALES.id
