"""Check-ins in chat: the ``checkin`` command and the card's submit action.

Submitting records one check-in per key result with a value, idempotently: the
check-in id comes from the card's id and the key result, so a double click or a
retried invoke stores nothing twice. Bad values return the card with problems
and record nothing. The invoke is answered with the read-only record.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from bot import okr_views
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from cards import verbs
from cards.checkin import (
    NOTE_MAX,
    SHOWS_DONE,
    DoneLine,
    RecordedLine,
    all_done_card,
    note_field,
    recorded_card,
    status_field,
    value_field,
)
from cards.deliveries import DeliveryCards
from cards.forms import raw_values
from cards.i18n import Language, text
from cards.locale_format import (
    ValueParseError,
    format_datetime,
    format_typed,
    format_value,
    parse_value,
)
from okr.due import in_open_round, round_at, updated_this_round
from okr.models import (
    CheckIn,
    CheckInStatus,
    KeyResult,
    Objective,
    ObjectiveState,
    Team,
)
from okr.permissions import may_change
from okr.progress import key_result_progress
from storage.errors import NotFoundError, StoreUnavailableError
from storage.ids import new_id

log = logging.getLogger("okr.checkin")
# The one composer of check-in cards, shared with the scheduled rounds.
CARDS = DeliveryCards()

# A card lists at most this many key results (Teams' 28 KB card limit).
MAX_KEY_RESULTS = 20
_MAX_ID = 200


def register(features: Features) -> None:
    """Register ``checkin`` and the check-in card's submit verb."""
    # Private: typed in a channel, the card goes to the person's own chat.
    features.add_command(
        "checkin", checkin_command, aliases=ALIASES[CommandName.CHECKIN][1:], private=True
    )
    features.add_verb(verbs.CHECKIN_SUBMIT, submit_checkin)
    features.add_verb(verbs.CHECKIN_NO_CHANGE, no_change)
    features.add_verb(verbs.CHECKIN_OPEN, open_checkin)
    features.add_verb(verbs.CHECKIN_CORRECT, correct_checkin)


async def open_key_results(turn: Turn) -> list[KeyResult]:
    """The person's key results in active objectives, in creation order."""
    store = turn.store
    mine = await store.list_key_results(turn.tenant_id, owner_id=turn.member.id)
    objectives = await okr_views.objectives_of(turn, mine)
    return [
        kr
        for kr in mine
        if (o := objectives.get(kr.objective_id)) is not None and o.state is ObjectiveState.ACTIVE
    ][:MAX_KEY_RESULTS]


async def checkin_command(turn: Turn, args: str) -> Replies:
    """``checkin``: the check-in card now, with all of the person's active key results."""
    lang = okr_views.language(turn)
    if not turn.is_personal:
        # A check-in card is personal: in a channel everyone would see it.
        return Text(text(lang, "checkin.in_personal_chat"))
    key_results = await open_key_results(turn)
    if not key_results:
        return Text(text(lang, "checkin.nothing"))
    objectives = await okr_views.objectives_of(turn, key_results)
    # Key results already updated this round are shown done (with "Correct"), not asked again.
    done = await _updated_this_round(turn, key_results, objectives)
    lines = [_done_line(lang, kr) for kr in done]
    to_update = [kr for kr in key_results if kr not in done]
    if not to_update:
        return Card(all_done_card(lang, lines), fallback_text=text(lang, "checkin.done.title"))
    return _card(turn, to_update, objectives, await okr_views.team_of(turn), done=lines)


async def _updated_this_round(
    turn: Turn, key_results: list[KeyResult], objectives: Mapping[str, Objective]
) -> list[KeyResult]:
    """Those of ``key_results`` the person already updated in their round."""
    teams = await _teams_of(turn, objectives.values())
    return [
        kr
        for kr in key_results
        if kr.last_checkin_id is not None
        and (o := objectives.get(kr.objective_id)) is not None
        and updated_this_round(kr, o, teams.get(o.team_id or ""), turn.member, turn.now)
    ]


async def _done_beside(turn: Turn, card: _OpenCard) -> list[DoneLine]:
    """The done lines of a card with problems: read again, never taken from the card."""
    key_results = await open_key_results(turn)
    objectives = await okr_views.objectives_of(turn, key_results)
    on_card = {kr.id for kr in card.key_results}
    lang = okr_views.language(turn)
    done = await _updated_this_round(turn, key_results, objectives)
    return [_done_line(lang, kr) for kr in done if kr.id not in on_card]


