"""A bare Microsoft 365 Agents SDK echo bot: the baseline of the latency benchmark.

The same SDK packages and versions as the app, its ``CloudAdapter`` in the
app's local mode (anonymous requests, replies only to ``serviceUrl`` hosts on
this machine), and nothing else: no token check, no activity gate, no store.

* an ``adaptiveCard/action`` invoke is answered in its HTTP response (200) with
  a small card;
* a ``message`` is echoed back to the activity's ``serviceUrl`` (the connector)
  as a reply to it.

Run it alone (``python -m benchmarks.echo_bot [PORT]``) or, with the loop-lag
probe the benchmark reads, through :mod:`benchmarks.serve_probed`.
"""

from __future__ import annotations

import logging
import sys
from http import HTTPStatus
from typing import Any

from aiohttp import web
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    InvokeResponse,
    load_configuration_from_env,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext

# The app's local-mode host check (loopback only): the SDK's own refuses 127.0.0.1.
from bot.hosting import LoopbackServiceUrls

ANONYMOUS_ALLOWED = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD: dict[str, Any] = {
    "type": "AdaptiveCard",
    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "Received", "wrap": True}],
}
ADAPTER_KEY = web.AppKey("adapter", CloudAdapter)
# Without credentials the SDK warns on every turn that its user-token client has no
# app id; the app silences it in local mode (bot.hosting), and so does the baseline.
_USER_TOKEN_CLIENT_LOGGER = "microsoft_agents.hosting.core.connector.client.user_token_client"


class EchoAgent:
    """Answers card actions with :data:`CARD` and messages with their own text."""

    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity."""
        activity = context.activity
        if activity.type == ActivityTypes.invoke and activity.name == "adaptiveCard/action":
            body = {"statusCode": 200, "type": ADAPTIVE_CARD, "value": CARD}
            response = InvokeResponse(status=int(HTTPStatus.OK), body=body)
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=response.model_dump(by_alias=True, exclude_none=True),
                )
            )
        elif activity.type == ActivityTypes.message:
            await context.send_activity(f"echo: {activity.text or ''}")


_AGENT = EchoAgent()


async def messages(request: web.Request) -> web.StreamResponse:
    """``POST /api/messages``: hand the request to the SDK adapter."""
    response = await request.app[ADAPTER_KEY].process(request, _AGENT)
    return response if response is not None else web.Response(status=202)


def build_echo_app() -> web.Application:
    """The echo bot's aiohttp application (``POST /api/messages``)."""
    connections = MsalConnectionManager(**load_configuration_from_env({ANONYMOUS_ALLOWED: "true"}))
    logging.getLogger(_USER_TOKEN_CLIENT_LOGGER).setLevel(logging.ERROR)
    app = web.Application()
    app[ADAPTER_KEY] = CloudAdapter(
        connection_manager=connections, host_validator=LoopbackServiceUrls()
    )
    app.router.add_post("/api/messages", messages)
    return app


if __name__ == "__main__":
    web.run_app(build_echo_app(), host="127.0.0.1", port=int(sys.argv[1]) if sys.argv[1:] else 3979)
