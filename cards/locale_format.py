"""Numbers, money, percentages, dates and durations written and read per language.

Writing goes through Babel (CLDR data) with a few pinned choices:

* Dates use a four-digit year: ``27/11/2026`` (vi) and ``11/27/2026`` (en). CLDR's
  short formats give two-digit years (``27/11/26``), so the patterns are pinned.
* Money drops the fraction when the amount is whole (``$12,000,000``, not
  ``$12,000,000.00``) and otherwise shows the currency's digits (``$12.50``).
  Vietnamese business writing names a foreign currency by its code after the
  amount (``15.600.000 USD``, not CLDR's ``15.600.000 US$``); đồng keeps its
  symbol (``12.000.000 ₫``). Babel puts a no-break space (U+00A0) between a
  Vietnamese amount and its currency so it never wraps onto its own line; we
  keep it. Compact places (a meta line) write millions and up in words:
  ``15,6 triệu USD``, ``$15.6M``; đồng stays in full there too.
* Dates use a four-digit year; a moment reads as a sentence does, with its
  weekday: ``Thứ Hai, 30/11/2026 lúc 09:00``, ``Monday, 11/30/2026 at 9:00 AM``.
* Periods are shown by name (``Quý 1/2026``, ``Q1 2026``); their stored label
  (``2026-Q1``) is data and never shown.
* Scores have one decimal (``0,6`` / ``0.6``); KPI comparisons use ``≥`` and ``≤``.
* Percentages take *points*: ``format_percent(80)`` is ``80%``, matching how
  percentage key results store 80% as 80. Progress ratios (0.75) go through
  :func:`format_progress`.
* Rounding is half-up (Babel's default is half-even, which surprises people:
  80.5% would show as 80%).

Reading (:func:`parse_number`) accepts what a person types in their language and
refuses anything that could be misread. In particular a single decimal separator
followed by exactly three digits (``12,000`` in Vietnamese, ``1.250`` in English) is
refused as ambiguous: in the other convention it is a grouped whole number, and
taking it silently would be off by a factor of a thousand. The formatters never
write such text (they add a digit: ``1.1250``), so what is written reads back.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import lists, numbers

from cards.i18n import Language, babel_locale, text
from okr import values
from okr.models import Comparison, KeyResultKind
from okr.periods import Period, PeriodKind

MAX_SIGNIFICANT_DIGITS = 15
MAX_INPUT_CHARS = 64

_DATE_PATTERNS = {Language.EN: "MM/dd/yyyy", Language.VI: "dd/MM/yyyy"}
# A moment as a sentence says it: weekday, date, then the time ("lúc" / "at").
_DATETIME_PATTERNS = {
    Language.EN: "EEEE, MM/dd/yyyy 'at' h:mm a",
    Language.VI: "EEEE, dd/MM/yyyy 'lúc' HH:mm",
}
# How each language writes money. Vietnamese business writing names a foreign
# currency by its ISO code after the amount and large amounts in words ("15,6 triệu
# USD"); English keeps CLDR's symbols and short forms ($15.6M). Đồng is always
# written in full with its symbol ("12.000.000 ₫"), compact places included.
_MONEY_IN_WORDS: dict[Language, bool] = {Language.EN: False, Language.VI: True}
_DONG = "VND"
# Compact money starts at a million: below it the full amount is short enough.
_COMPACT_FROM = Decimal(1_000_000)
_COMPARISON_SIGNS: dict[Comparison, str] = {
    Comparison.AT_LEAST: "≥",
    Comparison.AT_MOST: "≤",
    Comparison.ABOVE: ">",
    Comparison.BELOW: "<",
}

# The integer part and optional fraction of a CLDR number pattern: "#,##0.00".
_PATTERN_NUMBER_RE = re.compile(r"#,##0(?:\.[0#]+)?")

_MINUS_SIGNS = str.maketrans(dict.fromkeys("\u2212\u2012\u2013\u2010\u2011\ufe63", "-"))
# Words Vietnamese business writing puts after an amount: "18tr", "1,5 tỷ", "500 nghìn".
_SCALES: dict[str, int] = {
    "k": 3,
    "nghìn": 3,
    "nghin": 3,
    "ngàn": 3,
    "ngan": 3,
    "tr": 6,
    "triệu": 6,
    "trieu": 6,
    "tỷ": 9,
    "tỉ": 9,
    "ty": 9,
}
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_AMOUNT_RE = re.compile(
    r"(?P<sign1>[+-]?)\s*(?P<cur1>[^\d\s.,+\-%]*)\s*(?P<sign2>[+-]?)\s*"
    r"(?P<number>[\d.,]+(?:\s+[\d.,]+)*)"
    rf"(?:\s*(?P<scale>{_SCALE_WORDS})(?![^\d\s.,+\-%]))?"
    r"\s*(?P<percent>%?)\s*(?P<cur2>[^\d\s.,+\-%]*)",
    re.ASCII,
)
# Symbols people type for a currency, casefolded. "$" is read as US dollars: both
# Babel locales here write USD as "$" or "US$".
_CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "₫": "VND",
    "đ": "VND",
    "vnđ": "VND",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "฿": "THB",
}
_ISO_CURRENCIES = frozenset(numbers.list_currencies())


class ParseProblem(StrEnum):
    """Why typed text is not a value; each maps to a validation string."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    MALFORMED = "malformed"
    AMBIGUOUS = "ambiguous"
    TOO_MANY_DIGITS = "too_many_digits"
    NOT_A_DURATION = "not_a_duration"
    OTHER_CURRENCY = "other_currency"
    NOT_MONEY = "not_money"
    NOT_PERCENT = "not_percent"


