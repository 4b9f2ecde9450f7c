"""What user and Teams text becomes before it is stored."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from okr.text import REPLACEMENT, clean_text


def test_lone_surrogates_controls_and_decomposed_vietnamese() -> None:
    assert clean_text("Bình\ud800") == f"Bình{REPLACEMENT}"
    assert clean_text("a\x00b\x1bc\x7f") == "abc"
    assert clean_text("dòng 1\ndòng 2\tx\r") == "dòng 1\ndòng 2\tx\r"
    decomposed = unicodedata.normalize("NFD", "Tăng doanh thu")
    assert decomposed != "Tăng doanh thu"
    assert clean_text(decomposed) == "Tăng doanh thu"
    assert clean_text("29:1-alice") == "29:1-alice"


@given(st.text())
def test_cleaned_text_is_storable_and_cleaning_twice_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # raises on a lone surrogate
    assert clean_text(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)


def test_plain_ascii_is_returned_as_it_is_and_ascii_controls_are_still_dropped() -> None:
    plain = 'https://smba.trafficmanager.net/amer/ 29:1-alice {"verb": "x"}'
    assert clean_text(plain) is plain
    assert clean_text("ascii\x00with\x1fcontrols\x7f") == "asciiwithcontrols"
    assert clean_text("tab\tnew\nline\r") == "tab\tnew\nline\r"


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_is_cleaned_as_by_the_full_rules(text: str) -> None:
    expected = "".join(c for c in text if c in "\t\n\r" or (0x20 <= ord(c) < 0x7F))
    assert clean_text(text) == expected
