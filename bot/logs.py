"""Structured logs: one JSON object per line off a terminal, readable lines on one.

Every record carries the ids of the turn it belongs to (tenant, conversation,
activity) from context variables set once per request, so a line can be traced
back to the Teams activity that caused it without passing ids around.

What never goes into a log: secrets, tokens, and what people wrote (message
text, card input). Log ids and counts instead. Libraries are held to the same
rule here, where they can be: :data:`SILENCED` loggers put raw input in their
lines whatever the level, so they are off; :data:`QUIET_UNLESS_DEBUG` loggers
log every request (URLs, ids, headers) at info, so they start at warning unless
``LOG_LEVEL=DEBUG``. A pydantic ``ValidationError`` quotes the input it
refused; in a log line it shows which fields failed and how, not their values.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal, TextIO

from pydantic import ValidationError

tenant_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "tenant_id", default=None
)
conversation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "conversation_id", default=None
)
activity_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "activity_id", default=None
)

_CONTEXT = (
    ("tenant_id", tenant_id_var),
    ("conversation_id", conversation_id_var),
    ("activity_id", activity_id_var),
)


@contextlib.contextmanager
def turn_log_context(
    *, tenant_id: str | None, conversation_id: str | None, activity_id: str | None
) -> Iterator[None]:
    """Tag every log record inside the block with the turn's ids."""
    tokens = [
        (var, var.set(value))
        for var, value in (
            (tenant_id_var, tenant_id),
            (conversation_id_var, conversation_id),
            (activity_id_var, activity_id),
        )
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


# The SDK logs an activity that fails validation at ERROR, with the raw field value and a
# trace; the gate answers 400 and says which field, so nothing is lost.
SILENCED = ("microsoft_agents.activity.activity",)
QUIET_UNLESS_DEBUG = {
    # Request details at info (conversation ids, URLs); our own lines say what matters.
    "microsoft_agents": logging.WARNING,
    # Its connector client logs an ERROR for every 429/5xx even when our sender retries and
    # succeeds; the sender logs and records the real outcome.
    "microsoft_agents.hosting.core.connector.client": logging.CRITICAL,
    # azure.cosmos and azure-core's HTTP logging policy log every request at info.
    "azure": logging.WARNING,
}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def without_input(error: ValidationError) -> str:
    """What a ValidationError says, less the input it quotes: fields and error types only."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(root)'}: {problem['type']}"
        for problem in error.errors(include_url=False, include_context=False, include_input=False)
    )
    return f"{error.error_count()} validation error(s) for {error.title}: {problems}"


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def format_exception(exc_info: ExcInfo) -> str:
    """A trace as ``logging`` prints it; every ValidationError in the chain told without input."""
    text = "".join(traceback.format_exception(*exc_info)).rstrip("\n")
    for error in _chain(exc_info[1]):
        if isinstance(error, ValidationError):
            text = text.replace(str(error), without_input(error))
    return text


class _ContextFilter(logging.Filter):
    """Copies the turn's ids onto each record; tells ValidationError arguments without input."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _CONTEXT:
            if not hasattr(record, name):
                setattr(record, name, var.get())
        if isinstance(record.args, tuple) and any(
            isinstance(arg, ValidationError) for arg in record.args
        ):
            record.args = tuple(
                without_input(arg) if isinstance(arg, ValidationError) else arg
                for arg in record.args
            )
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", tenant/conversation/activity ids, "error"}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, _var in _CONTEXT:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        """The trace, ValidationErrors told without their input."""
        return format_exception(ei) if ei[0] is not None else ""


class PlainFormatter(logging.Formatter):
    """``time level logger message [tenant=… conversation=… activity=…]`` for terminals."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s%(ids)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = [
            f"{name.removesuffix('_id')}={value}"
            for name, _var in _CONTEXT
            if (value := getattr(record, name, None)) is not None
        ]
        record.ids = f" [{' '.join(ids)}]" if ids else ""
        return super().format(record)

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        """The trace, ValidationErrors told without their input."""
        return format_exception(ei) if ei[0] is not None else ""


def configure_logging(
    fmt: Literal["auto", "json", "plain"] = "auto",
    level: str = "INFO",
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) in the chosen format; returns the handler.

    ``auto`` means JSON unless the stream is a terminal. Replaces whatever
    handlers the root logger had, so a library that configured logging at
    import time does not produce a second, differently formatted line.
    """
    stream = stream or sys.stderr
    use_json = fmt == "json" or (fmt == "auto" and not stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if use_json else PlainFormatter())
    handler.addFilter(_ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in SILENCED:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    if level != "DEBUG":
        for name, least in QUIET_UNLESS_DEBUG.items():
            logging.getLogger(name).setLevel(least)
    return handler