def _done_line(lang: Language, kr: KeyResult) -> DoneLine:
    assert kr.last_checkin_id is not None
    return DoneLine(
        title=kr.title,
        value=format_value(kr.current, kr.kind, lang, currency=kr.currency, unit=kr.unit),
        status=kr.last_status or CheckInStatus.ON_TRACK,
        checkin_id=kr.last_checkin_id,
    )


async def open_checkin(turn: Turn, action: CardAction) -> Replies:
    """ "Check in" on one key result of the objective card: its check-in card, here and now."""
    lang = okr_views.language(turn)
    if not turn.is_personal:
        return Text(text(lang, "checkin.in_personal_chat"))
    kr_id = action.data.get("key_result_id")
    kr = (
        await turn.store.get_key_result(turn.tenant_id, kr_id)
        if isinstance(kr_id, str) and 0 < len(kr_id) <= _MAX_ID
        else None
    )
    if kr is None:
        return Text(text(lang, "error.card_expired_gone"))
    objectives = await okr_views.objectives_of(turn, [kr])
    if not _may_check_in(turn, [kr], objectives, await _teams_of(turn, objectives.values())):
        return Text(text(lang, "permission.key_result"))
    return _card(turn, [kr], objectives, await okr_views.team_of(turn))


def card_ids(data: Mapping[str, Any]) -> tuple[str, list[str], str | None] | None:
    card_id = data.get("card_id")
    kr_ids = data.get("key_results")
    round_id = data.get("round_id")
    if not isinstance(card_id, str) or not 0 < len(card_id) <= _MAX_ID:
        return None
    if not isinstance(kr_ids, list) or not 0 < len(kr_ids) <= MAX_KEY_RESULTS:
        return None
    if not all(isinstance(k, str) and 0 < len(k) <= _MAX_ID for k in kr_ids):
        return None
    if round_id is not None and (not isinstance(round_id, str) or len(round_id) > 2 * _MAX_ID):
        return None
    return card_id, list(kr_ids), round_id


@dataclass(frozen=True, slots=True)
class _OpenCard:
    """A submitted check-in card, its key results loaded and the person allowed."""

    card_id: str
    round_id: str | None
    key_results: list[KeyResult]
    objectives: dict[str, Objective]
    team: Team | None
    teams: dict[str, Team]
    # On a correction card: the check-in each key result's answer replaces, by key result.
    corrects: dict[str, CheckIn] = dataclasses.field(default_factory=dict)


async def _open(turn: Turn, action: CardAction) -> _OpenCard | Text:
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
    teams = await _teams_of(turn, objectives.values())
    # Who may check in follows from each key result's own objective and team,
    # never from the conversation the card was submitted in.
    if not _may_check_in(turn, key_results, objectives, teams):
        return Text(text(lang, "permission.key_result"))
    team = await okr_views.team_of(turn)
    card = _OpenCard(card_id, round_id, key_results, objectives, team, teams)
    if "corrects" not in action.data:
        return card
    corrects = await _corrected(turn, card, action.data["corrects"])
    if isinstance(corrects, Text):
        return corrects
    return dataclasses.replace(card, corrects=corrects)


async def _corrected(turn: Turn, card: _OpenCard, ids: object) -> dict[str, CheckIn] | Text:
    """The check-ins a correction card replaces, by key result, if they may still be corrected."""
    lang = okr_views.language(turn)
    if not _checkin_ids(ids) or len(ids) != len(card.key_results):
        return Text(text(lang, "error.card_expired_gone"))
    found = await asyncio.gather(*(turn.store.get_checkin(turn.tenant_id, i) for i in ids))
    corrects: dict[str, CheckIn] = {}
    for kr, checkin in zip(card.key_results, found, strict=True):
        if checkin is None or checkin.key_result_id != kr.id:
            return Text(text(lang, "error.card_expired_gone"))
        # Replaced by this very card is a double click; by another, the record moved on.
        if checkin.superseded_by not in (None, _checkin_id(card, kr)):
            return Text(text(lang, "checkin.correct.since"))
        corrects[kr.id] = checkin
    if not all(_open_round(turn, card, c) for c in corrects.values()):
        return Text(text(lang, "checkin.correct.closed"))
    return corrects