_PROBLEM_KEYS: dict[ParseProblem, str] = {
    ParseProblem.EMPTY: "validation.required",
    ParseProblem.TOO_LONG: "validation.number_too_long",
    ParseProblem.NOT_A_NUMBER: "validation.not_a_number",
    ParseProblem.MALFORMED: "validation.number_malformed",
    ParseProblem.AMBIGUOUS: "validation.number_ambiguous",
    ParseProblem.TOO_MANY_DIGITS: "validation.number_too_long",
    ParseProblem.NOT_A_DURATION: "validation.duration_malformed",
    ParseProblem.OTHER_CURRENCY: "validation.other_currency",
    ParseProblem.NOT_MONEY: "validation.not_money",
    ParseProblem.NOT_PERCENT: "validation.not_percent",
}
_UNIT_PROBLEMS: dict[values.UnitMismatch, ParseProblem] = {
    values.UnitMismatch.OTHER_CURRENCY: ParseProblem.OTHER_CURRENCY,
    values.UnitMismatch.NOT_MONEY: ParseProblem.NOT_MONEY,
    values.UnitMismatch.NOT_PERCENT: ParseProblem.NOT_PERCENT,
}


class ValueParseError(ValueError):
    """Typed text that is not a value we can take without guessing.

    Attributes:
        problem: What is wrong.
        text: The text as the user typed it.
    """

    def __init__(self, problem: ParseProblem, typed: str, expected: str = "") -> None:
        super().__init__(f"{problem.value}: {typed[:MAX_INPUT_CHARS]!r}")
        self.problem = problem
        self.text = typed
        self.expected = expected  # the key result's currency, for OTHER_CURRENCY

    @property
    def catalog_key(self) -> str:
        """The catalog key of the message to show next to the field (takes ``{value}``)."""
        return _PROBLEM_KEYS[self.problem]

    def message(self, lang: Language) -> str:
        """The message to show next to the field, in ``lang``."""
        typed = self.text[:MAX_INPUT_CHARS].strip()
        return text(lang, self.catalog_key, value=typed, expected=self.expected)


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """A typed number and what was typed around it.

    Attributes:
        value: The number; for ``80%`` it is 80 (points).
        currency: ISO 4217 code when a currency symbol or code was typed.
        percent: Whether a ``%`` sign was typed.
    """

    value: Decimal
    currency: str | None = None
    percent: bool = False


