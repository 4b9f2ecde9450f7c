"""Turn stored OKRs into what the cards show, for the person asking.

Shared by the feature modules: who the person's teammates are, which periods
to offer, and the computed, formatted view of an objective.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.features import Turn
from cards.authoring import KeyResultLine, ObjectiveSummary, ObjectiveView
from cards.i18n import Language, language_for_locale, text
from cards.locale_format import format_datetime, format_period, format_value
from okr.cadence import owner_zone
from okr.closing import may_reopen
from okr.guidance import objective_warnings
from okr.models import (
    CheckInStatus,
    KeyResult,
    Kpi,
    Member,
    MemberName,
    Objective,
    ObjectiveState,
    Team,
)
from okr.pace import pace_of
from okr.periods import Period, fiscal_quarter_of, fiscal_year_of, quarter_of
from okr.permissions import Changeable, home_of
from okr.permissions import may_change as may_change_rule
from okr.progress import key_result_progress, objective_progress

# Most people a pick-list offers; Teams cards stay under 28 KB with this many.
MAX_MEMBER_CHOICES = 100


def language(turn: Turn) -> Language:
    """The language to answer ``turn`` in."""
    return language_for_locale(turn.locale)


def time_zone(turn: Turn, team: Team | None) -> ZoneInfo:
    """The person's time zone (:func:`okr.cadence.owner_zone`); never fails."""
    return owner_zone(team.settings if team else None, turn.member)


def pace_zone(team: Team | None) -> ZoneInfo:
    """The zone an objective's pace is counted in: its own team's, whoever looks.

    One line per objective, so the card, the list and the digest agree for
    people in different zones (:mod:`okr.pace`).
    """
    return owner_zone(team.settings if team else None)


def team_id_of(turn: Turn) -> str | None:
    """The team a turn is about: the channel's team, else the person's first team."""
    if turn.team_id:
        return turn.team_id
    return turn.member.team_ids[0] if turn.member.team_ids else None


async def team_of(turn: Turn) -> Team | None:
    """The stored team a turn is about, if any: for reading and defaults, never permissions."""
    team_id = team_id_of(turn)
    return await turn.reads.team(team_id) if team_id else None


async def own_team(turn: Turn, home: Objective | Kpi) -> Team | None:
    """The team an objective or KPI belongs to, as stored: it decides who may change it."""
    return await turn.reads.team(home.team_id) if home.team_id else None


async def may_change(turn: Turn, target: Changeable, objective: Objective | None = None) -> bool:
    """Whether the person may change ``target``, judged by the object's own team.

    ``objective`` is the objective of a key result or initiative.
    """
    team = await own_team(turn, home_of(target, objective))
    return may_change_rule(turn.member, target, team, objective)


async def objectives_of(turn: Turn, key_results: Sequence[KeyResult]) -> dict[str, Objective]:
    """The objectives of ``key_results`` by id, each read once, all at the same time."""
    ids = list(dict.fromkeys(kr.objective_id for kr in key_results))
    read = await asyncio.gather(*(turn.store.get_objective(turn.tenant_id, i) for i in ids))
    return {objective.id: objective for objective in read if objective is not None}


async def own_active_key_results(
    turn: Turn, limit: int | None = None
) -> tuple[list[KeyResult], dict[str, Objective]]:
    """The person's key results in active objectives of a period not over yet (creation
    order, at most ``limit``), and those objectives by id: what rounds ask them about.

    Reads the person's own key results and their objectives, never the tenant's.
    """
    key_results, objectives, _ = await own_key_results_to_ask(turn, limit)
    return key_results, objectives


async def own_key_results_to_ask(
    turn: Turn, limit: int | None = None
) -> tuple[list[KeyResult], dict[str, Objective], list[Objective]]:
    """As :func:`own_active_key_results`, and those of the person's own objectives left
    out because their period has ended (in their own team's zone): they wait to be
    closed, as the scheduled rounds have it (docs/close.md), and ``close`` shows them.
    """
    mine = await turn.store.list_key_results(turn.tenant_id, owner_id=turn.member.id)
    objectives = await objectives_of(turn, mine)
    active = [o for o in objectives.values() if o.state is ObjectiveState.ACTIVE]
    teams = await turn.reads.teams(o.team_id for o in active if o.team_id)
    ended = {
        o.id for o in active if o.period.ends_at(pace_zone(teams.get(o.team_id or ""))) <= turn.now
    }
    asked = [
        kr
        for kr in mine
        if (o := objectives.get(kr.objective_id)) is not None
        and o.state is ObjectiveState.ACTIVE
        and o.id not in ended
    ][:limit]
    by_id = {kr.objective_id: objectives[kr.objective_id] for kr in asked}
    to_close = [o for o in active if o.id in ended and o.owner_id == turn.member.id]
    return asked, by_id, to_close


