"""Cancel and Back: the card a form or an objective card came from, rebuilt, nothing saved.

The way back travels in the button's data (:mod:`cards.origin`), read like any
untrusted input. What it names is read again from the store, for the person
pressing: an objective gone since, a card from an older version, or someone
else's card change nothing and say so.
"""

from __future__ import annotations

from bot import browsing, okr_views
from bot.authoring import form_card, show_objective
from bot.features import CardAction, Features, Replies, Text, Turn
from bot.saving import expired
from cards import verbs
from cards.i18n import text
from cards.origin import Origin, Place, nothing_changed_card, read_origin
from okr.permissions import is_team_owner


def register(features: Features) -> None:
    """Register the verb of every Cancel and Back button."""
    features.add_verb(verbs.GO_BACK, go_back)


async def go_back(turn: Turn, action: CardAction) -> Replies:
    """The card the form replaced (or the list an objective was opened from); never a write."""
    lang = okr_views.language(turn)
    if not action.is_current:
        return expired(turn)
    origin = read_origin(action.data)
    if not await _yours(turn, origin):
        # Another person's form in a shared chat: their card stays as it is.
        return Text(text(lang, "form.not_yours"))
    if origin.place is Place.OBJECTIVE and origin.objective_id:
        objective = await turn.store.get_objective(turn.tenant_id, origin.objective_id)
        if objective is not None:
            return await show_objective(turn, objective, back=origin.restored())
    if origin.place is Place.MY_OKRS:
        return await browsing.my_okrs(turn, "")
    return form_card(nothing_changed_card(lang), lang, "form.nothing_changed")


async def _yours(turn: Turn, origin: Origin) -> bool:
    """Whether the presser may take the card back: who opened it, or an owner of its team.

    A team settings card's team is read in the presser's own tenant: a card from
    another organisation is nobody's there, whatever id its opener had.
    """
    if origin.team_id is None:
        return not origin.person or origin.person == turn.member.id
    team = await turn.store.get_team(turn.tenant_id, origin.team_id)
    if team is None:
        return False
    return origin.person == turn.member.id or is_team_owner(turn.member.id, team)