def _checkin_ids(ids: object) -> TypeGuard[list[str]]:
    """Whether ``ids`` is a list of check-in ids of a size a card can hold."""
    return (
        isinstance(ids, list)
        and 0 < len(ids) <= MAX_KEY_RESULTS
        and all(isinstance(i, str) and 0 < len(i) <= 2 * _MAX_ID for i in ids)
    )


def _open_round(turn: Turn, card: _OpenCard, checkin: CheckIn) -> bool:
    """Whether ``checkin``'s round is still open (so it may be corrected)."""
    objective = card.objectives.get(checkin.objective_id)
    if objective is None:
        return False
    team = card.teams.get(objective.team_id or "")
    return in_open_round(checkin, objective, team, turn.member, turn.now)


async def correct_checkin(turn: Turn, action: CardAction) -> Replies:
    """ "Correct": the card again with what the check-ins recorded, while their round is open.

    The correction card's id comes from the check-ins it corrects, so opening it
    twice gives one card, and its check-ins are stored once.
    """
    lang = okr_views.language(turn)
    if not turn.is_personal:
        return Text(text(lang, "checkin.in_personal_chat"))
    ids = action.data.get("checkins") if action.is_current else None
    if not _checkin_ids(ids):
        return Text(text(lang, "error.card_expired_gone"))
    found = await asyncio.gather(*(turn.store.get_checkin(turn.tenant_id, i) for i in ids))
    earlier = [c for c in found if c is not None]
    if len(earlier) != len(ids) or len({c.key_result_id for c in earlier}) != len(ids):
        return Text(text(lang, "error.card_expired_gone"))
    if any(c.superseded_by is not None for c in earlier):
        return Text(text(lang, "checkin.correct.since"))  # correct the newest record instead
    card_id = hashlib.sha256("|".join(["correct", *ids]).encode()).hexdigest()[:32]
    opened = await _open(
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
    return _card(
        turn,
        opened.key_results,
        opened.objectives,
        opened.team,
        card_id=card_id,
        round_id=opened.round_id,
        values=values,
        corrects=[opened.corrects[kr.id].id for kr in opened.key_results],
    )


def _card(
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
    )
    return Card(composed.content, fallback_text=composed.fallback_text)


def _again(
    turn: Turn,
    card: _OpenCard,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    done: Sequence[DoneLine] = (),
) -> Card:
    """The submitted card again, as typed, with its problems (and its ``done`` lines)."""
    return _card(
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


async def submit_checkin(turn: Turn, action: CardAction) -> Replies:
    """Record what changed on the card (a value, a status or a note), show the record."""
    card = await _open(turn, action)
    if isinstance(card, Text):
        return card
    lang = okr_views.language(turn)
    names = tuple(
        f(i) for i in range(len(card.key_results)) for f in (value_field, status_field, note_field)
    )
    values = raw_values(action.data, names)
    earlier = await _earlier_answers(turn, card)
    if earlier:
        # Answered before (a double click, a retry, or pressed again with other
        # values): the first answer stands, and the record says so if they differ.
        kept_first = any(
            _said(_answer_on_card(lang, index, kr, values))
            != _answer_of(kr, earlier.get(kr.id) or card.corrects.get(kr.id))
            for index, kr in enumerate(card.key_results)
        )
        return _recorded(turn, card, list(earlier.values()), kept_first=kept_first)
    problems: dict[str, str] = {}
    checkins: list[CheckIn] = []
    for index, kr in enumerate(card.key_results):
        answer = _answer_on_card(lang, index, kr, values)
        replaced = card.corrects.get(kr.id)
        if isinstance(answer, dict):
            problems |= answer
        elif replaced is not None:  # a correction: what differs from what was recorded
            if _said(answer) != _answer(replaced):
                checkin = _checkin(turn, card, kr, answer.value, answer.status, answer.note)
                checkins.append(_correcting(checkin, replaced))
        elif answer.changes(kr):  # a status or a note alone is a check-in too
            checkins.append(_checkin(turn, card, kr, answer.value, answer.status, answer.note))
    if not checkins and not problems:
        key = "checkin.correct.nothing" if card.corrects else "checkin.nothing_entered"
        problems["_all"] = text(lang, key)
    if problems:
        # Only a card that showed done lines shows them again (the flag picks, the store says).
        shows_done = action.data.get(SHOWS_DONE) is True and not card.corrects
        done = await _done_beside(turn, card) if shows_done else []
        return _again(turn, card, values, problems, done)
    return await _record(turn, card, checkins, values)


async def no_change(turn: Turn, action: CardAction) -> Replies:
    """One tap when nothing moved: every key result on the card as it was, with its last status."""
    card = await _open(turn, action)
    if isinstance(card, Text):
        return card
    if card.corrects:  # a correction card has no "No change": it would replace nothing
        return Text(text(okr_views.language(turn), "error.card_expired_gone"))
    earlier = await _earlier_answers(turn, card)
    if earlier:
        return _recorded(turn, card, list(earlier.values()), kept_first=True)
    checkins = [
        _checkin(turn, card, kr, kr.current, kr.last_status or CheckInStatus.ON_TRACK, "")
        for kr in card.key_results
    ]
    return await _record(turn, card, checkins, {})


async def _earlier_answers(turn: Turn, card: _OpenCard) -> dict[str, CheckIn]:
    """The check-ins this card already recorded, by key result (one point read each)."""
    found = await asyncio.gather(
        *(turn.store.get_checkin(turn.tenant_id, _checkin_id(card, kr)) for kr in card.key_results)
    )
    return {c.key_result_id: c for c in found if c is not None}


def _said(answer: _Answer | dict[str, str]) -> tuple[object, ...]:
    """An answer as compared with a stored one (an unreadable one differs from any)."""
    if isinstance(answer, dict):
        return ("unreadable",)
    return answer.value, answer.status, answer.note


def _answer_of(kr: KeyResult, checkin: CheckIn | None) -> tuple[object, ...]:
    """The answer a stored check-in gave (the key result as it is now, when there is none)."""
    if checkin is None:
        return kr.current, kr.last_status or CheckInStatus.ON_TRACK, ""
    return _answer(checkin)


async def _record(
    turn: Turn, card: _OpenCard, checkins: list[CheckIn], values: Mapping[str, str]
) -> Replies:
    """Store the card's check-ins together and answer with the record (or the card again)."""
    lang = okr_views.language(turn)
    try:
        if card.corrects:
            stored = await turn.store.correct_checkins(turn.tenant_id, checkins, card.key_results)
        else:
            # The whole card or nothing: a person told "recorded" sees all of it stored.
            stored = await turn.store.record_checkins(turn.tenant_id, checkins, card.key_results)
    except NotFoundError:
        return Text(text(lang, "error.card_expired_gone"))
    except StoreUnavailableError as exc:
        log.warning("check-in not recorded: storage unavailable (%s)", exc)
        return _again(turn, card, values, {"_all": text(lang, "checkin.storage_unavailable")})
    _tell_rounds(turn, card, stored)
    # Two presses at once: the other one stored first, and its answer stands.
    kept_first = any(_answer(s) != _answer(c) for s, c in zip(stored, checkins, strict=True))
    return _recorded(turn, card, stored, kept_first=kept_first)


def _tell_rounds(turn: Turn, card: _OpenCard, stored: list[CheckIn]) -> None:
    """Let the rounds these check-ins count in update what they sent (the owners' summary)."""
    if turn.round_changed is None:
        return
    rounds = set()
    for checkin in stored:
        objective = card.objectives.get(checkin.objective_id)
        if checkin.round_id is not None:
            rounds.add(checkin.round_id)
        elif objective is not None:  # from `checkin`: it counts in the round it falls in
            team = card.teams.get(objective.team_id or "")
            rounds.add(round_at(team, objective, checkin.recorded_at, turn.member))
    for round_id in sorted(rounds):
        turn.round_changed(turn.tenant_id, round_id)


def _recorded(turn: Turn, card: _OpenCard, stored: list[CheckIn], *, kept_first: bool) -> Card:
    """The read-only record of what the card stored."""
    lang = okr_views.language(turn)
    by_kr = {kr.id: kr for kr in card.key_results}
    lines = []
    for checkin in stored:
        recorded_kr = by_kr[checkin.key_result_id]
        lines.append(
            RecordedLine(
                title=recorded_kr.title,
                value=format_value(
                    checkin.value,
                    recorded_kr.kind,
                    lang,
                    currency=recorded_kr.currency,
                    unit=recorded_kr.unit,
                ),
                status=checkin.status,
                note=checkin.note,
                progress=float(key_result_progress(_with_value(recorded_kr, checkin)).clamped),
            )
        )
    zone = okr_views.time_zone(turn, card.team)
    recorded_at = format_datetime(stored[0].recorded_at, lang, zone)
    unchanged = len(card.key_results) - len(lines)
    # "Correct" while the round is open, for what still stands.
    correct = [c.id for c in stored if c.superseded_by is None and _open_round(turn, card, c)]
    return Card(
        recorded_card(lang, lines, recorded_at, unchanged, kept_first=kept_first, correct=correct),
        fallback_text=text(lang, "checkin.recorded_title"),
    )


def _answer(checkin: CheckIn) -> tuple[object, ...]:
    return checkin.value, checkin.status, checkin.note


async def _teams_of(turn: Turn, objectives: Iterable[Objective]) -> dict[str, Team]:
    """The objectives' own teams by id, each read once, all at the same time."""
    team_ids = sorted({o.team_id for o in objectives if o.team_id})
    found = await asyncio.gather(*(turn.store.get_team(turn.tenant_id, t) for t in team_ids))
    return {t.id: t for t in found if t is not None}


def _may_check_in(
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


def _with_value(kr: KeyResult, checkin: CheckIn) -> KeyResult:
    return dataclasses.replace(kr, current=checkin.value)


@dataclass(frozen=True, slots=True)
class _Answer:
    """What the card says for one key result: value, status, note (read, not yet judged)."""

    value: Decimal
    status: CheckInStatus
    note: str

    def changes(self, kr: KeyResult) -> bool:
        """Whether it says anything new: the card starts at the value and the last status."""
        last = kr.last_status or CheckInStatus.ON_TRACK
        return self.value != kr.current or self.status is not last or bool(self.note)


def _answer_on_card(
    lang: Language, index: int, kr: KeyResult, values: Mapping[str, str]
) -> _Answer | dict[str, str]:
    """The ``index``-th key result's answer, or its problems by field (in ``lang``).

    An empty value keeps the current one; an empty status, the last one.
    """
    problems: dict[str, str] = {}
    typed = values.get(value_field(index), "").strip()
    status_text = values.get(status_field(index), "")
    note = values.get(note_field(index), "").strip()
    if len(note) > NOTE_MAX:
        problems[note_field(index)] = text(lang, "validation.too_long", max=NOTE_MAX)
    status = kr.last_status or CheckInStatus.ON_TRACK
    if status_text:
        try:
            status = CheckInStatus(status_text)
        except ValueError:
            problems[status_field(index)] = text(lang, "validation.invalid_choice")
    value = kr.current
    if typed:
        try:
            value = parse_value(typed, kr.kind, lang, currency=kr.currency)
        except ValueParseError as exc:
            problems[value_field(index)] = exc.message(lang)
    return problems or _Answer(value, status, note)


def _checkin(
    turn: Turn, card: _OpenCard, kr: KeyResult, value: Decimal, status: CheckInStatus, note: str
) -> CheckIn:
    return CheckIn(
        tenant_id=turn.tenant_id,
        id=_checkin_id(card, kr),
        key_result_id=kr.id,
        objective_id=kr.objective_id,
        author_id=turn.member.id,
        value=value,
        status=status,
        recorded_at=turn.now,
        note=note,
        round_id=card.round_id,
    )


def _correcting(checkin: CheckIn, replaced: CheckIn) -> CheckIn:
    """``checkin`` as the correction of ``replaced``: of its round, with its confidence."""
    return dataclasses.replace(
        checkin,
        supersedes=replaced.id,
        round_id=replaced.round_id,
        confidence=replaced.confidence,  # the card has no confidence input: it is kept
    )


def _checkin_id(card: _OpenCard, kr: KeyResult) -> str:
    # From the card: the same card pressed twice stores nothing twice.
    return f"{card.card_id}|{kr.id}"
