"""Choose and build the storage backend named by the settings."""

from __future__ import annotations

from settings import Settings
from storage.backend import CALL_DEADLINE_S, DocumentBackend
from storage.store import OkrStore


def backend_from_settings(
    settings: Settings, *, deadline_s: float = CALL_DEADLINE_S
) -> DocumentBackend:
    """The backend ``STORAGE`` names, not yet opened.

    ``deadline_s`` is how long one storage call may take: the default suits a
    request; operator commands that read or write a whole tenant pass more.
    """
    if settings.storage == "cosmos":
        from storage.cosmos import CosmosBackend  # imported only when used

        assert settings.cosmos_endpoint is not None  # validated by Settings
        return CosmosBackend(
            endpoint=settings.cosmos_endpoint,
            key=settings.cosmos_key,
            database=settings.cosmos_database,
            container=settings.cosmos_container,
            verify_tls=settings.cosmos_verify_tls,
            deadline_s=deadline_s,
        )
    from storage.sqlite import SqliteBackend

    return SqliteBackend(settings.sqlite_path, deadline_s=deadline_s)


def store_from_settings(settings: Settings, *, deadline_s: float = CALL_DEADLINE_S) -> OkrStore:
    """An ``OkrStore`` over the configured backend; open it with ``async with``."""
    return OkrStore(backend_from_settings(settings, deadline_s=deadline_s))
