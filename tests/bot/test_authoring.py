"""Creating and editing OKRs with Adaptive Cards, through the real endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from okr.models import KeyResultKind, ObjectiveState
from tests import factories as f
from tests.bot.test_install import ROSTER
from tests.conftest import BotClient
from tests.connector import Connector

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


@pytest.fixture
async def team_bot(bot: BotClient, connector: Connector) -> BotClient:
    """The bot installed in Sales (Alice owns the team; Binh and Chi are members)."""
    connector.add_team(f.SALES.id, f.SALES.name, members=ROSTER)
    assert (await bot.post(f.bot_added_to_team(connector.url))).status == 202
    # Binh talks to the bot once, so his locale and time zone are known.
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))
    connector.calls.clear()
    return bot


async def invoke(
    bot: BotClient,
    connector: Connector,
    verb: str,
    data: dict[str, Any],
    user: f.User = f.ALICE,
) -> dict[str, Any]:
    """Press an Action.Execute button; returns the invoke response body."""
    response = await bot.post(
        f.card_action(verb, {"schema": CARD_SCHEMA, **data}, connector.url, user=user)
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    assert body["statusCode"] == 200
    return body


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``tree``, depth first."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item)


def card_text(body: dict[str, Any]) -> str:
    """Every text of a card (or a message) in the invoke response, joined."""
    if isinstance(body["value"], str):
        return body["value"]
    keys = ("text", "title", "label", "value")
    return "\n".join(n[k] for n in nodes(body["value"]) for k in keys if isinstance(n.get(k), str))


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's inputs by id."""
    return {
        n["id"]: n for n in nodes(card) if str(n.get("type", "")).startswith("Input.") and "id" in n
    }


def all_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute of a card, in order."""
    return [n for n in nodes(card) if n.get("type") == "Action.Execute"]


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Action.Execute actions of a card, by verb (the first of each)."""
    found: dict[str, dict[str, Any]] = {}
    for action in all_actions(card):
        found.setdefault(action["verb"], action)
    return found


OBJECTIVE_FORM = {
    "title": "Double revenue",
    "description": "",
    "owner": f.ALICE.id,
    "level": "team",
    "type": "committed",
    "period": "2026-Q4",
    "period_start": "",
    "period_end": "",
    "parent": "",
}


async def create_objective(bot: BotClient, connector: Connector, **changes: str) -> str:
    body = await invoke(bot, connector, verbs.OBJECTIVE_SAVE, {**OBJECTIVE_FORM, **changes})
    assert body["type"] == ADAPTIVE
    [objective] = [
        o
        for o in await bot.store.list_objectives(f.TENANT_ID)
        if o.title == changes.get("title", OBJECTIVE_FORM["title"])
    ]
    return objective.id


async def test_new_sends_the_objective_form_with_teammates_and_periods(
    team_bot: BotClient, connector: Connector
) -> None:
    await team_bot.post(f.personal_message("new Grow the pipeline", connector.url))
    [form] = connector.cards()
    fields = inputs(form)
    assert fields["title"]["value"] == "Grow the pipeline"
    assert fields["owner"]["value"] == f.ALICE.id
    owners = [c["value"] for c in fields["owner"]["choices"]]
    assert owners[0] == f.ALICE.id and set(owners) == {m.id for m in ROSTER}
    periods = [c["value"] for c in fields["period"]["choices"]]
    assert periods[:2] == ["2026-Q4", "2027-Q1"] and "custom" in periods
    assert verbs.OBJECTIVE_SAVE in actions(form)


