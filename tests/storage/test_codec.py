"""The generated codec does what the generic walk over type hints does, for every entity.

``storage.codec`` writes one decoder and one encoder per dataclass; the generic
walk (``reference_from_document`` / ``reference_to_document``) is the oracle.
Documents come from every entity of ``okr.models``, round-tripped through JSON
as a backend stores them, then made older (fields missing), newer (fields the
app does not know) or wrong (a value of another JSON type in a field).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr import models
from okr.models import (
    CheckIn,
    CheckInStatus,
    DigestSnapshot,
    KeyResult,
    KeyResultKind,
    KeyResultMark,
    ObjectiveMark,
    Team,
    TrendPoint,
)
from okr.periods import Period
from storage.codec import (
    from_document,
    reference_from_document,
    reference_to_document,
    to_document,
)
from tests.okr.test_periods import periods

ENTITIES = [
    cls
    for _, cls in inspect.getmembers(models, inspect.isclass)
    if dataclasses.is_dataclass(cls) and cls.__module__ == models.__name__
]

# Fixed offsets: a time repeated when clocks go back never equals an instant of
# another zone in Python, so an entity holding one could not equal its decoding.
_ZONES = [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-9, minutes=-30))]
_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
_INSTANTS = st.datetimes(
    min_value=datetime(1900, 1, 2),
    max_value=datetime(2200, 12, 30),
    timezones=st.sampled_from(_ZONES),
)
_DECIMALS = st.decimals(allow_nan=False) | st.sampled_from(
    [Decimal("0.10"), Decimal("-0"), Decimal("1E+3"), Decimal("123456789.123456789")]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=5,
)


def _values(hint: Any) -> st.SearchStrategy[Any]:
    """Any value of ``hint`` an entity may hold (aware datetimes, finite decimals)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return st.none() | _values(inner[0])
    if origin is tuple:
        return st.lists(_values(typing.get_args(hint)[0]), max_size=3).map(tuple)
    if hint is Period:
        return periods(1901, 2199)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(hint)
    if dataclasses.is_dataclass(hint):
        return _entities(hint)  # type: ignore[arg-type]
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=8),
        int: st.integers(),
        bool: st.booleans(),
        Decimal: _DECIMALS,
        datetime: _INSTANTS,
        date: _DAYS,
        time: st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    }
    return simple[hint]


def _entities(cls: type) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _values(hints[f.name]) for f in dataclasses.fields(cls) if f.name != "etag"}
    return st.builds(cls, **fields)


def _stored(entity: Any) -> dict[str, Any]:
    """The document as a backend hands it back: through JSON text."""
    body: dict[str, Any] = json.loads(json.dumps(to_document(entity)))
    return body


def _outcome(decode: Any, cls: type, body: dict[str, Any]) -> Any:
    """What decoding gives: the entity, or the kind of error raised."""
    try:
        return decode(cls, body, "etag-1")
    except Exception as error:  # the kind of error is what is compared
        return type(error)


any_entity = st.sampled_from(ENTITIES).flatmap(_entities)


def test_every_entity_of_the_domain_is_covered() -> None:
    assert {c.__name__ for c in ENTITIES} >= {
        "Tenant",
        "Team",
        "Member",
        "Objective",
        "KeyResult",
        "CheckIn",
        "DigestSnapshot",
        "ObjectiveMark",
        "KeyResultMark",
        "TrendPoint",
        "Delivery",
        "PendingOwner",
    }


@given(any_entity)
def test_an_entity_encodes_and_decodes_as_the_generic_walk_does(entity: Any) -> None:
    cls = type(entity)

    document = to_document(entity)
    decoded = from_document(cls, _stored(entity), "etag-1")

    assert document == reference_to_document(entity)
    assert json.dumps(document) == json.dumps(reference_to_document(entity))  # key order too
    assert decoded == reference_from_document(cls, _stored(entity), "etag-1")
    expected = dataclasses.replace(entity, etag="etag-1") if hasattr(entity, "etag") else entity
    assert decoded == expected


@given(_entities(DigestSnapshot))
def test_a_snapshot_keeps_its_marks_and_trend_exactly(snapshot: DigestSnapshot) -> None:
    decoded = from_document(DigestSnapshot, _stored(snapshot))

    assert decoded.objectives == snapshot.objectives
    assert decoded.key_results == snapshot.key_results
    assert decoded.trend == snapshot.trend
    assert all(type(m) is ObjectiveMark for m in decoded.objectives)
    # Decimals keep their digits and exponent, not just their value.
    assert [str(m.progress) for m in decoded.key_results] == [
        str(m.progress) for m in snapshot.key_results
    ]
    assert [str(p.overall) for p in decoded.trend] == [str(p.overall) for p in snapshot.trend]


@given(any_entity, st.data())
def test_a_document_of_an_older_version_takes_the_defaults(
    entity: Any, data: st.DataObject
) -> None:
    cls = type(entity)
    body = _stored(entity)
    dropped = data.draw(st.sets(st.sampled_from(sorted(body))) if body else st.just(set()))
    older = {k: v for k, v in body.items() if k not in dropped}

    outcome = _outcome(from_document, cls, older)

    assert outcome == _outcome(reference_from_document, cls, older)
    required = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    if dropped & required:
        assert outcome is TypeError
    else:
        defaults = {n: _default(cls, n) for n in dropped}
        assert outcome == dataclasses.replace(from_document(cls, body, "etag-1"), **defaults)


