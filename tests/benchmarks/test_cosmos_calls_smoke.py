"""The Cosmos call benchmark still runs, and its calls did what they claim.

No timing is judged here (a shared machine's milliseconds are not for a test).
What is judged is what the timed calls left in the database: every create
and POST stored its document, every replace moved its document on by one, and
every save of the key result was kept; and that every operation was reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.cosmos_calls import (
    BASELINES,
    KIND,
    OPERATIONS,
    TENANT,
    key_result_and_objective,
    main,
    measure,
)
from storage.store import OkrStore
from tests.cosmos_server import (
    CosmosServer,
    cosmos,  # noqa: F401 (fixture)
    cosmos_backend,
    drop_cosmos_database,
    new_database_name,
)

CALLS = 4
RUNS = 2
WARM_UP = min(CALLS, 5)  # each operation runs this many calls once before the clock
MADE = WARM_UP + RUNS * CALLS  # calls of each operation in all
# Call n of a round replaces document n: the warm-up and each run replace each once.
REPLACED = 1 + RUNS


@pytest.mark.cosmos
async def test_every_timed_call_stored_or_read_what_it_claims(cosmos: CosmosServer) -> None:  # noqa: F811
    database = new_database_name("calls")
    try:
        figures = await measure(cosmos.endpoint, cosmos.key, database, CALLS, RUNS)
        async with OkrStore(cosmos_backend(cosmos.endpoint, cosmos.key, database)) as store:
            backend = store.backend
            created = [await backend.read(TENANT, KIND, f"new-{n:06d}") for n in range(1, MADE + 1)]
            posted = [await backend.read(TENANT, KIND, f"post-{n:06d}") for n in range(1, MADE + 1)]
            beyond = await backend.read(TENANT, KIND, f"new-{MADE + 1:06d}")
            replaced = [await backend.read(TENANT, KIND, f"doc-{n:05d}") for n in range(CALLS)]
            untouched = await backend.read(TENANT, KIND, f"doc-{CALLS:05d}")
            saved = await store.get_key_result(TENANT, key_result_and_objective()[0].id)
    finally:
        await drop_cosmos_database(cosmos.endpoint, cosmos.key, database)

    assert [doc.body["value"] if doc else None for doc in created] == list(range(1, MADE + 1))
    assert beyond is None
    # The POSTs went to the same container, in the backend's own layout.
    assert [doc.body["id"] if doc else None for doc in posted] == [
        f"post-{n:06d}" for n in range(1, MADE + 1)
    ]
    assert [doc.body["value"] if doc else None for doc in replaced] == [REPLACED] * CALLS
    assert untouched is not None and untouched.body["value"] == 0
    assert saved is not None
    assert saved.current == key_result_and_objective()[0].current + MADE

    by_name = {f.operation: f for f in figures}
    assert list(by_name) == [*OPERATIONS, *BASELINES]
    assert by_name["kr_get"].store_calls == 1
    # save_key_result: the replace, a read of its objective, the next-due token.
    assert by_name["kr_save"].store_calls == 3
    assert all(f.cpu_ms > 0 and f.wall_ms > 0 for f in figures)
    assert {f.baseline for f in figures if f.operation in OPERATIONS} == {"http_get", "http_post"}


@pytest.mark.cosmos
def test_the_command_line_writes_every_operation_to_json(
    cosmos: CosmosServer,  # noqa: F811 (fixture: one server for the session)
    tmp_path: Path,
) -> None:
    out = tmp_path / "calls.json"

    status = main(
        ["--calls", "2", "--runs", "1", "--operations", "read,kr_get", "--json", str(out)]
    )

    assert status == 0
    figures = json.loads(out.read_text())
    assert (figures["calls"], figures["runs"]) == (2, 1)
    assert [f["operation"] for f in figures["operations"]] == ["read", "kr_get", *BASELINES]
    assert all(f["cpu_ms"] > 0 for f in figures["operations"])
