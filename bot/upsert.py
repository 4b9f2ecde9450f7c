"""Read, modify, save with the store's ETags; one retry when someone wrote in between."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage.errors import ConflictError


@dataclass(frozen=True, slots=True)
class Upserted[E]:
    """What was stored before and after an :func:`upsert` (the same when nothing changed)."""

    before: E | None
    after: E | None


async def upsert[E](
    save: Callable[[E], Awaitable[E]],
    load: Callable[[], Awaitable[E | None]],
    change: Callable[[E | None], E | None],
) -> Upserted[E]:
    """Apply ``change`` to what ``load`` reads and ``save`` it; returns before and after.

    ``change`` gets the stored entity (None if there is none) and returns the
    entity to store, built with :func:`dataclasses.replace` so it keeps the
    stored ETag, or None when nothing needs writing (then ``after`` is ``before``).
    On :class:`ConflictError` (another writer won, or created it first) the
    entity is read again and ``change`` applied once more; a second conflict
    propagates.
    """
    for attempt in range(2):
        before = await load()
        wanted = change(before)
        if wanted is None:
            return Upserted(before, before)
        try:
            return Upserted(before, await save(wanted))
        except ConflictError:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")
