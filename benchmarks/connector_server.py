"""The local connector service (:class:`tests.connector.Connector`) in a process of its own.

The fan-out benchmark runs the connector here, not in the engine's process, so
the two do not share one CPU core's event loop. A second small HTTP server on
127.0.0.1 (the *control* server) lets the benchmark set the policies for each
scenario and read back what arrived::

    python -m benchmarks.connector_server
    {"url": "http://127.0.0.1:PORT/", "control": "http://127.0.0.1:PORT2/"}

* ``POST /reset`` with ``{"throttle": true, "faults": [{"share": 0.01, "status":
  429, "seed": 1, "retry_after": "1"}]}`` forgets every call and installs Teams'
  throttle (when asked) and the random failures, in that order.
* ``GET /summary`` answers what arrived since the last reset: delivered
  activities per conversation, the member of each conversation created,
  requests per route, requests refused, throttle violations and this process's
  CPU seconds.
* ``POST /reset`` with ``{"arrivals": true}`` also stamps every call as it
  arrives (``time.monotonic()``, one clock for every process on the machine);
  ``GET /arrivals`` answers them as ``[seconds, conversation id, replyToId,
  route, text]`` (the latency benchmark times a reply until it reaches here), and
  ``GET /activities?conversation=ID`` answers the activities sent into one
  conversation, whole (it reads the check-in card the bot sent).

It serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import signal
import sys
import time
from collections import Counter
from typing import Any

from aiohttp import web

from tests.connector import Call, Connector, Throttle

# (monotonic seconds, conversation id, replyToId, route, the activity's text) of one arrival.
Arrival = tuple[float, str | None, str | None, str, str | None]


class Control:
    """The benchmark's handle on one running connector."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.throttle: Throttle | None = None
        self.cpu_at_reset = _cpu_seconds()
        self.arrivals: list[Arrival] = []

    def reset(self, throttle: bool, faults: list[dict[str, Any]], arrivals: bool = False) -> None:
        """Forget every call and install the policies of the next scenario.

        The garbage collector is off from here to the next reset: with thousands of
        recorded cards a full collection stalls this process for longer than the
        bot's 50 ms safety margin, and requests queued behind the stall are then
        stamped late and counted as a burst that Teams, which does not stall,
        would not see.
        """
        connector = self.connector
        connector.calls.clear()
        connector.answered.clear()
        connector.policies.clear()
        connector.conversation_members.clear()
        connector.conversation_tenants.clear()
        gc.enable()
        gc.collect()
        gc.disable()
        self.arrivals = []
        if arrivals:
            # First of the policies: the stamp is taken before any throttle or fault.
            connector.policies.append(self._stamp)
        self.throttle = connector.throttle() if throttle else None
        for fault in faults:
            connector.fail_at_random(
                float(fault["share"]),
                int(fault["status"]),
                seed=int(fault["seed"]),
                retry_after=fault.get("retry_after"),
            )
        self.cpu_at_reset = _cpu_seconds()

    def _stamp(self, call: Call) -> None:
        at = time.monotonic()
        body = call.body if isinstance(call.body, dict) else {}
        reply_to = call.activity_id or body.get("replyToId")
        said = body.get("text") if isinstance(body.get("text"), str) else None
        self.arrivals.append((at, call.conversation_id, reply_to, call.route, said))

    def activities(self, conversation_id: str) -> list[Any]:
        """The bodies of the activities sent or replied into one conversation."""
        return [c.body for c in self.connector.delivered(conversation_id)]

    def summary(self) -> dict[str, Any]:
        """What arrived since the last reset (small: counts, not bodies)."""
        connector = self.connector
        delivered = Counter(c.conversation_id for c in connector.delivered())
        created = {
            conversation_id: members[0].id
            for conversation_id, members in connector.conversation_members.items()
            if members
        }
        # The card's own delivery id, per conversation: lets the benchmark check that
        # each owner's chat got that owner's card.
        card_ids: dict[str, list[str]] = {}
        for call in connector.delivered():
            for attachment in call.body.get("attachments") or ():
                card_id = _card_id(attachment.get("content"))
                if card_id is not None:
                    card_ids.setdefault(str(call.conversation_id), []).append(card_id)
        violations = self.throttle.violations if self.throttle is not None else []
        arrivals = connector.calls
        return {
            "requests": len(arrivals),
            "answered": len(connector.answered),
            "refused": len(arrivals) - len(connector.answered),
            "routes": dict(Counter(c.route for c in arrivals)),
            "delivered": dict(delivered),
            "created": created,
            "card_ids": card_ids,
            "violations": len(violations),
            "violations_by_scope": dict(Counter(v.scope for v in violations)),
            "cpu_seconds": _cpu_seconds() - self.cpu_at_reset,
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }


CONTROL_KEY = web.AppKey("control", Control)


def _card_id(element: Any) -> str | None:
    """The ``card_id`` in a card's action data, wherever the action sits."""
    if isinstance(element, dict):
        if isinstance(element.get("card_id"), str):
            return str(element["card_id"])
        element = list(element.values())
    if isinstance(element, list):
        for child in element:
            found = _card_id(child)
            if found is not None:
                return found
    return None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _reset(request: web.Request) -> web.Response:
    body = await request.json()
    request.app[CONTROL_KEY].reset(
        bool(body.get("throttle")), list(body.get("faults") or []), bool(body.get("arrivals"))
    )
    return web.json_response({"ok": True})


async def _arrivals(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONTROL_KEY].arrivals)


async def _activities(request: web.Request) -> web.Response:
    conversation_id = request.query.get("conversation", "")
    return web.json_response(request.app[CONTROL_KEY].activities(conversation_id))


async def _summary(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONTROL_KEY].summary())


async def serve() -> None:
    """Start the connector and its control server; print both URLs; wait for a signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Connector() as connector:
        control_app = web.Application()
        control_app[CONTROL_KEY] = Control(connector)
        control_app.router.add_post("/reset", _reset)
        control_app.router.add_get("/summary", _summary)
        control_app.router.add_get("/arrivals", _arrivals)
        control_app.router.add_get("/activities", _activities)
        runner = web.AppRunner(control_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        print(json.dumps({"url": connector.url, "control": f"http://127.0.0.1:{port}/"}))
        sys.stdout.flush()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
