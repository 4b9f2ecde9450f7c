"""Issue 15, forms without dead ends: Cancel and Back, the templates card, required
fields that say what to enter, problems named at the top, and one "Edit" per thing.

Every test goes through the real endpoint, in English and in Vietnamese.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from tests import factories as f
from tests.bot.test_authoring import (
    ADAPTIVE,
    OBJECTIVE_FORM,
    actions,
    all_actions,
    card_text,
    inputs,
    invoke,
    nodes,
    team_bot,  # noqa: F401  (fixture)
)
from tests.bot.test_checkin import seed, submission
from tests.conftest import BotClient
from tests.connector import Connector

MESSAGE = "application/vnd.microsoft.activity.message"

SAID = {
    "en": {
        "title": ("Objective", "Enter the objective's title."),
        "nothing": "Nothing was changed.",
        "not_yours": "Someone else opened this card; nothing was changed.",
        "cancel": "Cancel",
        "back": "Back",
        "my_okrs": "My OKRs",
        "my_okrs_title": "Your OKRs",
        "edit_objective": "Edit objective",
    },
    "vi": {
        "title": ("Mục tiêu", "Hãy nhập tên mục tiêu."),
        "nothing": "Không có gì thay đổi.",
        "not_yours": "Thẻ này do người khác mở; không có gì thay đổi.",
        "cancel": "Hủy",
        "back": "Quay lại",
        "my_okrs": "OKR của tôi",
        "my_okrs_title": "OKR của bạn",
        "edit_objective": "Sửa mục tiêu",
    },
}


@pytest.fixture(params=[f.ALICE, f.BINH], ids=["en", "vi"])
def user(request: pytest.FixtureRequest) -> f.User:
    """Each test runs for Alice (English) and for Binh (Vietnamese)."""
    person: f.User = request.param
    return person


@pytest.fixture
def bot(team_bot: BotClient) -> BotClient:  # noqa: F811
    """The bot installed in Sales (Alice owns the team; Binh is a member)."""
    return team_bot


def said(user: f.User) -> dict[str, Any]:
    return SAID[user.locale[:2]]


def titled(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The card's Action.Execute with this title."""
    [found] = [a for a in all_actions(card) if a["title"] == title]
    return found


async def objective_with_key_results(
    bot: BotClient, connector: Connector, user: f.User, titles: tuple[str, ...] = ()
) -> str:
    """An objective of ``user``'s (they own it) with key results of these titles."""
    await invoke(bot, connector, verbs.OBJECTIVE_SAVE, {**OBJECTIVE_FORM, "owner": user.id}, user)
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    for title in titles:
        kr = {"objective_id": objective.id, "title": title, "owner": user.id, "kind": "number"}
        await invoke(
            bot, connector, verbs.KEY_RESULT_SAVE, {**kr, "start": "0", "target": "10"}, user
        )
    return objective.id


async def snapshot(bot: BotClient) -> tuple[Any, ...]:
    """Everything a Cancel could have written."""
    objectives = await bot.store.list_objectives(f.TENANT_ID)
    initiatives = [await bot.store.list_initiatives(f.TENANT_ID, o.id) for o in objectives]
    return objectives, await bot.store.list_key_results(f.TENANT_ID), initiatives


