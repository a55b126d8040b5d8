"""Trends: how often a query's sections occur per year, against all sections of that year."""

from __future__ import annotations

from collections import Counter
from typing import Any

from indexer.facets import ColumnCache, filter_and_count, selections
from indexer.queries import compile_query
from indexer.querylang import parse_query
from indexer.searching import matching_sections
from indexer.types import (
    FirstAppearance,
    QueryError,
    SearchRequest,
    TrendPoint,
    TrendSeries,
)


def trend_series(
    searcher: Any, cache: ColumnCache, term: str, by_part: bool, request: SearchRequest
) -> TrendSeries:
    """Hits, total sections and hits per 1,000 sections for every year, plus the first use."""
    if not term.strip():
        raise QueryError("a trend needs a non-empty query")
    parsed = parse_query(term)
    compiled = compile_query(parsed)
    if compiled.query is None:
        raise QueryError(f"nothing to search for in {term!r}")
    chosen = selections(request, cache)
    matched, _ = filter_and_count(
        matching_sections(searcher, cache, parsed, compiled), chosen, cache
    )
    population, _ = filter_and_count(cache.sections, chosen, cache)
    years = cache.columns["year"]
    hits = Counter(map(years.__getitem__, matched))
    totals = Counter(map(years.__getitem__, population))
    parts = cache.columns["part_kind"]
    by_year_part: Counter = (
        Counter((years[d], parts[d] or "other") for d in matched) if by_part else Counter()
    )
    points = []
    for year in sorted(y for y in totals if y is not None):
        count = hits.get(year, 0)
        point = TrendPoint(
            year=year,
            hits=count,
            total=totals[year],
            per_1000=round(count * 1000 / totals[year], 2),
        )
        if by_part:
            point.by_part = {
                kind: by_year_part.get((year, kind), 0) for kind in ("review", "plan", "other")
            }
        points.append(point)
    return TrendSeries(term=term, points=points, first=_first_appearance(searcher, cache, matched))


def _first_appearance(searcher: Any, cache: ColumnCache, docs: list[int]) -> FirstAppearance | None:
    years, dates = cache.columns["year"], cache.columns["date"]
    dated = [d for d in docs if years[d] is not None]
    if not dated:
        return None
    first = min(dated, key=lambda d: (years[d], dates[d] or "", d))
    stored = searcher.stored_fields(first)
    return FirstAppearance(
        year=years[first],
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
        url=stored.get("url") or "",
    )
