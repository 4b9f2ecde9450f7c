"""The alignment tree: company → team → individual, rolled up, with filters; cycles never hang."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from okr.models import KeyResult, KeyResultKind, Level, Objective, ObjectiveState
from tests import factories as f
from tests.tab.conftest import TabClient
from tests.tab.seed import ALICE_ID, Q4, SEEDED


def _ids(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["id"] for n in nodes]


async def _objective(tab: TabClient, id_: str, parent: str | None, **fields: Any) -> None:
    await tab.bot.store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id=id_,
            title=fields.pop("title", id_),
            owner_id=ALICE_ID,
            period=Q4,
            state=ObjectiveState.ACTIVE,
            parent_id=parent,
            **fields,
        )
    )


async def test_the_tree_rolls_progress_up_from_children(tab: TabClient) -> None:
    await _objective(tab, "company", None, level=Level.ORGANIZATION, title="Be the best")
    revenue = await tab.bot.store.get_objective(f.TENANT_ID, SEEDED.revenue)
    assert revenue is not None
    await tab.bot.store.save_objective(replace(revenue, parent_id="company"))
    await tab.bot.store.save_key_result(
        KeyResult(
            tenant_id=f.TENANT_ID,
            id="kr-binh",
            objective_id=SEEDED.binh_own,
            title="Read the docs",
            owner_id=None,
            kind=KeyResultKind.NUMBER,
            start=Decimal(0),
            target=Decimal(10),
            current=Decimal(10),
        )
    )

    body = await tab.json("api/tab/alignment")

    company = next(n for n in body["roots"] if n["id"] == "company")
    [revenue_node] = company["children"]
    [binh] = revenue_node["children"]
    assert company["level"] == "organization" and company["level_text"] == "Organization"
    assert binh["progress"] == 1.0
    # Revenue: its own two key results (0.35, 0) and Bình's objective (1.0), weight 1 each.
    assert revenue_node["progress"] == (0.35 + 0 + 1.0) / 3
    assert company["progress"] == revenue_node["progress"]
    assert revenue_node["status"] == "at_risk" and binh["status"] == "none"
    assert revenue_node["owner_name"] == "Alice Nguyen" and revenue_node["team_name"] == "Sales"


async def test_a_cycle_shows_its_objectives_as_roots_and_does_not_hang(tab: TabClient) -> None:
    await _objective(tab, "a", "b")
    await _objective(tab, "b", "a")
    await _objective(tab, "self", "self")
    await _objective(tab, "under-a", "a")

    body = await tab.json("api/tab/alignment")

    roots = {n["id"]: n for n in body["roots"]}
    assert {"a", "b", "self"} <= roots.keys()
    assert _ids(roots["a"]["children"]) == ["under-a"]
    assert roots["b"]["children"] == [] and roots["self"]["children"] == []


async def test_filters_keep_a_match_where_it_sits(tab: TabClient) -> None:
    body = await tab.json("api/tab/alignment?q=learn")

    [revenue] = body["roots"]
    assert revenue["id"] == SEEDED.revenue  # kept: it is above the match
    assert _ids(revenue["children"]) == [SEEDED.binh_own]


async def test_a_deep_chain_is_served(tab: TabClient) -> None:
    parent = None
    for n in range(300):
        await _objective(tab, f"chain-{n}", parent)
        parent = f"chain-{n}"

    body = await tab.json("api/tab/alignment?q=chain-299")

    node = next(n for n in body["roots"] if n["id"] == "chain-0")
    depth = 1
    while node["children"]:
        [node] = node["children"]
        depth += 1
    assert depth == 300 and node["id"] == "chain-299"