async def test_a_required_field_says_what_to_enter_not_its_label(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    await bot.post(f.personal_message("new", connector.url, user=user))
    [form] = connector.cards()
    title = inputs(form)["title"]
    label, sentence = said(user)["title"]
    assert title["isRequired"] is True
    assert title["label"] == label
    assert title["errorMessage"] == sentence


async def test_cancel_on_a_fresh_form_says_nothing_changed_and_saves_nothing(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    await bot.post(f.personal_message("new Grow the pipeline", connector.url, user=user))
    [form] = connector.cards()
    cancel = titled(form, said(user)["cancel"])
    assert cancel["associatedInputs"] == "none"
    body = await invoke(bot, connector, cancel["verb"], cancel["data"], user)
    assert body["type"] == ADAPTIVE
    assert card_text(body) == said(user)["nothing"]
    assert await bot.store.list_objectives(f.TENANT_ID) == []


async def test_cancel_on_an_edit_form_brings_the_objective_card_back_unchanged(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    card = await invoke(bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": objective_id}, user)
    before = await snapshot(bot)
    for verb in (verbs.OBJECTIVE_EDIT, verbs.KEY_RESULT_EDIT, verbs.KEY_RESULT_NEW):
        button = actions(card["value"])[verb]
        form = await invoke(bot, connector, verb, button["data"], user)
        assert verbs.GO_BACK in actions(form["value"]), verb
        cancel = titled(form["value"], said(user)["cancel"])
        # What was typed goes nowhere: Cancel sends no inputs, and a forged one is ignored.
        typed = {**cancel["data"], "title": "Typed but cancelled"}
        back = await invoke(bot, connector, cancel["verb"], typed, user)
        assert back["type"] == ADAPTIVE
        assert back["value"]["body"][0]["text"] == "Double revenue"
        assert verbs.KEY_RESULT_NEW in actions(back["value"])
    assert await snapshot(bot) == before


async def from_my_okrs(bot: BotClient, connector: Connector, user: f.User) -> dict[str, Any]:
    """``my okrs``, then its one objective opened: that card (an invoke response)."""
    await bot.post(f.personal_message(said(user)["my_okrs"], connector.url, user=user))
    [listed] = connector.cards()
    [open_it] = [n["selectAction"] for n in nodes(listed) if "selectAction" in n]
    return await invoke(bot, connector, open_it["verb"], open_it["data"], user)


def filled(form: dict[str, Any], save_verb: str, **typed: str) -> dict[str, Any]:
    """A form's Save data with its inputs as shown, and ``typed`` over them."""
    data = dict(actions(form)[save_verb]["data"])
    for name, field in inputs(form).items():
        data[name] = typed.get(name, field.get("value", ""))
    return data


async def test_an_objective_opened_from_my_okrs_has_back_to_the_list(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    card = await from_my_okrs(bot, connector, user)
    back = titled(card["value"], said(user)["back"])
    # Through a key result's form and its Cancel, the objective card keeps its Back.
    edit = actions(card["value"])[verbs.KEY_RESULT_EDIT]
    form = await invoke(bot, connector, edit["verb"], edit["data"], user)
    cancel = titled(form["value"], said(user)["cancel"])
    again = await invoke(bot, connector, cancel["verb"], cancel["data"], user)
    assert titled(again["value"], said(user)["back"])["data"] == back["data"]
    listed_again = await invoke(bot, connector, back["verb"], back["data"], user)
    assert listed_again["type"] == ADAPTIVE
    assert listed_again["value"]["body"][0]["text"] == said(user)["my_okrs_title"]
    assert "Double revenue" in card_text(listed_again)
    # Opened any other way (``status``, a digest), the card has no Back.
    plain = await invoke(bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": objective_id}, user)
    assert said(user)["back"] not in [a["title"] for a in all_actions(plain["value"])]


async def test_saving_a_form_opened_from_my_okrs_keeps_the_objective_cards_back(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    card = await from_my_okrs(bot, connector, user)
    back = titled(card["value"], said(user)["back"])
    saves = (
        (verbs.KEY_RESULT_EDIT, verbs.KEY_RESULT_SAVE, {"title": "Revenue, doubled"}),
        (
            verbs.KEY_RESULT_NEW,
            verbs.KEY_RESULT_SAVE,
            {"title": "Tickets", "start": "0", "target": "5"},
        ),
        (verbs.INITIATIVE_NEW, verbs.INITIATIVE_SAVE, {"title": "Partner program"}),
        (verbs.OBJECTIVE_EDIT, verbs.OBJECTIVE_SAVE, {"title": "Triple revenue"}),
    )
    for open_verb, save_verb, typed in saves:
        button = actions(card["value"])[open_verb]
        form = await invoke(bot, connector, open_verb, button["data"], user)
        filled_in = filled(form["value"], save_verb, **typed)
        card = await invoke(bot, connector, save_verb, filled_in, user)
        assert card["type"] == ADAPTIVE and typed["title"] in card_text(card), save_verb
        assert titled(card["value"], said(user)["back"])["data"] == back["data"], save_verb
    krs = await bot.store.list_key_results(f.TENANT_ID)
    assert sorted(kr.title for kr in krs) == ["Revenue, doubled", "Tickets"]
    [initiative] = await bot.store.list_initiatives(f.TENANT_ID, objective_id)
    assert initiative.title == "Partner program"
    listed = await invoke(bot, connector, back["verb"], back["data"], user)
    assert "Triple revenue" in card_text(listed)


async def test_a_saved_form_whose_way_back_is_someone_elses_or_forged_shows_no_back(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    card = await from_my_okrs(bot, connector, user)
    button = actions(card["value"])[verbs.KEY_RESULT_EDIT]
    form = await invoke(bot, connector, verbs.KEY_RESULT_EDIT, button["data"], user)
    data = filled(form["value"], verbs.KEY_RESULT_SAVE)
    origin = data["origin"]
    other = f.ALICE if user is f.BINH else f.BINH
    forged: list[Any] = [
        {**origin, "person": other.id},  # someone else's form
        {**origin, "objective_id": "another-objective"},
        {**origin, "place": "my_okrs"},
        {**origin, "back": "settings"},
        ["not", "an", "origin"],
    ]
    for index, way_back in enumerate(forged):
        typed = {**data, "title": f"R{index}", "origin": way_back}
        saved = await invoke(bot, connector, verbs.KEY_RESULT_SAVE, typed, user)
        assert saved["type"] == ADAPTIVE and f"R{index}" in card_text(saved), way_back
        titles = [a["title"] for a in all_actions(saved["value"])]
        assert said(user)["back"] not in titles, way_back
    [kr] = await bot.store.list_key_results(f.TENANT_ID)
    assert (kr.title, kr.objective_id) == (f"R{len(forged) - 1}", objective_id)


async def test_cancel_from_someone_else_an_old_card_or_a_forged_one_changes_nothing(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    card = await invoke(bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": objective_id}, user)
    edit = actions(card["value"])[verbs.OBJECTIVE_EDIT]
    form = await invoke(bot, connector, edit["verb"], edit["data"], user)
    cancel = titled(form["value"], said(user)["cancel"])
    before = await snapshot(bot)
    other = f.ALICE if user is f.BINH else f.BINH
    theirs = await invoke(bot, connector, verbs.GO_BACK, cancel["data"], other)
    assert theirs["type"] == MESSAGE  # a line for the presser; the card stays as it is
    assert theirs["value"] == said(other)["not_yours"]
    old = await bot.post(
        f.card_action(verbs.GO_BACK, {"origin": cancel["data"]["origin"]}, connector.url, user=user)
    )  # no schema number: a card from an older version
    assert (await old.json())["type"] == MESSAGE
    forged: list[Any] = [
        {"place": "objective", "objective_id": ["not", "an", "id"], "person": user.id},
        {"place": "objective", "objective_id": "gone", "person": user.id},
        {"place": "settings", "person": user.id},
        "objective",
        None,
    ]
    for origin in forged:
        answer = await invoke(bot, connector, verbs.GO_BACK, {"origin": origin}, user)
        assert answer["type"] == ADAPTIVE and card_text(answer) == said(user)["nothing"], origin
    assert await snapshot(bot) == before


async def test_each_edit_button_names_what_it_edits(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    titles = ("Doanh thu bình quân hằng năm", "Support tickets", "NPS")
    objective_id = await objective_with_key_results(bot, connector, user, titles)
    card = await invoke(bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": objective_id}, user)
    edits = [
        a
        for a in all_actions(card["value"])
        if a["verb"] in (verbs.KEY_RESULT_EDIT, verbs.OBJECTIVE_EDIT)
    ]
    assert len(edits) == 4
    assert len({a["title"] for a in edits}) == 4  # none alike, to the eye
    assert len({a.get("tooltip", a["title"]) for a in edits}) == 4  # nor to a screen reader
    [objective_edit] = [a for a in edits if a["verb"] == verbs.OBJECTIVE_EDIT]
    assert objective_edit["title"] == said(user)["edit_objective"]
    edit_word = "Edit" if user is f.ALICE else "Sửa"
    by_title = {a["tooltip"]: a for a in edits if a["verb"] == verbs.KEY_RESULT_EDIT}
    assert by_title[f"{edit_word} {'key result' if user is f.ALICE else 'kết quả chính'} “NPS”"]
    long = [a for a in edits if "Doanh thu" in a["title"]]
    assert long and long[0]["title"].endswith("…”") and len(long[0]["title"]) <= 24


def attention_lines(card: dict[str, Any]) -> list[str]:
    """The card's red lines over its fields (the problems summary first)."""
    return [n["text"] for n in nodes(card["body"][:5]) if n.get("color") == "Attention"]


async def test_the_problems_line_names_the_first_field_and_what_is_wrong(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    bad = {**OBJECTIVE_FORM, "owner": user.id, "title": "", "period": "custom"}
    body = await invoke(bot, connector, verbs.OBJECTIVE_SAVE, bad, user)
    summary = attention_lines(body["value"])[0]
    label = said(user)["title"][0]
    check = "Check" if user is f.ALICE else "Kiểm tra"
    assert summary.startswith(f"{check} “{label}”: ")
    assert ("2 fields to fix" if user is f.ALICE else "cần sửa 2 trường") in summary
    assert await bot.store.list_objectives(f.TENANT_ID) == []


async def test_the_problems_line_of_a_long_checkin_card_names_the_key_result(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    await seed(bot)
    nps = await bot.store.get_key_result(f.TENANT_ID, "kr-ali")
    assert nps is not None
    nps = dataclasses.replace(nps, id="kr-nps", title="Điểm NPS", etag=None)
    await bot.store.save_key_result(nps)
    connector.calls.clear()
    command = "checkin" if user is f.ALICE else "cập nhật"
    await bot.post(f.personal_message(command, connector.url, user=user))
    [card] = connector.cards(f.personal_conversation_id(user))
    data = submission(card, value_1="lots")
    body = await invoke(bot, connector, verbs.CHECKIN_SUBMIT, data, user=user)
    second = await bot.store.get_key_result(f.TENANT_ID, data["key_results"][1])
    assert second is not None
    summary = attention_lines(body["value"])[0]
    check = "Check" if user is f.ALICE else "Kiểm tra"
    assert summary.startswith(f"{check} “{second.title}”: ") and "“lots”" in summary
    assert await bot.store.list_checkins(f.TENANT_ID) == []


TEMPLATE_TITLE = {
    "en": "New objective from the “Sales” example",
    "vi": "Mục tiêu mới theo mẫu “Bán hàng”",
}


async def sales_template_form(
    bot: BotClient, connector: Connector, user: f.User
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``templates``, then "Use" on the Sales example: the invoke answer and the form."""
    command = "templates" if user is f.ALICE else "mẫu"
    await bot.post(f.personal_message(command, connector.url, user=user))
    gallery = connector.cards()[-1]
    uses = [a for a in all_actions(gallery) if a["verb"] == verbs.TEMPLATE_USE]
    [sales] = [a for a in uses if a["data"]["template"] == "sales"]
    kept = await invoke(bot, connector, verbs.TEMPLATE_USE, sales["data"], user)
    assert kept["type"] == ADAPTIVE and kept["value"] == gallery  # still there to use again
    *_, shown, form = connector.cards()
    assert shown == gallery  # the form came as a message of its own
    return gallery, form


def submitted(form: dict[str, Any], **typed: str) -> dict[str, Any]:
    save = actions(form)[verbs.OBJECTIVE_SAVE]
    values = {name: field.get("value", "") for name, field in inputs(form).items()}
    return {**save["data"], **values, **typed}


async def test_a_template_form_is_titled_with_it_and_gives_each_key_result_an_owner(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    _, form = await sales_template_form(bot, connector, user)
    assert form["body"][0]["text"] == TEMPLATE_TITLE[user.locale[:2]]
    pickers = {n: i for n, i in inputs(form).items() if n.startswith("kr_owner_")}
    assert len(pickers) == 3 and all(i["value"] == user.id for i in pickers.values())
    teammate = f.ALICE if user is f.BINH else f.BINH
    assert all(teammate.id in [c["value"] for c in i["choices"]] for i in pickers.values())
    body = await invoke(
        bot, connector, verbs.OBJECTIVE_SAVE, submitted(form, kr_owner_1=teammate.id), user
    )
    assert body["type"] == ADAPTIVE
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    krs = await bot.store.list_key_results(f.TENANT_ID, objective_id=objective.id)
    by_title = {kr.title: kr.owner_id for kr in krs}
    titles = [pickers[f"kr_owner_{i}"]["label"] for i in range(3)]
    assert by_title == {titles[0]: user.id, titles[1]: teammate.id, titles[2]: user.id}
    # The templates card is still there: another example can be started from it.
    _, again = await sales_template_form(bot, connector, user)
    assert inputs(again)["kr_owner_0"]["value"] == user.id


async def test_a_template_key_result_owner_from_outside_the_team_is_refused(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    _, form = await sales_template_form(bot, connector, user)
    kr_title = inputs(form)["kr_owner_2"]["label"]
    for forged in ("29:someone-from-another-team", "x" * 5000):
        body = await invoke(
            bot, connector, verbs.OBJECTIVE_SAVE, submitted(form, kr_owner_2=forged), user
        )
        assert body["type"] == ADAPTIVE
        summary = attention_lines(body["value"])[0]
        assert f"“{kr_title}”" in summary
        assert inputs(body["value"])["kr_owner_2"]["label"] == kr_title  # shown again, to fix
    assert await bot.store.list_objectives(f.TENANT_ID) == []
    assert await bot.store.list_key_results(f.TENANT_ID) == []


async def test_cancel_on_a_template_form_changes_nothing_and_the_templates_stay(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    gallery, form = await sales_template_form(bot, connector, user)
    cancel = titled(form, said(user)["cancel"])
    body = await invoke(bot, connector, cancel["verb"], cancel["data"], user)
    assert card_text(body) == said(user)["nothing"]
    assert await bot.store.list_objectives(f.TENANT_ID) == []
    assert verbs.TEMPLATE_USE in actions(gallery)


async def test_cancel_on_a_card_in_a_channel_is_answered_in_place(
    bot: BotClient, connector: Connector, user: f.User
) -> None:
    objective_id = await objective_with_key_results(bot, connector, user, ("Revenue",))
    origin = {"place": "objective", "objective_id": objective_id, "person": user.id}
    connector.calls.clear()
    for presser in (user, f.ALICE if user is f.BINH else f.BINH):
        action = f.card_action(
            verbs.GO_BACK,
            {"schema": CARD_SCHEMA, "origin": origin},
            connector.url,
            user=presser,
            team=f.SALES,
        )
        body = await (await bot.post(action)).json()
        # Its owner gets the objective card back where the form was; anyone else a line.
        assert body["type"] == (ADAPTIVE if presser is user else MESSAGE)
    assert connector.cards() == []  # nothing sent to anyone's personal chat
