"""Every card the product can send, as named samples built from representative data.

The card checks (``tests/cards/test_card_checks.py``) take every sample from
here, in every language, and run it through Microsoft's Adaptive Cards library
(parse and validate), render it in headless Chromium, and check it against
Teams' limits. A card joins those checks by registering a sample in
``tests/cards/samples.py``::

    from tests.cards.registry import card_sample

    @card_sample("checkin.recorded", in_docs=True)
    def _recorded_sample(lang: Language) -> Mapping[str, Any]:
        return recorded_card(lang, [line], "03/02/2026 09:14", unchanged=2)

One card function may register several samples, one per state worth seeing
(``checkin.input``, ``checkin.problems``, ``checkin.recorded``). The sample name
is ``area.state`` in lower case; it names the screenshot files too.
``in_docs=True`` marks the main cards whose screenshots are shown in the README.

Samples are test data: the shipped ``cards`` package knows nothing of them.
Every public card builder in ``cards`` (:func:`card_modules`) must still be
built by some sample; ``tests/cards/test_card_checks_harness.py`` fails on one
that is not.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import cards
from cards.i18n import Language, babel_locale

SampleBuilder = Callable[[Language], Mapping[str, Any]]

# The modules that register samples; imported by samples().
SAMPLE_MODULES = (
    "tests.cards.samples",
    "tests.cards.digest_samples",
    "tests.cards.period_report_samples",
    "tests.cards.closing_samples",
)

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class CardSample:
    """One registered card sample.

    Attributes:
        name: Unique name, ``area.state`` (``welcome``, ``checkin.recorded``).
        build: Builds the card JSON in a language from representative data.
        module: The module that registered it (for messages).
        in_docs: Whether its screenshot is one of the main cards in the README.
    """

    name: str
    build: SampleBuilder
    module: str
    in_docs: bool = False


_SAMPLES: dict[str, CardSample] = {}


def register_sample(name: str, build: SampleBuilder, *, in_docs: bool = False) -> None:
    """Register ``build`` as the sample card called ``name``.

    Raises:
        ValueError: The name is malformed or already registered by another builder.
    """
    if not _NAME.match(name):
        raise ValueError(f"card sample name {name!r} must look like 'area.state' (lower case)")
    module = getattr(build, "__module__", "?")
    existing = _SAMPLES.get(name)
    if existing is not None and (existing.module, existing.build.__qualname__) != (
        module,
        build.__qualname__,
    ):
        raise ValueError(f"card sample {name!r} is registered twice ({existing.module}, {module})")
    _SAMPLES[name] = CardSample(name=name, build=build, module=module, in_docs=in_docs)


def card_sample(name: str, *, in_docs: bool = False) -> Callable[[SampleBuilder], SampleBuilder]:
    """Decorator form of :func:`register_sample`; returns the builder unchanged."""

    def register(build: SampleBuilder) -> SampleBuilder:
        register_sample(name, build, in_docs=in_docs)
        return build

    return register


def card_modules() -> tuple[str, ...]:
    """The names of every module in the shipped ``cards`` package (sub-packages excluded)."""
    return tuple(
        f"cards.{info.name}" for info in pkgutil.iter_modules(cards.__path__) if not info.ispkg
    )


def samples() -> tuple[CardSample, ...]:
    """Every registered sample, sorted by name, after importing the sample modules."""
    for module in SAMPLE_MODULES:
        importlib.import_module(module)
    return tuple(sorted(_SAMPLES.values(), key=lambda sample: sample.name))


def languages() -> tuple[Language, ...]:
    """The languages every sample is checked in."""
    return tuple(Language)


def locale_of(lang: Language) -> str:
    """The locale a card in ``lang`` is rendered in (BCP 47): ``en-US``, ``vi-VN``."""
    return str(babel_locale(lang)).replace("_", "-")
