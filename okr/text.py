"""Text as it may be stored: what every piece of user or Teams text becomes at the edge.

Anything a person or Teams sends can carry characters that cannot be stored or
shown: lone UTF-16 surrogates (``\\ud800``: valid in JSON, not encodable as
UTF-8, so SQLite and Cosmos refuse them), NUL and other control characters.
Vietnamese can arrive decomposed (NFD, as macOS keyboards send it) or
composed (NFC): the same word must be the same text.

:func:`fold` is the one comparison key of text people type and text we
store (command words, objective titles): the same with or without accents,
case, width or invisible characters.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
# Any surrogate left in a Python str is a lone one (pairs are decoded by json).
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 controls but tab, line feed and carriage return; DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold(text: str) -> str:
    """The comparison key of a text: NFKC, no invisible characters, case-folded, no accents.

    ``"  TRỢ   giúp "`` -> ``"tro giup"``; ``"Đóng"`` -> ``"dong"``; full-width
    ``"ｈｅｌｐ"`` -> ``"help"``. Whitespace runs become one space.
    """
    compatible = unicodedata.normalize("NFKC", text)
    visible = "".join(c for c in compatible if unicodedata.category(c) != "Cf")
    decomposed = unicodedata.normalize("NFD", visible.casefold())
    # "đ" has no decomposition: Unicode treats it as a letter of its own.
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(unicodedata.normalize("NFC", bare).split())


def clean_text(text: str) -> str:
    """``text`` safe to store: lone surrogates replaced, control characters dropped, NFC.

    Idempotent, and the identity on ordinary text (so ids are unchanged).
    """
    if text.isascii() and text.isprintable():
        # Most of an activity's texts (ids, URLs, names): nothing to clean, and
        # two C checks are a tenth of the searches below (an activity has ~60).
        return text
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(REPLACEMENT, text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