def format_number(value: Decimal | int, lang: Language) -> str:
    """Write a number exactly, grouped, without trailing zeros: ``12.000.000``, ``12,5``.

    Use it for stored values a person typed (start, target, current). Three
    fraction digits get a fourth (``1.1250``) so the text reads back unambiguously.

    Raises:
        ValueError: The value is NaN or infinite.
    """
    number = _finite(value).normalize()
    fraction_digits = max(0, -_exponent(number))
    if fraction_digits == 3 and Decimal(1) <= abs(number) < Decimal(1000):
        fraction_digits = 4
    return _apply(lang, _decimal_pattern(lang, fraction_digits, fraction_digits), number)


def format_decimal(value: Decimal | int, lang: Language, *, max_fraction_digits: int = 2) -> str:
    """Write a number rounded half-up to at most ``max_fraction_digits`` (trailing zeros dropped).

    Raises:
        ValueError: The value is NaN or infinite, or ``max_fraction_digits`` is negative.
    """
    if max_fraction_digits < 0:
        raise ValueError("max_fraction_digits must be >= 0")
    number = _round(_finite(value), max_fraction_digits).normalize()
    return format_number(number, lang)


def format_currency(
    amount: Decimal | int, currency: str, lang: Language, *, compact: bool = False
) -> str:
    """Write money: ``15.600.000 USD``, ``12.000.000 ₫`` (vi), ``$12,000,000``, ``$12.50`` (en).

    Whole amounts are written without a fraction; others with the currency's usual
    digits (2 for USD, 0 for VND), rounded half-up. In Vietnamese a no-break space
    joins the amount and its currency.

    Args:
        amount: The amount in units of ``currency``.
        currency: ISO 4217 code, e.g. ``"VND"``.
        lang: The language to write in.
        compact: Write a million and more in words, to one decimal rounded
            half-up: ``15,6 triệu USD``, ``1,5 tỷ EUR``, ``$15.6M``; đồng stays
            in full. For the places that show an amount at a glance, never
            where it is edited.

    Raises:
        ValueError: Unknown currency code, NaN or infinite amount.
    """
    code = currency.upper()
    if code not in _ISO_CURRENCIES:
        raise ValueError(f"unknown currency code {currency!r}")
    locale = babel_locale(lang)
    written_as_code = _MONEY_IN_WORDS[lang] and code != _DONG
    if compact and code != _DONG and abs(_finite(amount)) >= _COMPACT_FROM:
        return _compact_currency(_finite(amount), code, lang, written_as_code)
    rounded = _round(_finite(amount), numbers.get_currency_precision(code))
    digits = 0 if rounded == rounded.to_integral_value() else max(0, -_exponent(rounded))
    pattern = _with_fraction(locale.currency_formats["standard"].pattern, digits, digits)
    if written_as_code:
        pattern = pattern.replace("¤", "¤¤")  # CLDR: "¤¤" is the ISO code
    return numbers.format_currency(
        rounded, code, format=pattern, locale=locale, currency_digits=False
    )


