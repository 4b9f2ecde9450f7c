"""The tab's words: the cards' catalogs, with values put in as typed.

The catalogs escape values for Teams Markdown (``\\*``, zero-width spaces),
which is right on a card and wrong on a web page: the page shows every text as
text (``textContent``), and the SVG charts escape for XML. So here values go in
unchanged, and the tab's own strings (``tab.*``) carry no Markdown.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from functools import lru_cache

from cards.i18n import Language, catalog, enum_key, text
from cards.locale_format import format_value
from cards.markdown import Markdown
from okr.models import KeyResult, KeyResultKind

TAB_PREFIX = "tab."


def words(lang: Language, key: str, **params: object) -> str:
    """The catalog string ``key`` in ``lang`` with ``params`` put in as typed."""
    verbatim = {k: Markdown(v) if isinstance(v, str) else v for k, v in params.items()}
    return str(text(lang, key, **verbatim))


def label(lang: Language, member: Enum) -> str:
    """The display label of an enum member (a level, a state, a status)."""
    return words(lang, enum_key(member))


def tab_strings(lang: Language) -> dict[str, str]:
    """Every ``tab.*`` string of ``lang``, for the page (it has no catalog of its own)."""
    return {k: v for k, v in catalog(lang).items() if k.startswith(TAB_PREFIX)}


def value_words(kr: KeyResult, value: Decimal, lang: Language) -> str:
    """One value of ``kr`` as its kind reads (money compact: ``$15.6M``, ``15,6 triệu USD``)."""
    return _value_words(str(value), kr.kind, kr.currency, kr.unit, lang)


# A team's list writes thousands of values, mostly the same few (starts, targets,
# round numbers), and Babel takes ~150 µs for each. Keyed by the value's text so
# that 5 and 5.0 keep their own spelling.
@lru_cache(maxsize=16384)
def _value_words(
    value: str, kind: KeyResultKind, currency: str | None, unit: str, lang: Language
) -> str:
    return format_value(Decimal(value), kind, lang, currency=currency, unit=unit, compact=True)
