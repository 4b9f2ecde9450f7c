"""The period close in chat: ``close``, the closing card's submit, and reopening.

``close`` shows the closing card: to a team owner (in the team's channel, or
naming the team) every active objective of the team whose period has ended or
ends within :data:`ENDING_WITHIN`, so a lead can close for people who have
left; to anyone else their own. The scheduled rounds send the same card to
each owner once a period has ended (``okr.due.closings_due``).

Submitting checks everything before anything is stored: the card's ids (this
tenant's, still the objective's key results), the person's right to close
each objective (its own team decides, :func:`okr.closing.may_close`), and
every value. A card submitted again (a double click, a retry) finds its
objectives closed and answers with the record; nothing is stored twice.
See docs/close.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot import okr_views
from bot.authoring import changed_meanwhile, named_objective, show_objective
from bot.checkin_cards import teams_of
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.saving import expired
from cards import verbs
from cards.closing import (
    ClosedLine,
    ClosingLayout,
    closed_card,
    closing_card,
    closing_items,
    fit,
    note_field,
    read_closing,
    read_layout,
    score_field,
)
from cards.i18n import Language, text
from cards.locale_format import format_period
from okr.closing import (
    Closed,
    Closing,
    ClosingError,
    ClosingProblem,
    carried_id,
    close_objective,
    may_close,
    may_reopen,
    reopen_objective,
)
from okr.models import KeyResult, Objective, ObjectiveState, Team
from okr.permissions import is_team_owner
from okr.scoring import ScoreError
from storage.errors import ConflictError
from storage.ids import new_id

log = logging.getLogger("okr.bot")

ENDING_WITHIN = timedelta(days=14)
"""A period ending this soon can be closed already (a lead closing before leave)."""


def register(features: Features) -> None:
    """Register ``close`` and the closing verbs."""
    # The card has inputs for one person: typed in a channel, it opens in their chat.
    features.add_command(
        "close", close_command, aliases=ALIASES[CommandName.CLOSE][1:], private=True
    )
    features.add_verb(verbs.CLOSING_SUBMIT, submit_closing)
    features.add_verb(verbs.OBJECTIVE_REOPEN, reopen)


# -- close ------------------------------------------------------------------------------


def _closable(objective: Objective, team: Team | None, turn: Turn) -> bool:
    """Active, and its period has ended or ends within :data:`ENDING_WITHIN` (team's zone)."""
    if objective.state is not ObjectiveState.ACTIVE:
        return False
    return objective.period.ends_at(okr_views.pace_zone(team)) <= turn.now + ENDING_WITHIN


async def _named_team(turn: Turn, args: str) -> Team | str | None:
    """The team ``close`` is about: the channel's, or one of the person's named in ``args``.

    Returns the name typed when it names none of the person's teams.
    """
    name = " ".join(args.split()).casefold()
    if not name:
        return await turn.reads.team(turn.team_id) if turn.team_id else None
    teams = await turn.reads.teams(turn.member.team_ids)
    for team in (teams.get(t) for t in turn.member.team_ids):
        if team is not None and team.name.casefold() == name:
            return team
    return args.strip()


async def close_command(turn: Turn, args: str) -> Replies:
    """``close [team]``: the closing card of the team's (team owners) or one's own objectives.

    Always a card, saying what closing is, even with nothing to close yet.
    """
    lang = okr_views.language(turn)
    team = await _named_team(turn, args)
    if isinstance(team, str):
        return Text(text(lang, "closing.unknown_team", team=team))
    replies: list[Text | Card] = []
    if team is not None and is_team_owner(turn.member.id, team):
        found = await turn.store.list_objectives(turn.tenant_id, team_id=team.id)
        objectives = [o for o in found if _closable(o, team, turn)]
        empty = text(lang, "closing.nothing_team", team=team.name)
        title = text(lang, "closing.title_team", team=team.name)
        card = await _card(turn, objectives, title=title, empty_text=empty)
        return Card(card, fallback_text=text(lang, "closing.title"))
    if team is not None and args.strip():
        replies.append(Text(text(lang, "closing.not_team_owner", team=team.name)))
    mine = await turn.store.list_objectives(turn.tenant_id, owner_id=turn.member.id)
    teams = await teams_of(turn, mine)
    objectives = [o for o in mine if _closable(o, teams.get(o.team_id or ""), turn)]
    card = await _card(turn, objectives)
    return [*replies, Card(card, fallback_text=text(lang, "closing.title"))]


async def _key_results(turn: Turn, objectives: list[Objective]) -> list[KeyResult]:
    found = await asyncio.gather(
        *(turn.store.list_key_results(turn.tenant_id, objective_id=o.id) for o in objectives)
    )
    return [kr for krs in found for kr in krs]


async def _card(
    turn: Turn,
    objectives: list[Objective],
    *,
    title: str | None = None,
    card_id: str | None = None,
    values: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    empty_text: str = "",
) -> dict[str, object]:
    lang = okr_views.language(turn)
    names = await okr_views.names_of(turn, (o.owner_id for o in objectives))
    items = closing_items(lang, objectives, await _key_results(turn, objectives), names)
    shown, more = fit(items)
    return closing_card(
        lang,
        shown,
        card_id=card_id or new_id(),
        title=title,
        values=values,
        problems=problems,
        more=more,
        show_owners=any(o.owner_id != turn.member.id for o in objectives),
        empty_text=empty_text,
    )


# -- submitting -----------------------------------------------------------------------


async def submit_closing(turn: Turn, action: CardAction) -> Replies:
    """Close the card's objectives with its scores, notes and carry-over, then show the record."""
    lang = okr_views.language(turn)
    layout = read_layout(action.data) if action.is_current else None
    if layout is None:
        return expired(turn)
    ids = [objective_id for objective_id, _ in layout.objectives]
    found = await asyncio.gather(*(turn.store.get_objective(turn.tenant_id, i) for i in ids))
    objectives = [o for o in found if o is not None]
    if len(objectives) != len(ids):
        return expired(turn)  # another tenant's ids, or deleted since
    teams = await teams_of(turn, objectives)
    if not all(may_close(turn.member, o, teams.get(o.team_id or "")) for o in objectives):
        return Text(text(lang, "closing.not_allowed"))
    key_results = await _key_results(turn, objectives)
    open_ones = [o for o in objectives if o.state is ObjectiveState.ACTIVE]
    if len(open_ones) < len(objectives) and any(
        o.state is not ObjectiveState.CLOSED for o in objectives
    ):
        return expired(turn)  # a draft: the card is not what the store holds
    if not open_ones:  # all closed already: this card, again, or someone else first
        return await _record(turn, objectives, key_results, teams, kept_first=True)
    for objective_id, named in layout.objectives:
        stored = [kr.id for kr in key_results if kr.objective_id == objective_id]
        if sorted(stored) != sorted(named):
            return Text(text(lang, "checkin.card_outdated"))
    form = read_closing(lang, action.data, layout)
    problems = dict(form.problems)
    closed: list[Closed] = []
    if not problems:
        closed, problems = _close_all(lang, turn, layout, objectives, key_results, form.closings)
    if problems:
        card = await _card(
            turn,
            objectives,
            card_id=layout.card_id,
            values=form.values,
            problems=problems,
        )
        return Card(card, fallback_text=text(lang, "form.fix_problems"))
    conflict = await _store(turn, closed)
    if conflict is not None:
        return await changed_meanwhile(turn, conflict)
    after = await asyncio.gather(*(turn.store.get_objective(turn.tenant_id, i) for i in ids))
    stored_now = [o for o in after if o is not None]
    return await _record(
        turn,
        stored_now,
        await _key_results(turn, stored_now),
        teams,
        kept_first=len(open_ones) < len(objectives),
    )


def _close_all(
    lang: Language,
    turn: Turn,
    layout: ClosingLayout,
    objectives: list[Objective],
    key_results: list[KeyResult],
    closings: Mapping[str, Closing],
) -> tuple[list[Closed], dict[str, str]]:
    """Each active objective closed (nothing stored), or the problems by field."""
    by_id = {o.id: o for o in objectives}
    closed: list[Closed] = []
    problems: dict[str, str] = {}
    for index, (objective_id, _) in enumerate(layout.objectives):
        objective = by_id[objective_id]
        if objective.state is not ObjectiveState.ACTIVE:
            continue  # closed before: the first close stands
        own = [kr for kr in key_results if kr.objective_id == objective_id]
        closing = closings[objective_id]
        try:
            closed.append(close_objective(objective, own, closing, by=turn.member.id, at=turn.now))
        except ClosingError as error:
            field = score_field(index)
            if error.problem is ClosingProblem.NOT_UNFINISHED:
                field = note_field(index)
            problems[field] = text(lang, f"closing.problem.{error.problem.value}")
        except ScoreError:
            problems[score_field(index)] = text(lang, "closing.problem.score")
    return closed, problems


async def _store(turn: Turn, closed: list[Closed]) -> str | None:
    """Store each close: scores, the carried copy, then the objective (so a retry redoes
    a half-stored one). Returns the id of an objective changed meanwhile, or None."""
    store = turn.store
    for done in closed:
        try:
            for kr in done.key_results:
                await store.save_key_result(kr)
            if done.carried is not None:
                copy, carried = done.carried
                await store.create_missing(turn.tenant_id, [copy, *carried])
            await store.save_objective(done.objective)
        except ConflictError:
            log.info("close of %s met a concurrent change", done.objective.id)
            return done.objective.id
    return None


async def _record(
    turn: Turn,
    objectives: list[Objective],
    key_results: list[KeyResult],
    teams: dict[str, Team],
    *,
    kept_first: bool,
) -> Card:
    """The read-only record of the card's objectives as stored, with their carried copies."""
    lang = okr_views.language(turn)
    store = turn.store
    names = await okr_views.names_of(turn, (o.closed_by for o in objectives))
    lines = []
    for objective in objectives:
        own = [kr for kr in key_results if kr.objective_id == objective.id]
        team = teams.get(objective.team_id or "")
        copy = await store.get_objective(turn.tenant_id, carried_id(objective.id))
        carried = (
            len(await store.list_key_results(turn.tenant_id, objective_id=copy.id)) if copy else 0
        )
        closed_by = okr_views.closing_record(
            lang,
            "closing.closed_by",
            objective.closed_by,
            objective.closed_at,
            names,
            okr_views.time_zone(turn, team),
        )
        lines.append(
            ClosedLine(
                objective=objective,
                key_results=[(kr.title, kr.score) for kr in own],
                closed_by=closed_by,
                carried_to=format_period(copy.period, lang) if copy else "",
                carried=carried,
                can_reopen=may_reopen(turn.member, objective, team),
            )
        )
    card = closed_card(lang, lines, kept_first=kept_first)
    return Card(card, fallback_text=text(lang, "closing.recorded"))


# -- reopening --------------------------------------------------------------------------


async def reopen(turn: Turn, action: CardAction) -> Replies:
    """A team owner reopens a closed objective: active again, check-ins resume, recorded."""
    lang = okr_views.language(turn)
    objective = await named_objective(turn, action) if action.is_current else None
    if objective is None:
        return expired(turn)
    team = await okr_views.own_team(turn, objective)
    if not may_reopen(turn.member, objective, team):
        return Text(text(lang, "closing.reopen_not_allowed"))
    if objective.state is not ObjectiveState.CLOSED:
        return Text(text(lang, "closing.not_closed"))
    try:
        saved = await turn.store.save_objective(
            reopen_objective(objective, by=turn.member.id, at=turn.now)
        )
    except ConflictError:
        return await changed_meanwhile(turn, objective.id)
    card = await show_objective(turn, saved)
    return [card, Text(text(lang, "closing.reopened", title=saved.title))]
