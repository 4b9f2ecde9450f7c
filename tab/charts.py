"""A key result's history as a small SVG, drawn on the server.

Why SVG written here rather than a chart library (docs/tab.md, "Charts"): the
page must work without the internet, so nothing from a CDN; one chart kind is
needed (points and a line over a period), which is a few dozen lines; the SVG
comes with the JSON, so there is no script to vendor, audit or keep up to date,
and the page draws charts even before its own scripts have run; colours are CSS
classes, so the page's themes (default, dark, high contrast) apply without
redrawing; every text in it (the title, the unit in the axis labels) is
escaped here, in one place, and the result parses as XML (tests/tab/test_charts.py).

The chart plots progress (0 at the start value, 1 at the target) against time:
each check-in is a point, and the expected line runs from the objective's first
day to the end of its period (:mod:`okr.pace`). The axes are labelled with the
start and target values and the period's first and last days, written with
Babel for the reader's language (:mod:`cards.locale_format`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from cards.i18n import Language
from cards.locale_format import format_date
from okr.models import CheckIn, KeyResult, Objective
from okr.pace import pace_start
from okr.progress import progress
from tab.wording import value_words, words

WIDTH = 320
HEIGHT = 120
# The plot area inside the labels.
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 312, 10, 96
# Values far beyond the target (or below the start) are drawn at the edge.
_LOWEST, _HIGHEST = Decimal("-0.25"), Decimal("1.25")


@dataclass(frozen=True, slots=True)
class _Scale:
    """Maps a moment and a progress to the plot's x and y."""

    starts: datetime
    ends: datetime
    low: Decimal
    high: Decimal

    def x(self, moment: datetime) -> float:
        span = (self.ends - self.starts).total_seconds() or 1.0
        share = (moment - self.starts).total_seconds() / span
        return _LEFT + max(0.0, min(1.0, share)) * (_RIGHT - _LEFT)

    def y(self, ratio: Decimal) -> float:
        share = (min(max(ratio, self.low), self.high) - self.low) / (self.high - self.low)
        return _BOTTOM - float(share) * (_BOTTOM - _TOP)


def key_result_chart(
    key_result: KeyResult,
    objective: Objective,
    checkins: Sequence[CheckIn],
    lang: Language,
    zone: ZoneInfo,
) -> str:
    """The SVG of ``key_result``'s check-ins (any order) against its expected line."""
    period = objective.period
    first = pace_start(objective)
    starts, ends = period.starts_at(zone), period.ends_at(zone)
    history = sorted(checkins, key=lambda c: c.recorded_at)
    ratios = [_ratio(key_result, c.value) for c in history]
    scale = _Scale(
        starts,
        ends,
        min([Decimal(0), *ratios]).max(_LOWEST),
        max([Decimal(1), *ratios]).min(_HIGHEST),
    )

    def fmt(value: Decimal) -> str:
        return value_words(key_result, value, lang)

    # The expected line: nothing until the end of the first day, the target at the end.
    line_from = min(_midnight_after(first, zone), ends)
    title = words(lang, "tab.chart.title", title=key_result.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _line("chart-axis", _LEFT, _BOTTOM, _RIGHT, _BOTTOM),
        _line("chart-axis", _LEFT, _TOP, _LEFT, _BOTTOM),
        _line("chart-axis chart-target", _LEFT, scale.y(Decimal(1)), _RIGHT, scale.y(Decimal(1))),
        _line(
            "chart-expected",
            scale.x(line_from),
            scale.y(Decimal(0)),
            scale.x(ends),
            scale.y(Decimal(1)),
        ),
        _label(_LEFT - 4, scale.y(Decimal(1)) + 4, "end", fmt(key_result.target)),
        _label(_LEFT - 4, scale.y(Decimal(0)) + 4, "end", fmt(key_result.start)),
        _label(_LEFT, HEIGHT - 6, "start", format_date(period.start, lang)),
        _label(_RIGHT, HEIGHT - 6, "end", format_date(period.end, lang)),
    ]
    points = [(scale.x(c.recorded_at), scale.y(r)) for c, r in zip(history, ratios, strict=True)]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="chart-actual" fill="none" points="{path}"/>')
    for checkin, (x, y) in zip(history, points, strict=True):
        day = checkin.recorded_at.astimezone(zone).date()
        said = f"{format_date(day, lang)}: {fmt(checkin.value)}"
        parts.append(
            f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(said)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _ratio(key_result: KeyResult, value: Decimal) -> Decimal:
    return progress(key_result.start, key_result.target, value).raw


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), zone)


def _line(css: str, x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="{css}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def _label(x: float, y: float, anchor: str, words: str) -> str:
    return (
        f'<text class="chart-text" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{escape(words)}</text>"
    )
