"""A submitted check-in card, read back: its key results loaded, the person allowed.

Everything a check-in card's button carries comes back from Teams and is
trusted in nothing: the ids are checked for shape, the key results, objectives
and teams read again, and the person's right to check in judged by each key
result's own team (:func:`okr.permissions.may_change`), never by the
conversation the card was pressed in.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from bot import okr_views
from bot.features import Card, CardAction, Text, Turn
from cards.checkin import (
    DoneLine,
)
from cards.deliveries import DeliveryCards
from cards.i18n import text
from okr.due import in_open_round
from okr.models import (
    CheckIn,
    KeyResult,
    Objective,
    ObjectiveState,
    Team,
)
from okr.permissions import may_change
from storage.ids import new_id

# The one composer of check-in cards, shared with the scheduled rounds.
CARDS = DeliveryCards()

# A card lists at most this many key results (Teams' 28 KB card limit).
MAX_KEY_RESULTS = 20
# The longest id a card may carry.
MAX_ID = 200


def card_ids(data: Mapping[str, Any]) -> tuple[str, list[str], str | None] | None:
    card_id = data.get("card_id")
    kr_ids = data.get("key_results")
    round_id = data.get("round_id")
    if not isinstance(card_id, str) or not 0 < len(card_id) <= MAX_ID:
        return None
    if not isinstance(kr_ids, list) or not 0 < len(kr_ids) <= MAX_KEY_RESULTS:
        return None
    if not all(isinstance(k, str) and 0 < len(k) <= MAX_ID for k in kr_ids):
        return None
    if round_id is not None and (not isinstance(round_id, str) or len(round_id) > 2 * MAX_ID):
        return None
    return card_id, list(kr_ids), round_id


@dataclass(frozen=True, slots=True)
class OpenCard:
    """A submitted check-in card, its key results loaded and the person allowed."""

    card_id: str
    round_id: str | None
    key_results: list[KeyResult]
    objectives: dict[str, Objective]
    team: Team | None
    teams: dict[str, Team]
    # On a correction card: the check-in each key result's answer replaces, by key result.
    corrects: dict[str, CheckIn] = dataclasses.field(default_factory=dict)


async def open_card(turn: Turn, action: CardAction) -> OpenCard | Text:
    """The card's key results if it is current and the person may check in on all of them."""
    lang = okr_views.language(turn)
    ids = card_ids(action.data) if action.is_current else None
    if ids is None:
        return Text(text(lang, "error.card_expired_gone"))
    card_id, kr_ids, round_id = ids
    store = turn.store
    # The invoke must be answered within seconds: read the card's key results at once.
    found = await asyncio.gather(*(store.get_key_result(turn.tenant_id, k) for k in kr_ids))
    key_results = [kr for kr in found if kr is not None]
    if len(key_results) != len(kr_ids):
        # A key result was deleted since the card was sent; the input ids no
        # longer line up with a fresh card, so ask for a new one.
        return Text(text(lang, "checkin.card_outdated"))
    objectives = await okr_views.objectives_of(turn, key_results)
    teams = await teams_of(turn, objectives.values())
    # Who may check in follows from each key result's own objective and team,
    # never from the conversation the card was submitted in.
    if not may_check_in(turn, key_results, objectives, teams):
        return Text(text(lang, "permission.key_result"))
    if any(o.state is ObjectiveState.CLOSED for o in objectives.values()):
        return Text(text(lang, "closing.read_only"))
    team = await okr_views.team_of(turn)
    card = OpenCard(card_id, round_id, key_results, objectives, team, teams)
    if "corrects" not in action.data:
        return card
    corrects = await _corrected(turn, card, action.data["corrects"])
    if isinstance(corrects, Text):
        return corrects
    return dataclasses.replace(card, corrects=corrects)