async def fiscal_year_start_month(turn: Turn) -> int:
    """The tenant's fiscal-year start month (1 when never set)."""
    tenant = await turn.reads.tenant()
    return tenant.fiscal_year_start_month if tenant else 1


def _teams_shared(turn: Turn) -> set[str]:
    """The teams whose people are the person's teammates: theirs and the channel's."""
    return set(turn.member.team_ids) | ({turn.team_id} if turn.team_id else set())


def is_teammate(turn: Turn, member: Member) -> bool:
    """Whether ``member`` may be offered to own things: the person, or someone sharing a team
    with them (the channel's team counts); everyone in the tenant when they have no team."""
    teams = _teams_shared(turn)
    return not teams or member.id == turn.member.id or not teams.isdisjoint(member.team_ids)


async def teammates(turn: Turn) -> list[MemberName]:
    """People who share a team with the person (everyone in the tenant when they have none).

    Reads each of those teams' people by name, as many as a pick-list shows
    (:data:`MAX_MEMBER_CHOICES`), never the tenant's member list; only what a
    pick-list names of each, never whole documents.
    """
    teams = _teams_shared(turn)
    store, limit = turn.store, MAX_MEMBER_CHOICES
    found = await asyncio.gather(
        *(
            store.list_member_names(turn.tenant_id, team_id=t, limit=limit)
            for t in (sorted(teams) if teams else [None])
        )
    )
    members = list({m.id: m for some in found for m in some if m.id != turn.member.id}.values())
    return [MemberName.of(turn.member), *members]


def member_choices(members: list[MemberName], me: Member) -> list[tuple[str, str]]:
    """``(name, id)`` pick-list entries: the person first, then by name."""
    others = sorted((m for m in members if m.id != me.id), key=lambda m: m.name.casefold())
    ordered = [MemberName.of(me), *others][:MAX_MEMBER_CHOICES]
    return [(m.display_name, m.id) for m in ordered]


def period_choices(
    lang: Language, now: datetime, tz: ZoneInfo, fiscal_start: int
) -> list[tuple[str, str]]:
    """This and next quarter, this and next fiscal year (or calendar year)."""
    today = now.astimezone(tz).date()
    this_quarter = (
        fiscal_quarter_of(today, fiscal_start) if fiscal_start != 1 else quarter_of(today)
    )
    next_quarter_day = this_quarter.end + timedelta(days=1)
    next_quarter = (
        fiscal_quarter_of(next_quarter_day, fiscal_start)
        if fiscal_start != 1
        else quarter_of(next_quarter_day)
    )
    year = fiscal_year_of(today, fiscal_start)
    this_year = Period.fiscal_year(year, fiscal_start)
    next_year = Period.fiscal_year(year + 1, fiscal_start)
    return [
        (
            text(lang, "form.period.this_quarter", period=describe_period(this_quarter, lang)),
            this_quarter.label,
        ),
        (
            text(lang, "form.period.next_quarter", period=describe_period(next_quarter, lang)),
            next_quarter.label,
        ),
        (
            text(lang, "form.period.this_year", period=describe_period(this_year, lang)),
            this_year.label,
        ),
        (
            text(lang, "form.period.next_year", period=describe_period(next_year, lang)),
            next_year.label,
        ),
    ]


def describe_period(period: Period, lang: Language) -> str:
    """``Quý 4/2026 (01/10/2026 – 31/12/2026)``, ``Q4 2026 (10/01/2026 – 12/31/2026)``."""
    return format_period(period, lang, with_dates=True)


def names_by_id(members: list[Member]) -> dict[str, str]:
    """Display names by member id."""
    return {m.id: m.display_name for m in members}


async def names_of(turn: Turn, ids: Iterable[str | None]) -> dict[str, str]:
    """Display names of the people ``ids`` name, read by id (one query per hundred).

    A card names a few people: reading them costs what the card shows, where the
    tenant's member list grows with the organisation. Unknown ids are left out.
    """
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return names_by_id(await turn.store.get_members(turn.tenant_id, wanted))


def describe_values(kr: KeyResult, lang: Language) -> str:
    """``start → target · now current`` formatted for the key result's kind and locale.

    A meta line read at a glance: money is compact (``15,6 triệu USD``, ``$15.6M``).
    """

    def fmt(value: Decimal) -> str:
        return format_value(value, kr.kind, lang, currency=kr.currency, unit=kr.unit, compact=True)

    return text(
        lang,
        "okr.values",
        start=fmt(kr.start),
        target=fmt(kr.target),
        current=fmt(kr.current),
    )


