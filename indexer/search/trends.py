"""Trends: how often a query's sections occur per year, against all sections of that year."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from cppcc_search.models import PART_KINDS
from indexer.search.facets import ColumnCache, apply_selections
from indexer.search.lexicon import Lexicon
from indexer.search.ranking import VersionState
from indexer.search.run import term_matches
from indexer.search.stored import first_appearance
from indexer.search.types import (
    FirstAppearance,
    SearchRequest,
    TrendPoint,
    TrendSeries,
)

# What separates the terms of one trends query: commas (Latin or Chinese), 、 and semicolons.
TERM_SEPARATORS = re.compile(r"[,，、;；]")


def split_terms(values: Iterable[str]) -> list[str]:
    """The terms of one or more trends queries, split at separators, blanks and repeats dropped."""
    terms: list[str] = []
    for value in values:
        for term in TERM_SEPARATORS.split(value):
            term = term.strip()
            if term and term not in terms:
                terms.append(term)
    return terms


def trend_series(
    searcher: Any,
    cache: ColumnCache,
    term: str,
    by_part: bool,
    request: SearchRequest,
    state: VersionState | None = None,
    lexicon: Lexicon | None = None,
) -> TrendSeries:
    """Hits, total sections and hits per 1,000 sections for every year, plus the first use."""
    empty = "a trend needs a non-empty query"
    term_query = term_matches(searcher, cache, term, request, state, empty, lexicon)
    hits, totals, by_year_part, first = term_query.memo.get_or_compute(
        ("trend", term_query.key, by_part),
        lambda: _year_counts(cache, term_query.match(), term_query.chosen, by_part),
    )
    points = trend_points(hits, totals, by_year_part if by_part else None)
    return TrendSeries(
        term=term,
        points=points,
        first=_first_appearance(searcher, cache, first),
        translations=term_query.translations,
    )


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
    return first_appearance(cache.columns["year"][first], searcher.stored_fields(first))
