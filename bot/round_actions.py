"""A scheduled round's other buttons: "Remind me later" on a card, "Nudge them" on a summary.

Both only leave a record among the round's deliveries; the next reminder pass
sends what it asks for, exactly once (see docs/scheduling.md).
"""

from __future__ import annotations

import dataclasses

from bot import okr_views
from bot.checkin_cards import MAX_ID, card_ids
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from cards import verbs
from cards.checkin import later_set_card
from cards.i18n import text
from cards.locale_format import format_datetime
from okr.cadence import RemindLater, remind_later_at
from okr.due import DeliveryKind, delivery_id, nudge_request_id, parse_round_id
from okr.models import Delivery, DeliveryState
from okr.permissions import is_team_owner
from storage.errors import ConflictError


def register(features: Features) -> None:
    """Register "Remind me later" and "Nudge them"."""
    features.add_verb(verbs.CHECKIN_LATER, remind_later)
    features.add_verb(verbs.CHECKIN_NUDGE, nudge)


async def remind_later(turn: Turn, action: CardAction) -> Replies:
    """ "Remind me later": this round's card comes back at the chosen time, as its reminder."""
    lang = okr_views.language(turn)
    ids = card_ids(action.data) if action.is_current else None
    choice = action.data.get("later")
    if ids is None or choice not in {c.value for c in RemindLater}:
        return Text(text(lang, "error.card_expired_gone"))
    _card_id, _kr_ids, round_id = ids
    if round_id is None:
        return Text(text(lang, "checkin.later.unavailable"))
    store = turn.store
    # Only the person's own scheduled card: its record is keyed by their id.
    card_record = await store.get_delivery(
        turn.tenant_id, delivery_id(round_id, turn.member.id, DeliveryKind.CHECKIN)
    )
    if card_record is None:
        return Text(text(lang, "checkin.later.unavailable"))
    reminded = await store.get_delivery(
        turn.tenant_id, delivery_id(round_id, turn.member.id, DeliveryKind.REMINDER)
    )
    if reminded is not None and reminded.state is DeliveryState.SENT:
        return Text(text(lang, "checkin.later.already"))
    team = await okr_views.team_of(turn)
    zone = okr_views.time_zone(turn, team)
    at = remind_later_at(RemindLater(choice), turn.now, zone)
    try:
        await store.save_delivery(dataclasses.replace(card_record, remind_at=at))
    except ConflictError:  # the scheduler wrote the record meanwhile: once more
        fresh = await store.get_delivery(turn.tenant_id, card_record.id)
        if fresh is None:
            return Text(text(lang, "checkin.later.unavailable"))
        await store.save_delivery(dataclasses.replace(fresh, remind_at=at))
    shown = format_datetime(at, lang, zone)
    return Card(later_set_card(lang, shown), fallback_text=text(lang, "checkin.later.title"))


async def nudge(turn: Turn, action: CardAction) -> Replies:
    """A team owner's "Nudge them": one more reminder to those still missing, once a round.

    Only the team's own owners, only the team's own rounds. The next reminder
    pass sends it (the engine's records keep it to one per person).
    """
    lang = okr_views.language(turn)
    team_id, round_id = action.data.get("team_id"), action.data.get("round_id")
    if not action.is_current or not isinstance(team_id, str) or not isinstance(round_id, str):
        return Text(text(lang, "error.card_expired_gone"))
    parsed = parse_round_id(round_id) if len(round_id) <= 2 * MAX_ID else None
    if parsed is None or parsed[0] != team_id or len(team_id) > MAX_ID:
        return Text(text(lang, "error.card_expired_gone"))
    team = await turn.store.get_team(turn.tenant_id, team_id)
    if team is None:
        return Text(text(lang, "error.card_expired_gone"))
    if not is_team_owner(turn.member.id, team):
        return Text(text(lang, "summary.nudge.not_owner"))
    request = Delivery(
        tenant_id=turn.tenant_id,
        id=nudge_request_id(round_id),
        round_id=round_id,
        member_id=turn.member.id,
        kind=DeliveryKind.NUDGE_REQUEST.value,
        state=DeliveryState.SENT,
        created_at=turn.now,
        updated_at=turn.now,
    )
    try:
        await turn.store.save_delivery(request)
    except ConflictError:  # the record exists: this round was nudged
        return Text(text(lang, "summary.nudge.already"))
    return Text(text(lang, "summary.nudge.sent"))
