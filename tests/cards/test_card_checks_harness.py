"""The card checks themselves: each one must catch the mistake it exists for.

These cards are deliberately broken test inputs, not product cards; they never
enter the registry.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from cards.i18n import Language
from tests.cards import registry
from tests.cards.checks import (
    TEAMS_MAX_PAYLOAD_BYTES,
    library_reports,
    teams_limit_problems,
    teams_only_problems,
)
from tests.cards.registry import card_modules, card_sample, register_sample, samples
from tests.cards.render import DARK, DESKTOP, PHONE, Rendering, render_cards
from tests.png import png_size

VERB = "okr.test.routed"


def card(*body: dict[str, Any], actions: tuple[dict[str, Any], ...] = (), version="1.5"):
    return {
        "type": "AdaptiveCard",
        "version": version,
        "body": list(body),
        "actions": list(actions),
    }


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **extra}


def execute(title: str, verb: str) -> dict[str, Any]:
    return {"type": "Action.Execute", "title": title, "verb": verb}


GOOD = card(
    text("Grow revenue"),
    {"type": "Input.Number", "id": "value", "label": "Current value", "value": 14},
    actions=(execute("Save", VERB),),
)


# --- Microsoft's library -----------------------------------------------------------------


def test_library_accepts_a_good_card():
    report = library_reports({"good": GOOD})
    assert report["good"] == {"key": "good", "problems": [], "inputIds": ["value"]}


@pytest.mark.parametrize(
    ("broken", "reported"),
    [
        (card(text("x"), {"type": "TextBlok", "text": "typo"}), "UnknownElementType"),
        (card(text("x"), actions=({"type": "Action.Excute", "title": "t"},)), "UnknownActionType"),
        (card(text("x", wrapp=True)), 'property "wrapp"'),
        (card(text("x", size="Huge")), "InvalidPropertyValue"),
        (
            card(
                {"type": "Input.Text", "id": "a", "label": "A"},
                {"type": "Input.Text", "id": "a", "label": "B"},
            ),
            "DuplicateId",
        ),
        (
            card({"type": "Input.Text", "id": "a", "isRequired": True}),
            "RequiredInputsShouldHaveLabel",
        ),
        # A 1.6 property is flagged because Teams renders 1.5.
        (card(text("x"), actions=(execute("Go", VERB) | {"menuActions": []},)), "menuActions"),
    ],
    ids=[
        "unknown element",
        "unknown action",
        "unknown property",
        "bad value",
        "duplicate id",
        "required input without label",
        "property newer than 1.5",
    ],
)
def test_library_reports_what_is_wrong(broken: dict[str, Any], reported: str):
    (problems,) = [entry["problems"] for entry in library_reports({"broken": broken}).values()]
    assert any(reported in problem for problem in problems), problems


# --- Teams' limits -----------------------------------------------------------------------------


def test_a_teams_only_element_needs_a_fallback_and_a_valid_model():
    good = {
        "type": "Badge",
        "text": "On track",
        "style": "Good",
        "fallback": text("On track", color="Good"),
    }
    assert teams_only_problems(card(good)) == []
    assert library_reports({"badge": card(good)})["badge"]["problems"] == []
    no_fallback = {k: v for k, v in good.items() if k != "fallback"}
    assert "has no fallback" in teams_only_problems(card(no_fallback))[0]
    wrong = {**good, "style": "Purple"}
    assert "is not valid" in teams_only_problems(card(wrong))[0]
    unknown = {**good, "blink": True}
    assert "does not know" in teams_only_problems(card(unknown))[0]


def test_teams_limits_accept_a_good_card():
    assert teams_limit_problems(GOOD, frozenset({VERB})) == []


def test_teams_limits_refuse_a_card_newer_than_1_5():
    assert any(
        "1.5" in p for p in teams_limit_problems(card(text("x"), version="1.6"), frozenset())
    )


def test_teams_limits_refuse_a_payload_of_28_kb():
    big = card(*(text("x" * 1000) for _ in range(29)))
    (problem,) = teams_limit_problems(big, frozenset())
    assert str(TEAMS_MAX_PAYLOAD_BYTES) in problem


def test_teams_limits_refuse_verbs_the_bot_does_not_route_even_in_a_show_card():
    nested = {
        "type": "Action.ShowCard",
        "title": "More",
        "card": card(actions=(execute("Go", "okr.nope"),)),
    }
    problems = teams_limit_problems(
        card(text("x"), actions=(execute("Save", VERB), nested)), frozenset({VERB})
    )
    (problem,) = problems
    assert problem.startswith(
        "Action.Execute 'Go' has verb 'okr.nope', which the bot does not route"
    )


def test_teams_limits_refuse_duplicate_input_ids_across_show_cards():
    nested = {
        "type": "Action.ShowCard",
        "title": "More",
        "card": card({"type": "Input.Text", "id": "value"}),
    }
    problems = teams_limit_problems(card(*GOOD["body"], actions=(nested,)), frozenset())
    assert problems == ["input id 'value' is used 2 times"]


# --- Chromium ----------------------------------------------------------------------------------


def test_chromium_renders_a_card_to_a_png(tmp_path: Path):
    rendering = render_cards({"good.en": GOOD}, tmp_path)
    (rendered,) = rendering.cards
    assert rendering.page_errors == [] and rendered.problems == []
    assert "Grow revenue" in rendered.text and "Save" in rendered.text
    width, height = png_size(tmp_path / "good.en.png")
    assert width == 500 and height > 80


def column(width: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Column", "width": width, "items": list(items)}


# Each is wrong in one way the page must see in a laid-out card (render.js).
MISFITS = {
    # Three columns of 150 px cannot share a card 336 px wide.
    "fixed_columns": card(
        {
            "type": "ColumnSet",
            "columns": [
                column("150px", text("First")),
                column("150px", text("Second")),
                column("150px", text("Third")),
            ],
        }
    ),
    # A word too long for a line, in a TextBlock that does not wrap.
    "unbroken_word": card(text("Supercalifragilisticexpialidocious" * 3, wrap=False)),
    # The choice "Far longer than the column it sits in" cannot show in a narrow pick-list.
    "narrow_pick_list": card(
        {
            "type": "ColumnSet",
            "columns": [
                column("stretch", text("Status")),
                column(
                    "80px",
                    {
                        "type": "Input.ChoiceSet",
                        "id": "status",
                        "label": "Status",
                        "choices": [
                            {"title": "Fine", "value": "a"},
                            {"title": "Far longer than the column it sits in", "value": "b"},
                        ],
                        "value": "a",
                    },
                ),
            ],
        }
    ),
    # Only once "More" is opened do its buttons run past the card.
    "opened": card(
        text("Fits while closed"),
        actions=(
            {
                "type": "Action.ShowCard",
                "title": "More",
                "card": card(
                    actions=tuple(execute(f"A long button title {n}", VERB) for n in range(4))
                ),
            },
        ),
    ),
    # Teams' "dark" text on a dark card, "light" text on a light one.
    "dark_on_dark": card(text("Hard to read", color="Dark")),
    "light_on_light": card(text("Hard to read", color="Light")),
}


@pytest.fixture(scope="module")
def misfits(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """The good card and every misfit, rendered in every view by one Chromium."""
    out = tmp_path_factory.mktemp("views")
    return render_cards({"good.en": GOOD, **MISFITS}, out, views=(DESKTOP, PHONE, DARK))


def test_chromium_renders_each_view_into_its_folder(misfits: Rendering):
    assert misfits.page_errors == []
    good = [card for card in misfits.cards if card.key == "good.en"]
    assert [(card.view, card.problems) for card in good] == [(DESKTOP, []), (PHONE, []), (DARK, [])]
    out = good[0].png.parent
    assert png_size(out / "good.en.png")[0] == 500
    assert png_size(out / "360" / "good.en.png")[0] == 360
    assert png_size(out / "dark" / "good.en.png")[0] == 500


def test_columns_wider_than_the_card_are_caught(misfits: Rendering):
    (problem,) = misfits.card("fixed_columns", PHONE).problems
    assert problem.startswith('overflow: Column "Third" runs'), problem
    assert problem.endswith("px past the card's edge")


def test_a_word_that_does_not_fit_a_line_that_does_not_wrap_is_caught(misfits: Rendering):
    for view in (DESKTOP, PHONE, DARK):
        (problem,) = misfits.card("unbroken_word", view).problems
        assert problem.startswith('overflow: TextBlock "Supercalifragilistic'), problem
        assert "is cut off" in problem


def test_a_pick_list_too_narrow_for_one_of_its_choices_is_caught(misfits: Rendering):
    (problem,) = misfits.card("narrow_pick_list", DESKTOP).problems
    assert problem.startswith("overflow: Input.ChoiceSet #status"), problem
    assert '"Far longer than the column it sits in"' in problem


def test_what_overflows_only_once_opened_is_caught(misfits: Rendering):
    assert misfits.card("opened", DESKTOP).problems != []
    problems = misfits.card("opened", PHONE).problems
    assert problems and all(p.endswith("(once opened)") for p in problems), problems
    assert any('Action.Execute "A long button title' in p for p in problems), problems


def test_text_the_colour_of_its_background_is_caught(misfits: Rendering):
    assert misfits.card("dark_on_dark", DESKTOP).problems == []
    (problem,) = misfits.card("dark_on_dark", DARK).problems
    assert problem.startswith('unreadable: TextBlock "Hard to read" is #201f1f on #292929')
    assert misfits.card("light_on_light", DARK).problems == []
    (problem,) = misfits.card("light_on_light", DESKTOP).problems
    assert problem.startswith('unreadable: TextBlock "Hard to read" is #ffffff on #ffffff')


def test_chromium_renders_each_card_in_its_language(tmp_path: Path):
    rendering = render_cards(
        {"good.vi": GOOD, "good.en": GOOD}, tmp_path, locales={"good.vi": "vi-VN"}
    )
    # A Vietnamese browser writes an input's date 30/11/2026; without chromium-l10n
    # it would fall back to English and say en-US here.
    assert [(card.key, card.locale) for card in rendering.cards] == [
        ("good.vi", "vi-VN"),
        ("good.en", "en-US"),
    ]


# --- The registry ------------------------------------------------------------------------------


def test_registry_refuses_a_second_builder_under_the_same_name():
    def first(lang: Language) -> dict[str, Any]:
        return GOOD

    def second(lang: Language) -> dict[str, Any]:
        return GOOD

    register_sample("harness.duplicate", first)
    try:
        register_sample("harness.duplicate", first)  # re-registering the same builder is fine
        with pytest.raises(ValueError, match="registered twice"):
            card_sample("harness.duplicate")(second)
        with pytest.raises(ValueError, match=r"area\.state"):
            register_sample("Harness Duplicate", first)
    finally:
        registry._SAMPLES.pop("harness.duplicate", None)


def _card_functions(module_name: str) -> list[str]:
    """Public functions of a card module whose names say they build a card or form."""
    module = importlib.import_module(module_name)
    tree = ast.parse(inspect.getsource(module))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and re.fullmatch(r"(?!read_|parse_)[a-z]\w*_(card|form)", node.name)
    ]


@pytest.fixture(scope="module")
def called_by_samples() -> set[tuple[str, str]]:
    """(module, function) of every Python function called while building every sample."""
    called: set[tuple[str, str]] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            called.add((frame.f_globals.get("__name__", ""), frame.f_code.co_name))

    built = samples()
    sys.setprofile(profile)
    try:
        for sample in built:
            for lang in Language:
                sample.build(lang)
    finally:
        sys.setprofile(None)
    return called


def unsampled(module_name: str, called: set[tuple[str, str]]) -> list[str]:
    """The card functions of a module that none of the ``called`` functions is."""
    return [name for name in _card_functions(module_name) if (module_name, name) not in called]


@pytest.mark.parametrize("module_name", card_modules())
def test_every_card_function_has_a_registered_sample(module_name, called_by_samples):
    missing = unsampled(module_name, called_by_samples)
    assert not missing, (
        f"{module_name}: no registered sample builds {', '.join(missing)}; add a "
        "@card_sample('area.state') builder to tests/cards/samples.py so the card checks see it"
    )


def test_a_card_function_that_no_sample_builds_is_reported():
    assert {"checkin_card", "recorded_card"} <= set(unsampled("cards.checkin", set()))
    built = {("cards.checkin", "checkin_card"), ("tests.cards.samples", "recorded_card")}
    assert "checkin_card" not in unsampled("cards.checkin", built)
    assert "recorded_card" in unsampled("cards.checkin", built)  # same name, other module


def test_the_shipped_cards_package_holds_no_samples():
    modules = card_modules()
    assert {"cards.authoring", "cards.checkin", "cards.settings"} <= set(modules)
    assert "cards.samples" not in modules and "cards.registry" not in modules
    with_samples = [
        name
        for name in modules
        if re.search(
            r"^\s*(from|import) tests\b|card_sample",
            inspect.getsource(importlib.import_module(name)),
            re.MULTILINE,
        )
    ]
    assert not with_samples, f"samples belong in tests/cards/samples.py, not in {with_samples}"


# --- The pictures in the docs ------------------------------------------------------------------


def test_main_cards_have_screenshots_in_the_docs_and_the_readme_shows_existing_ones():
    root = Path(__file__).resolve().parents[2]
    missing = [
        f"{sample.name}.{lang.value}.png"
        for sample in samples()
        if sample.in_docs
        for lang in Language
        if not (root / "docs" / "cards" / f"{sample.name}.{lang.value}.png").is_file()
    ]
    assert not missing, f"run .venv/bin/python -m tests.cards.docs_screenshots ({missing})"
    shown = re.findall(
        r'src="(docs/cards/[^"]+)"', (root / "README.md").read_text(encoding="utf-8")
    )
    assert shown and all((root / path).is_file() for path in shown)


def test_teams_limits_refuse_a_line_teams_would_renumber():
    # Teams' Markdown reads "2. ..." as an ordered list and shows it as "1. ...".
    [problem] = teams_limit_problems(card(text("2. Choose the channel")), frozenset())
    assert "numbered list" in problem
    assert teams_limit_problems(card(text("1. First, then 2. second")), frozenset()) == []
    assert teams_limit_problems(card(text("Step 2: Choose")), frozenset()) == []
