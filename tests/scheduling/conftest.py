"""The scheduling tests run on SQLite and on the Cosmos-compatible server."""

from tests.cosmos_server import cosmos, cosmos_backend_factory  # noqa: F401 (fixtures)
from tests.storage.conftest import backend_factory, store  # noqa: F401 (fixtures)
