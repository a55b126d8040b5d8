"""One search over one searcher: match, filter, count facets, rank a page, make snippets."""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.search.facets import (
    ColumnCache,
    facet_values,
    filter_and_count,
    keep_where,
    selections,
    years_in,
)
from indexer.search.matching import MatchMemo, match_docs
from indexer.search.queries import CompiledQuery, compile_query
from indexer.search.querylang import ParsedQuery, parse_query
from indexer.search.ranking import VersionState, top_ranked
from indexer.search.snippets import render_snippet, stored_word_spans, substring_spans
from indexer.search.spelling import suggest_query
from indexer.search.types import FACET_FIELDS, Hit, SearchRequest, SearchResponse

SUGGEST_BELOW = 3  # offer "did you mean" when a query finds fewer sections than this
# Below this estimated number of matches, scoring every match in one pass is cheaper than
# listing the matches and then letting Whoosh rank the top (two passes over the postings).
SINGLE_PASS_MAX = 5000


def query_matches(
    searcher: Any, cache: ColumnCache, compiled: CompiledQuery, memo: MatchMemo | None = None
) -> np.ndarray:
    """Section documents matching the query's words, ascending (never to be modified)."""
    if compiled.query is None:
        return cache.sections
    return match_docs(searcher, compiled.query, memo)


def scored_matches(searcher: Any, compiled: CompiledQuery) -> tuple[list[int], dict[int, float]]:
    """Every matching document with its score, in one pass over the positive part's matcher."""
    matcher = compiled.positive.matcher(searcher, searcher.context())
    scores: dict[int, float] = {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    if compiled.negative is not None:
        for doc in match_docs(searcher, compiled.negative).tolist():
            scores.pop(doc, None)
    return list(scores), scores


def in_query_years(docs: np.ndarray, cache: ColumnCache, parsed: ParsedQuery) -> np.ndarray:
    """Keep the documents inside the query's own year ranges (2015..2020)."""
    if not parsed.years:
        return docs
    return keep_where(docs, cache.columns["year"], years_in(parsed.years, cache.years))


def matching_sections(
    searcher: Any,
    cache: ColumnCache,
    parsed: ParsedQuery,
    compiled: CompiledQuery,
    memo: MatchMemo | None = None,
) -> np.ndarray:
    """Section documents matching the query and the query's own year ranges, ascending."""
    return in_query_years(query_matches(searcher, cache, compiled, memo), cache, parsed)


def run_search(
    searcher: Any, cache: ColumnCache, request: SearchRequest, state: VersionState | None = None
) -> SearchResponse:
    """Answer one search request."""
    state = state or VersionState()
    parsed = parse_query(request.query)
    compiled = compile_query(parsed)
    raw = query_matches(searcher, cache, compiled, state.memo)
    chosen = selections(request, cache)
    # The same query and filters again (the next page, another client) reuse the counts.
    key = (compiled.query, tuple((r.start, r.end) for r in parsed.years), chosen_key(chosen))
    filtered, counts = state.memo.get_or_compute(
        ("selection", key),
        lambda: filter_and_count(in_query_years(raw, cache, parsed), chosen, cache),
    )
    page_docs = _page(searcher, cache, compiled, request, raw, filtered, state, key)
    response = SearchResponse(
        query=request.query,
        total=len(filtered),
        page=request.page,
        per_page=request.per_page,
        results=[_hit(searcher, doc, score, compiled) for doc, score in page_docs],
        facets={f: facet_values(f, counts[f], chosen.get(f, set())) for f in FACET_FIELDS},
        terms=tuple(dict.fromkeys(compiled.display_terms)),
    )
    if response.total < SUGGEST_BELOW and parsed.groups:
        response.suggestion = suggest_query(
            searcher, cache.vocabulary, request.query, response.total, state.memo
        )
    return response


def _page(
    searcher: Any,
    cache: ColumnCache,
    compiled: CompiledQuery,
    request: SearchRequest,
    raw: np.ndarray,
    filtered: np.ndarray,
    state: VersionState,
    key: tuple,
) -> list[tuple[int, float]]:
    """The (docnum, score) pairs of the requested page."""
    first = (request.page - 1) * request.per_page
    wanted = first + request.per_page
    if first >= len(filtered):
        return []
    if request.sort == "relevance" and compiled.positive is not None:
        ranked = state.memo.get_or_compute(
            ("ranked", key, wanted),
            lambda: _ranked(searcher, compiled, filtered, wanted, state),
        )
        if ranked is not None:
            return ranked[first:]
    if request.sort == "relevance" and compiled.query is not None:
        exact = len(filtered) == len(raw) and compiled.negative is None
        results = searcher.search(
            compiled.positive or compiled.query,
            limit=wanted,
            filter=None if exact else set(filtered.tolist()),
        )
        return [
            (results.docnum(i), results.score(i) or 0.0)
            for i in range(first, min(wanted, results.scored_length()))
        ]
    return [(doc, 0.0) for doc in by_date(cache, filtered, request.sort, wanted)[first:]]


def by_date(cache: ColumnCache, docs: np.ndarray, sort: str, wanted: int) -> list[int]:
    """The first ``wanted`` documents newest first (year, then date, descending) or oldest
    first (undated years last); ties go to the earlier document."""
    years, dates = cache.columns["year"].codes[docs], cache.columns["date"].codes[docs]
    # Code 0 is "none", below every value; an undated year sorts after every year when oldest.
    if sort == "oldest":
        order = np.lexsort((docs, dates, np.where(years == 0, np.iinfo(np.int32).max, years)))
    else:
        order = np.lexsort((docs, -dates.astype(np.int64), -years.astype(np.int64)))
    return docs[order[:wanted]].tolist()


def _ranked(
    searcher: Any, compiled: CompiledQuery, filtered: np.ndarray, wanted: int, state: VersionState
) -> list[tuple[int, float]] | None:
    """The ``wanted`` best filtered matches with their scores, or None: then Whoosh ranks."""
    assert compiled.positive is not None
    found = top_ranked(searcher, state.lengths, state.memo, compiled.positive, filtered, wanted)
    if found is None and compiled.positive.estimate_size(searcher.reader()) <= SINGLE_PASS_MAX:
        _, scores = scored_matches(searcher, compiled)
        ordered = sorted(filtered.tolist(), key=lambda d: (-scores.get(d, 0.0), d))
        found = [(doc, scores.get(doc, 0.0)) for doc in ordered[:wanted]]
    return found


def chosen_key(chosen: dict[str, set[Any]]) -> tuple:
    """A hashable form of the facet selections."""
    return tuple(
        sorted((facet, tuple(sorted(map(str, values)))) for facet, values in chosen.items())
    )


def _hit(searcher: Any, docnum: int, score: float, compiled: CompiledQuery) -> Hit:
    stored = searcher.stored_fields(docnum)
    text = stored.get("text") or ""
    spans = substring_spans(text, compiled.cjk_strings)
    if compiled.word_terms:
        spans += stored_word_spans(searcher, docnum, compiled.word_terms)
    year = stored.get("year") or None
    return Hit(
        id=stored["doc_id"],
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
        section_title=stored.get("section_title_text"),
        year=year,
        date=stored.get("date"),
        url=stored.get("url") or "",
        snippet=render_snippet(text, spans),
        committee=stored.get("committee"),
        level=stored.get("level"),
        doc_type=stored.get("doc_type"),
        language=stored.get("language"),
        part=stored.get("part"),
        part_kind=stored.get("part_kind"),
        period_year=stored.get("period_year"),
        ordinal=int(stored.get("ordinal") or 0),
        score=float(score),
    )
