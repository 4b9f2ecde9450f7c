"""Log lines: JSON off a terminal, the turn's ids on every line, never what people wrote."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from microsoft_agents.activity import Activity

from bot.logs import QUIET_UNLESS_DEBUG, SILENCED, configure_logging, turn_log_context
from tests import factories as f
from tests.conftest import StartBot
from tests.connector import Connector

SECRET = "lương tháng 12.000.000 ₫"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (pytest's too): put them back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    touched = [logging.getLogger(name) for name in (*SILENCED, *QUIET_UNLESS_DEBUG)]
    levels = [logger.level for logger in touched]
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for logger, logger_level in zip(touched, levels, strict=True):
        logger.setLevel(logger_level)


@pytest.mark.usefixtures("restore_logging")
async def test_a_turn_logs_json_lines_with_its_ids_and_without_the_text(
    start_bot: StartBot, connector: Connector
) -> None:
    stream = io.StringIO()
    configure_logging("auto", "INFO", stream)  # StringIO is not a terminal: JSON
    bot = await start_bot()
    secret = "my salary is 12.000.000 ₫"
    activity = f.personal_message(secret, connector.url)

    await bot.post(activity)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "the turn logged nothing"
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line)
        assert "12.000.000" not in json.dumps(line, ensure_ascii=False)
    turn_lines = [line for line in lines if line["logger"].startswith("okr.bot")]
    assert turn_lines
    for line in turn_lines:
        assert line["tenant_id"] == f.TENANT_ID
        assert line["conversation_id"] == f.personal_conversation_id(f.ALICE)
        assert line["activity_id"] == activity["id"]


@pytest.mark.usefixtures("restore_logging")
def test_an_error_line_carries_the_trace_and_the_activity_id() -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    log = logging.getLogger("okr.bot")

    with turn_log_context(tenant_id="t1", conversation_id="c1", activity_id="a1"):
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("turn failed")
    log.info("outside a turn")

    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["level"] == "error" and inside["activity_id"] == "a1"
    assert "ValueError: boom" in inside["error"]
    assert "activity_id" not in outside


@pytest.mark.usefixtures("restore_logging")
def test_plain_lines_for_people() -> None:
    stream = io.StringIO()
    configure_logging("plain", "INFO", stream)

    with turn_log_context(tenant_id="t1", conversation_id=None, activity_id="a1"):
        logging.getLogger("okr.bot").warning("hello")

    line = stream.getvalue().strip()
    assert (
        "WARNING" in line and "okr.bot hello" in line and line.endswith("[tenant=t1 activity=a1]")
    )


@pytest.mark.usefixtures("restore_logging")
async def test_local_mode_warns_once_and_production_not_at_all(start_bot: StartBot) -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)

    await start_bot()
    await start_bot(
        {
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": "app",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "s3cr3t-value",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": f.TENANT_ID,
            "STORAGE": "sqlite",
        }
    )

    text = stream.getvalue()
    warnings = [json.loads(line) for line in text.splitlines() if "LOCAL MODE" in line]
    assert len(warnings) == 1 and warnings[0]["level"] == "warning"
    assert "s3cr3t-value" not in text


def _message(service_url: str, **changes: Any) -> bytes:
    activity = f.personal_message(SECRET, service_url)
    activity.update(changes)
    return json.dumps(activity, ensure_ascii=False).encode()


@pytest.mark.usefixtures("restore_logging")
async def test_malformed_bodies_leave_no_trace_of_their_text_in_the_logs(
    start_bot: StartBot, connector: Connector
) -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    bot = await start_bot()
    url = connector.url
    bodies = [
        _message(url, timestamp=SECRET),  # the SDK logged the raw value with a trace
        _message(url, channelId={"name": SECRET}),
        _message(url, channelId=""),
        _message(url, serviceUrl=None),
        _message(url, value=_deep(SECRET)),
        json.dumps({"type": "message", "text": SECRET}).encode(),
    ]

    statuses = [(await bot.post_raw(body)).status for body in bodies]
    plain = await bot.post_raw(_message(url), headers={"Content-Type": "text/plain"})

    assert all(status < 500 for status in statuses), statuses
    assert plain.status == 415
    logged = stream.getvalue()
    assert SECRET not in logged
    assert json.dumps(SECRET)[1:-1] not in logged  # nor escaped


def _deep(text: str) -> Any:
    value: Any = text
    for _ in range(100):
        value = {"x": value}
    return value


@pytest.mark.usefixtures("restore_logging")
def test_a_validation_error_is_logged_with_its_fields_and_without_its_input() -> None:
    stream = io.StringIO()
    configure_logging("plain", "INFO", stream)
    log = logging.getLogger("okr.bot")

    try:
        Activity.model_validate({"type": "message", "timestamp": SECRET})
    except ValueError as error:
        log.warning("not an activity: %s", error)
        log.exception("turn failed")

    logged = stream.getvalue()
    assert SECRET not in logged
    assert "timestamp" in logged and "Traceback" in logged


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(
    "logger",
    [
        "azure.cosmos._cosmos_http_logging_policy",
        "azure.core.pipeline.policies.http_logging_policy",
        "azure.identity",
        "microsoft_agents.hosting.core",
    ],
)
def test_library_request_logs_are_quiet_by_default(logger: str) -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)

    logging.getLogger(logger).info("Request URL: 'https://x.documents.azure.com/docs/%s'", SECRET)
    logging.getLogger(logger).warning("throttled")

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["throttled"]


@pytest.mark.usefixtures("restore_logging")
def test_debug_shows_library_requests_but_never_the_sdks_raw_validation_lines() -> None:
    stream = io.StringIO()
    configure_logging("json", "DEBUG", stream)

    logging.getLogger("azure.cosmos").info("Request URL: 'https://x/docs/1'")
    logging.getLogger(SILENCED[0]).error("Validation error for Activity: %s", SECRET)

    logged = stream.getvalue()
    assert "Request URL" in logged
    assert SECRET not in logged
