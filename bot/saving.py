"""The one way a form is saved: freshness, load, permission, read, show again, write, conflict.

Every form verb (objective, key result, initiative, KPI) is a :class:`SavePath`
that says only what differs: how to load what the card names, how to read the
form, how to show it again with problems, how to write, and what to answer.
The order of the checks, and the permission rule (the object's own team,
``okr_views.may_change``), are here once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import okr_views
from bot.features import Card, CardAction, Replies, Text, Turn
from cards.forms import FormResult
from cards.i18n import text
from okr.models import Initiative, KeyResult, Kpi, Objective, ObjectiveState
from storage.errors import ConflictError

_MAX_ID = 200


@dataclass(frozen=True, slots=True)
class Target[E: (Objective, KeyResult, Initiative, Kpi)]:
    """What a form saves into: the stored object (None to create one) and its objective.

    ``objective`` is the objective of a key result or initiative (stored or new);
    for an objective or a KPI it is None.
    """

    existing: E | None
    objective: Objective | None = None


@dataclass(frozen=True, slots=True)
class SavePath[E: (Objective, KeyResult, Initiative, Kpi), I]:
    """How one kind of object is saved from its form (see the module docs).

    Attributes:
        refused: Catalog key of the answer when the person may not change it.
        load: What the card names; None when it is gone (or names another
            objective's child): the card is out of date.
        read: The form as submitted, read and checked.
        again: The form shown again, as typed, with its problems.
        write: Create or replace; may raise ConflictError.
        done: The answer once saved (the action carries the form's way back).
        changed: The answer when someone else saved first.
    """

    refused: str
    load: Callable[[Turn, CardAction], Awaitable[Target[E] | None]]
    read: Callable[[Turn, CardAction, Target[E]], Awaitable[FormResult[I]]]
    again: Callable[[Turn, CardAction, Target[E], FormResult[I]], Awaitable[Card]]
    write: Callable[[Turn, CardAction, Target[E], I], Awaitable[E]]
    done: Callable[[Turn, CardAction, Target[E], E], Awaitable[Replies]]
    changed: Callable[[Turn, Target[E]], Awaitable[Replies]]

    async def __call__(self, turn: Turn, action: CardAction) -> Replies:
        """The verb handler: one save, each step in the same order for every form."""
        lang = okr_views.language(turn)
        if not action.is_current:
            return expired(turn)
        target = await self.load(turn, action)
        if target is None:
            return expired(turn)
        # Creating a key result or initiative changes its objective; a new
        # objective or KPI belongs to nobody yet (anyone may draft their own).
        judged = target.existing if target.existing is not None else target.objective
        if judged is not None and not await okr_views.may_change(turn, judged, target.objective):
            return Text(text(lang, self.refused))
        # A closed objective is read-only, with everything in it (docs/close.md).
        home = target.objective or target.existing
        if isinstance(home, Objective) and home.state is ObjectiveState.CLOSED:
            return Text(text(lang, "closing.read_only"))
        form = await self.read(turn, action, target)
        if not form.ok or form.parsed is None:
            return await self.again(turn, action, target, form)
        try:
            saved = await self.write(turn, action, target, form.parsed)
        except ConflictError:
            return await self.changed(turn, target)
        return await self.done(turn, action, target, saved)


def card_id(data: Mapping[str, Any], name: str) -> str | None:
    """An id the card carries in its data, if it is one (a short string)."""
    value = data.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_ID else None


def expired(turn: Turn) -> Text:
    """The answer to a card that names something gone or is from an older version."""
    return Text(text(okr_views.language(turn), "error.card_expired_gone"))
