"""Trends: how often a query's sections occur per year, against all sections of that year."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from indexer.search.facets import ColumnCache, apply_selections, selections
from indexer.search.matching import MatchMemo
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.ranking import VersionState
from indexer.search.run import chosen_key, matching_sections
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
    chosen = selections(request, cache)
    memo = state.memo if state is not None else MatchMemo(max_entries=0)
    key = (compiled.query, tuple((r.start, r.end) for r in parsed.years), chosen_key(chosen))
    hits, totals, by_year_part, first = memo.get_or_compute(
        ("trend", key, by_part),
        lambda: _year_counts(
            cache, matching_sections(searcher, cache, parsed, compiled, memo), chosen, by_part
        ),
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
    return TrendSeries(term=term, points=points, first=_first_appearance(searcher, cache, first))


def _year_counts(
    cache: ColumnCache, docs: np.ndarray, chosen: dict[str, set[Any]], by_part: bool
) -> tuple[Counter, Counter, Counter, int | None]:
    """Matches per year, sections per year, matches per (year, part) and the first match."""
    matched = apply_selections(docs, chosen, cache)
    hits = cache.count_columns(["year"], matched)["year"]
    if chosen:
        totals = cache.count_columns(["year"], apply_selections(cache.sections, chosen, cache))
        totals = totals["year"]
    else:
        totals = cache.totals("year")
    by_year_part = _by_year_part(cache, matched) if by_part else Counter()
    return hits, totals, by_year_part, _first_doc(cache, matched)


def _by_year_part(cache: ColumnCache, docs: np.ndarray) -> Counter:
    """Matches per (year, part kind), a section without a part kind counted as "other"."""
    years, parts = cache.columns["year"], cache.columns["part_kind"]
    width = len(parts.labels)
    counts = np.bincount(years.codes[docs].astype(np.int64) * width + parts.codes[docs])
    found: Counter = Counter()
    for pair in np.flatnonzero(counts).tolist():
        year, part = years.labels[pair // width], parts.labels[pair % width]
        found[(year, part or "other")] += int(counts[pair])
    return found


def _first_doc(cache: ColumnCache, docs: np.ndarray) -> int | None:
    """The earliest dated match: first year, then date, then document number."""
    years, dates = cache.columns["year"].codes[docs], cache.columns["date"].codes[docs]
    dated = years > 0  # code 0: no year
    if not dated.any():
        return None
    # Codes sort as the values do, and an absent date ("" before every date) is code 0.
    first = np.lexsort((docs[dated], dates[dated], years[dated]))[0]
    return int(docs[dated][first])


def _first_appearance(
    searcher: Any, cache: ColumnCache, first: int | None
) -> FirstAppearance | None:
    if first is None:
        return None
    years = cache.columns["year"]
    stored = searcher.stored_fields(first)
    return FirstAppearance(
        year=years[first],
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
        url=stored.get("url") or "",
    )
