"""Chat-command text: clean what Teams sends, fold it, and find the command.

Pure text functions, no SDK. Three layers:

* :func:`clean_message` removes what is not the user's words — the bot's
  ``<at>…</at>`` mention, HTML tags Teams wraps messages in, entities, invisible
  and bidi control characters — and collapses whitespace. Case and accents stay:
  an objective title passed as an argument must survive as typed.
* :func:`fold` turns text into a comparison key: NFKC (full-width letters become
  ASCII), case-folded, accents stripped (``"Trợ Giúp"`` -> ``"tro giup"``,
  ``"đ"`` -> ``"d"``). Pass it as ``Features(normalise=fold)``.
* :func:`parse_command` finds the command a message starts with (English or
  Vietnamese, with or without accents) and returns the rest as typed, or the
  closest commands when nothing matches.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from cards.i18n import Language
from okr.text import fold

MAX_MESSAGE_CHARS = 2000
MAX_ARGUMENT_CHARS = 300
MAX_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 0.6


class CommandName(StrEnum):
    """The canonical name of a chat command (also its help catalog key part)."""

    HELP = "help"
    NEW = "new"
    MY_OKRS = "my_okrs"
    TEAM_OKRS = "team_okrs"
    STATUS = "status"
    CHECKIN = "checkin"
    DIGEST = "digest"
    SETTINGS = "settings"
    CLOSE = "close"
    TEMPLATES = "templates"
    LANGUAGE = "language"


# Every spelling of every command, as a person would type it; matched after
# :func:`fold`, so accents and case do not matter. The first spelling of each
# language is the one help shows (see the catalog's command.<name>.usage).
ALIASES: Mapping[CommandName, tuple[str, ...]] = {
    CommandName.HELP: ("help", "?", "trợ giúp", "giúp", "giúp đỡ", "hướng dẫn"),
    CommandName.NEW: (
        "new",
        "create",
        "new okr",
        "new objective",
        "tạo mới",
        "mới",
        "tạo",
        "tạo okr",
        "tạo mục tiêu",
    ),
    CommandName.MY_OKRS: (
        "my okrs",
        "my okr",
        "my objectives",
        "okr của tôi",
        "okrs của tôi",
        "okr của mình",
        "mục tiêu của tôi",
    ),
    CommandName.TEAM_OKRS: (
        "team okrs",
        "team okr",
        "our okrs",
        "okr của nhóm",
        "okrs của nhóm",
        "okr nhóm",
        "mục tiêu của nhóm",
    ),
    CommandName.STATUS: ("status", "trạng thái", "tình trạng", "tiến độ"),
    CommandName.CHECKIN: ("checkin", "check-in", "check in", "cập nhật", "cập nhật tiến độ"),
    CommandName.DIGEST: ("digest", "summary", "tổng hợp", "bản tin", "tóm tắt"),
    CommandName.SETTINGS: ("settings", "setting", "cài đặt", "thiết lập"),
    CommandName.CLOSE: ("close", "close period", "kết thúc kỳ", "đóng kỳ", "đóng", "kết thúc"),
    CommandName.TEMPLATES: ("templates", "template", "examples", "mẫu", "mẫu okr", "ví dụ"),
    CommandName.LANGUAGE: ("language", "lang", "ngôn ngữ"),
}

_LANGUAGE_WORDS: Mapping[Language, tuple[str, ...]] = {
    Language.EN: ("en", "eng", "english", "tiếng anh", "anh"),
    Language.VI: ("vi", "vn", "vietnamese", "tiếng việt", "việt", "viet nam"),
}

# Teams wraps channel messages in HTML; only these tags are removed, so that a
# title typed with angle brackets ("status <Q4 growth>") is not eaten.
_HTML_TAG_RE = re.compile(
    r"</?(?:p|div|span|br|b|i|u|s|em|strong|strike|del|ins|sub|sup|font|a|img|code|pre|"
    r"blockquote|ul|ol|li|h[1-6]|table|thead|tbody|tr|td|th|hr|emoji|systemfont)\b[^<>]*>",
    re.IGNORECASE,
)
_MENTION_RE = re.compile(r"<at\b[^<>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_LEADING_MENTIONS_RE = re.compile(
    r"\A(?:\s|&nbsp;)*(?:<at\b[^<>]*>.*?</at>(?:\s|&nbsp;)*)+", re.IGNORECASE | re.DOTALL
)
# Joiners shape emoji sequences and some scripts; keep them in arguments.
_KEPT_FORMAT_CHARS = frozenset("\u200c\u200d")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "„": "“", "「": "」"}


@dataclass(frozen=True, slots=True)
class CommandMatch:
    """A message that starts with a command.

    Attributes:
        command: Which command.
        argument: The rest of the message as typed (case and accents kept,
            mention and markup removed, whitespace collapsed, surrounding quotes
            and a leading colon dropped, at most ``MAX_ARGUMENT_CHARS``).
        spelling: The alias that matched, e.g. ``"trạng thái"``.
    """

    command: CommandName
    argument: str = ""
    spelling: str = ""


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    """A message that starts with no known command.

    Attributes:
        text: The cleaned message as typed (at most ``MAX_ARGUMENT_CHARS``).
        suggestions: Up to three commands whose spellings are closest, best first.
    """

    text: str
    suggestions: tuple[CommandName, ...] = ()


@dataclass(frozen=True, slots=True)
class EmptyMessage:
    """Nothing but a mention, markup or whitespace."""


ParsedCommand = CommandMatch | UnknownCommand | EmptyMessage


def clean_message(text: str, bot_names: Iterable[str] = ()) -> str:
    """The user's words of a Teams message, as typed.

    Removes the bot's mention, HTML tags and entities, and invisible or bidi
    control characters (joiners inside emoji are kept); collapses whitespace and
    composes characters (NFC) without changing letters or case.

    The bot's mention is ``<at>Name</at>`` naming one of ``bot_names``: the
    command is what follows the last one ("Hi <at>Bot</at> help" is "help"), or
    what precedes it when nothing follows ("help <at>Bot</at>"). Without
    ``bot_names``, mentions at the very start are taken as the bot's. Other
    people's mentions keep their names. A plain ``@Bot`` / ``Bot`` prefix (clients
    that flatten mentions) is removed too.

    Args:
        text: The activity's ``text``; only the first ``MAX_MESSAGE_CHARS`` are read.
        bot_names: The bot's display names (e.g. from the mention entity).
    """
    names = {fold(html.unescape(name)).lstrip("@") for name in bot_names} - {""}
    rest = text[:MAX_MESSAGE_CHARS]
    if names:
        ours = [m for m in _MENTION_RE.finditer(rest) if _names_bot(m[1], names)]
        if ours:
            after = rest[ours[-1].end() :]
            rest = after if fold(_strip_markup(after, names)) else rest[: ours[-1].start()]
    else:
        rest = _LEADING_MENTIONS_RE.sub(" ", rest)
    words = [word for word in _strip_markup(rest, names).split() if fold(word)]
    return " ".join(_without_bot_name(words, names))


def parse_command(text: str, bot_names: Iterable[str] = ()) -> ParsedCommand:
    """Find the command a Teams message starts with.

    The longest matching spelling wins (``"trạng thái Tăng doanh thu"`` is
    ``status`` with the argument ``"Tăng doanh thu"``). Spellings match after
    :func:`fold`, ignoring punctuation around command words (``"/help"``,
    ``"help?"``, ``"status:"``).

    Args:
        text: The activity's ``text`` as Teams sent it.
        bot_names: The bot's display names, to remove its mention.

    Returns:
        A :class:`CommandMatch`, an :class:`UnknownCommand` with suggestions, or
        :class:`EmptyMessage` when nothing but a mention was sent.
    """
    words = clean_message(text, bot_names).split()
    if not words:
        return EmptyMessage()
    keys = [_word_key(word) for word in words]
    while len(words) > 1 and keys[0] not in _FIRST_WORDS and not any(c.isalnum() for c in keys[0]):
        # A greeting emoji or a bullet before the command ("👋 help").
        words, keys = words[1:], keys[1:]
    for alias_words, command, spelling in _SPELLINGS:
        count = len(alias_words)
        if tuple(keys[:count]) == alias_words:
            return CommandMatch(command, _argument(words[count:]), spelling)
    return UnknownCommand(_cap(" ".join(words)), suggest(keys))


def suggest(words: list[str] | str, limit: int = MAX_SUGGESTIONS) -> tuple[CommandName, ...]:
    """The commands closest to what was typed, best first (at most ``limit``).

    Each command scores the best similarity (difflib ratio) of any of its
    spellings against the same number of leading words, or the whole text;
    commands below 0.6 are not suggested.

    Args:
        words: Folded words (as :func:`parse_command` makes them) or a raw text.
        limit: How many commands at most.
    """
    keys = [_word_key(w) for w in words.split()] if isinstance(words, str) else words
    whole = " ".join(keys)
    scores: dict[CommandName, float] = {}
    for alias_words, command, _ in _SPELLINGS:
        alias = " ".join(alias_words)
        head = " ".join(keys[: len(alias_words)])
        score = max(_similarity(alias, head), _similarity(alias, whole))
        if score >= _SUGGESTION_CUTOFF and score > scores.get(command, 0.0):
            scores[command] = score
    order = list(CommandName)
    ranked = sorted(scores, key=lambda c: (-scores[c], order.index(c)))
    return tuple(ranked[:limit])


def language_choice(argument: str) -> Language | None:
    """The language named by a ``language`` command's argument, or None.

    ``"vi"``, ``"VI"``, ``"tiếng Việt"``, ``"vietnamese"`` -> Vietnamese;
    ``"en"``, ``"English"``, ``"tiếng Anh"`` -> English.
    """
    key = fold(argument).strip(".!?:; ")
    for language, words in _LANGUAGE_WORDS.items():
        if key in {fold(word) for word in words}:
            return language
    return None


def _strip_markup(text: str, names: set[str]) -> str:
    def mention(match: re.Match[str]) -> str:
        return " " if _names_bot(match[1], names) else html.unescape(match[1])

    text = _MENTION_RE.sub(mention, text)
    text = unicodedata.normalize("NFC", html.unescape(_HTML_TAG_RE.sub(" ", text)))
    return "".join(c for c in text if unicodedata.category(c) != "Cf" or c in _KEPT_FORMAT_CHARS)


def _names_bot(mention_text: str, names: set[str]) -> bool:
    return fold(html.unescape(mention_text)).lstrip("@") in names


def _word_key(word: str) -> str:
    folded = fold(word)
    stripped = folded.strip("/!?.,:;()[]{}\"'“”‘’«»…")
    return stripped or folded


def _spellings() -> tuple[tuple[tuple[str, ...], CommandName, str], ...]:
    table: dict[tuple[str, ...], tuple[CommandName, str]] = {}
    for command, aliases in ALIASES.items():
        for alias in aliases:
            key = tuple(_word_key(word) for word in alias.split())
            if key in table and table[key][0] is not command:
                raise ValueError(f"{alias!r} spells both {table[key][0]} and {command}")
            table[key] = (command, alias)
    # Longest first, so "cập nhật tiến độ" beats "cập nhật" and "tạo mới" beats "tạo".
    ordered = sorted(table.items(), key=lambda item: -len(item[0]))
    return tuple((key, command, alias) for key, (command, alias) in ordered)


_SPELLINGS = _spellings()
_FIRST_WORDS = frozenset(words[0] for words, _, _ in _SPELLINGS)


def _without_bot_name(words: list[str], names: set[str]) -> list[str]:
    """Drop a leading plain-text ``@Bot`` or ``Bot`` (clients that flatten mentions)."""
    keys = [fold(word) for word in words]
    for name in sorted(names, key=len, reverse=True):
        name_words = name.split()
        for prefix in (name_words, ["@" + name_words[0], *name_words[1:]]):
            if keys[: len(prefix)] == prefix:
                return words[len(prefix) :]
    return words


def _argument(words: list[str]) -> str:
    argument = " ".join(words).strip()
    if argument.startswith(":"):
        argument = argument[1:].lstrip()
    if len(argument) >= 2 and _QUOTES.get(argument[0]) == argument[-1]:
        argument = argument[1:-1].strip()
    return _cap(argument)


def _cap(text: str) -> str:
    return text[:MAX_ARGUMENT_CHARS].rstrip()


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
