"""The period report: posted in a team's digest channel once every objective of a period is closed.

It shows each objective's score as a bar (:func:`cards.charts.horizontal_bars`,
Teams only) whose ``fallback`` lists the same scores as text, the average score
of the committed and of the aspirational objectives (never averaged together:
1.0 is expected of one, 0.7 is success for the other), and each objective's
closing note. Long periods are cut at :data:`MAX_OBJECTIVES` objectives with
"and N more, left off"; the averages always cover all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cards.charts import Slice, horizontal_bars
from cards.elements import Element, card, facts, heading, paragraph
from cards.i18n import Language, label, text
from cards.locale_format import format_period, format_score
from cards.markdown import bold, join
from okr.digest_due import PeriodReport
from okr.models import Member, ObjectiveType
from okr.scoring import read_score

MAX_OBJECTIVES = 20
"""Objectives a report lists (chart and notes) at most; Teams cards have a size limit."""

MAX_NOTE = 280
"""Characters of a closing note the report shows (the objective keeps all of it)."""

MAX_BAR_LABEL = 40
"""Characters of an objective's title a bar's label keeps."""


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One closed objective as the report shows it."""

    title: str
    owner: str
    type: ObjectiveType
    score: Decimal | None
    note: str


def report_lines(
    report: PeriodReport, members: Mapping[str, Member], lang: Language
) -> list[ReportLine]:
    """The report's objectives, best score first (unscored last), with their owners' names."""

    def owner(owner_id: str | None) -> str:
        member = members.get(owner_id or "")
        return member.name if member is not None and member.name else text(lang, "field.owner.none")

    ordered = sorted(
        report.objectives,
        key=lambda o: (o.score is None, -(o.score or Decimal(0)), o.title.casefold()),
    )
    return [
        ReportLine(o.title, owner(o.owner_id), o.type, o.score, o.closing_note.strip())
        for o in ordered
    ]


def period_report_card(
    lang: Language, team_name: str, report: PeriodReport, lines: Sequence[ReportLine]
) -> Element:
    """The report of a closed period for the team's channel.

    Args:
        lang: The team's language.
        team_name: The team, as Teams names it.
        report: The period and its closed objectives (the averages come from it).
        lines: :func:`report_lines` of it.
    """
    period = format_period(report.period, lang)
    shown = lines[:MAX_OBJECTIVES]
    body: list[Element] = [
        heading(text(lang, "period_report.title", period=period, team=team_name)),
        paragraph(
            text(lang, "period_report.intro", period=period, count=len(lines)), isSubtle=True
        ),
        facts(_averages(lang, report)),
    ]
    scored = [line for line in shown if line.score is not None]
    if scored:
        body.append(_score_chart(lang, scored))
    for line in shown:
        body += _objective(lang, line)
    if len(lines) > len(shown):
        body.append(
            paragraph(
                text(lang, "period_report.more", count=len(lines) - len(shown)), isSubtle=True
            )
        )
    return card(body)


def _averages(lang: Language, report: PeriodReport) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for kind in (ObjectiveType.COMMITTED, ObjectiveType.ASPIRATIONAL):
        if not any(o.type is kind for o in report.objectives):
            continue
        average = report.average(kind)
        value = "—" if average is None else format_score(average, lang)
        count = sum(o.type is kind and o.score is not None for o in report.objectives)
        rows.append(
            (
                text(lang, f"period_report.average.{kind.value}"),
                text(lang, "period_report.average_value", score=value, count=count),
            )
        )
    return rows


def _score_chart(lang: Language, lines: Sequence[ReportLine]) -> Element:
    """One bar per scored objective; where charts don't render, the same scores as text."""
    scored = [(line, line.score) for line in lines if line.score is not None]
    return horizontal_bars(
        [Slice(_bar_label(line.title), float(score), "categoricalBlue") for line, score in scored],
        fallback=[join([line.title, format_score(score, lang)], " — ") for line, score in scored],
        title=text(lang, "period_report.chart_title"),
    )


def _bar_label(title: str) -> str:
    return _cut(title, MAX_BAR_LABEL)


def _cut(words: str, limit: int) -> str:
    short = words.strip()
    return short if len(short) <= limit else short[: limit - 1].rstrip() + "…"


def _objective(lang: Language, line: ReportLine) -> list[Element]:
    if line.score is None:
        score = text(lang, "period_report.no_score")
    else:
        reading = text(lang, f"score.reading.{read_score(line.score, line.type).value}")
        score = join([text(lang, "score.value", score=format_score(line.score, lang)), reading])
    note = _cut(line.note, MAX_NOTE) if line.note else text(lang, "period_report.no_note")
    return [
        paragraph(bold(line.title), spacing="Medium", separator=True),
        paragraph(join([label(lang, line.type), score, line.owner]), spacing="None"),
        paragraph(note, isSubtle=not line.note, spacing="Small"),
    ]