def _default(cls: type, name: str) -> Any:
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


@given(any_entity, st.dictionaries(st.text(max_size=6), _JSON, max_size=4))
def test_a_document_of_a_newer_version_ignores_what_it_does_not_know(
    entity: Any, extra: dict[str, Any]
) -> None:
    cls = type(entity)
    body = _stored(entity)
    newer = {**extra, **body, "_ts": 1764496800, "_etag": '"0x1"', "etag": "stale"}

    decoded = from_document(cls, newer, "etag-1")

    assert decoded == from_document(cls, body, "etag-1")
    assert decoded == reference_from_document(cls, newer, "etag-1")
    if hasattr(decoded, "etag"):
        assert decoded.etag == "etag-1"  # the store's etag, never the body's


@given(any_entity, st.data(), _JSON)
def test_a_value_of_the_wrong_shape_fails_or_decodes_as_the_generic_walk_does(
    entity: Any, data: st.DataObject, value: Any
) -> None:
    cls = type(entity)
    body = _stored(entity)
    field = data.draw(st.sampled_from(sorted(body)))
    broken = {**body, field: value}

    outcome = _outcome(from_document, cls, broken)

    if outcome != _outcome(reference_from_document, cls, broken):
        # The one difference: a nested entity that is not a JSON object is
        # refused, where the generic walk sometimes made defaults out of it.
        assert outcome is TypeError
        assert field in _nested_fields(cls)
        assert not isinstance(value, dict)


def _nested_fields(cls: type) -> set[str]:
    hints = typing.get_type_hints(cls)
    return {name for name, hint in hints.items() if _holds_dataclass(hint)}


def _holds_dataclass(hint: Any) -> bool:
    return dataclasses.is_dataclass(hint) or any(_holds_dataclass(a) for a in typing.get_args(hint))


@pytest.mark.parametrize(
    ("cls", "body", "expected"),
    [
        (TrendPoint, {"day": "2026-11-30", "overall": 0.35, "expected": 1}, "0.35|1"),
        (TrendPoint, {"day": "2026-11-30", "overall": "0.350", "expected": None}, "0.350|None"),
    ],
)
def test_a_number_stored_as_json_number_becomes_the_decimal_it_reads_as(
    cls: type[TrendPoint], body: dict[str, Any], expected: str
) -> None:
    point = from_document(cls, body)

    assert f"{point.overall}|{point.expected}" == expected
    assert point == reference_from_document(cls, body)


def test_a_naive_datetime_is_refused_on_encode() -> None:
    checkin = CheckIn(
        tenant_id="t",
        id="c",
        key_result_id="k",
        objective_id="o",
        author_id="a",
        value=Decimal(1),
        status=CheckInStatus.ON_TRACK,
        recorded_at=datetime(2026, 11, 30, 9, 0),
    )

    with pytest.raises(ValueError, match="naive datetime"):
        to_document(checkin)
    with pytest.raises(ValueError, match="naive datetime"):
        reference_to_document(checkin)


def test_a_value_of_another_type_than_its_hint_encodes_as_the_generic_walk_does() -> None:
    # Callers may pass an int where a Decimal is declared, or a plain list.
    key_result = KeyResult(
        tenant_id="t",
        id="k",
        objective_id="o",
        title="T",
        owner_id=None,
        kind=KeyResultKind.NUMBER,
        start=0,  # type: ignore[arg-type]
        target=Decimal(10),
        current=Decimal("2.50"),
        weight=2.5,  # type: ignore[arg-type]
        last_status="at_risk",  # type: ignore[arg-type]
    )
    team = Team(tenant_id="t", id="19:x", owner_ids=["29:a"])  # type: ignore[arg-type]

    assert to_document(key_result) == reference_to_document(key_result)
    assert to_document(key_result)["start"] == 0
    assert to_document(key_result)["current"] == "2.50"
    assert to_document(team) == reference_to_document(team)
    assert to_document(team)["owner_ids"] == ["29:a"]


def test_an_object_that_is_no_dataclass_cannot_be_stored() -> None:
    with pytest.raises(TypeError, match="cannot store"):
        to_document(object())


def test_decoding_a_period_twice_gives_equal_periods_of_the_right_kind() -> None:
    body = {"start": "2026-10-01", "end": "2026-12-31", "kind": "quarter"}
    mark = KeyResultMark(id="k", objective_id="o", progress=Decimal("0.5"))

    first = from_document(models.Objective, _objective_body(body))
    again = from_document(models.Objective, _objective_body(body))

    assert first.period == again.period == Period.quarter(2026, 4)
    assert first.period.fiscal_year_start_month == 1
    assert from_document(KeyResultMark, to_document(mark)) == mark


def _objective_body(period: dict[str, Any]) -> dict[str, Any]:
    return {"tenant_id": "t", "id": "o", "title": "T", "owner_id": None, "period": period}
