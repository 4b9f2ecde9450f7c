"""Check-ins in chat: the ``checkin`` command and the check-in card's buttons.

Submitting records one check-in per key result with a value, idempotently: the
check-in id comes from the card's id and the key result, so a double click or a
retried invoke stores nothing twice. Bad values return the card with problems
and record nothing. The invoke is answered with the read-only record. Reading a
submitted card is :mod:`bot.checkin_cards`; "Correct" is :mod:`bot.corrections`;
what a card says for one key result is :mod:`cards.checkin_answers`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from bot import okr_views
from bot.checkin_cards import (
    MAX_ID,
    MAX_KEY_RESULTS,
    OpenCard,
    again,
    checkin_id,
    compose,
    may_check_in,
    open_card,
    open_round,
    teams_of,
)
from bot.command_text import ALIASES, CommandName
from bot.corrections import correct_checkin
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from cards import verbs
from cards.checkin import (
    SHOWS_DONE,
    DoneLine,
    RecordedLine,
    all_done_card,
    note_field,
    recorded_card,
    status_field,
    to_close_card,
    value_field,
)
from cards.checkin_answers import answer_of, read_answer, recorded_answer, said
from cards.forms import raw_values
from cards.i18n import Language, text
from cards.locale_format import (
    format_datetime,
    format_value,
)
from okr.due import round_at, updated_this_round
from okr.models import (
    UNCHANGED,
    CheckIn,
    CheckInStatus,
    KeyResult,
    Objective,
    ObjectiveState,
)
from okr.progress import key_result_progress
from storage.errors import NotFoundError, StoreUnavailableError

log = logging.getLogger("okr.checkin")


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


async def checkin_command(turn: Turn, args: str) -> Replies:
    """``checkin``: the check-in card now, with all of the person's active key results."""
    lang = okr_views.language(turn)
    found = await okr_views.own_key_results_to_ask(turn, MAX_KEY_RESULTS)
    key_results, objectives, to_close = found
    # Objectives of an ended period are not asked about: a line says they wait to be closed.
    if not key_results and to_close:
        waits = to_close_card(lang, len(to_close))
        return Card(waits, fallback_text=text(lang, "checkin.to_close", count=len(to_close)))
    if not key_results:
        return Text(text(lang, "checkin.nothing"))
    # Key results already updated this round are shown done (with "Correct"), not asked again.
    done = await _updated_this_round(turn, key_results, objectives)
    lines = [_done_line(lang, kr) for kr in done]
    to_update = [kr for kr in key_results if kr not in done]
    if not to_update:
        content = all_done_card(lang, lines, to_close=len(to_close))
        return Card(content, fallback_text=text(lang, "checkin.done.title"))
    team = await okr_views.team_of(turn)
    return compose(turn, to_update, objectives, team, done=lines, to_close=len(to_close))


async def _updated_this_round(
    turn: Turn, key_results: list[KeyResult], objectives: Mapping[str, Objective]
) -> list[KeyResult]:
    """Those of ``key_results`` the person already updated in their round."""
    teams = await teams_of(turn, objectives.values())
    return [
        kr
        for kr in key_results
        if kr.last_checkin_id is not None
        and (o := objectives.get(kr.objective_id)) is not None
        and updated_this_round(kr, o, teams.get(o.team_id or ""), turn.member, turn.now)
    ]


async def _done_beside(turn: Turn, card: OpenCard) -> list[DoneLine]:
    """The done lines of a card with problems: read again, never taken from the card."""
    key_results, objectives = await okr_views.own_active_key_results(turn, MAX_KEY_RESULTS)
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
    kr_id = action.data.get("key_result_id")
    kr = (
        await turn.store.get_key_result(turn.tenant_id, kr_id)
        if isinstance(kr_id, str) and 0 < len(kr_id) <= MAX_ID
        else None
    )
    if kr is None:
        return Text(text(lang, "error.card_expired_gone"))
    objectives = await okr_views.objectives_of(turn, [kr])
    if not may_check_in(turn, [kr], objectives, await teams_of(turn, objectives.values())):
        return Text(text(lang, "permission.key_result"))
    if any(o.state is ObjectiveState.CLOSED for o in objectives.values()):
        return Text(text(lang, "closing.read_only"))
    return compose(turn, [kr], objectives, await okr_views.team_of(turn))


