"""Turn the domain's frozen dataclasses into JSON documents and back.

One generic codec for every entity, driven by the dataclass type hints, so the
backends store plain JSON and never know the domain. Encodings chosen so that
JSON ordering matches domain ordering where we sort: datetimes are UTC ISO-8601
with microseconds (lexical order = time order); Decimals are strings (exact).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

# Fields the store manages outside the body.
_SKIPPED = frozenset({"etag"})


def encode_datetime(value: datetime) -> str:
    """Encode an aware datetime as fixed-width UTC ISO-8601 text."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime cannot be stored: {value!r}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def to_document(entity: Any) -> dict[str, Any]:
    """Encode a dataclass instance as a JSON-compatible dict (without its etag)."""
    return {
        f.name: _encode(getattr(entity, f.name))
        for f in dataclasses.fields(entity)
        if f.name not in _SKIPPED
    }


def from_document[T](cls: type[T], body: dict[str, Any], etag: str | None = None) -> T:
    """Decode a document produced by :func:`to_document` into ``cls``.

    Unknown keys (written by a newer version, or backend metadata such as
    Cosmos' ``_ts``) are ignored; missing keys take the dataclass default.
    """
    hints = _hints(cls)  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name == "etag":
            continue
        if f.name in body:
            kwargs[f.name] = _decode(hints[f.name], body[f.name])
    if "etag" in hints:
        kwargs["etag"] = etag
    return cls(**kwargs)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        return encode_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(hint: Any, raw: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner[0], raw)
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        return tuple(_decode(item, v) for v in raw)
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(raw)
        if hint is Decimal:
            return Decimal(str(raw))
        if hint is datetime:
            return datetime.fromisoformat(raw)
        if hint is date:
            return date.fromisoformat(raw)
        if hint is time:
            return time.fromisoformat(raw)
        if dataclasses.is_dataclass(hint):
            return from_document(hint, raw)
    return raw
