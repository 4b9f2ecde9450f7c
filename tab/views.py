"""What each of the tab's views shows, as the API's JSON (docs/tab.md, "API").

Read rules are the bot's (bot/browsing.py): everyone in the tenant may read
every objective. "My OKRs" is what ``my okrs`` lists (objectives the person owns
or owns a key result of), a team's view what ``team okrs`` lists (the team's
objectives); both show open objectives (draft and active), as the bot's lists
do, and closed ones too once a period is asked for, since a past period is
mostly closed objectives. Without a period, a view shows the objectives running
today. Everything is read in the signed-in person's tenant: an id from another
tenant is simply not found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from cards.i18n import Language
from cards.locale_format import format_period
from cards.tab_links import TabLinks
from okr.models import CheckInStatus, Objective, ObjectiveState, Team
from okr.periods import Period, fiscal_quarter_of, fiscal_year_of, quarter_of
from tab.filters import Filters, Page
from tab.objectives import (
    Json,
    Read,
    Viewer,
    key_results_of,
    objectives_json,
    person,
    read_for,
)
from tab.team_round import Round, read_round
from tab.wording import label, tab_strings, words

_OPEN = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)


class NotFound(LookupError):
    """The id names nothing in the viewer's tenant (the API answers 404)."""


async def session(viewer: Viewer, app_id: str | None) -> Json:
    """Who is signed in, their teams, the periods to pick from, the page's strings, and the
    bot's app id (``app_id``, None in local mode) with the deep link to the person's chat
    with the bot (``chat_link``, the same link the cards build: :meth:`TabLinks.chat`)."""
    teams, fiscal_start = await asyncio.gather(own_teams(viewer), fiscal_year_start_month(viewer))
    return {
        "member": {"id": viewer.member.id, "name": viewer.member.display_name},
        "tenant_id": viewer.tenant_id,
        "app_id": app_id,
        "chat_link": TabLinks(app_id).chat(viewer.tenant_id) if app_id else None,
        "lang": viewer.lang.value,
        "teams": teams,
        "periods": period_choices(viewer, fiscal_start),
        "strings": tab_strings(viewer.lang),
    }


async def own_teams(viewer: Viewer) -> list[Json]:
    """The person's teams the bot is installed in, by name (the configuration page's list)."""
    store, tenant = viewer.store, viewer.tenant_id
    found = await asyncio.gather(*(store.get_team(tenant, t) for t in viewer.member.team_ids))
    teams = sorted((t for t in found if t is not None and t.installed), key=_by_name)
    return [{"id": t.id, "name": t.name} for t in teams]


async def fiscal_year_start_month(viewer: Viewer) -> int:
    """The tenant's fiscal-year start month (1 when never set)."""
    tenant = await viewer.store.get_tenant(viewer.tenant_id)
    return tenant.fiscal_year_start_month if tenant else 1


def period_choices(viewer: Viewer, fiscal_start: int) -> list[Json]:
    """The last, this and next quarter, this and next year; this quarter is ``current``."""
    today = viewer.now.astimezone(viewer.zone).date()

    def quarter(day: date) -> Period:
        return fiscal_quarter_of(day, fiscal_start) if fiscal_start != 1 else quarter_of(day)

    this = quarter(today)
    last = quarter(this.start - timedelta(days=1))
    following = quarter(this.end + timedelta(days=1))
    year = fiscal_year_of(today, fiscal_start)
    periods = [
        last,
        this,
        following,
        Period.fiscal_year(year, fiscal_start),
        Period.fiscal_year(year + 1, fiscal_start),
    ]
    return [
        {"key": p.label, "label": format_period(p, viewer.lang), "current": p == this}
        for p in periods
    ]


async def my_okrs(viewer: Viewer, filters: Filters, page: Page) -> Json:
    """The objectives the person owns or owns a key result of."""
    store, tenant, me = viewer.store, viewer.tenant_id, viewer.member.id
    owned, krs = await asyncio.gather(
        store.list_objectives(tenant, owner_id=me),
        store.list_key_results(tenant, owner_id=me),
    )
    ids = {o.id for o in owned}
    others = list(dict.fromkeys(kr.objective_id for kr in krs if kr.objective_id not in ids))
    found = await asyncio.gather(*(store.get_objective(tenant, i) for i in others))
    shown = await _shown(viewer, [*owned, *(o for o in found if o)], filters, page)
    return {
        "period": period_json(viewer.lang, filters),
        **await _page_json(viewer, shown, page),
        "participation": None,
        "at_risk": [],
    }