async def objective_view(turn: Turn, objective: Objective) -> ObjectiveView:
    """Everything the objective card shows, for the person in ``turn``."""
    lang = language(turn)
    store = turn.store
    key_results = await store.list_key_results(turn.tenant_id, objective_id=objective.id)
    initiatives = await store.list_initiatives(turn.tenant_id, objective.id)
    team = await own_team(turn, objective)
    named = [kr.owner_id for kr in key_results]
    names = await names_of(
        turn, [*named, objective.owner_id, objective.closed_by, objective.reopened_by]
    )
    parent = (
        await store.get_objective(turn.tenant_id, objective.parent_id)
        if objective.parent_id
        else None
    )
    closed = objective.state is ObjectiveState.CLOSED
    lines = [
        KeyResultLine(
            key_result=kr,
            owner_name=names.get(kr.owner_id or "", text(lang, "field.owner.none")),
            values=describe_values(kr, lang),
            progress=float(key_result_progress(kr).clamped),
            can_edit=may_change_rule(turn.member, kr, team, objective) and not closed,
            can_check_in=kr.owner_id == turn.member.id and objective.state is ObjectiveState.ACTIVE,
        )
        for kr in key_results
    ]
    progress = objective_progress(key_results)
    expected = pace = None
    if progress is not None and objective.state is ObjectiveState.ACTIVE:
        found = pace_of(objective, progress, turn.now, pace_zone(team))
        expected, pace = float(found.expected), found.status
    return ObjectiveView(
        objective=objective,
        owner_name=names.get(objective.owner_id or "", text(lang, "field.owner.none")),
        period_text=describe_period(objective.period, lang),
        progress=None if progress is None else float(progress),
        expected=expected,
        pace=pace,
        key_results=lines,
        initiatives=initiatives,
        warnings=objective_warnings(objective, key_results),
        can_edit=may_change_rule(turn.member, objective, team),
        parent_title=parent.title if parent else None,
        closed_text=closing_record(
            lang,
            "closing.closed_by",
            objective.closed_by,
            objective.closed_at,
            names,
            time_zone(turn, team),
        )
        if closed
        else "",
        reopened_text=closing_record(
            lang,
            "closing.reopened_by",
            objective.reopened_by,
            objective.reopened_at,
            names,
            time_zone(turn, team),
        )
        if not closed
        else "",
        can_reopen=closed and may_reopen(turn.member, objective, team),
        tab_link=turn.tab_links.objective(objective.id, turn.tenant_id) if turn.tab_links else None,
    )


def closing_record(
    lang: Language,
    key: str,
    who: str | None,
    when: datetime | None,
    names: dict[str, str],
    zone: ZoneInfo,
) -> str:
    """``Closed by Alice on Monday, 01/04/2027 at 9:00 AM`` (or reopened), "" when not recorded."""
    if who is None or when is None:
        return ""
    return text(lang, key, name=names.get(who, who), when=format_datetime(when, lang, zone))


# How worrying an owner's status is: a list shows the most worrying of an objective's.
_WORRY = {CheckInStatus.ON_TRACK: 0, CheckInStatus.AT_RISK: 1, CheckInStatus.OFF_TRACK: 2}


async def summaries(turn: Turn, objectives: list[Objective]) -> list[ObjectiveSummary]:
    """List lines for ``objectives``: progress, pace and status as the objective card has them."""
    if not objectives:
        return []
    names, key_results, teams = await asyncio.gather(
        names_of(turn, (o.owner_id for o in objectives)),
        turn.store.list_key_results(turn.tenant_id, objective_ids=[o.id for o in objectives]),
        turn.reads.teams(
            o.team_id for o in objectives if o.team_id and o.state is ObjectiveState.ACTIVE
        ),
    )
    by_objective: dict[str, list[KeyResult]] = {o.id: [] for o in objectives}
    for kr in key_results:
        by_objective[kr.objective_id].append(kr)
    result = []
    for objective in objectives:
        krs = by_objective[objective.id]
        progress = objective_progress(krs)
        pace = None
        if progress is not None and objective.state is ObjectiveState.ACTIVE:
            team = teams.get(objective.team_id) if objective.team_id else None
            pace = pace_of(objective, progress, turn.now, pace_zone(team))
        statuses = [kr.last_status for kr in krs if kr.last_status is not None]
        result.append(
            ObjectiveSummary(
                objective=objective,
                progress=None if progress is None else float(progress),
                key_results=len(krs),
                owner_name=names.get(objective.owner_id or "", ""),
                expected=None if pace is None else float(pace.expected),
                pace=None if pace is None else pace.status,
                status=max(statuses, key=_WORRY.__getitem__, default=None),
            )
        )
    return result
