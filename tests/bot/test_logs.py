"""Log lines: JSON off a terminal, the turn's ids on every line, never what people wrote."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, turn_log_context
from tests import factories as f
from tests.conftest import StartBot
from tests.connector import Connector


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (pytest's too): put them back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    sdk = logging.getLogger("microsoft_agents")
    sdk_level = sdk.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    sdk.setLevel(sdk_level)


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
        }
    )

    text = stream.getvalue()
    warnings = [json.loads(line) for line in text.splitlines() if "LOCAL MODE" in line]
    assert len(warnings) == 1 and warnings[0]["level"] == "warning"
    assert "s3cr3t-value" not in text
