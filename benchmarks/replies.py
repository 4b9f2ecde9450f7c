"""What one reply costs the bot's process: the SDK's client factory against ours.

Each reply is what a turn does: ask the factory for the turn's connector
client, send one ``reply_to_activity`` to the connector
(:mod:`benchmarks.connector_server`, a process of its own on 127.0.0.1) and
close the client. The SDK's ``RestChannelServiceClientFactory`` opens a new
connection per reply; :class:`bot.turn_clients.TurnClients` keeps them open.
Runs alternate between the two; CPU is this process's (the client side only)::

    .venv/bin/python -m benchmarks.replies --runs 5 --replies 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import ClaimsIdentity, RestChannelServiceClientFactory
from microsoft_agents.hosting.core.channel_service_client_factory_base import (
    ChannelServiceClientFactoryBase,
)

from benchmarks.fanout import connector_process
from bot.hosting import LoopbackServiceUrls, cache_product_info, sdk_configuration
from bot.turn_clients import TurnClients
from settings import Settings


async def _replies(
    factory: ChannelServiceClientFactoryBase, url: str, n: int
) -> tuple[float, float]:
    """CPU and wall milliseconds per reply over ``n`` replies."""
    claims = ClaimsIdentity()  # local mode: anonymous, as the benchmarks' app runs
    body = Activity(type="message", text="Your OKRs " * 40)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        client = await factory.create_connector_client(None, claims, url, "aud", None, True)
        await client.conversations.reply_to_activity("a:conv-1", "act-1", body)
        await client.close()
    return (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000


async def _main(runs: int, replies: int) -> dict[str, dict[str, float]]:
    cache_product_info()  # as the app does at start-up
    connections = MsalConnectionManager(**sdk_configuration(Settings.from_env({}, env_file=None)))
    factories: dict[str, ChannelServiceClientFactoryBase] = {
        "sdk": RestChannelServiceClientFactory(connections),
        "ours": TurnClients(connections, LoopbackServiceUrls(), guarded=False),
    }
    with connector_process() as connector:
        for factory in factories.values():  # warm up
            await _replies(factory, connector.url, 50)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in factories}
        for _run in range(runs):
            for name, factory in factories.items():
                figures[name].append(await _replies(factory, connector.url, replies))
    ours = factories["ours"]
    assert isinstance(ours, TurnClients)
    await ours.close()
    return {
        name: {
            "cpu_ms_median": round(statistics.median(c for c, _ in runs_), 3),
            "cpu_ms_min": round(min(c for c, _ in runs_), 3),
            "cpu_ms_max": round(max(c for c, _ in runs_), 3),
            "wall_ms_median": round(statistics.median(w for _, w in runs_), 3),
        }
        for name, runs_ in figures.items()
    }


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--replies", type=int, default=300, help="replies per run and factory")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_main(args.runs, args.replies)), indent=2))


if __name__ == "__main__":
    main()
