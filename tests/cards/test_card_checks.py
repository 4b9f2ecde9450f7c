"""Every card the product can send, in every language, checked by Microsoft's own tools.

The cards come from the registry (``tests/cards/registry.py``): named samples
built from representative data in ``tests/cards/samples.py``. For each sample and
language this test

1. parses and validates the card with Microsoft's ``adaptivecards`` library in
   node, failing on any parse or validation event it reports;
2. renders it in headless Chromium with the same library, as Teams shows it on
   desktop (500 px), on a phone (360 px) and in Teams' dark theme, and saves a
   PNG of each to ``build/card-screenshots/<name>.<language>.png``,
   ``build/card-screenshots/360/...`` and ``build/card-screenshots/dark/...``;
   in each, nothing may stick out of the card or be cut off inside it, even once
   its hidden parts are opened, and all text must stand out from its background
   (``tests/cards/js/render.js``);
3. checks Teams' limits: version 1.5 or lower, payload under 28 KB, every
   ``Action.Execute`` verb routed by the bot, every input id unique; every
   Teams-only element (badges, progress bars, ``Chart.*``) valid for
   Microsoft's typed model and with a fallback (the JS library above parses and
   renders the fallbacks); every mention entity's ``<at>`` text in the card.

All cards are parsed by one node process and rendered by one Chromium launch per
language.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cards.checks import (
    library_reports,
    mention_problems,
    teams_limit_problems,
    teams_only_problems,
)
from tests.cards.registry import CardSample, languages, locale_of, samples
from tests.cards.render import DARK, DESKTOP, PHONE, Rendering, render_cards

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "card-screenshots"
SAMPLES = samples()
CASES = [(sample, lang) for sample in SAMPLES for lang in languages()]
IDS = [f"{sample.name}.{lang.value}" for sample, lang in CASES]
VIEWS = (DESKTOP, PHONE, DARK)
VIEW_CASES = [(sample, lang, view) for view in VIEWS for sample, lang in CASES]
VIEW_IDS = [f"{sample.name}.{lang.value}-{view.name}" for sample, lang, view in VIEW_CASES]


def key(sample: CardSample, lang: Any) -> str:
    return f"{sample.name}.{lang.value}"


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, Any] | Exception]:
    """Every sample card, or the exception its builder raised."""
    cards: dict[str, dict[str, Any] | Exception] = {}
    for sample, lang in CASES:
        try:
            cards[key(sample, lang)] = dict(sample.build(lang))
        except Exception as error:  # reported by the card's own tests below
            cards[key(sample, lang)] = error
    return cards


def good(built: dict[str, dict[str, Any] | Exception]) -> dict[str, dict[str, Any]]:
    return {k: card for k, card in built.items() if not isinstance(card, Exception)}


@pytest.fixture(scope="module")
def library(built: dict[str, dict[str, Any] | Exception]) -> dict[str, dict[str, Any]]:
    return library_reports(good(built))


@pytest.fixture(scope="module")
def rendering(built: dict[str, dict[str, Any] | Exception]) -> Rendering:
    locales = {key(sample, lang): locale_of(lang) for sample, lang in CASES}
    return render_cards(good(built), SCREENSHOTS, views=VIEWS, locales=locales)


def card_of(built: dict[str, dict[str, Any] | Exception], name: str) -> dict[str, Any]:
    card = built[name]
    if isinstance(card, Exception):
        pytest.fail(f"building the sample {name} raised {card!r}")
    return card


def test_the_registry_has_cards():
    assert SAMPLES, "no card registered: see tests/cards/registry.py for how a card registers"


def test_sample_names_are_unique_across_languages():
    assert not [name for name, n in Counter(IDS).items() if n > 1]


@pytest.mark.parametrize(("sample", "lang"), CASES, ids=IDS)
def test_card_passes_microsofts_parser_and_validator(sample, lang, built, library):
    name = key(sample, lang)
    card_of(built, name)
    assert library[name]["problems"] == []


@pytest.mark.parametrize(("sample", "lang", "view"), VIEW_CASES, ids=VIEW_IDS)
def test_card_renders_in_chromium_and_fits(sample, lang, view, built, rendering):
    name = key(sample, lang)
    card_of(built, name)
    assert rendering.page_errors == []
    rendered = rendering.card(name, view)
    assert rendered.problems == []
    assert rendered.text.strip(), "the rendered card shows no text"
    assert rendered.locale == locale_of(lang), "rendered in another language's locale"
    assert rendered.png.stat().st_size > 0


@pytest.mark.parametrize(("sample", "lang"), CASES, ids=IDS)
def test_card_fits_teams_limits(sample, lang, built, library):
    name = key(sample, lang)
    card = card_of(built, name)
    assert teams_limit_problems(card) == []
    assert teams_only_problems(card) == []
    assert mention_problems(card) == []
    input_ids = library[name]["inputIds"]
    assert len(input_ids) == len(set(input_ids)), f"duplicate input ids: {input_ids}"


# A check-in of five key results is read at a glance: no scrolling in a chat on desktop.
CHECKIN_MAX_HEIGHT = 900


@pytest.mark.parametrize("lang", languages(), ids=lambda lang: lang.value)
def test_a_check_in_card_with_five_key_results_fits_900_px_at_500_px(lang, built, rendering):
    name = f"checkin.input.five.{lang.value}"
    card_of(built, name)
    rendered = rendering.card(name, DESKTOP)
    assert rendered.png.stat().st_size > 0
    assert rendered.height <= CHECKIN_MAX_HEIGHT, f"{name} is {rendered.height:.0f} px tall"
