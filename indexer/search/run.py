"""One search over one searcher: match, filter, count facets, rank a page, make snippets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.collectors import FilterCollector, TopCollector

from indexer.search.balance import balanced_scores
from indexer.search.budget import admit, check
from indexer.search.cost import query_cost
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
from indexer.search.matching import MatchMemo, match_docs
from indexer.search.queries import CompiledQuery, compile_query
from indexer.search.querylang import ParsedQuery, parse_query
from indexer.search.ranking import VersionState, rank_scores, top_ranked
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


@dataclass(frozen=True)
class TermMatches:
    """A term of a per-year view (trends, spread) ready to search: ``match()`` lists its matching
    sections (only when the view's result is not memoised already), with the filters' chosen
    values, the memo and the key the view's result is kept under."""

    match: Callable[[], np.ndarray]
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
    admit(*query_cost(searcher, compiled.query))
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
    admit(*query_cost(searcher, compiled.query, request.per_page * max(1, request.per_report)))
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
            lambda: _best_ranked(searcher, compiled, filtered, wanted, state),
        )
        if ranked is not None:
            return ranked[first:]
    if request.sort == "relevance" and compiled.query is not None:
        exact = len(filtered) == len(raw) and compiled.negative is None
        results = _budgeted_search(
            searcher, compiled.positive or compiled.query, wanted, None if exact else filtered
        )
        return [
            (results.docnum(i), results.score(i) or 0.0)
            for i in range(first, min(wanted, results.scored_length()))
        ]
    return [(doc, 0.0) for doc in by_date(cache, filtered, request.sort, wanted)[first:]]


class _BudgetedTop(TopCollector):
    """Whoosh's top-k collector, checking the call's time budget as matches come: queries the
    block-wise ranker leaves to Whoosh's matchers (word phrases of common words, say) walk every
    posting in Python, seconds at 100k sections, and must end as too broad instead."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit)
        self._seen = 0

    def collect(self, sub_docnum: int) -> Any:
        self._seen += 1
        if self._seen % BUDGET_CHECK_EVERY == 0:
            check()
        return super().collect(sub_docnum)


BUDGET_CHECK_EVERY = 256  # matches between two looks at the clock


def _budgeted_search(searcher: Any, query: Any, limit: int, allowed: np.ndarray | None) -> Any:
    top = _BudgetedTop(limit)
    collector = top if allowed is None else FilterCollector(top, allow=set(allowed.tolist()))
    searcher.search_with_collector(query, collector)
    return collector.results()


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


def _best_ranked(
    searcher: Any, compiled: CompiledQuery, filtered: np.ndarray, wanted: int, state: VersionState
) -> list[tuple[int, float]] | None:
    """The ``wanted`` best filtered matches with their scores, or None: then Whoosh ranks."""
    assert compiled.positive is not None
    if compiled.balanced:  # shares of each language's best: every match scored, then the top
        scores = balanced_scores(searcher, state, compiled, filtered.tolist())
        return _top(scores, filtered, wanted)
    found = top_ranked(searcher, state.lengths, state.memo, compiled.positive, filtered, wanted)
    if found is None and compiled.positive.estimate_size(searcher.reader()) <= SINGLE_PASS_MAX:
        _, scores = scored_matches(searcher, compiled)
        found = _top(scores, filtered, wanted)
    return found


def _top(scores: dict[int, float], docs: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best documents with their scores (0 for one not scored), ties by ascending docnum
    (Whoosh's order)."""
    found = np.array([scores.get(doc, 0.0) for doc in docs.tolist()])
    order = np.lexsort((docs, -found))[:k]
    return list(zip(docs[order].tolist(), found[order].tolist(), strict=True))


def _ranked(
    searcher: Any,
    cache: ColumnCache,
    compiled: CompiledQuery,
    request: SearchRequest,
    filtered: np.ndarray,
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
            scores = {doc: found.get(doc, 0.0) for doc in filtered.tolist()}
        check()
        return _top(scores, filtered, len(filtered))
    return [(doc, 0.0) for doc in by_date(cache, filtered, request.sort, len(filtered))]


def _relevance_scores(
    searcher: Any, compiled: CompiledQuery, filtered: np.ndarray, state: VersionState
) -> dict[int, float] | None:
    """Every filtered match's score, or None: then Whoosh ranks a page itself."""
    assert compiled.positive is not None
    if compiled.balanced:
        return balanced_scores(searcher, state, compiled, filtered.tolist())
    scores = rank_scores(searcher, state.lengths, state.memo, compiled.positive, filtered)
    if scores is None and compiled.positive.estimate_size(searcher.reader()) <= SINGLE_PASS_MAX:
        _, found = scored_matches(searcher, compiled)
        scores = {doc: found.get(doc, 0.0) for doc in filtered.tolist()}
    return scores


def chosen_key(chosen: dict[str, set[Any]]) -> tuple:
    """A hashable form of the facet selections."""
    return tuple(
        sorted((facet, tuple(sorted(map(str, values)))) for facet, values in chosen.items())
    )


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