async def submit_checkin(turn: Turn, action: CardAction) -> Replies:
    """Record what changed on the card (a value, a status or a note), show the record."""
    card = await open_card(turn, action)
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
            said(read_answer(lang, index, kr, values))
            != answer_of(kr, earlier.get(kr.id) or card.corrects.get(kr.id))
            for index, kr in enumerate(card.key_results)
        )
        return _recorded(turn, card, list(earlier.values()), kept_first=kept_first)
    problems: dict[str, str] = {}
    checkins: list[CheckIn] = []
    for index, kr in enumerate(card.key_results):
        answer = read_answer(lang, index, kr, values)
        replaced = card.corrects.get(kr.id)
        if isinstance(answer, dict):
            problems |= answer
        elif replaced is not None:  # a correction: what differs from what was recorded
            if said(answer) != recorded_answer(replaced):
                checkin = _checkin(turn, card, kr, answer.value, answer.status, answer.note)
                checkins.append(_correcting(checkin, replaced))
        elif answer.changes(kr):  # a status or a note alone is a check-in too
            checkins.append(_checkin(turn, card, kr, answer.value, answer.status, answer.note))
    if not checkins and not problems:
        key = "checkin.correct.nothing" if card.corrects else "checkin.nothing_entered"
        problems["_all"] = text(lang, key)
    elif not card.corrects:
        # The card says "leave the rest as it is": what was left stands, recorded as
        # such, so the owner is not counted missing nor asked for it again this round.
        answered = {c.key_result_id for c in checkins}
        checkins += [_unchanged(turn, card, kr) for kr in card.key_results if kr.id not in answered]
    if problems:
        # Only a card that showed done lines shows them again (the flag picks, the store says).
        shows_done = action.data.get(SHOWS_DONE) is True and not card.corrects
        done = await _done_beside(turn, card) if shows_done else []
        return again(turn, card, values, problems, done)
    return await _record(turn, card, checkins, values)


async def no_change(turn: Turn, action: CardAction) -> Replies:
    """One tap when nothing moved: every key result on the card as it was, with its last status."""
    card = await open_card(turn, action)
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


async def _earlier_answers(turn: Turn, card: OpenCard) -> dict[str, CheckIn]:
    """The check-ins this card already recorded, by key result.

    A card that is not a correction records one check-in per key result, all
    together or none (``record_checkins``), so its first key result's tells
    whether it was recorded: one point read for a card pressed once, the rest
    read only when it was. A correction card records only what differs, so
    each is read. Two presses at once pass here both; the store keeps the first.
    """
    store, tenant_id = turn.store, turn.tenant_id
    key_results = card.key_results
    if not card.corrects:
        first = await store.get_checkin(tenant_id, checkin_id(card, key_results[0]))
        if first is None:
            return {}
        key_results = key_results[1:]
    else:
        first = None
    found = await asyncio.gather(
        *(store.get_checkin(tenant_id, checkin_id(card, kr)) for kr in key_results)
    )
    return {c.key_result_id: c for c in (first, *found) if c is not None}


async def _record(
    turn: Turn, card: OpenCard, checkins: list[CheckIn], values: Mapping[str, str]
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
        return again(turn, card, values, {"_all": text(lang, "checkin.storage_unavailable")})
    _tell_rounds(turn, card, stored)
    # Two presses at once: the other one stored first, and its answer stands.
    kept_first = any(
        recorded_answer(s) != recorded_answer(c) for s, c in zip(stored, checkins, strict=True)
    )
    return _recorded(turn, card, stored, kept_first=kept_first)


def _tell_rounds(turn: Turn, card: OpenCard, stored: list[CheckIn]) -> None:
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


def _recorded(turn: Turn, card: OpenCard, stored: list[CheckIn], *, kept_first: bool) -> Card:
    """The read-only record of what the card stored."""
    lang = okr_views.language(turn)
    by_kr = {kr.id: kr for kr in card.key_results}
    lines = []
    for checkin in stored:
        if checkin.source == UNCHANGED:
            continue  # counted below, as the card said it would be
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
    correct = [c.id for c in stored if c.superseded_by is None and open_round(turn, card, c)]
    return Card(
        recorded_card(lang, lines, recorded_at, unchanged, kept_first=kept_first, correct=correct),
        fallback_text=text(lang, "checkin.recorded_title"),
    )


def _with_value(kr: KeyResult, checkin: CheckIn) -> KeyResult:
    return dataclasses.replace(kr, current=checkin.value)


def _unchanged(turn: Turn, card: OpenCard, kr: KeyResult) -> CheckIn:
    """A key result left as it was on a card sent with other changes."""
    checkin = _checkin(turn, card, kr, kr.current, kr.last_status or CheckInStatus.ON_TRACK, "")
    return dataclasses.replace(checkin, source=UNCHANGED)


def _checkin(
    turn: Turn, card: OpenCard, kr: KeyResult, value: Decimal, status: CheckInStatus, note: str
) -> CheckIn:
    return CheckIn(
        tenant_id=turn.tenant_id,
        id=checkin_id(card, kr),
        key_result_id=kr.id,
        objective_id=kr.objective_id,
        author_id=turn.member.id,
        value=value,
        status=status,
        recorded_at=turn.now,
        note=note,
        round_id=card.round_id,
    )


_INSTANT = timedelta(microseconds=1)  # the smallest step a stored time keeps


def _correcting(checkin: CheckIn, replaced: CheckIn) -> CheckIn:
    """``checkin`` as the correction of ``replaced``: of its round, with its confidence.

    It is recorded after the check-in it replaces, even in the same instant (or on
    an instance whose clock is behind): history reads newest first by
    ``(recorded_at, id)``, and the ids of a card and of its correction say nothing
    about which came first.
    """
    return dataclasses.replace(
        checkin,
        recorded_at=max(checkin.recorded_at, replaced.recorded_at + _INSTANT),
        supersedes=replaced.id,
        round_id=replaced.round_id,
        confidence=replaced.confidence,  # the card has no confidence input: it is kept
    )
