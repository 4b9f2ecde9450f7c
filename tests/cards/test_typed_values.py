"""Values typed into a check-in: Vietnamese shorthand, and units that must fit the key result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.i18n import Language
from cards.locale_format import ParseProblem, ValueParseError, parse_amount, parse_value
from okr.models import KeyResultKind

EN, VI = Language.EN, Language.VI
K = KeyResultKind


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("18tr", VI, 18_000_000),
        ("18 tr", VI, 18_000_000),
        ("18 triệu", VI, 18_000_000),
        ("18 TRIỆU", VI, 18_000_000),
        ("1,5 tỷ", VI, 1_500_000_000),
        ("1,5tỷ", VI, 1_500_000_000),
        ("2 tỉ", VI, 2_000_000_000),
        ("50k", VI, 50_000),
        ("500 nghìn", VI, 500_000),
        ("500 ngàn", VI, 500_000),
        ("18tr VND", VI, 18_000_000),
        ("18 triệu ₫", VI, 18_000_000),
        ("1.5 tỷ", EN, 1_500_000_000),
        ("2,5tr", VI, 2_500_000),
    ],
)
def test_vietnamese_shorthand_for_amounts(typed: str, lang: Language, expected: int) -> None:
    assert parse_amount(typed, lang).value == expected


def test_shorthand_keeps_the_currency_and_refuses_nonsense() -> None:
    assert parse_amount("18tr VND", VI).currency == "VND"
    for typed in ("tr", "18 trệu", "18trk", "18 tr tr", "1,5 tỷ%"):
        with pytest.raises(ValueParseError):
            parse_amount(typed, VI)


@given(st.integers(min_value=1, max_value=999_999))
def test_millions_in_shorthand_equal_the_number_written_out(n: int) -> None:
    assert parse_amount(f"{n}tr", VI).value == Decimal(n) * 1_000_000


@pytest.mark.parametrize(
    ("typed", "kind", "currency", "problem"),
    [
        ("€500", K.CURRENCY, "USD", ParseProblem.OTHER_CURRENCY),
        ("$5", K.PERCENTAGE, None, ParseProblem.NOT_MONEY),
        ("$1", K.MILESTONE, None, ParseProblem.NOT_MONEY),
        ("50%", K.NUMBER, None, ParseProblem.NOT_PERCENT),
        ("18tr VND", K.CURRENCY, "USD", ParseProblem.OTHER_CURRENCY),
    ],
)
def test_a_unit_that_does_not_fit_the_key_result_is_refused(
    typed: str, kind: KeyResultKind, currency: str | None, problem: ParseProblem
) -> None:
    with pytest.raises(ValueParseError) as refused:
        parse_value(typed, kind, EN, currency=currency)
    assert refused.value.problem is problem
    message = refused.value.message(EN)
    assert typed in message or (currency or "") in message


def test_the_refusal_names_the_key_results_currency_in_both_languages() -> None:
    with pytest.raises(ValueParseError) as refused:
        parse_value("€500", K.CURRENCY, VI, currency="USD")
    assert "USD" in refused.value.message(VI) and "USD" in refused.value.message(EN)


def test_values_that_fit_are_read() -> None:
    assert parse_value("$500", K.CURRENCY, EN, currency="USD") == 500
    assert parse_value("500", K.CURRENCY, EN, currency="USD") == 500
    assert parse_value("18tr", K.CURRENCY, VI, currency="VND") == 18_000_000
    assert parse_value("90%", K.PERCENTAGE, EN) == 90
    assert parse_value("1", K.MILESTONE, EN) == 1
