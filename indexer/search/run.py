"""One search over one searcher: match, filter, count facets, rank a page, make snippets."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.search.balance import balanced_scores
from indexer.search.budget import check
from indexer.search.expansion import expand_query
from indexer.search.facets import (
    ColumnCache,
    facet_values,
    filter_and_count,
    keep_where,
    selections,
    years_in,
)
from indexer.search.grouping import order_reports
from indexer.search.labels import facet_value_label
from indexer.search.lexicon import Lexicon
from indexer.search.matching import MatchMemo, query_docs
from indexer.search.queries import CompiledQuery, compile_query
from indexer.search.querylang import ParsedQuery, parse_query
from indexer.search.ranking import VersionState, rank_scores
from indexer.search.resolve import resolve_request
from indexer.search.snippets import stored_word_spans, substring_spans
from indexer.search.sources import SourcePages
from indexer.search.spelling import WhooshSpelling, suggest_query
from indexer.search.stored import hit_from_stored
from indexer.search.types import (
    FACET_FIELDS,
    Hit,
    QueryError,
    SearchRequest,
    SearchResponse,
    Translation,
)

SUGGEST_BELOW = 3  # offer "did you mean" when a query finds fewer sections than this
# Below this estimated number of matches, scoring every match in one pass is cheaper than
# listing the matches and then letting Whoosh rank the top (two passes over the postings).
SINGLE_PASS_MAX = 5000


def query_matches(
    searcher: Any, cache: ColumnCache, compiled: CompiledQuery, memo: MatchMemo | None = None
) -> list[int]:
    """Section documents matching the query's words, in docnum order (never to be mutated)."""
    if compiled.query is None:
        return cache.sections
    return query_docs(searcher, compiled.query, memo)


def scored_matches(searcher: Any, compiled: CompiledQuery) -> tuple[list[int], dict[int, float]]:
    """Every matching document with its score, in one pass over the positive part's matcher."""
    matcher = compiled.positive.matcher(searcher, searcher.context())
    scores: dict[int, float] = {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    if compiled.negative is not None:
        for doc in query_docs(searcher, compiled.negative):
            scores.pop(doc, None)
    return list(scores), scores


def in_query_years(docs: list[int], cache: ColumnCache, parsed: ParsedQuery) -> list[int]:
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
) -> list[int]:
    """Section documents matching the query and the query's own year ranges, in docnum order."""
    return in_query_years(query_matches(searcher, cache, compiled, memo), cache, parsed)


@dataclass(frozen=True)
class TermMatches:
    """A term of a per-year view (trends, spread) ready to search: ``match()`` lists its matching
    sections (only when the view's result is not memoised already), with the filters' chosen
    values, the memo and the key the view's result is kept under."""

    match: Callable[[], list[int]]
    chosen: dict[str, set[Any]]
    memo: MatchMemo
    key: tuple
    translations: list[Translation]


def term_matches(
    searcher: Any,
    cache: ColumnCache,
    term: str,
    request: SearchRequest,
    state: VersionState | None,
    empty: str,
    lexicon: Lexicon | None = None,
) -> TermMatches:
    """Parse, translate (as a search does) and match one term under the request's filters
    (QueryError ``empty`` for a blank term, or when nothing in it is searchable)."""
    if not term.strip():
        raise QueryError(empty)
    memo = state.memo if state is not None else MatchMemo(max_entries=0)
    translated = expand_query(searcher, parse_query(term), request, memo, lexicon)
    parsed = translated.parsed
    compiled = compile_query(parsed)
    if compiled.query is None:
        raise QueryError(f"nothing to search for in {term!r}")
    chosen = selections(resolve_request(request, cache.bodies)[0], cache.years)
    key = (compiled.query, tuple((r.start, r.end) for r in parsed.years), chosen_key(chosen))
    return TermMatches(
        lambda: matching_sections(searcher, cache, parsed, compiled, memo),
        chosen,
        memo,
        key,
        translated.translations,
    )


def run_search(
    searcher: Any,
    cache: ColumnCache,
    request: SearchRequest,
    state: VersionState | None = None,
    lexicon: Lexicon | None = None,
) -> SearchResponse:
    """Answer one search request (terms translated through ``lexicon``, default the shipped one)."""
    state = state or VersionState()
    request, resolved = resolve_request(request, cache.bodies)
    parsed = parse_query(request.query)
    translated = expand_query(searcher, parsed, request, state.memo, lexicon)
    parsed = translated.parsed
    compiled = compile_query(parsed)
    compiled.balanced = any(t.renderings for t in translated.translations)
    raw = query_matches(searcher, cache, compiled, state.memo)
    check()
    chosen = selections(request, cache.years)
    # The same query and filters again (the next page, another client) reuse the counts.
    key = (compiled.query, tuple((r.start, r.end) for r in parsed.years), chosen_key(chosen))
    filtered, counts = state.memo.get_or_compute(
        ("selection", key),
        lambda: filter_and_count(in_query_years(raw, cache, parsed), chosen, cache),
    )
    check()
    report_matches: dict[str, int] = {}
    reports = None
    if request.per_report:
        order = state.memo.get_or_compute(
            ("reports", key, request.sort, request.per_report),
            lambda: order_reports(
                _ranked(searcher, cache, compiled, request, filtered, state, key),
                cache.columns["report_id"],
                request.per_report,
            ),
        )
        page_docs, report_matches = order.page(request.page, request.per_page)
        reports = len(order.keys)
    else:
        page_docs = _page(searcher, cache, compiled, request, raw, filtered, state, key)
    pages = SourcePages(searcher, cache)
    response = SearchResponse(
        query=request.query,
        total=len(filtered),
        page=request.page,
        per_page=request.per_page,
        results=[_hit(searcher, doc, score, compiled, pages) for doc, score in page_docs],
        facets={f: _labelled(f, counts[f], chosen.get(f, set()), cache) for f in FACET_FIELDS},
        terms=tuple(dict.fromkeys(compiled.display_terms)),
        reports=reports,
        report_matches=report_matches,
        filters=resolved,
        translations=translated.translations,
    )
    if response.total < SUGGEST_BELOW and parsed.groups:
        spelling = WhooshSpelling(searcher, cache.vocabulary, state.memo)
        response.suggestion = suggest_query(spelling, request.query, response.total)
    return response


