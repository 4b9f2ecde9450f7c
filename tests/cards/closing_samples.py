"""Card samples of the period close (cards/closing.py, and the objective card closed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cards.authoring import objective_card
from cards.closing import (
    ClosedLine,
    closed_card,
    closing_card,
    closing_items,
    kr_score_field,
    score_field,
)
from cards.i18n import Language, text
from cards.locale_format import format_datetime, format_period
from okr.closing import next_period
from okr.models import KeyResult, ObjectiveState, ObjectiveType
from tests.cards.registry import card_sample
from tests.cards.samples import KEY_RESULTS, MEMBERS, OBJECTIVE, objective_view

CLOSED_AT = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
CHECKED = tuple(dataclasses.replace(kr, last_checkin_at=CLOSED_AT) for kr in KEY_RESULTS)
NAMES = {id_: name for name, id_ in MEMBERS}

ASPIRATIONAL = dataclasses.replace(
    OBJECTIVE,
    id="objective-nps",
    title="Customers who recommend us",
    type=ObjectiveType.ASPIRATIONAL,
)
# Six key results, two never checked in, nearly all reached: every warning at once.
NPS_KEY_RESULTS = tuple(
    dataclasses.replace(
        KEY_RESULTS[1],
        id=f"kr-nps-{i}",
        objective_id=ASPIRATIONAL.id,
        title=f"Survey wave {i + 1} answered",
        current=Decimal(30 if i else 40),
        last_checkin_at=CLOSED_AT if i > 1 else None,
    )
    for i in range(6)
)


def _items(lang: Language, key_results: tuple[KeyResult, ...] = CHECKED) -> list[Any]:
    return closing_items(lang, [OBJECTIVE], key_results, NAMES)


@card_sample("closing.input", in_docs=True)
def _closing_input(lang: Language) -> Mapping[str, Any]:
    return closing_card(lang, _items(lang), card_id="closing-card")


@card_sample("closing.warnings")
def _closing_warnings(lang: Language) -> Mapping[str, Any]:
    items = closing_items(lang, [OBJECTIVE, ASPIRATIONAL], KEY_RESULTS + NPS_KEY_RESULTS, NAMES)
    return closing_card(lang, items, card_id="closing-card", more=3)


@card_sample("closing.problems")
def _closing_problems(lang: Language) -> Mapping[str, Any]:
    problem = text(lang, "closing.problem.score")
    values = {kr_score_field(0, 0): "1.7", score_field(0): ""}
    problems = {kr_score_field(0, 0): problem, score_field(0): problem}
    return closing_card(
        lang, _items(lang), card_id="closing-card", values=values, problems=problems
    )


@card_sample("closing.team")
def _closing_team(lang: Language) -> Mapping[str, Any]:
    others = dataclasses.replace(ASPIRATIONAL, owner_id="member-minh")
    items = closing_items(lang, [OBJECTIVE, others], CHECKED + NPS_KEY_RESULTS[:3], NAMES)
    title = text(lang, "closing.title_team", team="Sales")
    return closing_card(
        lang, items, card_id="closing-card", title=title, team_id="19:sales", show_owners=True
    )


def _closed() -> Any:
    return dataclasses.replace(
        OBJECTIVE,
        state=ObjectiveState.CLOSED,
        score=Decimal("0.4"),
        closing_note="Checkout slipped: the payment provider changed its API mid-quarter.",
        closed_at=CLOSED_AT,
        closed_by="member-lan",
    )


@card_sample("closing.recorded")
def _closing_recorded(lang: Language) -> Mapping[str, Any]:
    scores = (Decimal("0.3"), Decimal("0.4"), Decimal("0.0"))
    when = format_datetime(CLOSED_AT, lang, "Asia/Ho_Chi_Minh")
    line = ClosedLine(
        objective=_closed(),
        key_results=[(kr.title, score) for kr, score in zip(KEY_RESULTS, scores, strict=True)],
        closed_by=text(lang, "closing.closed_by", name="Lan Nguyễn", when=when),
        carried_to=format_period(next_period(OBJECTIVE.period), lang),
        carried=2,
        can_reopen=True,
    )
    return closed_card(lang, [line])


@card_sample("closing.objective_closed")
def _objective_closed(lang: Language) -> Mapping[str, Any]:
    when = format_datetime(CLOSED_AT, lang, "Asia/Ho_Chi_Minh")
    view = dataclasses.replace(
        objective_view(lang),
        objective=_closed(),
        can_edit=False,
        pace=None,
        expected=None,
        closed_text=text(lang, "closing.closed_by", name="Lan Nguyễn", when=when),
        can_reopen=True,
    )
    return objective_card(lang, view)


@card_sample("closing.reopened")
def _objective_reopened(lang: Language) -> Mapping[str, Any]:
    when = format_datetime(CLOSED_AT, lang, "Asia/Ho_Chi_Minh")
    reopened = dataclasses.replace(
        _closed(), state=ObjectiveState.ACTIVE, reopened_at=CLOSED_AT, reopened_by="member-minh"
    )
    view = dataclasses.replace(
        objective_view(lang),
        objective=reopened,
        reopened_text=text(lang, "closing.reopened_by", name="Minh Trần", when=when),
    )
    return objective_card(lang, view)


@card_sample("closing.nothing")
def _closing_nothing(lang: Language) -> Mapping[str, Any]:
    empty = text(lang, "closing.nothing_team", team="Sales")
    title = text(lang, "closing.title_team", team="Sales")
    return closing_card(lang, [], card_id="closing-card", title=title, empty_text=empty)