def _compact_currency(amount: Decimal, code: str, lang: Language, written_as_code: bool) -> str:
    # Round half-up at the magnitude shown (15.65 million -> 15.7), then let Babel
    # (CLDR) name the magnitude; the rounded value has nothing left for it to round.
    thousands = max(0, abs(amount).adjusted() // 3)
    scale = Decimal(10) ** (3 * thousands)
    shown = _round(amount / scale, 1) * scale
    locale = babel_locale(lang)
    if not _MONEY_IN_WORDS[lang]:
        return numbers.format_compact_currency(
            shown, code, locale=locale, fraction_digits=1, format_type="short"
        )
    words = numbers.format_compact_decimal(
        shown, format_type="long", locale=locale, fraction_digits=1
    )
    unit = code if written_as_code else numbers.get_currency_symbol(code, locale=locale)
    return f"{words}\u00a0{unit}".replace(" ", "\u00a0")  # never wraps inside


def format_percent(points: Decimal | int, lang: Language, *, max_fraction_digits: int = 1) -> str:
    """Write percentage points: ``80`` -> ``80%``, ``80.5`` -> ``80,5%`` (vi).

    Raises:
        ValueError: NaN or infinite value.
    """
    rounded = _round(_finite(points), max_fraction_digits).normalize()
    return _percent(str(rounded), lang, max_fraction_digits)


@functools.lru_cache(maxsize=4096)
def _percent(rounded: str, lang: Language, max_fraction_digits: int) -> str:
    """:func:`format_percent` of an already rounded value, by its text (``-0`` is not ``0``):
    a digest writes a few hundred percentages, mostly the same hundred."""
    pattern = _with_fraction(
        babel_locale(lang).percent_formats[None].pattern, 0, max_fraction_digits
    )
    return numbers.format_percent(Decimal(rounded) / 100, format=pattern, locale=babel_locale(lang))


def format_progress(ratio: Decimal | int | float, lang: Language) -> str:
    """Write a progress ratio as a whole percentage: ``0.756`` -> ``76%`` (half-up)."""
    exact = Decimal(str(ratio)) if isinstance(ratio, float) else ratio
    return format_percent(_finite(exact) * 100, lang, max_fraction_digits=0)


def format_score(score: Decimal | int, lang: Language) -> str:
    """Write a score (0.0 to 1.0) with one decimal, rounded half-up: ``0,6`` (vi), ``0.6`` (en).

    Raises:
        ValueError: NaN or infinite score.
    """
    return _apply(lang, _decimal_pattern(lang, 1, 1), _round(_finite(score), 1))


def format_comparison(
    comparison: Comparison, threshold: Decimal | int, lang: Language, *, unit: str = ""
) -> str:
    """Write a KPI's healthy range: ``≥ 99,5%`` (vi), ``≤ 30 tickets`` (en)."""
    return f"{_COMPARISON_SIGNS[comparison]} {format_measure(threshold, lang, unit=unit)}"


def format_measure(value: Decimal | int, lang: Language, *, unit: str = "") -> str:
    """Write a measured value and its free-text unit: ``99,93%``, ``120 phiếu/tháng``.

    At most two decimals, rounded half-up; ``%`` sticks to the number, other units
    follow a space.
    """
    written = format_decimal(value, lang)
    if not unit:
        return written
    return f"{written}{unit}" if unit == "%" else f"{written} {unit}"


@functools.lru_cache(maxsize=1024)  # a list card names the same few periods on every line
def format_period(period: Period, lang: Language, *, with_dates: bool = False) -> str:
    """Write a period by its name: ``Quý 1/2026``, ``Q1 2026``, ``Năm tài chính 2026``, ``FY2026``.

    Custom periods are their days: ``01/10/2026 – 15/11/2026``. The stored label
    (:attr:`okr.periods.Period.label`, ``2026-Q1``) is data, never shown.

    Args:
        period: The period.
        lang: The language to write in.
        with_dates: Add the days in brackets for named periods:
            ``Q1 2026 (01/01/2026 – 03/31/2026)``.
    """
    days = text(
        lang,
        "period.custom",
        start=format_date(period.start, lang),
        end=format_date(period.end, lang),
    )
    if period.kind is PeriodKind.CUSTOM:
        return days
    name = text(
        lang,
        f"period.{period.kind.value}",
        year=str(period.year_number),
        quarter=str(period.quarter_number),
    )
    return f"{name} ({days})" if with_dates else name


@functools.lru_cache(maxsize=4096)  # Babel takes ~50 µs per date; cards repeat the same days
def format_date(day: date, lang: Language) -> str:
    """Write a date: ``27/11/2026`` (vi), ``11/27/2026`` (en)."""
    return babel_dates.format_date(day, _DATE_PATTERNS[lang], locale=babel_locale(lang))


def format_datetime(moment: datetime, lang: Language, tz: str | tzinfo) -> str:
    """Write an aware moment in the time zone ``tz`` as a sentence says it.

    ``Thứ Hai, 30/11/2026 lúc 09:00`` (vi), ``Monday, 11/30/2026 at 9:00 AM`` (en).

    Raises:
        ValueError: ``moment`` is naive (its zone would be a guess).
        zoneinfo.ZoneInfoNotFoundError: ``tz`` is not an IANA zone name.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("format_datetime needs an aware datetime")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return babel_dates.format_datetime(
        moment.astimezone(zone), _DATETIME_PATTERNS[lang], tzinfo=zone, locale=babel_locale(lang)
    )


def format_duration(seconds: Decimal | int) -> str:
    """Write seconds as clock text: ``157`` -> ``2:37``, ``3723`` -> ``1:02:03``.

    The same in every language (see :func:`okr.values.format_duration`).
    """
    return values.format_duration(_finite(seconds))


def format_list(items: list[str], lang: Language, *, style: Literal["and", "or"] = "and") -> str:
    """Join items the way the language does: ``a, b và c`` / ``a, b, and c`` / ``a, b hoặc c``."""
    if style == "and":
        return lists.format_list(items, style="standard", locale=babel_locale(lang))
    return lists.format_list(items, style="or", locale=babel_locale(lang))


def format_value(
    value: Decimal,
    kind: KeyResultKind,
    lang: Language,
    *,
    currency: str | None = None,
    unit: str = "",
    compact: bool = False,
) -> str:
    """Write a key-result value the way its kind reads.

    Numbers and durations get their unit after a space (``120 phiếu/tháng``,
    ``2:37 mỗi phiên``); percentages are points; milestones "Done" / "Not done".
    ``compact`` writes large amounts of money in words (``15,6 triệu USD``; see
    :func:`format_currency`).

    Raises:
        ValueError: A currency value without a currency code.
    """
    if kind is KeyResultKind.CURRENCY:
        if currency is None:
            raise ValueError("a currency value needs its currency code")
        return format_currency(value, currency, lang, compact=compact)
    if kind is KeyResultKind.PERCENTAGE:
        return format_percent(value, lang, max_fraction_digits=2)
    if kind is KeyResultKind.MILESTONE:
        done = values.is_milestone_done(value)
        return text(lang, "milestone.done" if done else "milestone.not_done")
    if kind is KeyResultKind.DURATION:
        written = format_duration(value)
    else:
        written = format_number(value, lang)
    return f"{written} {unit}" if unit else written


def parse_value(
    typed: str, kind: KeyResultKind, lang: Language, *, currency: str | None = None
) -> Decimal:
    """Read a key-result value typed in a card field, by the key result's kind.

    Durations are clock text (``2:37``); milestones ``0`` or ``1``; everything else
    goes through :func:`parse_amount`. A currency or ``%`` typed with it must fit
    the key result (``okr.values.unit_mismatch``): ``€500`` on a key result in
    ``currency`` USD is refused, never recorded as 500 dollars.

    Raises:
        ValueParseError: The text is not a value of that kind, or its unit does not fit.
    """
    if kind is KeyResultKind.DURATION:
        return parse_duration(typed)
    amount = parse_amount(typed, lang)
    mismatch = values.unit_mismatch(kind, currency, amount.currency, amount.percent)
    if mismatch is not None:
        raise ValueParseError(_UNIT_PROBLEMS[mismatch], typed, expected=currency or "")
    number = amount.value
    if kind is KeyResultKind.MILESTONE and number not in (
        values.MILESTONE_NOT_DONE,
        values.MILESTONE_DONE,
    ):
        raise ValueParseError(ParseProblem.NOT_A_NUMBER, typed)
    return number


def parse_number(typed: str, lang: Language) -> Decimal:
    """Read a number as typed in ``lang``; see :func:`parse_amount`."""
    return parse_amount(typed, lang).value


def parse_amount(typed: str, lang: Language) -> ParsedAmount:
    """Read a number as a person types it in ``lang``, with an optional currency or ``%``.

    Accepted: ``12.000.000``, ``12,5``, ``12000000`` (vi); ``12,000,000``, ``12.5``
    (en); one currency symbol or ISO code before or after (``$``, ``₫``, ``đ``,
    ``VND``, ``usd``); a trailing ``%``; spaces and no-break spaces around; digit
    groups separated by spaces (``12 000 000``); any minus sign (``−``, ``–``);
    full-width digits and letters (NFKC); invisible and bidi control characters.

    Refused: empty text, words (``abc``, ``NaN``, ``Infinity``), exponents
    (``1e400``), badly placed separators (``1.2.3``, ``12,000,000`` in vi), a lone
    decimal separator followed by three digits (``12,000`` in vi, ``1.250`` in
    en), more than 15 significant digits or a magnitude of 10^15 or more.

    Raises:
        ValueParseError: With the :class:`ParseProblem` that explains the refusal.
    """
    if len(typed) > MAX_INPUT_CHARS:
        raise ValueParseError(ParseProblem.TOO_LONG, typed)
    # Lower case: scale words are matched in any case ("18 TRIỆU"), and
    # currency symbols and codes are read case-insensitively anyway.
    cleaned = _clean(typed).lower()
    if not cleaned:
        raise ValueParseError(ParseProblem.EMPTY, typed)
    match = _AMOUNT_RE.fullmatch(cleaned)
    if match is None or not any(c.isdigit() for c in match["number"]):
        raise ValueParseError(ParseProblem.NOT_A_NUMBER, typed)
    currency = _currency(match["cur1"], match["cur2"], typed)
    percent = match["percent"] == "%"
    if (match["sign1"] and match["sign2"]) or (percent and currency is not None):
        raise ValueParseError(ParseProblem.MALFORMED, typed)
    negative = "-" in (match["sign1"], match["sign2"])
    number = _parse_digits(match["number"], lang, typed)
    if match["scale"]:
        if percent:
            raise ValueParseError(ParseProblem.MALFORMED, typed)
        number = _scaled(number, _SCALES[match["scale"].casefold()], typed)
    if number == 0:
        negative = False  # no "-0"
    return ParsedAmount(-number if negative else number, currency, percent)


def format_typed(value: Decimal, kind: KeyResultKind, lang: Language) -> str:
    """A key-result value as a person types it back into a field, read by :func:`parse_value`.

    ``12.500.000`` (vi) or ``12,500,000.5`` (en) without a currency sign, ``2:37``
    for durations, ``0``/``1`` for milestones.
    """
    if kind is KeyResultKind.DURATION:
        return format_duration(value)
    if kind is KeyResultKind.MILESTONE:
        return str(int(value))
    return format_decimal(value, lang, max_fraction_digits=6)


def parse_duration(typed: str) -> Decimal:
    """Read clock text as seconds: ``2:37`` -> 157, ``1:02:03`` -> 3723.

    Full-width digits and colons, and invisible characters, are accepted.

    Raises:
        ValueParseError: Empty text or not ``m:ss`` / ``h:mm:ss``.
    """
    if len(typed) > MAX_INPUT_CHARS:
        raise ValueParseError(ParseProblem.TOO_LONG, typed)
    cleaned = _clean(typed)
    if not cleaned:
        raise ValueParseError(ParseProblem.EMPTY, typed)
    try:
        return values.parse_duration(cleaned)
    except values.ValueFormatError:
        raise ValueParseError(ParseProblem.NOT_A_DURATION, typed) from None


def _clean(typed: str) -> str:
    normalized = unicodedata.normalize("NFKC", typed)  # full-width digits, NBSP -> space
    # Format characters (zero-width, bidi controls, soft hyphen) are invisible in
    # Teams but a copy-paste from a right-to-left document carries them.
    visible = "".join(c for c in normalized if unicodedata.category(c) != "Cf")
    return visible.translate(_MINUS_SIGNS).strip()


def _currency(before: str, after: str, typed: str) -> str | None:
    if before and after:
        raise ValueParseError(ParseProblem.MALFORMED, typed)
    token = (before or after).casefold()
    if not token:
        return None
    if token in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[token]
    if token.upper() in _ISO_CURRENCIES and token.isascii() and len(token) == 3:
        return token.upper()
    raise ValueParseError(ParseProblem.NOT_A_NUMBER, typed)


def _parse_digits(digits: str, lang: Language, typed: str) -> Decimal:
    symbols = babel_locale(lang).number_symbols["latn"]
    group, decimal = symbols["group"], symbols["decimal"]
    if any(c.isspace() for c in digits):
        # Spaces may separate digit groups ("12 000 000"), never replace a mark.
        if group in digits:
            raise ValueParseError(ParseProblem.MALFORMED, typed)
        digits = re.sub(r"\s+", group, digits)
    if re.fullmatch(rf"[1-9]\d{{0,2}}{re.escape(decimal)}\d{{3}}", digits):
        raise ValueParseError(ParseProblem.AMBIGUOUS, typed)
    try:
        number = numbers.parse_decimal(digits, locale=babel_locale(lang), strict=True)
    except numbers.NumberFormatError:
        raise ValueParseError(ParseProblem.MALFORMED, typed) from None
    if not number.is_finite():  # cannot happen after the regex; kept as a guard
        raise ValueParseError(ParseProblem.NOT_A_NUMBER, typed)
    if number != 0:
        normalized = number.normalize()
        if len(normalized.as_tuple().digits) > MAX_SIGNIFICANT_DIGITS or (
            normalized.adjusted() >= MAX_SIGNIFICANT_DIGITS
        ):
            raise ValueParseError(ParseProblem.TOO_MANY_DIGITS, typed)
    return number


def _scaled(number: Decimal, exponent: int, typed: str) -> Decimal:
    """``number`` times 10 to ``exponent``, without an exponent ("1,5 tỷ" -> 1500000000)."""
    scaled = number.scaleb(exponent)
    if scaled == scaled.to_integral_value():
        scaled = scaled.quantize(Decimal(1))
    if scaled.adjusted() >= MAX_SIGNIFICANT_DIGITS:
        raise ValueParseError(ParseProblem.TOO_MANY_DIGITS, typed)
    return scaled


def _finite(value: Decimal | int) -> Decimal:
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot write {value!r}")
    return _unsigned_zero(number)


def _round(number: Decimal, fraction_digits: int) -> Decimal:
    rounded = number.quantize(Decimal(1).scaleb(-fraction_digits), rounding=ROUND_HALF_UP)
    return _unsigned_zero(rounded)


def _unsigned_zero(number: Decimal) -> Decimal:
    # -0.004 rounds to -0 (Decimal keeps the sign), and a decreasing key result's
    # (120 - 120) / (30 - 120) is -0: nobody should read "-0%" or "-0.0".
    return number.copy_abs() if number.is_zero() else number


def _exponent(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only
    return exponent


def _decimal_pattern(lang: Language, min_fraction: int, max_fraction: int) -> str:
    base = babel_locale(lang).decimal_formats[None].pattern
    return _with_fraction(base, min_fraction, max_fraction)


def _with_fraction(pattern: str, min_fraction: int, max_fraction: int) -> str:
    """Rewrite the fraction part of a CLDR pattern: ``#,##0.00 ¤`` -> ``#,##0.## ¤``."""
    fraction = "0" * min_fraction + "#" * (max_fraction - min_fraction)
    replacement = "#,##0" + (f".{fraction}" if fraction else "")
    rewritten, count = _PATTERN_NUMBER_RE.subn(replacement, pattern, count=1)
    if count != 1:
        raise ValueError(f"unexpected CLDR number pattern {pattern!r}")
    return rewritten


def _apply(lang: Language, pattern: str, number: Decimal) -> str:
    return numbers.format_decimal(number, format=pattern, locale=babel_locale(lang))
