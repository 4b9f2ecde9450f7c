"""Structured logs: one JSON object per line off a terminal, readable lines on one.

Every record carries the ids of the turn it belongs to (tenant, conversation,
activity) from context variables set once per request, so a line can be traced
back to the Teams activity that caused it without passing ids around.

What never goes into a log at info level: secrets, tokens, and what people
wrote (message text, card input). Log ids and counts instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal, TextIO

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


class _ContextFilter(logging.Filter):
    """Copies the turn's ids from the context variables onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _CONTEXT:
            if not hasattr(record, name):
                setattr(record, name, var.get())
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
    # The SDK logs request details at info (conversation ids, URLs); our own lines say
    # what matters. Its warnings and errors still come through.
    if level != "DEBUG":
        logging.getLogger("microsoft_agents").setLevel(logging.WARNING)
        # Its connector client logs an ERROR for every 429/5xx even when our sender
        # retries and succeeds; the sender logs and records the real outcome.
        logging.getLogger("microsoft_agents.hosting.core.connector.client").setLevel(
            logging.CRITICAL
        )
    return handler
