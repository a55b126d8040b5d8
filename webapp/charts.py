"""Server-rendered bar charts (geometry here; the SVG markup is a template).

Every chart sits on a true time axis: one slot for each year from the first to the last, so a
year without hits, or without reports, is an empty slot and never closes a gap. Year labels are
spaced so that none overlaps the next; an axis of counts has whole-number ticks. Each chart is
laid out twice, wide and narrow, and the page shows the one that fits the screen (a wide chart
shrunk to a phone's width would make its labels a few pixels high).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.search.figures import in_series_unit
from indexer.search.types import FigureSeries, TrendSeries

PART_ORDER = ("review", "plan", "other")
FONT_SIZE = 11  # of axis labels, in the SVG's own units (style.css says the same)
# Width of a digit in axis labels, as a share of the font size (system sans-serif fonts measure
# 0.55-0.6), and the least space between two labels.
DIGIT_WIDTH = 0.62
LABEL_GAP = 6
# Years between year labels: the smallest of these that keeps labels apart.
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
# At most this many ticks on a value axis (besides 0).
VALUE_TICKS = 4


@dataclass(frozen=True)
class Frame:
    """A chart's size and margins in SVG units."""

    width: int
    height: int = 260
    left: int = 52
    right: int = 12
    top: int = 14
    bottom: int = 30

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom


WIDE = Frame(760)
NARROW = Frame(360, height=240, left=40, right=8)  # a phone's width (390 px, less the margins)


@dataclass
class Bar:
    """One rectangle, linking to the search it counts."""

    x: float
    y: float
    width: float
    height: float
    css_class: str
    href: str
    title: str


@dataclass
class Tick:
    """A labelled position on an axis."""

    position: float
    label: str


@dataclass
class Chart:
    """A bar chart of one measure for every term and year (``narrow``: the same, laid out for a
    phone's width)."""

    title: str
    width: int = WIDE.width
    height: int = WIDE.height
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: int = WIDE.left
    bottom: float = WIDE.height - WIDE.bottom
    right: float = WIDE.width - WIDE.right
    plot_top: float = WIDE.top
    narrow: Chart | None = None

    @classmethod
    def framed(cls, title: str, frame: Frame) -> Chart:
        return cls(
            title,
            width=frame.width,
            height=frame.height,
            left=frame.left,
            bottom=frame.height - frame.bottom,
            right=frame.width - frame.right,
            plot_top=frame.top,
        )


def year_span(years: list[int]) -> list[int]:
    """Every year from the first to the last of ``years`` (none when empty)."""
    return list(range(min(years), max(years) + 1)) if years else []


def trend_chart(
    series: list[TrendSeries],
    measure: str,
    title: str,
    link: Callable[[str, int, str | None], str],
    by_part: bool = False,
) -> Chart:
    """Grouped bars per year (one per term), stacked by part kind when ``by_part``."""
    chart = _trend_chart(series, measure, title, link, by_part, WIDE)
    chart.narrow = _trend_chart(series, measure, title, link, by_part, NARROW)
    return chart


def _trend_chart(
    series: list[TrendSeries],
    measure: str,
    title: str,
    link: Callable[[str, int, str | None], str],
    by_part: bool,
    frame: Frame,
) -> Chart:
    chart = Chart.framed(title, frame)
    years = year_span([p.year for s in series for p in s.points])
    if not years:
        return chart
    values = [value_of(p, measure) for s in series for p in s.points]
    axis = value_axis(max(values, default=0), whole=measure != "per_1000")
    top = axis[-1]
    slot = frame.plot_width / len(years)
    bar_w = slot * 0.8 / max(1, len(series))
    for t, term_series in enumerate(series):
        points = {p.year: p for p in term_series.points}
        for i, year in enumerate(years):
            point = points.get(year)
            if point is None:
                continue
            x = frame.left + i * slot + slot * 0.1 + t * bar_w
            below = 0.0
            for kind, value in segments(point, measure, by_part):
                if value <= 0:
                    continue
                h = frame.plot_height * value / top
                y = chart.bottom - h - below
                below += h
                label = f"{term_series.term} · {year}: {format_value(value, measure)}"
                if kind:
                    label += f" ({kind})"
                css = f"s{t % 8}" + (f" part-{kind}" if kind else "")
                chart.bars.append(
                    Bar(x, y, bar_w, h, css, link(term_series.term, year, kind), label)
                )
    chart.y_ticks = value_ticks(axis, chart, measure)
    chart.x_ticks = year_ticks(years, slot, frame)
    return chart


