"""What was typed around a number must fit the key result: a domain rule, not card parsing."""

from __future__ import annotations

import pytest

from okr.models import KeyResultKind
from okr.values import UnitMismatch, unit_mismatch

K = KeyResultKind


@pytest.mark.parametrize(
    ("kind", "currency", "typed_currency", "typed_percent", "expected"),
    [
        (K.CURRENCY, "USD", "EUR", False, UnitMismatch.OTHER_CURRENCY),  # €500 on a USD KR
        (K.CURRENCY, "USD", "USD", False, None),
        (K.CURRENCY, "USD", None, False, None),  # the number alone is fine
        (K.CURRENCY, "VND", None, True, UnitMismatch.NOT_PERCENT),
        (K.PERCENTAGE, None, "USD", False, UnitMismatch.NOT_MONEY),  # $5 on a percentage
        (K.PERCENTAGE, None, None, True, None),
        (K.NUMBER, None, "VND", False, UnitMismatch.NOT_MONEY),
        (K.NUMBER, None, None, True, UnitMismatch.NOT_PERCENT),
        (K.MILESTONE, None, "USD", False, UnitMismatch.NOT_MONEY),  # $1 on a milestone
        (K.MILESTONE, None, None, True, UnitMismatch.NOT_PERCENT),
        (K.MILESTONE, None, None, False, None),
        (K.CURRENCY, None, "EUR", False, None),  # no currency stored: any is taken as typed
    ],
)
def test_what_was_typed_must_fit_the_key_result(
    kind: KeyResultKind,
    currency: str | None,
    typed_currency: str | None,
    typed_percent: bool,
    expected: UnitMismatch | None,
) -> None:
    assert unit_mismatch(kind, currency, typed_currency, typed_percent) is expected
