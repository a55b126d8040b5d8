"""Trends: how often a query's sections occur per year, against all sections of that year."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cppcc_search.models import PART_KINDS
from indexer.search.facets import ColumnCache, apply_selections, selections
from indexer.search.matching import MatchMemo
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.ranking import VersionState
from indexer.search.resolve import resolve_request
from indexer.search.run import chosen_key, matching_sections
from indexer.search.stored import first_appearance
from indexer.search.types import (
    FirstAppearance,
    QueryError,
    SearchRequest,
    TrendPoint,
    TrendSeries,
)


def trend_series(
    searcher: Any,
    cache: ColumnCache,
    term: str,
    by_part: bool,
    request: SearchRequest,
    state: VersionState | None = None,
) -> TrendSeries:
    """Hits, total sections and hits per 1,000 sections for every year, plus the first use."""
    if not term.strip():
        raise QueryError("a trend needs a non-empty query")
    parsed = parse_query(term)
    compiled = compile_query(parsed)
    if compiled.query is None:
        raise QueryError(f"nothing to search for in {term!r}")
    chosen = selections(resolve_request(request, cache.bodies)[0], cache.years)
    memo = state.memo if state is not None else MatchMemo(max_entries=0)
    key = (compiled.query, tuple((r.start, r.end) for r in parsed.years), chosen_key(chosen))
    hits, totals, by_year_part, first = memo.get_or_compute(
        ("trend", key, by_part),
        lambda: _year_counts(
            cache, matching_sections(searcher, cache, parsed, compiled, memo), chosen, by_part
        ),
    )
    points = trend_points(hits, totals, by_year_part if by_part else None)
    return TrendSeries(term=term, points=points, first=_first_appearance(searcher, cache, first))


def trend_points(hits: Counter, totals: Counter, by_year_part: Counter | None) -> list[TrendPoint]:
    """One point per year that has sections: hits, sections and hits per 1,000 sections, and
    with ``by_year_part`` (counts by (year, part kind)) the hits of each part."""
    points = []
    for year in sorted(y for y in totals if y is not None):
        count = hits.get(year, 0)
        point = TrendPoint(
            year=year,
            hits=count,
            total=totals[year],
            per_1000=round(count * 1000 / totals[year], 2),
        )
        if by_year_part is not None:
            point.by_part = {kind: by_year_part.get((year, kind), 0) for kind in PART_KINDS}
        points.append(point)
    return points


def _year_counts(
    cache: ColumnCache, docs: list[int], chosen: dict[str, set[Any]], by_part: bool
) -> tuple[Counter, Counter, Counter, int | None]:
    """Matches per year, sections per year, matches per (year, part) and the first match."""
    matched = apply_selections(docs, chosen, cache)
    years = cache.columns["year"]
    hits = cache.count_columns(["year"], matched)["year"]
    if chosen:
        population = apply_selections(cache.sections, chosen, cache)
        totals = Counter(map(years.__getitem__, population))
    else:
        totals = cache.totals("year")
    parts = cache.columns["part_kind"]
    by_year_part: Counter = (
        Counter((years[d], parts[d] or "other") for d in matched) if by_part else Counter()
    )
    return hits, totals, by_year_part, _first_doc(cache, matched, hits)


def _first_doc(cache: ColumnCache, docs: list[int], hits: Counter) -> int | None:
    """The earliest dated match: first year, then date, then document number."""
    dated_years = set(hits) - {None}
    if not dated_years:
        return None
    first_year = min(dated_years)
    # Only the first year's documents compete on date: a tuple-keyed min over every match was
    # the largest cost of a broad trend.
    years, dates = cache.columns["year"], cache.columns["date"]
    in_first_year = [d for d in docs if years[d] == first_year]
    return min(in_first_year, key=lambda d: (dates[d] or "", d))


def _first_appearance(
    searcher: Any, cache: ColumnCache, first: int | None
) -> FirstAppearance | None:
    if first is None:
        return None
    return first_appearance(cache.columns["year"][first], searcher.stored_fields(first))
