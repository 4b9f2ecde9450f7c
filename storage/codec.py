"""Turn the domain's frozen dataclasses into JSON documents and back.

One codec for every entity, driven by the dataclass type hints, so the backends
store plain JSON and never know the domain. Encodings chosen so that JSON
ordering matches domain ordering where we sort: datetimes are UTC ISO-8601 with
microseconds (lexical order = time order); Decimals are strings (exact).

Decoding is most of what reading costs (a digest decodes thousands of
documents), so each dataclass gets its own decoder and encoder, generated once
from its type hints: one Python function with every field's conversion written
out, instead of walking the hints for every value of every document. They do
exactly what the generic walk (:func:`_decode`, :func:`_encode`, kept as the
reference the tests compare against) does; see ``docs/performance.md``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

# Fields the store manages outside the body.
_SKIPPED = frozenset({"etag"})

_MISSING = object()

type _Decoder = Callable[[dict[str, Any], str | None], Any]
type _Encoder = Callable[[Any], dict[str, Any]]


def encode_datetime(value: datetime) -> str:
    """Encode an aware datetime as fixed-width UTC ISO-8601 text."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime cannot be stored: {value!r}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def to_document(entity: Any) -> dict[str, Any]:
    """Encode a dataclass instance as a JSON-compatible dict (without its etag)."""
    return _encoder(type(entity), True)(entity)  # type: ignore[arg-type]


def from_document[T](cls: type[T], body: dict[str, Any], etag: str | None = None) -> T:
    """Decode a document produced by :func:`to_document` into ``cls``.

    Unknown keys (written by a newer version, or backend metadata such as
    Cosmos' ``_ts``) are ignored; missing keys take the dataclass default, and
    a missing key without a default raises ``TypeError``.
    """
    decoded: T = _decoder(cls)(body, etag)  # type: ignore[arg-type]
    return decoded


# -- generated decoders ------------------------------------------------------

# Classes whose decoder is being generated: a field of such a class (a
# dataclass that contains itself) calls its decoder through the cache instead.
_building: set[type] = set()


@cache
def _decoder(cls: type) -> _Decoder:
    """A function ``(body, etag) -> cls`` written out for ``cls``'s fields."""
    _building.add(cls)
    try:
        hints = typing.get_type_hints(cls)
        namespace: dict[str, Any] = {"_cls": cls, "_MISSING": _MISSING}
        lines = [
            "def decode(body, etag=None):",
            "    if body.__class__ is not dict:",
            f"        raise TypeError('a {cls.__name__} document must be an object')",
            "    get = body.get",
        ]
        args: list[str] = []
        keywords: list[str] = []
        for number, f in enumerate(dataclasses.fields(cls)):
            if not f.init:
                continue
            arg = f"a{number}"
            if f.kw_only:
                keywords.append(f"{f.name}={arg}")
            else:
                args.append(arg)
            if f.name == "etag":
                lines.append(f"    {arg} = etag")
                continue
            conversion = _decode_expr(hints[f.name], "v", namespace, 0)
            lines.append(f"    v = get({f.name!r}, _MISSING)")
            lines.append("    if v is _MISSING:")
            if f.default is not dataclasses.MISSING:
                namespace[f"_default{number}"] = f.default
                lines.append(f"        {arg} = _default{number}")
            elif f.default_factory is not dataclasses.MISSING:
                namespace[f"_factory{number}"] = f.default_factory
                lines.append(f"        {arg} = _factory{number}()")
            else:
                message = f"{cls.__name__} document has no {f.name!r}"
                lines.append(f"        raise TypeError({message!r})")
            lines.append("    else:")
            lines.append(f"        {arg} = {conversion}")
        lines.append(f"    return _cls({', '.join(args + keywords)})")
        return typing.cast(_Decoder, _compiled(lines, namespace, "decode", cls))
    finally:
        _building.discard(cls)


