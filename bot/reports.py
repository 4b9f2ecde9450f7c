"""``digest`` in chat: the team's progress (the period close is bot/closing.py).

``digest`` in a channel is the card the scheduled digest posts (``cards.digest``),
read by :func:`scheduling.digest_reads.read_team_digest`; "Check in now" on it
sends the presser their own check-in card.
"""

from __future__ import annotations

import asyncio

from bot import okr_views
from bot.checkin import checkin_command
from bot.checkin_cards import MAX_ID
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn, as_reply_list
from cards import verbs
from cards.deliveries import DeliveryCards, team_language
from cards.digest import team_digest_card
from cards.i18n import text
from okr.digest import NoActiveObjectivesError, build_digest, digest_today
from okr.models import ObjectiveState, Team, TeamSettings
from okr.permissions import may_change
from scheduling.digest_reads import named_ids, read_members, read_team_digest


def register(features: Features) -> None:
    """Register ``digest`` and "Check in now" (``close`` is bot/closing.py)."""
    features.add_command("digest", digest, aliases=ALIASES[CommandName.DIGEST][1:])
    features.add_verb(verbs.CHECKIN_NOW, checkin_now)


async def digest(turn: Turn, args: str) -> Replies:
    """The team's digest now, in its channel; the person's own, in their personal chat.

    In a team's channel it is the card the scheduled digest posts (in the team's
    language), compared with the last posted digest; nothing is stored.
    Elsewhere it is the person's own objectives and key results in the same shape.
    """
    if turn.team_id and not turn.is_personal:
        return await _team_digest(turn, turn.team_id)
    return await _own_digest(turn)


async def _team_digest(turn: Turn, team_id: str) -> Replies:
    team = await turn.store.get_team(turn.tenant_id, team_id)
    if team is None:
        return Text(text(okr_views.language(turn), "digest.empty"))
    try:
        found, members = await read_team_digest(
            turn.store, team, now=turn.now, slot=digest_today(team, turn.now)
        )
    except NoActiveObjectivesError:
        return Text(text(team_language(team), "digest.empty"))
    composed = DeliveryCards().digest(team, found, members)
    return Card(composed.content, fallback_text=composed.fallback_text)


async def _own_digest(turn: Turn) -> Replies:
    """The person's own objectives, and their own key results, as a digest.

    Reads what it shows: the person's objectives and key results (one query
    each), the key results of the objectives they own, the objectives of their
    key results and the people named; never the tenant's.
    """
    lang = okr_views.language(turn)
    me = turn.member.id
    owned, mine = await asyncio.gather(
        turn.store.list_objectives(turn.tenant_id, owner_id=me),
        turn.store.list_key_results(turn.tenant_id, owner_id=me),
    )
    active = [o for o in owned if o.state is ObjectiveState.ACTIVE]
    theirs, others = await asyncio.gather(
        asyncio.gather(
            *(turn.store.list_key_results(turn.tenant_id, objective_id=o.id) for o in active)
        ),
        okr_views.objectives_of(turn, mine),
    )
    objectives = {o.id: o for o in [*others.values(), *active]}
    key_results = {kr.id: kr for kr in [*mine, *(kr for found in theirs for kr in found)]}
    home = await okr_views.team_of(turn)
    # The person as a team of one (okr.digest.build_digest). Pace is counted in the
    # home team's zone, as on every other card (okr_views.pace_zone), not the person's.
    person = Team(
        tenant_id=turn.tenant_id,
        id=me,
        name=turn.member.name,
        settings=home.settings if home is not None else TeamSettings(),
    )
    # The home team's KPIs beside them, with "Update" on those the person may change.
    kpis = await turn.store.list_kpis(turn.tenant_id, home.id) if home is not None else []
    try:
        found = build_digest(
            person,
            list(objectives.values()),
            list(key_results.values()),
            now=turn.now,
            slot=digest_today(person, turn.now),
            previous=None,
            asked=set(),
            kpis=kpis,
        )
    except NoActiveObjectivesError:
        return Text(text(lang, "digest.personal_empty"))
    names = await read_members(turn.store, turn.tenant_id, named_ids(found))
    editable = [k.id for k in kpis if may_change(turn.member, k, home)]
    card = team_digest_card(lang, found, names, personal=True, kpi_edits=editable)
    return Card(card, fallback_text=text(lang, "digest.personal_title"))


async def checkin_now(turn: Turn, action: CardAction) -> Replies:
    """ "Check in now" on a digest: the presser's own check-in card, in their personal chat.

    Pressed on a channel's digest, the answer goes to the presser's personal chat
    and the digest stays as it is (the verb is not answered in place). The card
    names its team: a press from anywhere that team is not (another tenant) is
    refused, and nothing is sent or stored.
    """
    lang = okr_views.language(turn)
    team_id = action.data.get("team_id")
    if not action.is_current or not (team_id is None or isinstance(team_id, str)):
        return Text(text(lang, "error.card_expired_gone"))
    if team_id is not None and (
        len(team_id) > MAX_ID or await turn.store.get_team(turn.tenant_id, team_id) is None
    ):
        return Text(text(lang, "error.card_expired_gone"))
    replies = as_reply_list(await checkin_command(turn, ""))
    if all(isinstance(reply, Text) for reply in replies):
        return replies  # nothing to check in: said as it is
    # In the personal chat the digest stays too: the check-in card comes as the next message.
    return [Text(text(lang, "digest.checkin_below"), in_place=True), *replies]
