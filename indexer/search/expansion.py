"""The search service's query translation: renderings counted in the index being searched.

A rendering's frequency is the number of sections it matches, through the same matching as a
search (a Chinese string as an exact substring, English words as a phrase over the word fields),
memoised per index version like any other match set.
"""

from __future__ import annotations

from typing import Any

from indexer.errors import QueryError
from indexer.search.lexicon import Lexicon, default_lexicon
from indexer.search.matching import MatchMemo, match_docs
from indexer.search.queries import compile_query
from indexer.search.querylang import Clause, ParsedQuery, parse_query
from indexer.search.translate import Frequency, TranslatedQuery, translate_query_terms
from indexer.search.types import SearchRequest


def section_frequency(searcher: Any, memo: MatchMemo | None) -> Frequency:
    """How many sections hold a rendering, by the index's own matching."""

    def frequency(text: str) -> int:
        clause = Clause(text=text, phrase=len(text.split()) > 1)
        try:
            compiled = compile_query(ParsedQuery(groups=[[clause]]))
        except QueryError:
            return 0
        return len(match_docs(searcher, compiled.query, memo)) if compiled.query else 0

    return frequency


def expand_query(
    searcher: Any,
    parsed: ParsedQuery,
    request: SearchRequest,
    memo: MatchMemo | None = None,
    lexicon: Lexicon | None = None,
) -> TranslatedQuery:
    """The request's query with its terms' renderings (as parsed when the request turns it off)."""
    if not request.expand:
        return TranslatedQuery(parsed)
    return translate_query_terms(
        parsed,
        lexicon or default_lexicon(),
        section_frequency(searcher, memo),
        off=request.renderings_off,
    )


def highlighted_terms(
    searcher: Any,
    request: SearchRequest,
    memo: MatchMemo | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[str, ...]:
    """What a page opened from the request's search marks: the query's positive terms and the
    renderings the search also searched, as typed and as analysed (English stems), so a report
    in the other language shows where it matched. () when nothing in the query is searchable."""
    try:
        translated = expand_query(searcher, parse_query(request.query), request, memo, lexicon)
        compiled = compile_query(translated.parsed)
    except QueryError:
        return ()
    return tuple(dict.fromkeys(compiled.display_terms + compiled.word_terms))
