"""Backends for the contract suite: every test runs against SQLite and Cosmos."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage.backend import DocumentBackend
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cosmos_server import cosmos, cosmos_backend_factory  # noqa: F401 (fixtures)

BackendFactory = Callable[[], DocumentBackend]


@pytest.fixture(params=["sqlite", pytest.param("cosmos", marks=pytest.mark.cosmos)])
def backend_factory(request: pytest.FixtureRequest, tmp_path: Path) -> BackendFactory:
    """Builds new, unopened backends that all see the same database.

    Calling it twice gives two independent store objects on one file or one
    Cosmos database: that is how the suite simulates a restart or a second
    app instance.
    """
    if request.param == "sqlite":
        path = tmp_path / "okr.sqlite3"
        return lambda: SqliteBackend(path)
    factory: BackendFactory = request.getfixturevalue("cosmos_backend_factory")
    return factory


@pytest.fixture
async def store(backend_factory: BackendFactory) -> AsyncIterator[OkrStore]:
    """An open store on a fresh, empty database."""
    async with OkrStore(backend_factory()) as opened:
        yield opened