def _labelled(facet: str, counts: Any, selected: set[Any], cache: ColumnCache) -> list:
    """A facet's values, each code with its ``{zh, en}`` label."""
    values = facet_values(facet, counts, selected)
    for value in values:
        value.label = facet_value_label(facet, value.value, cache.bodies)
    return values


def _page(
    searcher: Any,
    cache: ColumnCache,
    compiled: CompiledQuery,
    request: SearchRequest,
    raw: list[int],
    filtered: list[int],
    state: VersionState,
    key: tuple,
) -> list[tuple[int, float]]:
    """The (docnum, score) pairs of the requested page."""
    first = (request.page - 1) * request.per_page
    wanted = first + request.per_page
    if first >= len(filtered):
        return []
    if request.sort == "relevance" and compiled.positive is not None:
        scores = state.memo.get_or_compute(
            ("scores", key), lambda: _relevance_scores(searcher, compiled, filtered, state)
        )
        if scores is not None:
            return [(doc, scores[doc]) for doc in top_scored(scores, filtered, wanted)[first:]]
    if request.sort == "relevance" and compiled.query is not None:
        exact = len(filtered) == len(raw) and compiled.negative is None
        results = searcher.search(
            compiled.positive or compiled.query,
            limit=wanted,
            filter=None if exact else set(filtered),
        )
        return [
            (results.docnum(i), results.score(i) or 0.0)
            for i in range(first, min(wanted, results.scored_length()))
        ]
    years, dates = cache.columns["year"], cache.columns["date"]
    if request.sort == "oldest":
        ranked = heapq.nsmallest(
            wanted, filtered, key=lambda d: (years[d] or 9999, dates[d] or "", d)
        )
    else:
        ranked = heapq.nlargest(wanted, filtered, key=lambda d: (years[d] or 0, dates[d] or "", -d))
    return [(doc, 0.0) for doc in ranked[first:wanted]]


def _ranked(
    searcher: Any,
    cache: ColumnCache,
    compiled: CompiledQuery,
    request: SearchRequest,
    filtered: list[int],
    state: VersionState,
    key: tuple,
) -> list[tuple[int, float]]:
    """Every filtered section in the requested order, with its score (0 unless relevance)."""
    if request.sort == "relevance" and compiled.positive is not None:
        scores = state.memo.get_or_compute(
            ("scores", key), lambda: _relevance_scores(searcher, compiled, filtered, state)
        )
        if scores is None:  # a query shape the block-wise ranker leaves to Whoosh: one pass
            _, found = scored_matches(searcher, compiled)
            scores = {doc: found.get(doc, 0.0) for doc in filtered}
        check()
        return [(doc, scores[doc]) for doc in sorted(filtered, key=lambda d: (-scores[d], d))]
    years, dates = cache.columns["year"], cache.columns["date"]
    if request.sort == "oldest":
        ordered = sorted(filtered, key=lambda d: (years[d] or 9999, dates[d] or "", d))
    else:
        ordered = sorted(filtered, key=lambda d: (years[d] or 0, dates[d] or "", -d), reverse=True)
    return [(doc, 0.0) for doc in ordered]


def _relevance_scores(
    searcher: Any, compiled: CompiledQuery, filtered: list[int], state: VersionState
) -> dict[int, float] | None:
    """Every filtered match's score, or None: then Whoosh ranks a page itself."""
    assert compiled.positive is not None
    if compiled.balanced:
        return balanced_scores(searcher, state, compiled, filtered)
    scores = rank_scores(searcher, state.lengths, state.memo, compiled.positive, set(filtered))
    if scores is None and compiled.positive.estimate_size(searcher.reader()) <= SINGLE_PASS_MAX:
        _, found = scored_matches(searcher, compiled)
        scores = {doc: found.get(doc, 0.0) for doc in filtered}
    return scores


def chosen_key(chosen: dict[str, set[Any]]) -> tuple:
    """A hashable form of the facet selections."""
    return tuple(
        sorted((facet, tuple(sorted(map(str, values)))) for facet, values in chosen.items())
    )


def top_scored(scores: dict[int, float], docs: list[int], k: int) -> list[int]:
    """The k best documents by score, ties by ascending docnum (Whoosh's order)."""
    if k >= len(docs):
        return sorted(docs, key=lambda d: (-scores[d], d))
    # Thresholding with a C sort of the floats, then ordering only the few above it, is far
    # cheaper than a heap keyed by Python tuples over ~100k documents.
    threshold = sorted(map(scores.__getitem__, docs), reverse=True)[k - 1]
    above = [d for d in docs if scores[d] >= threshold]
    return sorted(above, key=lambda d: (-scores[d], d))[:k]


def _hit(
    searcher: Any, docnum: int, score: float, compiled: CompiledQuery, pages: SourcePages
) -> Hit:
    check()
    stored = searcher.stored_fields(docnum)
    text = stored.get("text") or ""
    spans = substring_spans(text, compiled.cjk_strings)
    if compiled.word_terms:
        spans += stored_word_spans(searcher, docnum, compiled.word_terms)
    return hit_from_stored(stored, spans, score, pages.earlier(docnum, stored))
