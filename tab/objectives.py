"""Objectives and key results as the tab's JSON shows them (docs/tab.md, ``Objective``).

What a list needs is read once for all its objectives (:func:`read_for`): their
key results (one query per hundred objectives), their check-ins (the same), their
teams (one point read per team) and the people they name (one query per hundred
ids). Never the tenant's members or objectives: a view costs what it shows.
Every ``*_text`` is written here, in the viewer's language, with the cards'
catalogs and Babel; values are as typed (the page shows them as text).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from cards.i18n import Language
from cards.locale_format import format_date, format_period, format_progress
from okr.cadence import owner_zone
from okr.models import CheckIn, KeyResult, Member, Objective, ObjectiveState, Team
from okr.pace import PaceStatus, expected_progress, pace_of
from okr.progress import clamp, key_result_progress, objective_progress
from storage.store import OkrStore
from tab.charts import key_result_chart
from tab.wording import label, value_words, words

Json = dict[str, Any]

# PaceStatus values carry a ``pace_`` prefix (see okr.pace); the API's do not.
_PACE = {
    PaceStatus.ON_TRACK: "on_track",
    PaceStatus.BEHIND: "behind",
    PaceStatus.AT_RISK: "at_risk",
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, in which language, at what moment."""

    store: OkrStore
    member: Member
    lang: Language
    now: datetime

    @property
    def tenant_id(self) -> str:
        """The tenant everything is read in: the signed-in person's, never a parameter."""
        return self.member.tenant_id

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone, for dates and times they read (:func:`owner_zone`)."""
        return owner_zone(None, self.member)


@dataclass(frozen=True, slots=True)
class Read:
    """What a set of objectives needs, read once."""

    key_results: dict[str, list[KeyResult]]  # by objective id, creation order
    teams: dict[str, Team]
    people: dict[str, Member]
    checkins: dict[str, list[CheckIn]]  # by key result id, newest first


async def key_results_of(
    viewer: Viewer, objectives: Sequence[Objective]
) -> dict[str, list[KeyResult]]:
    """The key results of ``objectives`` by objective id (one query per hundred objectives)."""
    found: dict[str, list[KeyResult]] = {o.id: [] for o in objectives}
    if objectives:
        ids = [o.id for o in objectives]
        for kr in await viewer.store.list_key_results(viewer.tenant_id, objective_ids=ids):
            found[kr.objective_id].append(kr)
    return found


async def read_for(
    viewer: Viewer,
    objectives: Sequence[Objective],
    key_results: dict[str, list[KeyResult]],
    *,
    history: bool = True,
    people: Iterable[str | None] = (),
) -> Read:
    """Teams, people (and ``people``) and, with ``history``, check-ins of ``objectives``."""
    store, tenant = viewer.store, viewer.tenant_id
    team_ids = sorted({o.team_id for o in objectives if o.team_id})
    named = {o.owner_id for o in objectives} | {
        kr.owner_id for krs in key_results.values() for kr in krs
    }
    wanted = {i for i in (*named, *people) if i}
    teams, members, checkins = await asyncio.gather(
        asyncio.gather(*(store.get_team(tenant, t) for t in team_ids)),
        store.get_members(tenant, wanted) if wanted else _none(),
        store.list_checkins(
            tenant,
            objective_ids=[o.id for o in objectives],
            since=min(o.period.starts_at(viewer.zone) for o in objectives),
        )
        if history and objectives
        else _none(),
    )
    by_key_result: dict[str, list[CheckIn]] = {}
    for checkin in checkins:
        by_key_result.setdefault(checkin.key_result_id, []).append(checkin)
    return Read(
        key_results=key_results,
        teams={t.id: t for t in teams if t is not None},
        people={m.id: m for m in members},
        checkins=by_key_result,
    )


def person(lang: Language, member_id: str | None, people: Mapping[str, Member]) -> Json | None:
    """The API's ``Person`` for ``member_id`` (None without one), named from ``people``."""
    if member_id is None:
        return None
    member = people.get(member_id)
    name = member.display_name if member else words(lang, "tab.person.unknown")
    return {"id": member_id, "name": name}


def objective_link(objective_id: str) -> str:
    """The tab's own URL of an objective's detail."""
    return "/tab/index.html?" + urlencode({"view": "objective", "objective": objective_id})


