"""Hostile input through the live endpoint: each gets a clear answer and leaves stored data intact.

The first tests pin what an attacker found (wrong types, lone surrogates, Markdown
in titles, invokes the app does not handle). The property tests then throw
generated activities and card actions at the running bot, with the local
connector receiving what it sends back, and assert: no 5xx, no apology for an
internal error, no traceback in any reply, and no change to OKR data except
through a valid request. ``--hypothesis-profile=long`` runs many more examples.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cards import verbs
from cards.elements import CARD_SCHEMA
from cards.i18n import Language, text
from okr.models import KeyResult, KeyResultKind, Member, Objective, ObjectiveState, Team
from okr.periods import Period
from storage.store import OkrStore
from tests import factories as f
from tests.bot.test_authoring import card_text, nodes
from tests.conftest import BotClient
from tests.connector import Connector
from tests.stored import snapshot

MEMBER = f.User(id="29:1-eve", aad_object_id="aad-eve", name="Eve", time_zone=None)
APOLOGIES = {text(lang, "error.internal") for lang in Language}
# Examples per property test: modest in CI, thorough with --hypothesis-profile=long.
EXAMPLES = 25 if settings.default.max_examples < 1000 else settings.default.max_examples
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def seed(store: OkrStore) -> None:
    """Sales with Alice's active objective; Binh owns two key results; Eve is a member."""
    t = f.TENANT_ID
    await store.save_team(
        Team(tenant_id=t, id=f.SALES.id, name=f.SALES.name, owner_ids=(f.ALICE.id,))
    )
    for user in (f.ALICE, f.BINH, MEMBER):
        await store.save_member(
            Member(tenant_id=t, id=user.id, name=user.name, team_ids=(f.SALES.id,))
        )
    await store.save_objective(
        Objective(
            tenant_id=t,
            id="obj",
            title="Grow revenue",
            owner_id=f.ALICE.id,
            period=Period.quarter(2026, 4),
            state=ObjectiveState.ACTIVE,
            team_id=f.SALES.id,
        )
    )
    for kr_id in ("kr-a", "kr-b"):
        await store.save_key_result(
            KeyResult(
                tenant_id=t,
                id=kr_id,
                objective_id="obj",
                title=f"Key result {kr_id}",
                owner_id=f.BINH.id,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(100),
                current=Decimal(0),
            )
        )


def checkin_data(**typed: Any) -> dict[str, Any]:
    return {
        "schema": CARD_SCHEMA,
        "card_id": "card-1",
        "key_results": ["kr-a", "kr-b"],
        "round_id": None,
        **typed,
    }


async def answered(bot: BotClient, activity: dict[str, Any]) -> dict[str, Any] | None:
    """Post ``activity``; assert no 5xx; return the invoke body (None for other activities)."""
    response = await bot.post(activity)
    assert response.status < 500, response.status
    if activity.get("type") == "invoke" and response.status == 200:
        body: dict[str, Any] = await response.json()
        return body
    return None


def assert_no_internal_error(connector: Connector, body: dict[str, Any] | None) -> None:
    said = [*connector.texts(), json.dumps(connector.cards(), ensure_ascii=False)]
    if body is not None:
        said.append(json.dumps(body, ensure_ascii=False))
    for what in said:
        assert "Traceback" not in what and 'File "' not in what
        assert not any(apology in what for apology in APOLOGIES), what[:300]


# -- what was found ---------------------------------------------------------------------


async def test_fields_of_the_wrong_type_are_ignored_and_the_person_answered(
    bot: BotClient, connector: Connector
) -> None:
    activity = f.personal_message("help", connector.url)
    activity["entities"] = [{"type": "clientInfo", "timezone": 5, "locale": ["vi"]}]
    response = await bot.post(activity)
    assert response.status in (200, 202)
    assert_no_internal_error(connector, None)
    [help_card] = connector.cards()
    assert "help" in json.dumps(help_card).casefold()


async def test_lone_surrogates_are_cleaned_and_a_two_key_result_card_is_recorded_whole(
    bot: BotClient, connector: Connector
) -> None:
    await seed(bot.store)
    data = checkin_data(
        value_0="10", status_0="on_track", note_0="ổn",
        value_1="20", status_1="at_risk", note_1="chậm\ud800 hơn",
    )  # fmt: skip
    activity = f.card_action(verbs.CHECKIN_SUBMIT, data, connector.url, user=f.BINH)
    activity["from"]["name"] = "Trần\udc00 Bình"
    body = await answered(bot, activity)
    assert body is not None and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Đã ghi nhận" in card_text(body)
    [first] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-a")
    [second] = await bot.store.list_checkins(f.TENANT_ID, key_result_id="kr-b")
    assert (first.value, second.value) == (10, 20)
    assert second.note == "chậm\ufffd hơn"
    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None and member.name == "Trần\ufffd Bình"


async def test_a_title_with_markdown_reaches_colleagues_as_text_not_a_link(
    bot: BotClient, connector: Connector
) -> None:
    await seed(bot.store)
    objective = await bot.store.get_objective(f.TENANT_ID, "obj")
    assert objective is not None
    phishing = "[Re-login here](https://phish.example/) <at>Alice Nguyen</at>"
    await bot.store.save_objective(objective.__class__(**{**_fields(objective), "title": phishing}))
    await bot.post(f.personal_message("team okrs", connector.url, user=MEMBER))
    await bot.post(f.personal_message("status Re-login", connector.url, user=MEMBER))
    cards = connector.cards()
    assert len(cards) == 2
    parser = MarkdownIt("commonmark")
    for card in cards:
        shown = [n["text"] for n in nodes(card) if n.get("type") == "TextBlock"]
        with_title = [s for s in shown if "Re-login here" in s]
        assert with_title, "the title is shown"
        for block in shown:
            tokens = [t for tok in parser.parse(block) for t in [tok, *(tok.children or ())]]
            assert not any(t.type in ("link_open", "html_inline") for t in tokens), block
            assert "<at>" not in block


