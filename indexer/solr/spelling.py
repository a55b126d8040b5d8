"""Did-you-mean on Solr: the shared algorithm (indexer.search.spelling) over the collection's
bigram terms (the terms component, across every shard) and the vocabulary stored beside them."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING

from indexer.errors import SearchError
from indexer.search.querylang import parse_query
from indexer.solr.documents import VOCABULARY_ID
from indexer.solr.query import SECTIONS, section_filters, translate_query

if TYPE_CHECKING:
    from indexer.solr.service import SolrSearchService

_BIGRAM_FIELD = "cjk"


class SolrSpelling:
    """The spelling index of one collection, for one suggestion (the vocabulary read once)."""

    def __init__(self, service: SolrSearchService) -> None:
        self.service = service

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        answer = self.service.client.get(
            f"{self.service.alias}/get", {"id": VOCABULARY_ID, "fl": "vocabulary"}
        )
        stored = (answer.get("doc") or {}).get("vocabulary")
        return json.loads(stored) if stored else {}

    def sections_holding(self, run: str) -> int:
        query = {"field": {"f": _BIGRAM_FIELD, "query": run}}
        return self.service.count(query, [SECTIONS])

    def bigrams_after(self, char: str) -> list[tuple[str, int]]:
        answer = self.service.client.post_form(
            f"{self.service.alias}/terms",
            {
                "terms.fl": _BIGRAM_FIELD,
                "terms.prefix": char,
                "terms.limit": -1,
                "json.nl": "arrarr",
            },
        )
        return [(term, count) for term, count in answer.get("terms", {}).get(_BIGRAM_FIELD, [])]

    def existing_bigrams(self, grams: set[str]) -> set[str]:
        if not grams:
            return set()
        answer = self.service.client.post_form(
            f"{self.service.alias}/terms",
            {
                "terms.fl": _BIGRAM_FIELD,
                "terms.list": ",".join(sorted(grams)),
                "terms.limit": -1,  # the default 10 also bounds a list across shards
                "json.nl": "arrarr",
            },
        )
        return {term for term, count in answer.get("terms", {}).get(_BIGRAM_FIELD, []) if count}

    def total_for(self, query: str) -> int:
        try:
            parsed = parse_query(query)
            translated = translate_query(parsed)
        except SearchError:
            return 0
        if translated.matches_everything:
            return 0
        return self.service.count(translated.main_query(), section_filters(parsed))
