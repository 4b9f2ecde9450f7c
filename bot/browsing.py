"""Reading OKRs in chat: ``my okrs``, ``team okrs``, ``status <objective>``, ``digest``.

Everyone in the tenant may read every objective: transparency is part of OKRs.
"""

from __future__ import annotations

import asyncio

from bot import okr_views
from bot.authoring import OPEN
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn
from bot.saving import expired
from cards import verbs
from cards.authoring import objective_card, objective_list_card
from cards.elements import execute
from cards.i18n import text
from cards.origin import Origin, Place
from okr.models import Objective, ObjectiveState
from okr.text import fold

# How many objectives a list card shows before asking to narrow down.
MAX_LISTED = 25
# The team's objectives come this many at a time, "Show more" adding as many
# again (up to MAX_LISTED): a chat card is read on a phone too, and each line
# costs its share of building and sending the card.
TEAM_PAGE = 10


def register(features: Features) -> None:
    """Register the reading commands."""
    features.add_command("my okrs", my_okrs, aliases=ALIASES[CommandName.MY_OKRS][1:])
    features.add_command("team okrs", team_okrs, aliases=ALIASES[CommandName.TEAM_OKRS][1:])
    features.add_command("status", status, aliases=ALIASES[CommandName.STATUS][1:])
    features.add_verb(verbs.TEAM_OKRS_MORE, team_okrs_more)


def _open(objectives: list[Objective]) -> list[Objective]:
    return [o for o in objectives if o.state is not ObjectiveState.CLOSED]


async def my_okrs(turn: Turn, args: str) -> Replies:
    """Objectives the person owns or owns a key result of."""
    lang = okr_views.language(turn)
    store = turn.store
    owned, krs = await asyncio.gather(
        store.list_objectives(turn.tenant_id, owner_id=turn.member.id),
        store.list_key_results(turn.tenant_id, owner_id=turn.member.id),
    )
    ids = {o.id for o in owned}
    others = list(dict.fromkeys(kr.objective_id for kr in krs if kr.objective_id not in ids))
    found = await asyncio.gather(*(store.get_objective(turn.tenant_id, i) for i in others))
    owned += [o for o in found if o is not None]
    objectives = _open(owned)[:MAX_LISTED]
    card = objective_list_card(
        lang,
        text(lang, "list.my_okrs.title"),
        await okr_views.summaries(turn, objectives),
        "list.my_okrs.empty",
        back_here=Origin(turn.member.id, Place.MY_OKRS),
    )
    return Card(card, fallback_text=text(lang, "list.my_okrs.title"))


async def team_okrs(turn: Turn, args: str) -> Replies:
    """The first open objectives of the team (the channel's, or the person's teams in a chat)."""
    return await _team_list(turn, TEAM_PAGE)


async def team_okrs_more(turn: Turn, action: CardAction) -> Replies:
    """ "Show more": the same list, :data:`TEAM_PAGE` objectives longer (read again, never a write).

    ``shown`` (how many the card showed) comes from the card, so it is
    untrusted: anything but a whole number between a page and
    :data:`MAX_LISTED` is taken as the nearest of those (a card showing the
    first page when not a number), and the list never grows past
    :data:`MAX_LISTED`. Whoever presses sees the list as it is for them now.
    """
    if not action.is_current:
        return expired(turn)
    shown = action.data.get("shown")
    if isinstance(shown, bool) or not isinstance(shown, int):
        shown = TEAM_PAGE
    shown = max(TEAM_PAGE, min(MAX_LISTED, shown))
    return await _team_list(turn, min(MAX_LISTED, shown + TEAM_PAGE))


async def _team_list(turn: Turn, shown: int) -> Replies:
    """The team's first ``shown`` open objectives, and "Show more" when there are more.

    Reads one more than it shows of each team (of the tenant when the person
    has no team), to know whether the list goes on: never more than the card shows.
    """
    lang = okr_views.language(turn)
    team_ids: list[str | None] = [turn.team_id] if turn.team_id else list(turn.member.team_ids)
    found = await asyncio.gather(
        *(
            turn.store.list_objectives(turn.tenant_id, team_id=t, states=OPEN, limit=shown + 1)
            for t in team_ids or [None]
        )
    )
    objectives = [o for some in found for o in some]
    more = None
    if len(objectives) > shown and shown < MAX_LISTED:
        more = execute(text(lang, "list.show_more"), verbs.TEAM_OKRS_MORE, {"shown": shown})
    card = objective_list_card(
        lang,
        text(lang, "list.team_okrs.title"),
        await okr_views.summaries(turn, objectives[:shown]),
        "list.team_okrs.empty",
        more=more,
    )
    return Card(card, fallback_text=text(lang, "list.team_okrs.title"))


async def status(turn: Turn, args: str) -> Replies:
    """``status <objective>``: the objective card of the best title match."""
    lang = okr_views.language(turn)
    wanted = fold(args)
    if not wanted:
        return Text(text(lang, "status.usage"))
    # Every objective's title, and only its title: the matches alone are read whole.
    titles = await turn.store.list_objective_titles(turn.tenant_id)
    exact = [i for title, i in titles if fold(title) == wanted]
    matched = (exact or [i for title, i in titles if wanted in fold(title)])[:MAX_LISTED]
    read = await asyncio.gather(*(turn.store.get_objective(turn.tenant_id, i) for i in matched))
    found = [o for o in read if o is not None]
    if not found:
        return Text(text(lang, "status.not_found", query=args.strip()[:100]))
    if len(found) > 1:
        card = objective_list_card(
            lang,
            text(lang, "status.several", query=args.strip()[:100]),
            await okr_views.summaries(turn, found),
            "list.team_okrs.empty",
        )
        return Card(card, fallback_text=text(lang, "status.several", query=args.strip()[:100]))
    view = await okr_views.objective_view(turn, found[0])
    return Card(objective_card(lang, view), fallback_text=found[0].title)
