"""No formatter writes a minus sign before a number that shows as zero ("-0%", "-0.0").

Decreasing key results (tickets 120 -> 30) give ``0 / -90 = -0`` and small
negatives such as -0.004 that round to zero; Decimal keeps the sign of both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cards.i18n import Language
from cards.locale_format import (
    format_comparison,
    format_currency,
    format_decimal,
    format_duration,
    format_measure,
    format_number,
    format_percent,
    format_progress,
    format_score,
    format_typed,
    format_value,
)
from okr.models import Comparison, KeyResultKind
from okr.progress import clamp, progress

Formatter = Callable[[Decimal, Language], str]

FORMATTERS: dict[str, Formatter] = {
    "number": format_number,
    "decimal": format_decimal,
    "decimal 0 digits": lambda v, lang: format_decimal(v, lang, max_fraction_digits=0),
    "percent": format_percent,
    "percent 0 digits": lambda v, lang: format_percent(v, lang, max_fraction_digits=0),
    "progress": format_progress,
    "progress (float)": lambda v, lang: format_progress(float(v), lang),
    "score": format_score,
    "measure": lambda v, lang: format_measure(v, lang, unit="tickets"),
    "measure %": lambda v, lang: format_measure(v, lang, unit="%"),
    "comparison": lambda v, lang: format_comparison(Comparison.AT_MOST, v, lang, unit="%"),
    "duration": lambda v, _: format_duration(v),
    "USD": lambda v, lang: format_currency(v, "USD", lang),
    "VND": lambda v, lang: format_currency(v, "VND", lang),
    "EUR compact": lambda v, lang: format_currency(v, "EUR", lang, compact=True),
    **{
        f"value {kind.value}": (
            lambda v, lang, kind=kind: format_value(
                v, kind, lang, currency="USD" if kind is KeyResultKind.CURRENCY else None
            )
        )
        for kind in KeyResultKind
    },
    **{
        f"typed {kind.value}": (lambda v, lang, kind=kind: format_typed(v, kind, lang))
        for kind in KeyResultKind
        if kind is not KeyResultKind.MILESTONE  # typed back as 0 / 1
    },
}

_MINUS = re.compile(r"[-\u2212]")  # ASCII hyphen-minus and the Unicode minus sign
_NONZERO_DIGIT = re.compile(r"[1-9]")

near_zero = st.decimals(min_value=Decimal(-2), max_value=Decimal(2), places=7) | st.sampled_from(
    [Decimal("-0"), Decimal("-0.000"), Decimal("-0E+5"), Decimal("-0.0049"), Decimal("-0.04")]
)


def _shows_negative_zero(written: str) -> bool:
    return bool(_MINUS.search(written)) and not _NONZERO_DIGIT.search(written)


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("name", list(FORMATTERS))
@given(value=near_zero)
def test_a_number_shown_as_zero_never_carries_a_minus_sign(
    name: str, lang: Language, value: Decimal
) -> None:
    written = FORMATTERS[name](value, lang)
    assert not _shows_negative_zero(written), f"{name}({value!r}, {lang}) wrote {written!r}"


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("-0"), "0%"),
        (Decimal("-0.004"), "0%"),  # a decreasing key result a hair past its start
        (Decimal("-0.006"), "-1%"),  # moved the wrong way by a visible amount: shown
    ],
)
def test_progress_rounds_to_zero_without_a_sign(
    lang: Language, value: Decimal, written: str
) -> None:
    assert format_progress(value, lang).replace("\u00a0", "") == written


@given(
    start=st.decimals(min_value=-1000, max_value=1000, places=2),
    target=st.decimals(min_value=-1000, max_value=1000, places=2),
)
def test_progress_at_the_start_is_an_unsigned_zero(start: Decimal, target: Decimal) -> None:
    # 120 -> 30 with current 120: (120 - 120) / (30 - 120) is -0 in Decimal.
    assume(start != target)
    at_start = progress(start, target, start)
    assert at_start.raw == 0 and not at_start.raw.is_signed()
    assert not at_start.clamped.is_signed()
    assert not clamp(Decimal("-0")).is_signed()
    assert str(float(at_start.clamped)) == "0.0"