async def test_creating_an_objective_with_key_results_from_cards(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    body = await invoke(bot, connector, verbs.OBJECTIVE_SAVE, OBJECTIVE_FORM)
    assert body["type"] == ADAPTIVE
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    assert objective.state is ObjectiveState.DRAFT and objective.team_id == f.SALES.id
    assert objective.period.label == "2026-Q4" and objective.owner_id == f.ALICE.id
    shown = card_text(body)
    assert "Double revenue" in shown
    assert "Aim for 3 to 5" in shown  # guidance: no key results yet
    assert verbs.KEY_RESULT_NEW in actions(body["value"])

    form = await invoke(bot, connector, verbs.KEY_RESULT_NEW, {"objective_id": objective.id})
    assert set(inputs(form["value"])) >= {"title", "owner", "kind", "start", "target"}

    krs = [
        ("Revenue", "currency", "12,000,000", "24,000,000", "USD", ""),
        ("Support tickets a month", "number", "120", "30", "", "tickets"),
        ("Session length", "duration", "2:37", "3:45", "", ""),
    ]
    for title, kind, start, target, currency, unit in krs:
        saved = await invoke(
            bot,
            connector,
            verbs.KEY_RESULT_SAVE,
            {
                "objective_id": objective.id,
                "title": title,
                "owner": f.BINH.id,
                "kind": kind,
                "start": start,
                "target": target,
                "current": "",
                "unit": unit,
                "currency": currency,
                "due_date": "",
            },
        )
        assert saved["type"] == ADAPTIVE
    stored = {k.title: k for k in await bot.store.list_key_results(f.TENANT_ID)}
    assert stored["Revenue"].kind is KeyResultKind.CURRENCY
    assert stored["Revenue"].target == 24_000_000 and stored["Revenue"].currency == "USD"
    assert stored["Support tickets a month"].target == 30
    assert stored["Session length"].start == 157

    shown = card_text(saved)
    assert "$12M → $24M" in shown  # a meta line: money in short
    # The source's formula as a block: Objective / Measured by / Through.
    assert "Objective\nDouble revenue\nMeasured by\n- Revenue\n- Support tickets a month" in shown
    assert "I will" not in shown
    assert "Aim for 3 to 5" not in shown

    activated = await invoke(
        bot, connector, verbs.OBJECTIVE_ACTIVATE, {"objective_id": objective.id}
    )
    assert activated["type"] == ADAPTIVE
    after = await bot.store.get_objective(f.TENANT_ID, objective.id)
    assert after is not None and after.state is ObjectiveState.ACTIVE


async def test_vietnamese_numbers_are_read_and_shown_the_vietnamese_way(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector, owner=f.BINH.id, title="Tăng doanh thu")
    body = await invoke(
        bot,
        connector,
        verbs.KEY_RESULT_SAVE,
        {
            "objective_id": objective_id,
            "title": "Doanh thu",
            "owner": f.BINH.id,
            "kind": "currency",
            "start": "12.000.000",
            "target": "24.000.000",
            "current": "12.500.000,5",
            "unit": "",
            "currency": "VND",
        },
        user=f.BINH,
    )
    [kr] = await bot.store.list_key_results(f.TENANT_ID)
    assert kr.start == 12_000_000 and str(kr.current) == "12500000.5"
    assert "12.000.000 ₫" in card_text(body).replace("\xa0", " ")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target": "120"}, "target", "target"),
        ({"target": "lots"}, "target", "not a number"),
        ({"start": "1.2.3"}, "start", ""),
        ({"due_date": "2027-02-01"}, "due_date", "between"),
        ({"title": ""}, "title", "required"),
        ({"owner": "29:intruder"}, "owner", ""),
        ({"kind": "astrology"}, "kind", ""),
    ],
)
async def test_invalid_key_result_comes_back_with_the_problem_next_to_the_field(
    team_bot: BotClient, connector: Connector, changes: dict[str, str], field: str, message: str
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector)
    submitted = {
        "objective_id": objective_id,
        "title": "Support tickets",
        "owner": f.BINH.id,
        "kind": "number",
        "start": "120",
        "target": "30",
        "current": "",
        "unit": "",
        "currency": "",
        **changes,
    }
    body = await invoke(bot, connector, verbs.KEY_RESULT_SAVE, submitted)
    assert body["type"] == ADAPTIVE
    card = body["value"]
    # The form comes back as typed, with an attention text right after the field.
    shown_inputs = inputs(card)
    for name, value in changes.items():
        if name in shown_inputs and shown_inputs[name]["type"] == "Input.Text":
            assert shown_inputs[name]["value"] == value
    problem = _problem_after(card, field)
    assert problem is not None, f"no problem shown after {field}"
    assert message.casefold() in problem.casefold()
    assert await bot.store.list_key_results(f.TENANT_ID) == []


