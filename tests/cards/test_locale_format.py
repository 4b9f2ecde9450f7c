"""Writing and reading numbers, money, percentages, dates and durations per language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.i18n import Language, catalog
from cards.locale_format import (
    ParsedAmount,
    ParseProblem,
    ValueParseError,
    format_comparison,
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_duration,
    format_list,
    format_measure,
    format_number,
    format_percent,
    format_period,
    format_progress,
    format_score,
    format_value,
    parse_amount,
    parse_duration,
    parse_number,
    parse_value,
)
from okr.models import Comparison, KeyResultKind
from okr.periods import Period

EN, VI = Language.EN, Language.VI
NBSP = "\u00a0"
languages = st.sampled_from(list(Language))


# --- Writing -----------------------------------------------------------------------


def test_the_issue_examples() -> None:
    assert format_currency(12_000_000, "VND", VI) == f"12.000.000{NBSP}₫"
    assert format_currency(12_000_000, "USD", EN) == "$12,000,000"
    assert format_date(date(2026, 11, 27), VI) == "27/11/2026"
    assert format_date(date(2026, 11, 27), EN) == "11/27/2026"


def test_the_locale_examples_of_issue_9() -> None:
    # Vietnamese business writing: the code after the amount, words in compact places.
    assert format_currency(15_600_000, "USD", VI) == f"15.600.000{NBSP}USD"
    assert format_currency(15_600_000, "USD", VI, compact=True) == f"15,6{NBSP}triệu{NBSP}USD"
    # Đồng stays in full with its symbol, compact places included.
    assert format_currency(12_000_000, "VND", VI, compact=True) == f"12.000.000{NBSP}₫"
    assert format_score(Decimal("0.6"), VI) == "0,6"
    assert format_score(Decimal("0.6"), EN) == "0.6"
    assert format_comparison(Comparison.AT_LEAST, Decimal("99.5"), VI, unit="%") == "≥ 99,5%"
    assert format_period(Period.quarter(2026, 1), EN) == "Q1 2026"
    assert format_period(Period.quarter(2026, 1), VI) == "Quý 1/2026"
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert format_datetime(monday, VI, "Asia/Ho_Chi_Minh") == "Thứ Hai, 30/11/2026 lúc 09:00"


@pytest.mark.parametrize(
    ("value", "en", "vi"),
    [
        (12_000_000, "12,000,000", "12.000.000"),
        (Decimal("12.5"), "12.5", "12,5"),
        (Decimal("12.50"), "12.5", "12,5"),
        (Decimal("-1234.5"), "-1,234.5", "-1.234,5"),
        (Decimal("1E+3"), "1,000", "1.000"),
        (Decimal("0.000001"), "0.000001", "0,000001"),
        (Decimal("1.125"), "1.1250", "1,1250"),  # not "1.125": it would read as 1125
        (Decimal("0.125"), "0.125", "0,125"),
        (Decimal("1234.125"), "1,234.125", "1.234,125"),
        (0, "0", "0"),
    ],
)
def test_format_number(value: Decimal, en: str, vi: str) -> None:
    assert (format_number(value, EN), format_number(value, VI)) == (en, vi)


def test_format_decimal_rounds_half_up() -> None:
    assert format_decimal(Decimal("2.345"), EN) == "2.35"  # half-even would give 2.34
    assert format_decimal(Decimal("2.5"), VI, max_fraction_digits=0) == "3"
    assert format_decimal(Decimal("2.10"), VI) == "2,1"
    assert format_decimal(Decimal("1234.5678"), VI, max_fraction_digits=3) == "1.234,568"
    with pytest.raises(ValueError):
        format_decimal(1, EN, max_fraction_digits=-1)


@pytest.mark.parametrize(
    ("amount", "currency", "en", "vi"),
    [
        (Decimal("12.5"), "USD", "$12.50", f"12,50{NBSP}USD"),
        (Decimal("-12.345"), "usd", "-$12.35", f"-12,35{NBSP}USD"),
        (Decimal("12000000.4"), "VND", "₫12,000,000", f"12.000.000{NBSP}₫"),
        (Decimal("30000"), "USD", "$30,000", f"30.000{NBSP}USD"),
        (Decimal("15600000"), "USD", "$15,600,000", f"15.600.000{NBSP}USD"),
        (Decimal("99.99"), "EUR", "€99.99", f"99,99{NBSP}EUR"),
    ],
)
def test_format_currency(amount: Decimal, currency: str, en: str, vi: str) -> None:
    assert format_currency(amount, currency, EN) == en
    assert format_currency(amount, currency, VI) == vi


@pytest.mark.parametrize(
    ("amount", "currency", "en", "vi"),
    [
        (15_600_000, "USD", "$15.6M", f"15,6{NBSP}triệu{NBSP}USD"),
        (15_650_000, "USD", "$15.7M", f"15,7{NBSP}triệu{NBSP}USD"),  # half-up
        (12_000_000, "USD", "$12M", f"12{NBSP}triệu{NBSP}USD"),
        (999_960_000, "USD", "$1B", f"1{NBSP}tỷ{NBSP}USD"),  # rounds into the next word
        (1_500_000_000, "EUR", "€1.5B", f"1,5{NBSP}tỷ{NBSP}EUR"),
        (-2_500_000, "USD", "-$2.5M", f"-2,5{NBSP}triệu{NBSP}USD"),
        (999_999, "USD", "$999,999", f"999.999{NBSP}USD"),  # below a million: in full
        (Decimal("12.5"), "USD", "$12.50", f"12,50{NBSP}USD"),
        (1_500_000_000, "VND", "₫1,500,000,000", f"1.500.000.000{NBSP}₫"),  # đồng: in full
    ],
)
def test_compact_money(amount: Decimal, currency: str, en: str, vi: str) -> None:
    assert format_currency(amount, currency, EN, compact=True) == en
    assert format_currency(amount, currency, VI, compact=True) == vi


def test_format_currency_refuses_unknown_codes_and_nan() -> None:
    with pytest.raises(ValueError, match="currency"):
        format_currency(1, "XYZW", EN)
    with pytest.raises(ValueError):
        format_currency(Decimal("NaN"), "USD", EN)


def test_percentages_are_points_and_progress_is_a_ratio() -> None:
    assert format_percent(80, VI) == "80%"
    assert format_percent(Decimal("80.55"), VI) == "80,6%"
    assert format_percent(Decimal("99.5"), EN) == "99.5%"
    assert format_progress(Decimal("0.756"), EN) == "76%"
    assert format_progress(Decimal("0.005"), VI) == "1%"  # half-up
    assert format_progress(Decimal("-0.25"), EN) == "-25%"


def test_format_datetime_reads_as_a_sentence_in_a_time_zone() -> None:
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert format_datetime(monday, VI, "Asia/Ho_Chi_Minh") == "Thứ Hai, 30/11/2026 lúc 09:00"
    assert format_datetime(monday, EN, "Asia/Ho_Chi_Minh") == "Monday, 11/30/2026 at 9:00 AM"
    moment = datetime(2026, 11, 27, 2, 5, tzinfo=UTC)
    assert format_datetime(moment, EN, "America/New_York") == "Thursday, 11/26/2026 at 9:05 PM"
    assert format_datetime(moment, VI, timezone(timedelta(hours=-1))) == (
        "Thứ Sáu, 27/11/2026 lúc 01:05"
    )
    sunday = datetime(2026, 11, 29, 15, 30, tzinfo=UTC)
    assert format_datetime(sunday, VI, "UTC") == "Chủ Nhật, 29/11/2026 lúc 15:30"
    with pytest.raises(ValueError, match="aware"):
        format_datetime(datetime(2026, 11, 27), EN, "UTC")


@pytest.mark.parametrize(
    ("score", "en", "vi"),
    [
        (Decimal("0.6"), "0.6", "0,6"),
        (Decimal(1), "1.0", "1,0"),
        (0, "0.0", "0,0"),
        (Decimal("0.65"), "0.7", "0,7"),  # half-up (Python's format would give 0.6)
        (Decimal("0.349"), "0.3", "0,3"),
    ],
)
def test_format_score(score: Decimal, en: str, vi: str) -> None:
    assert (format_score(score, EN), format_score(score, VI)) == (en, vi)


@pytest.mark.parametrize(
    ("comparison", "threshold", "unit", "en", "vi"),
    [
        (Comparison.AT_LEAST, Decimal("99.5"), "%", "≥ 99.5%", "≥ 99,5%"),
        (Comparison.AT_MOST, Decimal(30), "tickets", "≤ 30 tickets", "≤ 30 tickets"),
        (Comparison.ABOVE, Decimal("1250.5"), "", "> 1,250.5", "> 1.250,5"),
        (Comparison.BELOW, Decimal("0.25"), "s", "< 0.25 s", "< 0,25 s"),
    ],
)
def test_kpi_thresholds_use_mathematical_signs(
    comparison: Comparison, threshold: Decimal, unit: str, en: str, vi: str
) -> None:
    assert format_comparison(comparison, threshold, EN, unit=unit) == en
    assert format_comparison(comparison, threshold, VI, unit=unit) == vi
    assert ">=" not in vi and "<=" not in en


def test_format_measure() -> None:
    assert format_measure(Decimal("99.93"), VI, unit="%") == "99,93%"
    assert format_measure(Decimal(120), EN, unit="tickets/month") == "120 tickets/month"
    assert format_measure(Decimal("1234.567"), VI) == "1.234,57"


@pytest.mark.parametrize(
    ("period", "en", "vi"),
    [
        (Period.quarter(2026, 1), "Q1 2026", "Quý 1/2026"),
        (Period.quarter(2026, 4), "Q4 2026", "Quý 4/2026"),
        (Period.calendar_year(2026), "2026", "Năm 2026"),
        (Period.fiscal_year(2026, 7), "FY2026", "Năm tài chính 2026"),
        (Period.fiscal_quarter(2026, 1, 7), "Q1 FY2026", "Quý 1 năm tài chính 2026"),
        (Period.fiscal_quarter(2026, 3, 4), "Q3 FY2026", "Quý 3 năm tài chính 2026"),
        (
            Period.custom(date(2026, 10, 1), date(2026, 11, 15)),
            "10/01/2026 – 11/15/2026",
            "01/10/2026 – 15/11/2026",
        ),
    ],
)
def test_periods_are_shown_by_name(period: Period, en: str, vi: str) -> None:
    assert (format_period(period, EN), format_period(period, VI)) == (en, vi)


def test_a_named_period_can_carry_its_dates() -> None:
    quarter = Period.quarter(2026, 4)
    assert format_period(quarter, VI, with_dates=True) == "Quý 4/2026 (01/10/2026 – 31/12/2026)"
    assert format_period(quarter, EN, with_dates=True) == "Q4 2026 (10/01/2026 – 12/31/2026)"
    custom = Period.custom(date(2026, 10, 1), date(2026, 10, 1))
    assert format_period(custom, VI, with_dates=True) == "01/10/2026 – 01/10/2026"


def test_format_duration_and_list() -> None:
    assert format_duration(157) == "2:37"
    assert format_duration(Decimal(3723)) == "1:02:03"
    assert format_list(["a", "b", "c"], VI) == "a, b và c"
    assert format_list(["a", "b", "c"], EN, style="or") == "a, b, or c"
    assert format_list(["a", "b"], VI, style="or") == "a hoặc b"


def test_format_value_by_kind() -> None:
    assert format_value(Decimal(120), KeyResultKind.NUMBER, VI, unit="phiếu/tháng") == (
        "120 phiếu/tháng"
    )
    assert format_value(Decimal(80), KeyResultKind.PERCENTAGE, EN) == "80%"
    assert format_value(Decimal(24_000_000), KeyResultKind.CURRENCY, VI, currency="USD") == (
        f"24.000.000{NBSP}USD"
    )
    assert format_value(
        Decimal(15_600_000), KeyResultKind.CURRENCY, VI, currency="USD", compact=True
    ) == (f"15,6{NBSP}triệu{NBSP}USD")
    assert format_value(
        Decimal(15_600_000), KeyResultKind.CURRENCY, EN, currency="USD", compact=True
    ) == ("$15.6M")
    assert format_value(Decimal(120), KeyResultKind.NUMBER, VI, unit="phiếu", compact=True) == (
        "120 phiếu"
    )
    assert format_value(Decimal(225), KeyResultKind.DURATION, VI) == "3:45"
    assert format_value(Decimal(157), KeyResultKind.DURATION, EN, unit="per session") == (
        "2:37 per session"
    )
    assert format_value(Decimal(1), KeyResultKind.MILESTONE, VI) == "Đã hoàn thành"
    assert format_value(Decimal(0), KeyResultKind.MILESTONE, EN) == "Not done"
    with pytest.raises(ValueError, match="currency"):
        format_value(Decimal(1), KeyResultKind.CURRENCY, EN)


# --- Reading -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("12.000.000", VI, ParsedAmount(Decimal(12_000_000))),
        ("12,5", VI, ParsedAmount(Decimal("12.5"))),
        ("12,000,000", EN, ParsedAmount(Decimal(12_000_000))),
        ("12.5", EN, ParsedAmount(Decimal("12.5"))),
        ("12000000", VI, ParsedAmount(Decimal(12_000_000))),
        ("12000000", EN, ParsedAmount(Decimal(12_000_000))),
        ("12.000", VI, ParsedAmount(Decimal(12_000))),  # the group mark of the language
        ("0,125", VI, ParsedAmount(Decimal("0.125"))),
        (",5", VI, ParsedAmount(Decimal("0.5"))),
        (".5", EN, ParsedAmount(Decimal("0.5"))),
        ("1.234,5678", VI, ParsedAmount(Decimal("1234.5678"))),
        (f"12.000.000{NBSP}₫", VI, ParsedAmount(Decimal(12_000_000), "VND")),
        ("12.000.000đ", VI, ParsedAmount(Decimal(12_000_000), "VND")),
        ("12.000.000 VNĐ", VI, ParsedAmount(Decimal(12_000_000), "VND")),
        ("vnd 500", VI, ParsedAmount(Decimal(500), "VND")),
        ("$12,000,000", EN, ParsedAmount(Decimal(12_000_000), "USD")),
        ("12,50 US$", VI, ParsedAmount(Decimal("12.5"), "USD")),
        ("USD 1,000", EN, ParsedAmount(Decimal(1000), "USD")),
        ("1,000 eur", EN, ParsedAmount(Decimal(1000), "EUR")),
        ("-$5", EN, ParsedAmount(Decimal(-5), "USD")),
        ("$ -5", EN, ParsedAmount(Decimal(-5), "USD")),
        ("80%", VI, ParsedAmount(Decimal(80), percent=True)),
        ("80,5 %", VI, ParsedAmount(Decimal("80.5"), percent=True)),
        ("  42\t", EN, ParsedAmount(Decimal(42))),
        ("12 000 000", VI, ParsedAmount(Decimal(12_000_000))),
        (f"12{NBSP}000{NBSP}000", EN, ParsedAmount(Decimal(12_000_000))),
        ("12\u202f000", EN, ParsedAmount(Decimal(12_000))),  # narrow no-break space
        ("−12,5", VI, ParsedAmount(Decimal("-12.5"))),  # U+2212 MINUS SIGN
        ("–3", EN, ParsedAmount(Decimal(-3))),  # en dash
        ("＋７", EN, ParsedAmount(Decimal(7))),
        ("１２．０００．０００", VI, ParsedAmount(Decimal(12_000_000))),  # full width
        ("１２，５", VI, ParsedAmount(Decimal("12.5"))),
        ("\u200f12\u200b.5\u2069", EN, ParsedAmount(Decimal("12.5"))),  # bidi, zero-width
        ("-0", EN, ParsedAmount(Decimal(0))),
        ("999999999999999", EN, ParsedAmount(Decimal(999_999_999_999_999))),
        ("0.000000000000001", EN, ParsedAmount(Decimal("1E-15"))),
    ],
)
def test_parse_accepts_what_people_type(typed: str, lang: Language, expected: ParsedAmount) -> None:
    parsed = parse_amount(typed, lang)
    assert parsed == expected
    assert not parsed.value.is_signed() or parsed.value != 0  # never "-0"
    assert parse_number(typed, lang) == expected.value


@pytest.mark.parametrize(
    ("typed", "lang", "problem"),
    [
        ("", EN, ParseProblem.EMPTY),
        ("  \u200b ", VI, ParseProblem.EMPTY),
        ("1.2.3", VI, ParseProblem.MALFORMED),
        ("1.2.3", EN, ParseProblem.MALFORMED),
        ("abc", EN, ParseProblem.NOT_A_NUMBER),
        ("NaN", EN, ParseProblem.NOT_A_NUMBER),
        ("nan", VI, ParseProblem.NOT_A_NUMBER),
        ("Infinity", EN, ParseProblem.NOT_A_NUMBER),
        ("-inf", EN, ParseProblem.NOT_A_NUMBER),
        ("∞", VI, ParseProblem.NOT_A_NUMBER),
        ("1e400", EN, ParseProblem.NOT_A_NUMBER),
        ("1E5", VI, ParseProblem.NOT_A_NUMBER),
        ("0x10", EN, ParseProblem.NOT_A_NUMBER),
        ("12abc", EN, ParseProblem.NOT_A_NUMBER),
        ("٣", EN, ParseProblem.NOT_A_NUMBER),  # other scripts' digits are not guessed
        ("1234567890123456", EN, ParseProblem.TOO_MANY_DIGITS),
        ("1000000000000000", EN, ParseProblem.TOO_MANY_DIGITS),
        ("0,1234567890123456", VI, ParseProblem.TOO_MANY_DIGITS),
        ("1" * 65, EN, ParseProblem.TOO_LONG),
        ("12,000", VI, ParseProblem.AMBIGUOUS),  # 12 in vi, 12000 in en
        ("1.250", EN, ParseProblem.AMBIGUOUS),  # 1.25 in en, 1250 in vi
        ("-1,250 đ", VI, ParseProblem.AMBIGUOUS),
        ("12.5", VI, ParseProblem.MALFORMED),  # "." groups thousands in Vietnamese
        ("12,5", EN, ParseProblem.MALFORMED),
        ("12,000,000", VI, ParseProblem.MALFORMED),
        ("12.000.000", EN, ParseProblem.MALFORMED),
        ("1,00,000", EN, ParseProblem.MALFORMED),
        ("12 000.000", VI, ParseProblem.MALFORMED),
        ("12 00", EN, ParseProblem.MALFORMED),
        ("--5", EN, ParseProblem.MALFORMED),
        ("-5-", EN, ParseProblem.NOT_A_NUMBER),
        ("- $ - 5", EN, ParseProblem.MALFORMED),
        ("$5€", EN, ParseProblem.MALFORMED),
        ("5%$", EN, ParseProblem.MALFORMED),
        ("5 XYZ", EN, ParseProblem.NOT_A_NUMBER),
    ],
)
def test_parse_refuses_what_could_be_misread(
    typed: str, lang: Language, problem: ParseProblem
) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_number(typed, lang)
    assert caught.value.problem is problem
    assert caught.value.text == typed


def test_every_problem_has_a_message_in_every_language() -> None:
    for problem in ParseProblem:
        error = ValueParseError(problem, " 1.2.3 ")
        for lang in Language:
            assert error.catalog_key in catalog(lang)
            message = error.message(lang)
            assert "{" not in message
    assert ValueParseError(ParseProblem.AMBIGUOUS, "12,000").message(VI).startswith("“12,000”")


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("2:37", 157), ("3:45", 225), ("1:02:03", 3723), ("２：３７", 157), ("\u200e 2:37 ", 157)],
)
def test_parse_duration(typed: str, seconds: int) -> None:
    assert parse_duration(typed) == Decimal(seconds)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", ParseProblem.EMPTY),
        ("2:7", ParseProblem.NOT_A_DURATION),
        ("2:60", ParseProblem.NOT_A_DURATION),
        ("157", ParseProblem.NOT_A_DURATION),
        ("1:60:00", ParseProblem.NOT_A_DURATION),
        ("abc", ParseProblem.NOT_A_DURATION),
        ("9" * 70 + ":00", ParseProblem.TOO_LONG),
    ],
)
def test_parse_duration_refuses(typed: str, problem: ParseProblem) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_duration(typed)
    assert caught.value.problem is problem


def test_parse_value_by_kind() -> None:
    assert parse_value("2:37", KeyResultKind.DURATION, VI) == 157
    assert parse_value("12.000.000 ₫", KeyResultKind.CURRENCY, VI) == 12_000_000
    assert parse_value("90%", KeyResultKind.PERCENTAGE, EN) == 90
    assert parse_value("1", KeyResultKind.MILESTONE, EN) == 1
    with pytest.raises(ValueParseError):
        parse_value("0,5", KeyResultKind.MILESTONE, VI)


# --- Properties ----------------------------------------------------------------------

# Up to 15 significant digits: 12 integer digits and 3 decimals.
typed_numbers = st.decimals(
    min_value=Decimal(-(10**12)) + 1,
    max_value=Decimal(10**12) - 1,
    places=3,
    allow_nan=False,
    allow_infinity=False,
)


@given(typed_numbers, languages)
def test_format_number_reads_back(value: Decimal, lang: Language) -> None:
    assert parse_number(format_number(value, lang), lang) == value


@given(typed_numbers, languages)
def test_format_decimal_reads_back_as_the_rounded_value(value: Decimal, lang: Language) -> None:
    written = format_decimal(value, lang)
    assert parse_number(written, lang) == value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from(["USD", "EUR", "VND", "JPY", "GBP"]),
    languages,
)
def test_format_currency_reads_back(amount: Decimal, currency: str, lang: Language) -> None:
    parsed = parse_amount(format_currency(amount, currency, lang), lang)
    if currency in {"VND", "JPY"}:
        amount = amount.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert parsed == ParsedAmount(amount, currency)


@given(st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False), languages)
def test_format_percent_reads_back(points: Decimal, lang: Language) -> None:
    assert parse_amount(format_percent(points, lang), lang) == ParsedAmount(points, percent=True)


@given(st.integers(min_value=0, max_value=10**7))
def test_format_duration_reads_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.text(max_size=40), languages)
def test_parse_number_only_ever_raises_its_own_error(typed: str, lang: Language) -> None:
    try:
        value = parse_number(typed, lang)
    except ValueParseError as error:
        assert error.message(lang)
    else:
        assert value.is_finite()
        assert len(value.normalize().as_tuple().digits) <= 15


_MAGNITUDES = {"nghìn": 10**3, "triệu": 10**6, "tỷ": 10**9, "nghìn tỷ": 10**12}


@given(
    st.decimals(min_value=10**6, max_value=10**14, places=2, allow_nan=False),
    st.sampled_from(["USD", "EUR"]),
    st.booleans(),
)
def test_compact_money_is_the_amount_to_one_decimal_of_its_word(
    amount: Decimal, currency: str, negative: bool
) -> None:
    amount = -amount if negative else amount
    written = format_currency(amount, currency, VI, compact=True)
    number, _, rest = written.partition(NBSP)
    word, _, code = rest.rpartition(NBSP)
    assert code == currency
    factor = _MAGNITUDES[word.replace(NBSP, " ")]
    shown = parse_number(number, VI)
    assert Decimal(1) <= abs(shown) < Decimal(1000) or word == "nghìn tỷ"
    assert abs(shown * factor - amount) <= Decimal("0.05") * factor
    assert shown == (amount / factor).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP") or (
        abs(shown) == 1  # rounded up into the next word: 999,96 triệu -> 1 tỷ
    )


@given(st.decimals(min_value=0, max_value=1, places=4, allow_nan=False), languages)
def test_format_score_has_one_decimal_and_reads_back_rounded_half_up(
    score: Decimal, lang: Language
) -> None:
    written = format_score(score, lang)
    separator = "," if lang is VI else "."
    whole, _, fraction = written.partition(separator)
    assert whole.isdigit() and len(fraction) == 1
    assert parse_number(written, lang) == score.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


@given(
    st.integers(min_value=2, max_value=9998),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=12),
)
def test_a_period_is_never_shown_by_its_stored_label(year: int, quarter: int, month: int) -> None:
    periods = [
        Period.quarter(year, quarter),
        Period.calendar_year(year),
        Period.fiscal_year(year, month),
        Period.fiscal_quarter(year, quarter, month),
    ]
    for period in periods:
        for lang in Language:
            shown = format_period(period, lang)
            assert "-Q" not in shown and str(period.year_number) in shown
            # English names a year "2026" and a fiscal year "FY2026", as stored.
            assert shown != period.label or (lang is EN and period.quarter_number is None)
    assert format_period(periods[0], VI) == f"Quý {quarter}/{year}"
    assert format_period(periods[0], EN) == f"Q{quarter} {year}"


@given(st.datetimes(timezones=st.just(UTC)), st.sampled_from(["Asia/Ho_Chi_Minh", "UTC"]))
def test_a_moment_reads_weekday_date_then_time(moment: datetime, zone: str) -> None:
    local = moment.astimezone(ZoneInfo(zone))
    written = format_datetime(moment, VI, zone)
    weekday, _, rest = written.partition(", ")
    day, _, time_of_day = rest.partition(" lúc ")
    assert weekday.startswith(("Thứ ", "Chủ Nhật"))
    assert day == format_date(local.date(), VI)
    assert time_of_day == f"{local.hour:02d}:{local.minute:02d}"
