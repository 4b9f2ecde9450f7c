"""The "Correct" button: a recorded check-in reopened with what it recorded, in its round.

The correction is a check-in of its own that names the one it replaces; the
store keeps both and marks the earlier one (see ``docs/scheduling.md``).
"""

from __future__ import annotations

import asyncio
import hashlib

from bot import okr_views
from bot.checkin_cards import checkin_ids, compose, open_card
from bot.features import CardAction, Replies, Text, Turn
from cards import verbs
from cards.checkin import (
    CORRECT_BESIDE,
    note_field,
    status_field,
    value_field,
)
from cards.i18n import text
from cards.locale_format import (
    format_typed,
)


async def correct_checkin(turn: Turn, action: CardAction) -> Replies:
    """ "Correct": the card again with what the check-ins recorded, while their round is open.

    The correction card's id comes from the check-ins it corrects, so opening it
    twice gives one card, and its check-ins are stored once.
    """
    lang = okr_views.language(turn)
    if not turn.is_personal:
        return Text(text(lang, "checkin.in_personal_chat"))
    ids = action.data.get("checkins") if action.is_current else None
    if not checkin_ids(ids):
        return Text(text(lang, "error.card_expired_gone"))
    found = await asyncio.gather(*(turn.store.get_checkin(turn.tenant_id, i) for i in ids))
    earlier = [c for c in found if c is not None]
    if len(earlier) != len(ids) or len({c.key_result_id for c in earlier}) != len(ids):
        return Text(text(lang, "error.card_expired_gone"))
    if any(c.superseded_by is not None for c in earlier):
        return Text(text(lang, "checkin.correct.since"))  # correct the newest record instead
    card_id = hashlib.sha256("|".join(["correct", *ids]).encode()).hexdigest()[:32]
    opened = await open_card(
        turn,
        CardAction(
            verbs.CHECKIN_SUBMIT,
            {
                **action.data,
                "card_id": card_id,
                "key_results": [c.key_result_id for c in earlier],
                "round_id": earlier[0].round_id,
                "corrects": ids,
            },
        ),
    )
    if isinstance(opened, Text):
        return opened
    values: dict[str, str] = {}
    for index, kr in enumerate(opened.key_results):
        recorded = opened.corrects[kr.id]
        values[value_field(index)] = format_typed(recorded.value, kr.kind, lang)
        values[status_field(index)] = recorded.status.value
        values[note_field(index)] = recorded.note
    card = compose(
        turn,
        opened.key_results,
        opened.objectives,
        opened.team,
        card_id=card_id,
        round_id=opened.round_id,
        values=values,
        corrects=[opened.corrects[kr.id].id for kr in opened.key_results],
    )
    if action.data.get(CORRECT_BESIDE) is True:
        # Pressed on a card with inputs: it stays, with what was typed into it.
        return [Text(text(lang, "checkin.correct.below"), in_place=True), card]
    return card
