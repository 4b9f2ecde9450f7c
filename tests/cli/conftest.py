"""The Cosmos-compatible test server, for the import's resume tests."""

from tests.cosmos_server import cosmos, cosmos_backend_factory  # noqa: F401 (fixtures)
