"""Every card the product can send, as named samples built from representative data.

The card checks (``tests/cards/test_card_checks.py``) take every sample from
here, in every language, and run it through Microsoft's Adaptive Cards library
(parse and validate), render it in headless Chromium, and check it against
Teams' limits. A card joins those checks by registering a sample in its own
module, next to the function that builds it::

    from cards.registry import card_sample

    @card_sample("checkin.recorded", in_docs=True)
    def _recorded_sample(lang: Language) -> Mapping[str, Any]:
        return checkin_recorded_card(lang, sample_checkins())

One card function may register several samples, one per state worth seeing
(``checkin.input``, ``checkin.errors``, ``checkin.recorded``). The sample name is
``area.state`` in lower case; it names the screenshot files too. ``in_docs=True``
marks the main cards whose screenshots are shown in the README.

Every module of the ``cards`` package is imported by :func:`samples`, so a new
card module needs nothing else: no list to update here. Registering has no
effect on the running bot; it only makes the card visible to the checks.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cards.i18n import Language

SampleBuilder = Callable[[Language], Mapping[str, Any]]

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
    """The names of every module in the ``cards`` package (sub-packages excluded)."""
    import cards

    return tuple(
        f"cards.{info.name}"
        for info in pkgutil.iter_modules(cards.__path__)
        if not info.ispkg and info.name != "registry"
    )


def samples() -> tuple[CardSample, ...]:
    """Every registered sample, sorted by name, after importing every card module."""
    for module in card_modules():
        importlib.import_module(module)
    return tuple(sorted(_SAMPLES.values(), key=lambda sample: sample.name))


def languages() -> tuple[Language, ...]:
    """The languages every sample is checked in."""
    return tuple(Language)