def pace_zone(objective: Objective, read: Read) -> ZoneInfo:
    """The zone an objective's pace is counted in: its own team's, whoever looks."""
    team = read.teams.get(objective.team_id) if objective.team_id else None
    return owner_zone(team.settings if team else None)


def objective_json(viewer: Viewer, objective: Objective, read: Read) -> Json:
    """One objective as the API's ``Objective``."""
    lang = viewer.lang
    key_results = read.key_results.get(objective.id, [])
    zone = pace_zone(objective, read)
    progress = objective_progress(key_results)
    expected = expected_progress(objective, viewer.now, zone)
    pace = _pace(objective, progress, viewer.now, zone)
    team = read.teams.get(objective.team_id) if objective.team_id else None
    return {
        "id": objective.id,
        "title": objective.title,
        "level": objective.level.value,
        "level_text": label(lang, objective.level),
        "state": objective.state.value,
        "state_text": label(lang, objective.state),
        "team": {"id": team.id, "name": team.name} if team else None,
        "owner": person(lang, objective.owner_id, read.people),
        "period_text": format_period(objective.period, lang, with_dates=True),
        "progress": None if progress is None else float(clamp(progress)),
        "progress_text": _progress_text(progress, lang),
        "expected": float(expected),
        "expected_text": words(lang, "pace.expected", expected=format_progress(expected, lang)),
        "pace": _PACE[pace] if pace else "none",
        "pace_text": label(lang, pace) if pace else "",
        "key_results": [key_result_json(viewer, objective, kr, read) for kr in key_results],
        "link": objective_link(objective.id),
    }


async def objectives_json(
    viewer: Viewer, objectives: Sequence[Objective], read: Read
) -> list[Json]:
    """:func:`objective_json` of each, written off the event loop.

    A team of a thousand objectives is seconds of formatting and drawing; in a
    worker thread, the loop keeps answering the bot's turns meanwhile (as the
    digest's build does).
    """
    if not objectives:
        return []
    return await asyncio.to_thread(lambda: [objective_json(viewer, o, read) for o in objectives])


def key_result_json(viewer: Viewer, objective: Objective, kr: KeyResult, read: Read) -> Json:
    """One key result as the API's ``KeyResult``, with its history chart."""
    lang = viewer.lang
    progress = key_result_progress(kr).clamped
    pace = _pace(objective, progress, viewer.now, pace_zone(objective, read))
    return {
        "id": kr.id,
        "title": kr.title,
        "owner": person(lang, kr.owner_id, read.people),
        "values_text": values_text(kr, lang),
        "progress": float(progress),
        "progress_text": format_progress(progress, lang),
        "last_status": kr.last_status.value if kr.last_status else None,
        "last_status_text": label(lang, kr.last_status)
        if kr.last_status
        else words(lang, "tab.status.none"),
        "last_checkin_text": format_date(kr.last_checkin_at.astimezone(viewer.zone).date(), lang)
        if kr.last_checkin_at
        else words(lang, "tab.checkin.never"),
        "last_note": kr.last_note,
        "pace": _PACE[pace] if pace else "none",
        "pace_text": label(lang, pace) if pace else "",
        "chart_svg": key_result_chart(
            kr, objective, read.checkins.get(kr.id, []), lang, viewer.zone
        ),
    }


def values_text(kr: KeyResult, lang: Language) -> str:
    """``start → target · now current`` for the key result's kind and the language."""
    return words(
        lang,
        "okr.values",
        start=value_words(kr, kr.start, lang),
        target=value_words(kr, kr.target, lang),
        current=value_words(kr, kr.current, lang),
    )


def _pace(
    objective: Objective, progress: Decimal | None, now: datetime, zone: ZoneInfo
) -> PaceStatus | None:
    # Only an active objective has a pace, as on the cards.
    if progress is None or objective.state is not ObjectiveState.ACTIVE:
        return None
    return pace_of(objective, progress, now, zone).status


def _progress_text(progress: Decimal | None, lang: Language) -> str:
    if progress is None:
        return words(lang, "tab.progress.none")
    return format_progress(clamp(progress), lang)


async def _none() -> list[Any]:
    return []
