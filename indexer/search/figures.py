"""Figures over time: the numbers reports state (extracted at index time, cppcc_search.figures),
found by what they measure and grouped into one series per body, label and unit family."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from cppcc_search.figures import unit_scale
from indexer.search.facets import ColumnCache, apply_selections, selections
from indexer.search.resolve import resolve_request
from indexer.search.types import (
    FigurePoint,
    FigureSeries,
    FiguresResponse,
    QueryError,
    SearchRequest,
)

# The column that names a section's issuing body.
BODY_COLUMN = "body_id"
MAX_SERIES = 50
MAX_TERM = 100


def figure_series(
    searcher: Any, cache: ColumnCache, query: str, request: SearchRequest
) -> FiguresResponse:
    """Every figure whose label holds the query (case-insensitive), one series per body, label
    and unit family, most years first; points in year order, targets before outcomes."""
    term = " ".join(query.split()).casefold()
    if not term:
        raise QueryError("q is required: what the figures measure (国内生产总值, GDP, 提案)")
    if len(term) > MAX_TERM:
        raise QueryError(f"q is too long for a figure label (at most {MAX_TERM} characters)")
    labels = cache.columns["figure_labels"]
    # Each distinct label text is tested once, then the sections holding a matching one taken.
    matching = np.fromiter(
        (bool(text) and term in text.casefold() for text in labels.labels), bool, len(labels.labels)
    )
    docs = cache.sections[matching[labels.codes[cache.sections]]]
    chosen = selections(resolve_request(request, cache.bodies)[0], cache.years)
    docs = apply_selections(docs, chosen, cache)
    bodies = cache.columns[BODY_COLUMN]
    grouped: dict[tuple[Any, str, str], list[FigurePoint]] = defaultdict(list)
    for doc in docs.tolist():
        stored = searcher.stored_fields(doc)
        for figure in json.loads(stored.get("figures") or "[]"):
            if term not in figure["label"].casefold():
                continue
            family, _ = unit_scale(figure["unit"])
            grouped[(bodies[doc], figure["label"], family)].append(
                FigurePoint(
                    year=figure.get("year"),
                    value=figure["value"],
                    unit=figure["unit"],
                    text=figure["text"],
                    report_id=stored["report_id"],
                    part_kind=figure.get("part_kind") or "other",
                )
            )
    series = [_series(body, label, points) for (body, label, _), points in grouped.items()]
    series.sort(key=lambda s: (-len({p.year for p in s.points}), s.label, s.body_id or ""))
    return FiguresResponse(query=query, series=series[:MAX_SERIES])


_ROLE_ORDER = {"plan": 0, "review": 1, "other": 2}


def _series(body: str | None, label: str, points: list[FigurePoint]) -> FigureSeries:
    unit = Counter(p.unit for p in points).most_common(1)[0][0]
    points.sort(key=lambda p: (p.year or 0, _ROLE_ORDER.get(p.part_kind, 3), p.report_id))
    return FigureSeries(body_id=body, label=label, unit=unit, points=points)


def in_series_unit(point: FigurePoint, series: FigureSeries) -> float:
    """A point's value in its series' unit (82.7 万亿元 in a series of 亿元 is 827,000)."""
    _, point_scale = unit_scale(point.unit)
    _, series_scale = unit_scale(series.unit)
    return point.value * point_scale / series_scale
