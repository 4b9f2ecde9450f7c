"""User text is shown as typed: no link, mention, emphasis, list or heading can be injected.

Checked with a CommonMark parser (markdown-it-py), which is what Teams' renderers
follow, rather than with our own idea of Markdown.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cards.markdown import Markdown, bold, bullets, join, plain, safe

PARSER = MarkdownIt("commonmark")
HOSTILE = (
    "[Re-login here](https://phish.example/)",
    "![x](https://phish.example/p.png)",
    "<https://phish.example/>",
    "<at>Alice Nguyen</at> please approve",
    "**urgent** _now_ `code` ~~gone~~",
    "# Heading",
    "- not a list",
    "1. not a list",
    "> not a quote",
    "Title\n=====",
    "a\\*b\\",
    "[ref]: https://phish.example/",
)


def _inline_tokens(markdown: str) -> list[Any]:
    found = []
    for token in PARSER.parse(markdown):
        found.append(token)
        found.extend(token.children or ())
    return found


def _only_text(markdown: str) -> str:
    """The text CommonMark shows for ``markdown``; fails if it makes anything but text."""
    shown = []
    for token in _inline_tokens(markdown):
        assert token.type in {
            "paragraph_open",
            "paragraph_close",
            "inline",
            "text",
            "softbreak",
        }, f"{token.type} made from {markdown!r}"
        if token.type == "text":
            shown.append(token.content)
        elif token.type == "softbreak":
            shown.append("\n")
    return "".join(shown).replace("\u200b", "")


def test_hostile_titles_render_as_the_text_typed() -> None:
    for title in HOSTILE:
        assert _only_text(plain(title)) == title.strip()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80))
def test_any_single_line_text_renders_as_itself(title: str) -> None:
    title = " ".join(title.split())  # card titles are one line, trimmed
    if title:
        assert _only_text(plain(title)) == title


def test_markup_we_write_stays_markup_and_wraps_user_text_safely() -> None:
    shown = bold("[x](https://phish.example/)")
    kinds = [t.type for t in _inline_tokens(shown)]
    assert "strong_open" in kinds and "link_open" not in kinds
    listed = bullets(["- a", "**b**"])
    assert [t.type for t in PARSER.parse(listed)].count("list_item_open") == 2
    assert "strong_open" not in [t.type for t in _inline_tokens(listed)]
    assert safe(Markdown("**ours**")) == "**ours**"
    assert join([bold("x"), "y_ *z*"]) == "**x** · y\\_ \\*z\\*"


def test_vietnamese_and_ordinary_text_is_unchanged() -> None:
    for title in ("Tăng doanh thu lên 18 triệu", "2026-Q4", "-5%", "snake_case", "Q1 > Q2"):
        assert plain(title) == title