def _problem_after(card: dict[str, Any], field: str) -> str | None:
    """The attention text that follows the input ``field`` in its container."""
    found: list[str] = []

    def walk(items: Any) -> None:
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and item.get("id") == field:
                    nxt = items[i + 1] if i + 1 < len(items) else None
                    if isinstance(nxt, dict) and nxt.get("color") == "Attention":
                        found.append(nxt["text"])
                walk(item)
        elif isinstance(items, dict):
            for value in items.values():
                walk(value)

    walk(card)
    return found[0] if found else None


async def test_objective_form_problems_are_shown_and_nothing_is_saved(
    team_bot: BotClient, connector: Connector
) -> None:
    bad = {
        **OBJECTIVE_FORM,
        "title": " ",
        "period": "custom",
        "period_start": "2026-12-01",
        "period_end": "2026-10-01",
    }
    body = await invoke(team_bot, connector, verbs.OBJECTIVE_SAVE, bad)
    assert _problem_after(body["value"], "title") is not None
    assert "Please fix" in card_text(body) or "fix" in card_text(body).casefold()
    assert await team_bot.store.list_objectives(f.TENANT_ID) == []


async def test_someone_else_cannot_edit_an_objective(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector)  # Alice's
    before = await bot.store.get_objective(f.TENANT_ID, objective_id)
    body = await invoke(
        bot,
        connector,
        verbs.OBJECTIVE_SAVE,
        {**OBJECTIVE_FORM, "objective_id": objective_id, "title": "Hijacked", "owner": f.BINH.id},
        user=f.BINH,
    )
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "người phụ trách" in body["value"].casefold()  # Binh reads Vietnamese
    assert await bot.store.get_objective(f.TENANT_ID, objective_id) == before
    for verb in (verbs.KEY_RESULT_NEW, verbs.OBJECTIVE_EDIT, verbs.OBJECTIVE_ACTIVATE):
        denied = await invoke(bot, connector, verb, {"objective_id": objective_id}, user=f.BINH)
        assert denied["type"] == "application/vnd.microsoft.activity.message"
    # Binh may still look at it: transparency.
    view = await invoke(
        bot, connector, verbs.OBJECTIVE_VIEW, {"objective_id": objective_id}, user=f.BINH
    )
    assert view["type"] == ADAPTIVE and verbs.KEY_RESULT_NEW not in actions(view["value"])