async def team_okrs(viewer: Viewer, team_id: str, filters: Filters, page: Page) -> Json:
    """A team's objectives, the participation of its current round and what is at risk."""
    team = await viewer.store.get_team(viewer.tenant_id, team_id)
    if team is None:
        raise NotFound(team_id)
    candidates = await viewer.store.list_objectives(viewer.tenant_id, team_id=team.id)
    # The round's participation and what is at risk head the list: on its first page only.
    shown, found = await asyncio.gather(
        _shown(viewer, candidates, filters, page),
        read_round(viewer.store, team, viewer.now, candidates) if page.offset == 0 else _no_round(),
    )
    participation, at_risk = _round_json(viewer, found)
    return {
        "period": period_json(viewer.lang, filters),
        **await _page_json(viewer, shown, page),
        "participation": participation,
        "at_risk": at_risk,
    }


def period_json(lang: Language, filters: Filters) -> Json:
    """The period a list shows: the one asked for, or (key None) those running today."""
    if filters.period is None:
        return {"key": None, "label": words(lang, "tab.period.running")}
    return {"key": filters.period.label, "label": format_period(filters.period, lang)}


@dataclass(frozen=True, slots=True)
class _Shown:
    """One page of a list: its objectives, what showing them needs, and how many match in all."""

    objectives: list[Objective]
    read: Read
    total: int


async def _page_json(viewer: Viewer, shown: _Shown, page: Page) -> Json:
    following = page.offset + page.limit
    return {
        "objectives": await objectives_json(viewer, shown.objectives, shown.read),
        "total": shown.total,
        "next_offset": following if following < shown.total else None,
    }


async def _shown(
    viewer: Viewer, candidates: Sequence[Objective], filters: Filters, page: Page
) -> _Shown:
    """``candidates`` narrowed to what the view shows, the page asked for, and what showing
    it needs. Key results are read for every candidate only when a filter looks at
    them; check-ins, teams and people for the page's objectives only."""
    today = viewer.now.astimezone(viewer.zone).date()
    in_view = [
        o
        for o in dict((o.id, o) for o in candidates).values()
        if (o.state in _OPEN or filters.period is not None) and filters.in_period(o, today)
    ]
    if filters.reads_key_results:
        key_results = await key_results_of(viewer, in_view)
        matching = [o for o in in_view if filters.matches(o, key_results[o.id])]
    else:  # the objectives alone decide: only the page's key results are read
        matching = [o for o in in_view if filters.matches(o, ())]
    shown = matching[page.offset : page.offset + page.limit]
    if not filters.reads_key_results:
        key_results = await key_results_of(viewer, shown)
    read = await read_for(viewer, shown, {o.id: key_results[o.id] for o in shown})
    return _Shown(shown, read, len(matching))


async def _no_round() -> None:
    return None


def _round_json(viewer: Viewer, found: Round) -> tuple[Json | None, list[Json]]:
    """The API's ``Participation`` (None before the first round) and ``AtRisk`` lines."""
    if found is None:
        return None, []
    lang, people = viewer.lang, found.people
    at_risk = [
        {
            "key_result": {"id": kr.id, "title": kr.title},
            "objective": {"id": kr.objective_id, "title": found.titles.get(kr.objective_id, "")},
            "owner": person(lang, kr.owner_id, people),
            "status_text": label(lang, kr.last_status or CheckInStatus.AT_RISK),
        }
        for kr in found.at_risk
    ]
    round_ = found.participation
    if round_.round_date is None:
        return None, at_risk
    participation = {
        "expected": round_.asked,
        "answered": round_.checked_in,
        "missing": [person(lang, i, people) for i in round_.missing_ids],
        "text": (
            words(lang, "tab.participation", answered=round_.checked_in, expected=round_.asked)
            if round_.asked
            # As the digest says it: "0 of 0" reads like a fault.
            else words(lang, "digest.nobody_asked")
        ),
    }
    return participation, at_risk


def _by_name(team: Team) -> str:
    return team.name.casefold()