def _fields(entity: Any) -> dict[str, Any]:
    return {name: getattr(entity, name) for name in entity.__slots__}


async def test_invokes_the_app_does_not_handle_get_200_and_a_short_message(
    bot: BotClient, connector: Connector
) -> None:
    unknown_name = f.card_action("x", {}, connector.url)
    unknown_name["name"] = "composeExtension/query"
    unknown_verb = f.card_action("no.such.verb", {"schema": CARD_SCHEMA}, connector.url)
    no_tenant = f.card_action(verbs.CHECKIN_SUBMIT, checkin_data(), connector.url)
    del no_tenant["channelData"]["tenant"]
    del no_tenant["conversation"]["tenantId"]
    expected = text(Language.EN, "error.not_this_app")
    for activity in (unknown_name, unknown_verb, no_tenant):
        response = await bot.post(activity)
        assert response.status == 200
        body = await response.json()
        assert body == {
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": expected,
        }


# -- generated input ----------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\ud800",
            "a\udfffb",
            "\x00",
            "Tăng doanh thu",
            "Ta\u0306ng doanh thu",  # decomposed (NFD)
            "x" * 5000,
            "🇻🇳👩‍💻",
            "\u202egnp.exe",
            '=HYPERLINK("https://phish.example")',
            "[x](https://phish.example/)",
            "<at>Alice</at>",
            "-0",
            "1e309",
            "NaN",
            "18tr",
            "１２３",
        ]
    ),
)
JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        ODD_TEXT,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(ODD_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*prefix, index))
    return found


def _set(tree: Any, path: tuple[Any, ...], value: Any, delete: bool) -> None:
    for step in path[:-1]:
        tree = tree[step]
    if delete and isinstance(tree, dict):
        tree.pop(path[-1], None)
    else:
        tree[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with one to three fields replaced by anything, or removed."""
    activity = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(activity) if p[0] != "serviceUrl"]
        path = draw(st.sampled_from(paths))
        _set(activity, path, draw(JSON), delete=draw(st.booleans()))
    return activity


def _bases(url: str) -> list[dict[str, Any]]:
    sales = f.SALES
    return [
        f.personal_message("my okrs", url, user=MEMBER),
        f.channel_message("team okrs", url, user=MEMBER, team=sales),
        f.card_action(verbs.CHECKIN_SUBMIT, checkin_data(value_0="50"), url, user=MEMBER),
        f.card_action(
            verbs.OBJECTIVE_SAVE, {"schema": CARD_SCHEMA, "objective_id": "obj"}, url, user=MEMBER
        ),
        f.members_added([MEMBER], url, team=sales),
        f.installation_update("add", url, user=MEMBER),
    ]


@FUZZ
@given(data=st.data())
async def test_any_activity_from_a_member_is_answered_and_changes_no_okr(
    bot: BotClient, connector: Connector, data: st.DataObject
) -> None:
    if await bot.store.get_objective(f.TENANT_ID, "obj") is None:
        await seed(bot.store)
    base = data.draw(st.sampled_from(_bases(connector.url)))
    activity = data.draw(mutated(base))
    before = await snapshot(bot.store)
    connector.calls.clear()
    body = await answered(bot, activity)
    assert_no_internal_error(connector, body)
    assert await snapshot(bot.store) == before


VALUE = st.one_of(ODD_TEXT, st.integers(), st.none(), st.lists(st.integers(), max_size=2))


@FUZZ
@given(
    typed=st.dictionaries(
        st.sampled_from(["value_0", "status_0", "note_0", "value_1", "status_1", "note_1"]),
        VALUE,
    ),
    ids=st.one_of(
        st.just(["kr-a", "kr-b"]),
        st.lists(st.sampled_from(["kr-a", "kr-b", "kr-zz", "", "\ud800"]), max_size=3),
        JSON,
    ),
)
async def test_any_check_in_card_from_the_owner_is_recorded_whole_or_not_at_all(
    bot: BotClient, connector: Connector, typed: dict[str, Any], ids: Any
) -> None:
    if await bot.store.get_objective(f.TENANT_ID, "obj") is None:
        await seed(bot.store)
    before = {
        k: len(await bot.store.list_checkins(f.TENANT_ID, key_result_id=k))
        for k in ("kr-a", "kr-b")
    }
    card_id = f"card-{len(connector.calls)}-{sum(before.values())}"
    data = {**checkin_data(**typed), "key_results": ids, "card_id": card_id}
    connector.calls.clear()
    body = await answered(
        bot, f.card_action(verbs.CHECKIN_SUBMIT, data, connector.url, user=f.BINH)
    )
    assert_no_internal_error(connector, body)
    after = {
        k: len(await bot.store.list_checkins(f.TENANT_ID, key_result_id=k))
        for k in ("kr-a", "kr-b")
    }
    added = {k for k in after if after[k] != before[k]}
    assert body is not None
    if added:
        # Recorded: the answer is the record, and holds every key result that moved.
        assert "Check-in recorded" in card_text(body) or "Đã ghi nhận" in card_text(body)
        for kr_id in added:
            kr = await bot.store.get_key_result(f.TENANT_ID, kr_id)
            [latest, *_] = await bot.store.list_checkins(f.TENANT_ID, key_result_id=kr_id)
            assert kr is not None and kr.current == latest.value
    else:
        assert "Check-in recorded" not in card_text(body)
