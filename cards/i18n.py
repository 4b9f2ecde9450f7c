"""Which language to speak, and the strings to say it with.

The bot speaks English and Vietnamese. :func:`language_for_locale` picks one from
the locale Teams sends with every activity (``"vi-VN"``, ``"en-US"``...), falling
back to English for anything else. :func:`text` looks a string up in the
per-language catalog (``cards/strings/en.py``, ``cards/strings/vi.py``) and fills
its ``str.format`` placeholders.

A missing key or a missing placeholder value raises: showing a raw key such as
``validation.required`` to a user is a bug, and the catalog tests make sure every
key exists in every language with the same placeholders.

Key scheme: ``area.item[.detail]`` in lower snake case, e.g. ``command.help.usage``,
``validation.target_equals_start``, ``field.key_result.target``. Enum labels are
``<enum prefix>.<member name in lower case>`` (see :func:`label`).

Plurals: a string that takes ``{count}`` is written for the general ("other")
case under its key, and may have a form per CLDR plural category of the
language under ``<key>.<category>`` (``checkin.skipped.one``: "1 key result left
unchanged"). :func:`text` picks the form by Babel's plural rule for ``count``, and
writes the count itself with the language's digit grouping (``1.000`` in
Vietnamese). Vietnamese nouns do not change with number, so its ``.one`` forms
read like the general one; they exist so that both catalogs have the same keys.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from enum import Enum, StrEnum
from functools import lru_cache

from babel import Locale, numbers

from cards.markdown import Markdown, safe
from cards.strings import en, vi
from okr.guidance import GuidanceCode
from okr.kpi import KpiHealth
from okr.models import (
    CheckInStatus,
    Comparison,
    InitiativeState,
    KeyResultKind,
    Level,
    Member,
    ObjectiveState,
    ObjectiveType,
)
from okr.pace import PaceStatus
from okr.scoring import ScoreReading


class Language(StrEnum):
    """A language the bot speaks. The value is the ISO 639-1 code."""

    EN = "en"
    VI = "vi"


DEFAULT_LANGUAGE = Language.EN

_BABEL_LOCALES: Mapping[Language, Locale] = {
    Language.EN: Locale.parse("en_US"),
    Language.VI: Locale.parse("vi_VN"),
}

# The CLDR plural categories a catalog key may end in (see the module docs).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

_CATALOGS: Mapping[Language, Mapping[str, str]] = {
    Language.EN: en.STRINGS,
    Language.VI: vi.STRINGS,
}

# Enum classes whose members have labels in the catalog, and the key prefix for each.
# Keys use the member *name* (lower case) because some values are not key-friendly
# (Comparison.AT_LEAST is ">=").
ENUM_KEY_PREFIXES: Mapping[type[Enum], str] = {
    Level: "level",
    ObjectiveType: "objective_type",
    ObjectiveState: "objective_state",
    KeyResultKind: "key_result_kind",
    CheckInStatus: "checkin_status",
    InitiativeState: "initiative_state",
    Comparison: "comparison",
    PaceStatus: "pace",
    ScoreReading: "score.reading",
    KpiHealth: "kpi",
    GuidanceCode: "guidance",  # some take {count} / {key_result}: use text(enum_key(...))
    Language: "language.name",
}


class CatalogError(LookupError):
    """A string cannot be produced: unknown key or missing placeholder value."""


class UnknownKeyError(CatalogError, KeyError):
    """The key is not in the catalog of the requested language."""


class MissingParameterError(CatalogError):
    """The string has a placeholder the caller did not give a value for."""


def language_for_locale(locale: str | None) -> Language:
    """Choose the bot's language for a Teams locale string.

    Args:
        locale: The activity's ``locale`` (BCP 47, e.g. ``"vi-VN"``; Teams also
            sends ``"en-us"``), or a stored preference (``"vi"``), or ``None``.

    Returns:
        The supported language whose code is the locale's primary subtag, or
        English for anything else (missing, empty, unsupported, junk).
    """
    if not locale:
        return DEFAULT_LANGUAGE
    primary = locale.strip().replace("_", "-").split("-", 1)[0].casefold()
    try:
        return Language(primary)
    except ValueError:
        return DEFAULT_LANGUAGE


def person_locale(member: Member | None, fallback_locale: str | None = None) -> str | None:
    """The locale to speak to a person in: the one answer everywhere.

    Their choice (``language``), else what their Teams client reports, else
    ``fallback_locale`` (the activity's, when there is one).
    """
    if member is not None:
        return member.preferred_locale or member.locale or fallback_locale
    return fallback_locale


def language_of(member: Member | None, fallback_locale: str | None = None) -> Language:
    """The language to write to a person in (:func:`person_locale`, then English)."""
    return language_for_locale(person_locale(member, fallback_locale))


def babel_locale(lang: Language) -> Locale:
    """The Babel locale (CLDR data) that writes and reads ``lang``: ``en_US``, ``vi_VN``."""
    return _BABEL_LOCALES[lang]


def plural_category(lang: Language, count: int) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``"one"`` or ``"other"``..."""
    return str(babel_locale(lang).plural_form(abs(count)))


@lru_cache(maxsize=1024)
def _count(lang: Language, count: int) -> tuple[str, str]:
    """``count``'s plural category and ``count`` written with the digit grouping of ``lang``.

    Babel takes tens of microseconds for each; a card counts the same few numbers.
    """
    return plural_category(lang, count), numbers.format_decimal(count, locale=babel_locale(lang))


def has_key(lang: Language, key: str) -> bool:
    """Return whether ``key`` exists in the catalog of ``lang``."""
    return key in _CATALOGS[lang]


def catalog(lang: Language) -> Mapping[str, str]:
    """Return the whole catalog of one language (read-only), for tests and tooling."""
    return _CATALOGS[lang]


def placeholders(template: str) -> frozenset[str]:
    """Return the names of the ``str.format`` fields in a catalog string."""
    return frozenset(
        field.split(".", 1)[0].split("[", 1)[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field is not None
    )


def text(lang: Language, key: str, **params: object) -> Markdown:
    """Return the string ``key`` in ``lang`` with its placeholders filled in.

    Args:
        lang: The language to speak.
        key: Catalog key, e.g. ``"validation.too_long"``.
        **params: Values for the string's ``{placeholders}``; extra ones are ignored
            so that callers can pass one set of values to several strings. A whole
            number ``count`` chooses the plural form (``<key>.one``...) when the
            catalog has one, and is written with the language's digit grouping.

    Returns:
        The formatted string, as Markdown: the catalog's own markup is kept and
        every text value filled in is shown as typed (:func:`cards.markdown.plain`).

    Raises:
        UnknownKeyError: The key is not in the catalog.
        MissingParameterError: A placeholder of the string was not given.
    """
    strings = _CATALOGS[lang]
    try:
        template = strings[key]
    except KeyError:
        raise UnknownKeyError(f"no string {key!r} in the {lang.value!r} catalog") from None
    count = params.get("count")
    if isinstance(count, int) and not isinstance(count, bool):
        category, written = _count(lang, count)
        template = strings.get(f"{key}.{category}", template)
        params = {**params, "count": written}
    try:
        shown = {k: safe(v) if isinstance(v, str) else v for k, v in params.items()}
        return Markdown(template.format(**shown))
    except (KeyError, IndexError) as error:
        raise MissingParameterError(
            f"string {key!r} ({lang.value}) needs a value for {error}"
        ) from None


def label(lang: Language, member: Enum) -> str:
    """Return the display label of an enum member (a level, a state, a status...).

    Raises:
        UnknownKeyError: The enum has no labels in the catalog.
    """
    return text(lang, enum_key(member))


def enum_key(member: Enum) -> str:
    """Return the catalog key of an enum member's label, e.g. ``level.team``.

    Raises:
        UnknownKeyError: The enum has no labels in the catalog.
    """
    prefix = ENUM_KEY_PREFIXES.get(type(member))
    if prefix is None:
        raise UnknownKeyError(f"no labels for enum {type(member).__name__}")
    return f"{prefix}.{member.name.lower()}"
