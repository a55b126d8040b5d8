"""The spread chart's geometry: how many bodies use a term each year, stacked by level.

Every year from the first use to the archive's last is a slot on the axis (an empty year stays
empty), and the count axis has whole-number ticks only. The page draws it twice, at a desktop
width and at a phone's (``NARROW``), because an SVG scales its text with it: one 760 units wide
shown 360 pixels wide would letter its axes at 5 pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from cppcc_search.models import LEVELS
from indexer.search.types import SpreadYear
from webapp.charts import Bar, Chart, Tick


@dataclass(frozen=True)
class Layout:
    """A chart's size in SVG units and how many year labels fit under it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    year_labels: int


WIDE = Layout(760, 260, 44, 12, 14, 30, 12)
NARROW = Layout(340, 220, 30, 8, 12, 28, 5)


def spread_chart(
    years: list[SpreadYear],
    title: str,
    link: Callable[[int, str], str],
    layout: Layout = WIDE,
) -> Chart:
    """One slot per year, a bar per year stacked national → county, each piece linking to the
    search for the term in that year and level."""
    chart = Chart(
        title,
        width=layout.width,
        height=layout.height,
        left=layout.left,
        bottom=layout.height - layout.bottom,
        right=layout.width - layout.right,
    )
    if not years:
        return chart
    step, top = count_axis(max(y.bodies for y in years))
    plot_h = layout.height - layout.top - layout.bottom
    slot = (layout.width - layout.left - layout.right) / len(years)
    bar_w = max(slot * 0.8, 0.5)
    for i, point in enumerate(years):
        x = layout.left + i * slot + (slot - bar_w) / 2
        below = 0
        for level in LEVELS:
            count = point.by_level.get(level, 0)
            if not count:
                continue
            h = plot_h * count / top
            y = chart.bottom - plot_h * below / top - h
            label = f"{point.year} · {level}: {count}"
            chart.bars.append(Bar(x, y, bar_w, h, f"level-{level}", link(point.year, level), label))
            below += count
    chart.y_ticks = [
        Tick(chart.bottom - plot_h * value / top, str(value)) for value in range(0, top + 1, step)
    ]
    chart.x_ticks = _year_ticks(years, layout, slot)
    return chart


def count_axis(most: int) -> tuple[int, int]:
    """(step, top) of a count axis with whole-number ticks: at most four steps of 1, 2 or 5
    times a power of ten, the top the first tick at or above ``most``."""
    most = max(1, most)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(most / step) <= 4:
                return step, step * math.ceil(most / step)
        magnitude *= 10


def _year_ticks(years: list[SpreadYear], layout: Layout, slot: float) -> list[Tick]:
    """At most ``layout.year_labels`` year labels, on round years when the span is long, the
    first year always labelled."""
    span = len(years)
    every = max(1, math.ceil(span / layout.year_labels))
    for nice in (1, 2, 5, 10, 20, 25, 50):
        if nice >= every:
            every = nice
            break
    first = years[0].year
    return [
        Tick(layout.left + i * slot + slot / 2, str(point.year))
        for i, point in enumerate(years)
        if i == 0 or (point.year % every == 0 and point.year - first >= every / 2)
    ]