def _decode_expr(hint: Any, var: str, namespace: dict[str, Any], depth: int) -> str:
    """Python text that turns the JSON value named ``var`` into ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return f"(None if {var} is None else {_decode_expr(inner[0], var, namespace, depth)})"
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        item_var = f"x{depth}"
        item_expr = _decode_expr(item, item_var, namespace, depth + 1)
        if item_expr == item_var:
            return f"tuple({var})"
        return f"tuple([{item_expr} for {item_var} in {var}])"
    if not isinstance(hint, type):
        return var
    name = f"_{hint.__name__}_{len(namespace)}"
    if issubclass(hint, Enum):
        # A dict lookup by value; anything else (an unknown value) goes through
        # the enum itself, which raises as the generic decoder does.
        namespace[name] = hint
        namespace[name + "_by_value"] = {m.value: m for m in hint}
        return (
            f"({name}_by_value[{var}] if {var}.__class__ is str and {var} in {name}_by_value "
            f"else {name}({var}))"
        )
    if hint is Decimal:
        namespace["_Decimal"] = Decimal
        return f"(_Decimal({var}) if {var}.__class__ is str else _Decimal(str({var})))"
    if hint in (datetime, date, time):
        namespace[name] = hint.fromisoformat
        return f"{name}({var})"
    if dataclasses.is_dataclass(hint):
        if hint in _building:  # contains itself: look the decoder up when called
            namespace["_decoder"] = _decoder
            namespace[name] = hint
            return f"_decoder({name})({var}, None)"
        namespace[name] = _decoder(hint)
        if _memoizable(hint):
            namespace[name] = _memoized(namespace[name], hint)
        return f"{name}({var}, None)"
    return var


def _memoizable(cls: type) -> bool:
    """Whether decoding ``cls`` may return one shared instance per distinct document.

    Worth it for a frozen value whose constructor validates (a ``Period``: its
    checks cost more than the rest of an objective's decoding), and safe
    because nothing can change it afterwards.
    """
    params = getattr(cls, "__dataclass_params__", None)
    return (
        params is not None
        and params.frozen
        and hasattr(cls, "__post_init__")
        and not any(f.name == "etag" for f in dataclasses.fields(cls))
    )


_MEMO_SIZE = 1024


def _memoized(decode: _Decoder, cls: type) -> _Decoder:
    """``decode`` remembering what it returned for the last distinct documents."""
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    memo: dict[tuple[Any, ...], Any] = {}

    def decode_memoized(body: dict[str, Any], etag: str | None = None) -> Any:
        if body.__class__ is not dict:
            return decode(body, etag)  # which refuses it
        values = [body.get(name, _MISSING) for name in names]
        # The classes belong to the key: 1, 1.0 and True are equal as keys.
        key = (*values, *[v.__class__ for v in values])
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # a list or an object where a scalar belongs
            return decode(body, etag)
        decoded = decode(body, etag)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = decoded
        return decoded

    return decode_memoized


# -- generated encoders ------------------------------------------------------


@cache
def _encoder(cls: type, skip_etag: bool) -> _Encoder:
    """A function ``entity -> dict`` written out for ``cls``'s fields.

    Each field takes a fast path when its value has the type its hint names
    and falls back to the generic :func:`_encode` otherwise, so the output is
    the generic encoder's whatever the caller put in the field.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"cannot store {cls.__name__}")
    _building_encoders.add(cls)
    try:
        return _generated_encoder(cls, skip_etag)
    finally:
        _building_encoders.discard(cls)


_building_encoders: set[type] = set()


def _generated_encoder(cls: type, skip_etag: bool) -> _Encoder:
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"_encode": _encode}
    lines = ["def encode(entity):"]
    items = []
    for number, f in enumerate(dataclasses.fields(cls)):
        if skip_etag and f.name in _SKIPPED:
            continue
        lines.append(f"    v = entity.{f.name}")
        lines.append(f"    a{number} = {_encode_expr(hints[f.name], 'v', namespace, 0)}")
        items.append(f"{f.name!r}: a{number}")
    lines.append(f"    return {{{', '.join(items)}}}")
    return typing.cast(_Encoder, _compiled(lines, namespace, "encode", cls))


def _encode_expr(hint: Any, var: str, namespace: dict[str, Any], depth: int) -> str:
    """Python text that encodes the value named ``var`` as :func:`_encode` would."""
    fallback = f"_encode({var})"
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(inner) != 1:
            return fallback
        return f"(None if {var} is None else {_encode_expr(inner[0], var, namespace, depth)})"
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        item_var = f"x{depth}"
        item_expr = _encode_expr(item, item_var, namespace, depth + 1)
        return (
            f"([{item_expr} for {item_var} in {var}] if {var}.__class__ is tuple else {fallback})"
        )
    if not isinstance(hint, type):
        return fallback
    name = f"_{hint.__name__}_{len(namespace)}"
    namespace[name] = hint
    if issubclass(hint, Enum):
        return f"({var}._value_ if {var}.__class__ is {name} else {fallback})"
    if hint in (str, int, bool, float):
        return f"({var} if {var}.__class__ is {name} else {fallback})"
    if hint is Decimal:
        return f"(str({var}) if {var}.__class__ is {name} else {fallback})"
    if hint is datetime:
        namespace["_encode_datetime"] = encode_datetime
        return f"(_encode_datetime({var}) if {var}.__class__ is {name} else {fallback})"
    if hint is date:
        return f"({var}.isoformat() if {var}.__class__ is {name} else {fallback})"
    if hint is time:
        return f"({var}.isoformat(timespec='minutes') if {var}.__class__ is {name} else {fallback})"
    if dataclasses.is_dataclass(hint):
        # Nested values keep every field, etag included, as the generic walk does.
        if hint in _building_encoders:  # contains itself: look the encoder up when called
            namespace["_encoder"] = _encoder
            return f"(_encoder({name}, False)({var}) if {var}.__class__ is {name} else {fallback})"
        namespace[name + "_encoder"] = _encoder(hint, False)
        return f"({name}_encoder({var}) if {var}.__class__ is {name} else {fallback})"
    return fallback


def _compiled(lines: list[str], namespace: dict[str, Any], name: str, cls: type) -> Any:
    source = "\n".join(lines)
    code = compile(source, f"<storage.codec {name} {cls.__qualname__}>", "exec")
    exec(code, namespace)  # text written above from type hints, never from input
    function = namespace[name]
    function.__source__ = source  # for debugging: what was generated
    return function


# -- the generic walk: the reference the generated functions must agree with ----


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


def reference_to_document(entity: Any) -> dict[str, Any]:
    """:func:`to_document` by walking the hints per value (slow; the tests' oracle)."""
    return {
        f.name: _encode(getattr(entity, f.name))
        for f in dataclasses.fields(entity)
        if f.name not in _SKIPPED
    }


def reference_from_document[T](cls: type[T], body: dict[str, Any], etag: str | None = None) -> T:
    """:func:`from_document` by walking the hints per value (slow; the tests' oracle)."""
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
            return reference_from_document(hint, raw)
    return raw
