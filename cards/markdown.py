"""User text shown as text: Teams renders Markdown in card text and in messages.

A title such as ``[Re-login here](https://phish.example/)`` would otherwise
become a link on a card every colleague sees, ``**x**`` bold, ``- x`` a list,
and ``<at>Name</at>`` looks like a mention. :func:`plain` neutralises all of
that without changing what a person reads:

- Markdown's punctuation (``\\ * _ ` [ ] ~``) is backslash-escaped, as
  CommonMark and Teams' renderers read it;
- a zero-width space goes between ``]`` and ``(`` and after a ``<`` that
  starts a tag or an autolink, so even a renderer that ignores escapes makes
  no link or tag;
- a zero-width space goes before a line that would start a heading, list or
  quote.

Strings from our own catalogs are :class:`Markdown` (they may use ``**bold**``
on purpose); every other string that reaches a card's text or a message is
treated as plain text (:func:`safe`). Card builders and the message sender call
:func:`safe`, so nothing has to remember to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_ZWSP = "\u200b"
# "_" inside a word is never emphasis in CommonMark: "snake_case" stays as typed.
_PUNCTUATION = re.compile(r"([\\*`\[\]~]|(?<![^\W_])_|_(?![^\W_]))")
_LINK_JOIN = re.compile(r"\](\\?)\(")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_BLOCK_START = re.compile(r"^(\s*)(?=#|>|[-+*]\s|[-+*]$|\d{1,9}[.)](\s|$)|=+\s*$|-+\s*$)", re.M)


class Markdown(str):
    """Text that is already safe to render as Teams Markdown (our own strings)."""

    __slots__ = ()


# A card names the same people, periods and titles again and again (a list of 25
# objectives escapes ~200 strings), and four regular expressions per string add up.
@lru_cache(maxsize=8192)
def plain(text: str) -> Markdown:
    """``text`` escaped so that Teams shows it exactly as typed."""
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    escaped = _LINK_JOIN.sub(lambda m: f"]{_ZWSP}{m[1]}(", escaped)
    escaped = _TAG_START.sub(f"<{_ZWSP}", escaped)
    escaped = _BLOCK_START.sub(lambda m: f"{m[1]}{_ZWSP}", escaped)
    return Markdown(escaped)


def safe(text: str) -> Markdown:
    """``text`` unchanged if it is already :class:`Markdown`, else :func:`plain`."""
    return text if isinstance(text, Markdown) else plain(text)


def bold(text: str) -> Markdown:
    """``text`` in bold, shown as typed inside."""
    return Markdown(f"**{safe(text)}**")


def italic(text: str) -> Markdown:
    """``text`` in italics, shown as typed inside."""
    return Markdown(f"_{safe(text)}_")


def bullets(items: Iterable[str]) -> Markdown:
    """A bulleted list, one line per item, each shown as typed."""
    return Markdown("\n".join(f"- {safe(item)}" for item in items))


def join(parts: Iterable[str], separator: str = " · ") -> Markdown:
    """``parts`` joined by ``separator``, each shown as typed unless already Markdown."""
    return Markdown(separator.join(safe(part) for part in parts))
