"""Every card verb is routed by the app, and the app routes nothing else."""

from __future__ import annotations

from app import FEATURES
from bot.command_text import CommandName
from bot.features import Features
from cards.verbs import ALL_VERBS
from okr.text import fold


def test_the_app_routes_exactly_the_card_verbs() -> None:
    features = Features(normalise=fold)
    for register in FEATURES:
        register(features)
    assert set(features.verbs) == ALL_VERBS
    registered = {c.name.replace(" ", "_") for c in features.commands}
    assert registered == {c.value for c in CommandName}
