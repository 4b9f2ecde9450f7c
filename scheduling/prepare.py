"""Build the check-in, reminder and summary cards for one person from storage.

Shared by the scheduled rounds and by the ``checkin`` chat command, so a card
asked for on demand is the same card the schedule sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cards.checkin import CheckInItem, MissingOwner, checkin_card, missing_summary_card
from cards.i18n import Language, language_of, text
from cards.locale_format import format_date, format_decimal, format_value
from okr.cadence import owner_zone
from okr.models import (
    CheckInStatus,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    Team,
    TeamSettings,
)
from okr.pace import expected_progress, suggest_status, to_checkin_status
from okr.progress import key_result_progress
from storage.store import OkrStore


def checkin_items(
    key_results: Sequence[KeyResult],
    objectives: dict[str, Objective],
    lang: Language,
    now: datetime,
    zone: str,
) -> list[CheckInItem]:
    """The key results as the card shows them, with expected progress and a suggested status."""
    items = []
    for kr in key_results:
        objective = objectives.get(kr.objective_id)
        progress = key_result_progress(kr).clamped
        expected = expected_progress(objective.period, now, zone) if objective else None
        status = (
            to_checkin_status(suggest_status(progress, expected)) if expected is not None else None
        )

        def fmt(value: Any, kr: KeyResult = kr) -> str:
            return format_value(value, kr.kind, lang, currency=kr.currency, unit=kr.unit)

        items.append(
            CheckInItem(
                key_result=kr,
                objective_title=objective.title if objective else "",
                last_value=fmt(kr.current),
                target=fmt(kr.target),
                progress=float(progress),
                expected=None if expected is None else float(expected),
                suggested_status=status or kr.last_status or CheckInStatus.ON_TRACK,
                placeholder=_placeholder(kr, lang),
            )
        )
    return items


def _placeholder(kr: KeyResult, lang: Language) -> str:
    if kr.kind is KeyResultKind.DURATION:
        return format_value(kr.current, kr.kind, lang)
    return format_decimal(kr.current, lang, max_fraction_digits=6)


@dataclass(frozen=True, slots=True)
class PreparedCard:
    """A card ready to send, and the text notifications show for it."""

    content: dict[str, Any]
    fallback_text: str


async def objectives_by_id(
    store: OkrStore, tenant_id: str, key_results: Sequence[KeyResult]
) -> dict[str, Objective]:
    """The objectives of ``key_results``, each read once, all at the same time."""
    ids = list(dict.fromkeys(kr.objective_id for kr in key_results))
    read = await asyncio.gather(*(store.get_objective(tenant_id, id_) for id_ in ids))
    return {objective.id: objective for objective in read if objective is not None}


async def prepare_checkin_card(
    store: OkrStore,
    tenant_id: str,
    member: Member,
    key_results: Sequence[KeyResult],
    *,
    now: datetime,
    card_id: str,
    round_id: str | None,
    settings: TeamSettings | None = None,
    reminder: bool = False,
    objectives: dict[str, Objective] | None = None,
) -> PreparedCard:
    """The check-in card for ``member`` listing ``key_results``."""
    lang = language_of(member)
    zone = str(owner_zone(settings or TeamSettings(), member))
    by_id = (
        objectives
        if objectives is not None
        else await objectives_by_id(store, tenant_id, key_results)
    )
    items = checkin_items(key_results, by_id, lang, now, zone)
    content = checkin_card(lang, items, card_id=card_id, round_id=round_id, reminder=reminder)
    key = "checkin.reminder_notification" if reminder else "checkin.notification"
    return PreparedCard(content, text(lang, key, count=len(items)))


def prepare_summary_card(
    team: Team,
    recipient: Member | None,
    round_date: date,
    missing: Sequence[MissingOwner],
) -> PreparedCard:
    """The missing-check-in summary for one team owner."""
    lang = language_of(recipient)
    round_label = format_date(round_date, lang)
    content = missing_summary_card(lang, team.name, round_label, missing)
    return PreparedCard(content, text(lang, "summary.title", team=team.name))
