"""Where a form or card was opened from: what its Cancel or Back shows again.

A form replaces the card its button was on (the objective card, for a key
result's form); its Cancel brings that card back, rebuilt from the store. An
objective opened from ``my okrs`` has Back to the list. The way back travels in
the action's data as a small :class:`Origin` under the key ``"origin"``; it
comes back from Teams like any input, so :func:`read_origin` trusts nothing in
it, and what it names is read again from the store.

A form sent fresh into a chat (``new``, a button whose card stays) replaced
nothing: its origin has no place, and Cancel answers "Nothing was changed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cards import verbs
from cards.elements import Element, card, execute, paragraph
from cards.i18n import Language, text

_KEY = "origin"
_MAX_ID = 200


class Place(StrEnum):
    """A card that Cancel or Back can rebuild."""

    OBJECTIVE = "objective"  # the objective card (its id in ``Origin.objective_id``)
    MY_OKRS = "my_okrs"  # the person's list of objectives


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a form or card came from.

    Attributes:
        person: Who opened it (a member id): only they may take it back; for
            anyone else Cancel changes nothing, not even the card. Empty on the
            buttons of a card anyone may press: the form they open sets it.
        place: The card to rebuild; None when the form replaced nothing.
        objective_id: The objective, for :attr:`Place.OBJECTIVE`.
        back: Where that objective card itself came from (``my okrs``): its Back.
        team_id: On a team settings card: the team whose owners may take it back
            too (the opener may have been one of several owners).
    """

    person: str = ""
    place: Place | None = None
    objective_id: str | None = None
    back: Place | None = None
    team_id: str | None = None

    def data(self) -> dict[str, Any]:
        """The action data that carries this origin."""
        fields = {
            "person": self.person,
            "place": self.place.value if self.place else "",
            "objective_id": self.objective_id or "",
            "back": self.back.value if self.back else "",
            "team_id": self.team_id or "",
        }
        return {_KEY: {name: value for name, value in fields.items() if value}}

    def opened_by(self, person: str) -> Origin:
        """This origin for a form that ``person`` just opened from it."""
        return Origin(person, self.place, self.objective_id, self.back)

    def restored(self) -> Origin | None:
        """The origin of the card Cancel rebuilds (the objective card's own Back), if any."""
        return Origin(self.person, self.back) if self.back else None


# A form sent fresh into a chat, by nobody in particular: Cancel says nothing changed.
FRESH = Origin()


def read_origin(data: Mapping[str, Any]) -> Origin:
    """The origin a card's action carries; whatever is missing or malformed is left out.

    An objective place without a usable objective id, or an unknown place, is no
    place: Cancel then changes nothing and says so.
    """
    raw = data.get(_KEY)
    if not isinstance(raw, Mapping):
        return Origin()

    def short(name: str) -> str:
        value = raw.get(name)
        return value if isinstance(value, str) and len(value) <= _MAX_ID else ""

    place = _place(short("place"))
    objective_id = short("objective_id") or None
    if place is Place.OBJECTIVE and objective_id is None:
        place = None
    back = _place(short("back"))
    return Origin(
        person=short("person"),
        place=place,
        objective_id=objective_id if place is Place.OBJECTIVE else None,
        back=back if back is Place.MY_OKRS and place is Place.OBJECTIVE else None,
        # Only a card that replaced nothing (team settings) names a team.
        team_id=(short("team_id") or None) if place is None else None,
    )


def _place(value: str) -> Place | None:
    try:
        return Place(value)
    except ValueError:
        return None


def cancel_action(lang: Language, origin: Origin, key: str = "action.cancel") -> Element:
    """The button that leaves a form (or, with ``action.back``, a card) without saving."""
    return execute(text(lang, key), verbs.GO_BACK, origin.data(), associatedInputs="none")


def nothing_changed_card(lang: Language) -> Element:
    """What a form cancelled with nothing to go back to turns into."""
    return card([paragraph(text(lang, "form.nothing_changed"), isSubtle=True)])
