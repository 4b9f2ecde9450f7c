"""Storage: one async store for everything the product keeps, two backends.

``OkrStore`` is the typed interface the rest of the app uses. It stands on a
``DocumentBackend`` (SQLite embedded, Azure Cosmos DB in production); the
contract suite in ``tests/storage`` runs unchanged against both.
"""
