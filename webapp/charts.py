"""Server-rendered bar charts (geometry here; the SVG markup is a template)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.search.figures import in_series_unit
from indexer.search.types import FigureSeries, TrendSeries

WIDTH = 760
HEIGHT = 260
LEFT = 52
RIGHT = 12
TOP = 14
BOTTOM = 30
PART_ORDER = ("review", "plan", "other")


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
    """A bar chart of one measure for every term and year."""

    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM
    right: float = WIDTH - RIGHT


def trend_chart(
    series: list[TrendSeries],
    measure: str,
    title: str,
    link: Callable[[str, int, str | None], str],
    by_part: bool = False,
) -> Chart:
    """Grouped bars per year (one per term), stacked by part kind when ``by_part``."""
    chart = Chart(title)
    years = sorted({p.year for s in series for p in s.points})
    if not years:
        return chart
    top = nice_ceiling(max((value_of(p, measure) for s in series for p in s.points), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / len(years)
    bar_w = slot * 0.8 / max(1, len(series))
    for t, term_series in enumerate(series):
        points = {p.year: p for p in term_series.points}
        for i, year in enumerate(years):
            point = points.get(year)
            if point is None:
                continue
            x = LEFT + i * slot + slot * 0.1 + t * bar_w
            for kind, value in segments(point, measure, by_part):
                if value <= 0:
                    continue
                h = plot_h * value / top
                y = chart.bottom - h - stacked_height(chart, point, measure, by_part, kind, top)
                label = f"{term_series.term} · {year}: {format_value(value, measure)}"
                if kind:
                    label += f" ({kind})"
                css = f"s{t % 8}" + (f" part-{kind}" if kind else "")
                chart.bars.append(
                    Bar(x, y, bar_w, h, css, link(term_series.term, year, kind), label)
                )
    chart.y_ticks = [
        Tick(chart.bottom - plot_h * f, format_value(top * f, measure)) for f in (0, 0.5, 1)
    ]
    chart.x_ticks = year_ticks(years, slot)
    return chart


def value_of(point, measure: str) -> float:
    """The plotted value of one point."""
    return float(point.per_1000 if measure == "per_1000" else point.hits)


def segments(point, measure: str, by_part: bool) -> list[tuple[str | None, float]]:
    """The stacked pieces of one bar: the whole value, or one per part kind."""
    if not by_part or not point.by_part:
        return [(None, value_of(point, measure))]
    scale = (1000.0 / point.total) if measure == "per_1000" and point.total else 1.0
    return [(kind, point.by_part.get(kind, 0) * scale) for kind in PART_ORDER]


def stacked_height(chart, point, measure, by_part, kind, top) -> float:
    """The height of the segments below ``kind`` in a stacked bar."""
    if kind is None:
        return 0.0
    plot_h = HEIGHT - TOP - BOTTOM
    below = 0.0
    for other, value in segments(point, measure, by_part):
        if other == kind:
            break
        below += value
    return plot_h * below / top


def nice_ceiling(value: float) -> float:
    """A round number at or above ``value`` for the top of the axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def format_value(value: float, measure: str) -> str:
    """A value as an axis or tooltip label."""
    if value == 0:
        return "0"
    if measure == "per_1000":
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{value:,.1f}".removesuffix(".0")


FIGURE_ROLES = ("plan", "review")  # targets, then outcomes, side by side in each year


def figure_chart(series: FigureSeries, title: str, link: Callable[[str], str]) -> Chart:
    """Targets beside outcomes for every year from the first figure to the last: a year that
    states none keeps its empty slot. Each bar links to the report that states it."""
    chart = Chart(title)
    points = {}
    for point in series.points:
        if point.year is not None and point.part_kind in FIGURE_ROLES:
            points.setdefault((point.year, point.part_kind), point)
    if not points:
        return chart
    first, last = min(y for y, _ in points), max(y for y, _ in points)
    years = list(range(first, last + 1))
    values = {key: in_series_unit(point, series) for key, point in points.items()}
    top = nice_ceiling(max(values.values()))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(years)
    bar_w = slot * 0.8 / len(FIGURE_ROLES)
    for i, year in enumerate(years):
        for r, role in enumerate(FIGURE_ROLES):
            point = points.get((year, role))
            if point is None or values[(year, role)] <= 0:
                continue
            h = plot_h * values[(year, role)] / top
            x = LEFT + i * slot + slot * 0.1 + r * bar_w
            label = f"{year} {'目标 target' if role == 'plan' else '实际 outcome'}: "
            label += f"{format_value(point.value, 'hits')}{point.unit}"
            chart.bars.append(
                Bar(
                    x, chart.bottom - h, bar_w, h, f"s{r} part-{role}", link(point.report_id), label
                )
            )
    chart.y_ticks = [
        Tick(chart.bottom - plot_h * f, format_value(top * f, "hits")) for f in (0, 0.5, 1)
    ]
    chart.x_ticks = year_ticks(years, slot)
    return chart


def year_ticks(years: list[int], slot: float) -> list[Tick]:
    """About a dozen year labels under the bars' slots, the last year always among them."""
    step = max(1, -(-len(years) // 12))
    return [
        Tick(LEFT + i * slot + slot / 2, str(year))
        for i, year in enumerate(years)
        if i % step == 0 or i == len(years) - 1
    ]
