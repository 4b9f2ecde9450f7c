"""Text as it may be stored: what every piece of user or Teams text becomes at the edge.

Anything a person or Teams sends can carry characters that cannot be stored or
shown: lone UTF-16 surrogates (``\\ud800``: valid in JSON, not encodable as
UTF-8, so SQLite and Cosmos refuse them), NUL and other control characters.
Vietnamese can arrive decomposed (NFD, as macOS keyboards send it) or
composed (NFC): the same word must be the same text.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
# Any surrogate left in a Python str is a lone one (pairs are decoded by json).
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 controls but tab, line feed and carriage return; DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` safe to store: lone surrogates replaced, control characters dropped, NFC.

    Idempotent, and the identity on ordinary text (so ids are unchanged).
    """
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(REPLACEMENT, text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