async def test_a_member_cannot_assign_objectives_to_others_but_a_team_owner_can(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    body = await invoke(
        bot, connector, verbs.OBJECTIVE_SAVE, {**OBJECTIVE_FORM, "owner": f.ALICE.id}, user=f.BINH
    )
    assert _problem_after(body["value"], "owner") is not None
    assert await bot.store.list_objectives(f.TENANT_ID) == []
    await invoke(bot, connector, verbs.OBJECTIVE_SAVE, {**OBJECTIVE_FORM, "owner": f.BINH.id})
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    assert objective.owner_id == f.BINH.id  # Alice owns the team


async def test_starting_from_a_template_creates_its_key_results(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    await bot.post(f.personal_message("templates", connector.url))
    [gallery] = connector.cards()
    uses = [a for a in all_actions(gallery) if a["verb"] == verbs.TEMPLATE_USE]
    assert len(uses) == 6
    kept = await invoke(bot, connector, verbs.TEMPLATE_USE, uses[2]["data"])  # product & eng.
    assert kept["value"] == gallery  # the templates card stays; the form comes on its own
    [form] = connector.cards()[1:]
    fields = inputs(form)
    assert fields["title"]["value"]
    save = actions(form)[verbs.OBJECTIVE_SAVE]
    submitted = {name: field.get("value", "") for name, field in fields.items()}
    body = await invoke(bot, connector, verbs.OBJECTIVE_SAVE, {**save["data"], **submitted})
    assert body["type"] == ADAPTIVE
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    krs = await bot.store.list_key_results(f.TENANT_ID, objective_id=objective.id)
    assert len(krs) == 3 and all(k.owner_id == f.ALICE.id for k in krs)
    assert objective.title == fields["title"]["value"]
    assert all(k.target != k.start for k in krs)


async def test_an_action_from_an_old_or_forged_card_is_answered_and_changes_nothing(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector)
    response = await bot.post(
        f.card_action(
            verbs.KEY_RESULT_SAVE, {"objective_id": objective_id, "title": "x"}, connector.url
        )
    )  # no schema number: a card from before this version
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    for data in ({"objective_id": "missing"}, {"objective_id": ["not", "a", "string"]}, {}):
        answer = await invoke(bot, connector, verbs.OBJECTIVE_VIEW, data)
        assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert await bot.store.list_key_results(f.TENANT_ID) == []


async def test_other_tenants_objectives_are_invisible(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector)
    response = await bot.post(
        f.card_action(
            verbs.OBJECTIVE_VIEW,
            {"schema": CARD_SCHEMA, "objective_id": objective_id},
            connector.url,
            tenant_id=f.OTHER_TENANT_ID,
        )
    )
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "Double revenue" not in str(body)


async def test_initiatives_are_added_and_edited_with_their_state(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    objective_id = await create_objective(bot, connector)
    form = {"objective_id": objective_id, "title": "Partner program", "owner": "none"}
    body = await invoke(bot, connector, verbs.INITIATIVE_SAVE, {**form, "key_result": "none"})
    assert "Partner program" in card_text(body)
    [initiative] = await bot.store.list_initiatives(f.TENANT_ID, objective_id)
    assert initiative.owner_id is None and initiative.key_result_id is None
    edit = actions(body["value"])[verbs.INITIATIVE_EDIT]
    opened = await invoke(bot, connector, verbs.INITIATIVE_EDIT, edit["data"])
    assert inputs(opened["value"])["state"]["value"] == "not_started"
    save = actions(opened["value"])[verbs.INITIATIVE_SAVE]["data"]
    typed = {
        "title": "Partner program v2",
        "owner": f.BINH.id,
        "key_result": "none",
        "state": "done",
    }
    await invoke(bot, connector, verbs.INITIATIVE_SAVE, {**save, **typed})
    [after] = await bot.store.list_initiatives(f.TENANT_ID, objective_id)
    assert (after.title, after.owner_id, after.state.value) == (
        "Partner program v2",
        f.BINH.id,
        "done",
    )
    # Binh owns the initiative now, but not the objective: he cannot edit it.
    denied = await invoke(bot, connector, verbs.INITIATIVE_EDIT, edit["data"], user=f.BINH)
    assert denied["type"] == "application/vnd.microsoft.activity.message"


async def test_kpis_are_added_updated_and_shown_healthy_or_not_in_the_digest(
    team_bot: BotClient, connector: Connector
) -> None:
    bot = team_bot
    kpi = {
        "title": "Site uptime",
        "comparison": ">=",
        "threshold": "99.5",
        "current": "99.2",
        "unit": "%",
        "owner": f.BINH.id,
    }
    saved = await invoke(bot, connector, verbs.KPI_SAVE, kpi)
    assert "Site uptime" in saved["value"]
    from tests.bot.test_checkin import seed  # (it imports this module)

    await seed(bot)  # Alice's own digest needs an objective of hers
    await bot.post(f.personal_message("digest", connector.url))
    [digest] = connector.cards()
    assert "Site uptime" in str(digest) and "Needs attention" in str(digest)
    update = actions(digest)[verbs.KPI_EDIT]
    # Binh owns the KPI: he may update it; Chi may not.
    chi = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", locale="en-US")
    denied = await invoke(bot, connector, verbs.KPI_EDIT, update["data"], user=chi)
    assert denied["type"] == "application/vnd.microsoft.activity.message"
    opened = await invoke(bot, connector, verbs.KPI_EDIT, update["data"], user=f.BINH)
    assert inputs(opened["value"])["current"]["value"] == "99,2"  # Binh reads Vietnamese
    save = actions(opened["value"])[verbs.KPI_SAVE]["data"]
    fields = {name: field.get("value", "") for name, field in inputs(opened["value"]).items()}
    await invoke(bot, connector, verbs.KPI_SAVE, {**save, **fields, "current": "99,9"}, user=f.BINH)
    [stored] = await bot.store.list_kpis(f.TENANT_ID)
    assert str(stored.current) == "99.9"
    connector.calls.clear()
    await bot.post(f.personal_message("digest", connector.url))
    # Healthy now: the digest lists only the KPIs that need attention.
    assert "Site uptime" not in str(connector.cards()[0])
