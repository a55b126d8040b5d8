"""Query translation on Solr: the shared translator (indexer.search.translate) with renderings
counted in the collection, by the same matching as a search, as on Whoosh
(indexer.search.expansion). A term's candidate renderings are counted in one request: each is a
query facet over the sections, its query passed as a JSON query (no user text meets a parser).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from indexer.errors import QueryError
from indexer.search.lexicon import Lexicon, default_lexicon
from indexer.search.querylang import Clause, ParsedQuery
from indexer.search.translate import TranslatedQuery, translate_query_terms
from indexer.search.types import SearchRequest
from indexer.solr.query import SECTIONS, JsonQuery, translate_query

if TYPE_CHECKING:
    from indexer.solr.service import SolrSearchService


def rendering_query(text: str) -> JsonQuery | None:
    """The query of a rendering as a search would make it (words as a phrase), or None when
    nothing in it is searchable."""
    clause = Clause(text=text, phrase=len(text.split()) > 1)
    try:
        translated = translate_query(ParsedQuery(groups=[[clause]]))
    except QueryError:
        return None
    return translated.positive


class SectionFrequency:
    """How many sections of the collection hold a rendering; ``many`` counts several at once."""

    def __init__(self, service: SolrSearchService) -> None:
        self.service = service

    def __call__(self, text: str) -> int:
        return self.many([text]).get(text, 0)

    def many(self, texts: list[str]) -> dict[str, int]:
        queries = {text: rendering_query(text) for text in texts}
        wanted = [(text, query) for text, query in queries.items() if query is not None]
        counts = dict.fromkeys(texts, 0)
        if not wanted:
            return counts
        named = {f"r{i}": query for i, (_, query) in enumerate(wanted)}
        facets: dict[str, Any] = {
            name: {"type": "query", "q": "*:*", "domain": {"filter": {"param": name}}}
            for name in named
        }
        answer = self.service.query(
            {"query": "*:*", "filter": [SECTIONS], "limit": 0, "queries": named, "facet": facets}
        )
        found = answer.get("facets", {})
        for (text, _), name in zip(wanted, named, strict=True):
            counts[text] = int(found.get(name, {}).get("count", 0))
        return counts


def expand_query(
    service: SolrSearchService,
    parsed: ParsedQuery,
    request: SearchRequest,
    lexicon: Lexicon | None = None,
) -> TranslatedQuery:
    """The request's query with its terms' renderings (as parsed when the request turns it off)."""
    if not request.expand:
        return TranslatedQuery(parsed)
    return translate_query_terms(
        parsed,
        lexicon or default_lexicon(),
        SectionFrequency(service),
        off=request.renderings_off,
    )
