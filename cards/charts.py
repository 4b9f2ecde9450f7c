"""Teams charts (gauge, donut, line, horizontal bar), each with a fallback that reads the same.

Teams renders ``Chart.*`` elements; other hosts, and the open Adaptive Cards
renderer the card checks use, do not. So every chart carries a ``fallback`` of
plain elements with the same numbers: a text bar and percentages, or one line
per value. The charts are built with Microsoft's typed models
(``microsoft-teams-cards``), so a wrong property fails when the card is built.

Checked against Microsoft's "Charts in Adaptive Cards" page
(learn.microsoft.com, ``msteams-platform/task-modules-and-cards/cards/
charts-in-adaptive-cards.md``):

- ``Chart.Gauge``: ``value``, ``min``, ``max``, ``subLabel``, ``showMinMax``,
  ``showLegend``, ``valueFormat`` (``Percentage`` | ``Fraction``) and
  ``segments``: ``[{legend, size, color}]`` where the sizes add up along the
  scale (the page's example: 33 + 34 + 33 = 100); ``showNeedle`` is in the
  typed model (not in the page's table) and draws the value as a needle.
- ``Chart.Donut``: ``data``: ``[{legend, value, color}]``, colours from the
  chart colour list (``good``, ``warning``, ``attention``, ``neutral``...).
- ``Chart.Line``: ``data``: one series per line, ``[{legend, color, values:
  [{x, y}]}]``, ``x`` a string or a number; ``xAxisTitle``, ``yAxisTitle``.
- ``Chart.HorizontalBar``: ``data``: ``[{x, y, color}]`` (``x`` the bar's
  label, ``y`` its value), ``displayMode``.
- Every chart takes ``title`` and ``fallback`` (an element or ``"drop"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from microsoft_teams.cards import (
    CardElement,
    Container,
    DonutChart,
    DonutChartData,
    GaugeChart,
    GaugeChartLegend,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    LineChart,
    LineChartData,
    LineChartValue,
    TextBlock,
)

from cards.elements import Element
from cards.markdown import safe

type ChartColor = Literal["good", "warning", "attention", "neutral", "categoricalBlue"]


@dataclass(frozen=True, slots=True)
class Slice:
    """One part of a whole (a donut's slice, a gauge's segment, a bar)."""

    legend: str
    value: float
    color: ChartColor


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: ``(x label, y value)`` points, in order."""

    legend: str
    points: Sequence[tuple[str, float]]
    color: ChartColor


def gauge(
    value: float,
    segments: Sequence[Slice],
    *,
    sub_label: str,
    fallback: Sequence[str],
    title: str | None = None,
) -> Element:
    """A gauge from 0 to 100 with its needle on ``value`` (percent) over coloured ``segments``.

    ``fallback``: the lines other hosts show instead (the same numbers as text).
    """
    chart = GaugeChart(
        title=title,
        value=round(max(0.0, min(100.0, value)), 1),
        min=0,
        max=100,
        value_format="Percentage",
        sub_label=sub_label,
        show_needle=True,
        show_min_max=False,
        show_legend=True,
        segments=[
            GaugeChartLegend(legend=s.legend, size=round(s.value, 1), color=s.color)
            for s in segments
            if s.value > 0
        ],
        fallback=_fallback(fallback),
    )
    return chart.model_dump(exclude_none=True)


def donut(slices: Sequence[Slice], *, fallback: Sequence[str], title: str | None = None) -> Element:
    """A donut of ``slices`` (empty ones left out), with the numbers as text for other hosts."""
    chart = DonutChart(
        title=title,
        data=[
            DonutChartData(legend=s.legend, value=s.value, color=s.color) for s in slices if s.value
        ],
        fallback=_fallback(fallback),
    )
    return chart.model_dump(exclude_none=True)


def line(
    series: Sequence[Series],
    *,
    fallback: Sequence[str],
    title: str | None = None,
    y_max: float | None = None,
) -> Element:
    """A line chart of ``series`` sharing one x axis, with the points as text for other hosts."""
    chart = LineChart(
        title=title,
        y_min=0,
        y_max=y_max,
        data=[
            LineChartData(
                legend=s.legend,
                color=s.color,
                values=[LineChartValue(x=x, y=round(y, 1)) for x, y in s.points],
            )
            for s in series
        ],
        fallback=_fallback(fallback),
    )
    return chart.model_dump(exclude_none=True)


def horizontal_bars(
    bars: Sequence[Slice], *, fallback: Sequence[str], title: str | None = None
) -> Element:
    """Horizontal bars (one per ``Slice``, labelled by its legend), absolute values with an axis."""
    chart = HorizontalBarChart(
        title=title,
        display_mode="AbsoluteWithAxis",
        data=[HorizontalBarChartDataValue(x=b.legend, y=b.value, color=b.color) for b in bars],
        fallback=_fallback(fallback),
    )
    return chart.model_dump(exclude_none=True)


def _fallback(lines: Sequence[str]) -> CardElement:
    """One wrapped TextBlock per line (a Container when there are several), shown as typed."""
    blocks = [TextBlock(text=safe(text), wrap=True, spacing="None") for text in lines]
    if len(blocks) == 1:
        return blocks[0]
    return Container(items=list(blocks))
