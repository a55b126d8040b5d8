"""First appearance and spread: for a term, the first report in each body that uses it, and how
many bodies use it each year, by level.

Everything but the first reports comes from one pass over the matching sections' body, year,
level and date columns; the stored fields read are those of each body's first matching section.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from cppcc_search.models import LEVELS
from indexer.search.facets import ColumnCache, apply_selections
from indexer.search.ranking import VersionState
from indexer.search.run import term_matches
from indexer.search.types import (
    BodyFirstUse,
    SearchRequest,
    SpreadResponse,
    SpreadYear,
)


def term_spread(
    searcher: Any,
    cache: ColumnCache,
    term: str,
    request: SearchRequest,
    state: VersionState | None = None,
) -> SpreadResponse:
    """Each body's first use of ``term`` and the bodies using it per year (the request's
    filters narrow both)."""
    term_query = term_matches(searcher, cache, term, request, state, "spread needs a term: q")
    firsts, uses, last_year = term_query.memo.get_or_compute(
        ("spread", term_query.key),
        lambda: _body_years(cache, term_query.match(), term_query.chosen),
    )
    first = [_first_use(searcher, cache, body, doc) for body, doc in firsts]
    return SpreadResponse(query=term, first=first, years=_years(uses, last_year))


def _body_years(
    cache: ColumnCache, docs: np.ndarray, chosen: dict[str, set[Any]]
) -> tuple[list[tuple[str, int]], set[tuple[int, str, str | None]], int | None]:
    """One pass over the matches: each body's first matching section (by year, date, document
    number), every (year, body, level) that occurs, and the last year the archive (as the
    filters narrow it) has sections in."""
    matched = apply_selections(docs, chosen, cache)
    bodies, years = cache.columns["body_id"], cache.columns["year"]
    levels, dates = cache.columns["level"], cache.columns["date"]
    first: dict[str, tuple[int, str, int]] = {}
    uses: set[tuple[int, str, str | None]] = set()
    for doc in matched.tolist():
        body, year = bodies[doc], years[doc]
        if body is None or year is None:
            continue
        uses.add((year, body, levels[doc]))
        key = (year, dates[doc] or "", doc)
        if body not in first or key < first[body]:
            first[body] = key
    order = sorted(first.items(), key=lambda item: (item[1], item[0]))
    return [(body, key[2]) for body, key in order], uses, _last_year(cache, chosen)


def _last_year(cache: ColumnCache, chosen: dict[str, set[Any]]) -> int | None:
    """The archive's last year, or with filters the last year of the sections they keep."""
    if not chosen:
        return cache.years[-1] if cache.years else None
    years = cache.columns["year"]
    kept = {years[d] for d in apply_selections(cache.sections, chosen, cache)} - {None}
    return max(kept, default=None)


def _years(uses: set[tuple[int, str, str | None]], last_year: int | None) -> list[SpreadYear]:
    """Every year from the first use to ``last_year``, a year with no use at 0."""
    if not uses:
        return []
    by_year: dict[int, set[str]] = defaultdict(set)
    by_level: dict[tuple[int, str | None], set[str]] = defaultdict(set)
    for year, body, level in uses:
        by_year[year].add(body)
        by_level[(year, level)].add(body)
    first, last = min(by_year), max(max(by_year), last_year or 0)
    return [
        SpreadYear(
            year=year,
            bodies=len(by_year.get(year, ())),
            by_level={level: len(by_level.get((year, level), ())) for level in LEVELS},
        )
        for year in range(first, last + 1)
    ]


def _first_use(searcher: Any, cache: ColumnCache, body: str, doc: int) -> BodyFirstUse:
    stored = searcher.stored_fields(doc)
    return BodyFirstUse(
        body_id=body,
        name=cache.bodies.label(body) or {"zh": body, "en": body},
        level=cache.columns["level"][doc],
        year=cache.columns["year"][doc],
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
    )