async def _corrected(turn: Turn, card: OpenCard, ids: object) -> dict[str, CheckIn] | Text:
    """The check-ins a correction card replaces, by key result, if they may still be corrected."""
    lang = okr_views.language(turn)
    if not checkin_ids(ids) or len(ids) != len(card.key_results):
        return Text(text(lang, "error.card_expired_gone"))
    found = await asyncio.gather(*(turn.store.get_checkin(turn.tenant_id, i) for i in ids))
    corrects: dict[str, CheckIn] = {}
    for kr, checkin in zip(card.key_results, found, strict=True):
        if checkin is None or checkin.key_result_id != kr.id:
            return Text(text(lang, "error.card_expired_gone"))
        # Replaced by this very card is a double click; by another, the record moved on.
        if checkin.superseded_by not in (None, checkin_id(card, kr)):
            return Text(text(lang, "checkin.correct.since"))
        corrects[kr.id] = checkin
    if not all(open_round(turn, card, c) for c in corrects.values()):
        return Text(text(lang, "checkin.correct.closed"))
    return corrects


def checkin_ids(ids: object) -> TypeGuard[list[str]]:
    """Whether ``ids`` is a list of check-in ids of a size a card can hold."""
    return (
        isinstance(ids, list)
        and 0 < len(ids) <= MAX_KEY_RESULTS
        and all(isinstance(i, str) and 0 < len(i) <= 2 * MAX_ID for i in ids)
    )


def open_round(turn: Turn, card: OpenCard, checkin: CheckIn) -> bool:
    """Whether ``checkin``'s round is still open (so it may be corrected)."""
    objective = card.objectives.get(checkin.objective_id)
    if objective is None:
        return False
    team = card.teams.get(objective.team_id or "")
    return in_open_round(checkin, objective, team, turn.member, turn.now)


def compose(
    turn: Turn,
    key_results: list[KeyResult],
    objectives: Mapping[str, Objective],
    team: Team | None,
    *,
    card_id: str | None = None,
    round_id: str | None = None,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    done: Sequence[DoneLine] = (),
    corrects: Sequence[str] = (),
    to_close: int = 0,
) -> Card:
    """The person's check-in card (a new one unless ``card_id``), composed as rounds do."""
    composed = CARDS.checkin(
        turn.member,
        key_results,
        objectives,
        now=turn.now,
        card_id=card_id or new_id(),
        round_id=round_id,
        settings=team.settings if team else None,
        values=values,
        problems=problems,
        locale=turn.locale,
        done=done,
        corrects=corrects,
        to_close=to_close,
    )
    return Card(composed.content, fallback_text=composed.fallback_text)


def again(
    turn: Turn,
    card: OpenCard,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    done: Sequence[DoneLine] = (),
) -> Card:
    """The submitted card again, as typed, with its problems (and its ``done`` lines)."""
    return compose(
        turn,
        card.key_results,
        card.objectives,
        card.team,
        card_id=card.card_id,
        round_id=card.round_id,
        values=values,
        problems=problems,
        done=done,
        corrects=[card.corrects[kr.id].id for kr in card.key_results] if card.corrects else (),
    )


async def teams_of(turn: Turn, objectives: Iterable[Objective]) -> dict[str, Team]:
    """The objectives' own teams by id, each read once, all at the same time."""
    return await turn.reads.teams(o.team_id for o in objectives if o.team_id)


def may_check_in(
    turn: Turn,
    key_results: list[KeyResult],
    objectives: Mapping[str, Objective],
    teams: Mapping[str, Team],
) -> bool:
    """Whether the person may check in on every key result, each judged by its own team."""
    homes = [objectives.get(kr.objective_id) for kr in key_results]
    if any(o is None for o in homes):
        return False
    return all(
        may_change(turn.member, kr, teams.get(o.team_id or ""), o)
        for kr, o in zip(key_results, homes, strict=True)
        if o is not None
    )


def checkin_id(card: OpenCard, kr: KeyResult) -> str:
    # From the card: the same card pressed twice stores nothing twice.
    return f"{card.card_id}|{kr.id}"
