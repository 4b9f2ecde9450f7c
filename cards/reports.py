"""Progress reports in chat: the team digest and the period's suggested scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cards import verbs
from cards.authoring import ObjectiveSummary, summary_heading, summary_progress
from cards.elements import (
    Element,
    card,
    execute,
    heading,
    paragraph,
    progress_bar,
    with_action,
)
from cards.i18n import Language, text
from cards.locale_format import (
    format_comparison,
    format_measure,
    format_progress,
)
from cards.markdown import bold, join
from cards.teams_elements import status_badge
from okr.kpi import KpiHealth
from okr.models import CheckInStatus, Kpi


@dataclass(frozen=True, slots=True)
class AtRiskLine:
    """A key result whose owner called it at risk or off track."""

    title: str
    owner: str
    status: CheckInStatus
    progress: float


@dataclass(frozen=True, slots=True)
class KpiLine:
    """A KPI as the digest shows it, formatted."""

    kpi_id: str
    title: str
    value: str  # e.g. "99,93% (≥ 99,5%)"
    health: KpiHealth
    can_edit: bool


def kpi_value(lang: Language, kpi: Kpi) -> str:
    """A KPI's value and healthy range as the digest shows them: ``99,93% (≥ 99,5%)``."""
    threshold = format_comparison(kpi.comparison, kpi.threshold, lang, unit=kpi.unit)
    current = "—" if kpi.current is None else format_measure(kpi.current, lang, unit=kpi.unit)
    return f"{current} ({threshold})"


_HEALTH_MARK = {KpiHealth.HEALTHY: "✓", KpiHealth.UNHEALTHY: "✗", KpiHealth.UNKNOWN: "…"}


def digest_card(
    lang: Language,
    objectives: Sequence[ObjectiveSummary],
    at_risk: Sequence[AtRiskLine],
    overall: float | None,
    kpis: Sequence[KpiLine] = (),
) -> Element:
    """Overall progress, each objective with a bar, what is at risk (and whose), the KPIs."""
    body: list[Element] = [heading(text(lang, "digest.title"))]
    actions = [
        execute(text(lang, "action.new_objective"), verbs.OBJECTIVE_NEW, {}),
        execute(text(lang, "action.add_kpi"), verbs.KPI_NEW, {}),
    ]
    if not objectives:
        body.append(paragraph(text(lang, "list.team_okrs.empty")))
        body += _kpi_section(lang, kpis)
        return card(body, actions)
    if overall is not None:
        body.append(
            paragraph(
                text(
                    lang,
                    "digest.overall",
                    bar=progress_bar(overall),
                    percent=format_progress(overall, lang),
                )
            )
        )
    for summary in objectives:
        # Pace and status as `team okrs` and the objective card show them.
        body.append(
            {
                "type": "Container",
                "spacing": "Medium",
                "separator": True,
                "items": [
                    summary_heading(lang, summary),
                    paragraph(
                        join([summary_progress(lang, summary), summary.owner_name]),
                        spacing="None",
                    ),
                ],
            }
        )
    body.append(heading(text(lang, "digest.at_risk"), size="Medium"))
    if not at_risk:
        body.append(paragraph(text(lang, "digest.nothing_at_risk")))
    for line in at_risk:
        # The owner's status as a badge beside the title: seen, not read.
        body.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            paragraph(bold(line.title)),
                            paragraph(
                                join([format_progress(line.progress, lang), line.owner]),
                                isSubtle=True,
                                spacing="None",
                            ),
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [status_badge(lang, line.status)],
                    },
                ],
            }
        )
    body += _kpi_section(lang, kpis)
    return card(body, actions)


def _kpi_section(lang: Language, kpis: Sequence[KpiLine]) -> list[Element]:
    if not kpis:
        return []
    section: list[Element] = [heading(text(lang, "digest.kpis"), size="Medium")]
    for kpi in kpis:
        entry = paragraph(
            join(
                [
                    join([_HEALTH_MARK[kpi.health], bold(kpi.title)], " "),
                    kpi.value,
                    text(lang, f"kpi.{kpi.health.value}"),
                ]
            ),
            spacing="Small",
        )
        if not kpi.can_edit:
            section.append(entry)
            continue
        update = execute(text(lang, "action.update"), verbs.KPI_EDIT, {"kpi_id": kpi.kpi_id})
        section.append(with_action(entry, update))
    return section
