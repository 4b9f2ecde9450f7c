"""Samples of the period report (``cards/period_report.py``) for the card checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cards.i18n import Language
from cards.period_report import period_report_card, report_lines
from okr.digest_due import PeriodReport
from okr.models import Member, Objective, ObjectiveState, ObjectiveType
from okr.periods import Period
from tests.cards.registry import card_sample

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLOSED_AT = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
PEOPLE = {
    "29:lan": Member(tenant_id=TENANT, id="29:lan", name="Lan Nguyễn"),
    "29:minh": Member(tenant_id=TENANT, id="29:minh", name="Minh Trần"),
}


def closed(
    id: str,
    title: str,
    score: str | None,
    kind: ObjectiveType,
    note: str = "",
    owner: str = "29:lan",
) -> Objective:
    """A closed objective of Q3 2026."""
    return Objective(
        tenant_id=TENANT,
        id=id,
        title=title,
        owner_id=owner,
        period=Period.quarter(2026, 3),
        state=ObjectiveState.CLOSED,
        type=kind,
        score=None if score is None else Decimal(score),
        closing_note=note,
        closed_at=CLOSED_AT,
        closed_by=owner,
    )


Q3_REPORT = PeriodReport(
    period=Period.quarter(2026, 3),
    objectives=(
        closed(
            "o1",
            "Grow online revenue",
            "0.6",
            ObjectiveType.COMMITTED,
            "Checkout changes shipped late; the second half of the quarter made up for most of it.",
        ),
        closed("o2", "Delight our customers", "1.0", ObjectiveType.COMMITTED, "Done early."),
        closed(
            "o3",
            "Launch in two new markets",
            "0.7",
            ObjectiveType.ASPIRATIONAL,
            "Thailand launched; Indonesia waits for the licence.",
            owner="29:minh",
        ),
        closed("o4", "Publish 100 help articles", None, ObjectiveType.ASPIRATIONAL),
    ),
    closed_at=CLOSED_AT,
)


@card_sample("period_report", in_docs=True)
def _period_report(lang: Language) -> Mapping[str, Any]:
    return period_report_card(lang, "Sales", Q3_REPORT, report_lines(Q3_REPORT, PEOPLE, lang))


@card_sample("period_report.long")
def _long_report(lang: Language) -> Mapping[str, Any]:
    many = tuple(
        closed(
            f"o{i}",
            f"Objective number {i} with a title long enough to be cut on its bar",
            str(Decimal(i % 11) / 10),
            ObjectiveType.COMMITTED if i % 2 else ObjectiveType.ASPIRATIONAL,
            "What we learned. " * 10,
        )
        for i in range(200)
    )
    report = PeriodReport(Period.quarter(2026, 3), many, CLOSED_AT)
    return period_report_card(lang, "Sales", report, report_lines(report, PEOPLE, lang))