def value_of(point, measure: str) -> float:
    """The plotted value of one point."""
    return float(point.per_1000 if measure == "per_1000" else point.hits)


def segments(point, measure: str, by_part: bool) -> list[tuple[str | None, float]]:
    """The stacked pieces of one bar, bottom first: the whole value, or one per part kind."""
    if not by_part or not point.by_part:
        return [(None, value_of(point, measure))]
    scale = (1000.0 / point.total) if measure == "per_1000" and point.total else 1.0
    return [(kind, point.by_part.get(kind, 0) * scale) for kind in PART_ORDER]


def value_axis(maximum: float, whole: bool) -> list[float]:
    """Tick values from 0 to a round top at or above ``maximum``: at most VALUE_TICKS steps of
    1, 2 or 5 times a power of ten, and no step below 1 on an axis of counts (no 2.5 sections)."""
    if maximum <= 0:
        return [0.0, 1.0]
    power = 10.0 ** math.floor(math.log10(maximum / VALUE_TICKS))
    steps = [factor * power * scale for scale in (1, 10, 100) for factor in (1, 2, 5)]
    step = next(s for s in steps if (not whole or s >= 1) and maximum / s <= VALUE_TICKS + 1e-9)
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [round(i * step, 10) for i in range(count + 1)]


def value_ticks(axis: list[float], chart: Chart, measure: str) -> list[Tick]:
    """Labelled ticks for the values of ``axis`` (its last value is the top of the plot)."""
    plot_h = chart.bottom - chart.plot_top
    top = axis[-1]
    return [
        Tick(chart.bottom - plot_h * value / top, format_value(value, measure)) for value in axis
    ]


def year_ticks(years: list[int], slot: float, frame: Frame = WIDE) -> list[Tick]:
    """Year labels under the bars' slots, every ``step`` years (a round step, the smallest that
    keeps one label clear of the next)."""
    label_width = FONT_SIZE * DIGIT_WIDTH * max(len(str(year)) for year in years)
    needed = (label_width + LABEL_GAP) / slot
    step = next((s for s in YEAR_STEPS if s >= needed), YEAR_STEPS[-1])
    shown = [year for year in years if year % step == 0] or years[:1]
    return [Tick(frame.left + (year - years[0]) * slot + slot / 2, str(year)) for year in shown]


def format_value(value: float, measure: str) -> str:
    """A value as an axis or tooltip label: whole from 100 on, else up to two decimals."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


FIGURE_ROLES = ("plan", "review")  # targets, then outcomes, side by side in each year


def figure_chart(series: FigureSeries, title: str, link: Callable[[str], str]) -> Chart:
    """Targets beside outcomes for every year from the first figure to the last: a year that
    states none keeps its empty slot. Each bar links to the report that states it."""
    chart = _figure_chart(series, title, link, WIDE)
    chart.narrow = _figure_chart(series, title, link, NARROW)
    return chart


def _figure_chart(
    series: FigureSeries, title: str, link: Callable[[str], str], frame: Frame
) -> Chart:
    chart = Chart.framed(title, frame)
    points = {}
    for point in series.points:
        if point.year is not None and point.part_kind in FIGURE_ROLES:
            points.setdefault((point.year, point.part_kind), point)
    if not points:
        return chart
    years = year_span([year for year, _ in points])
    values = {key: in_series_unit(point, series) for key, point in points.items()}
    axis = value_axis(max(values.values()), whole=False)
    top = axis[-1]
    slot = frame.plot_width / len(years)
    bar_w = slot * 0.8 / len(FIGURE_ROLES)
    for i, year in enumerate(years):
        for r, role in enumerate(FIGURE_ROLES):
            point = points.get((year, role))
            if point is None or values[(year, role)] <= 0:
                continue
            h = frame.plot_height * values[(year, role)] / top
            x = frame.left + i * slot + slot * 0.1 + r * bar_w
            label = f"{year} {'目标 target' if role == 'plan' else '实际 outcome'}: "
            label += f"{format_value(point.value, 'hits')}{point.unit}"
            chart.bars.append(
                Bar(
                    x, chart.bottom - h, bar_w, h, f"s{r} part-{role}", link(point.report_id), label
                )
            )
    chart.y_ticks = value_ticks(axis, chart, "hits")
    chart.x_ticks = year_ticks(years, slot, frame)
    return chart
