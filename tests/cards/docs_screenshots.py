"""Write the screenshots of the main cards (``in_docs=True`` samples) into ``docs/cards/``.

    .venv/bin/python -m tests.cards.docs_screenshots

Run it after changing a main card; the README shows these pictures. The card
checks write screenshots of every card to ``build/card-screenshots/`` anyway.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.cards.registry import languages, locale_of, samples
from tests.cards.render import render_cards

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cards"


def main() -> int:
    """Render the main cards in every language (each in its own locale) at 2x; report problems."""
    main_cards = [(sample, lang) for sample in samples() if sample.in_docs for lang in languages()]
    cards = {f"{sample.name}.{lang.value}": dict(sample.build(lang)) for sample, lang in main_cards}
    locales = {f"{sample.name}.{lang.value}": locale_of(lang) for sample, lang in main_cards}
    rendering = render_cards(cards, DOCS, scale=2, locales=locales)
    problems = rendering.page_errors + [p for card in rendering.cards for p in card.problems]
    for card in rendering.cards:
        print(card.png.relative_to(DOCS.parent.parent))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
