"""From a parsed query and a search request to Solr JSON requests (query DSL, JSON facets).

Only JSON query objects carry user text: Solr turns every string value in them into a
dereferenced parameter (``{!field f=body v=$_tt0}``), so no user text ever reaches a query
parser's syntax. Chinese runs are searched with the ``field`` parser on the bigram fields (the
query analyzer gives one character, one bigram or a phrase of bigrams); words one by one, or as
a phrase, on the word fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cppcc_search.cjk import CJK_CHAR
from indexer.errors import QueryError
from indexer.index.analysis import ENGLISH_STOP_WORDS
from indexer.index.schema import KIND_SECTION
from indexer.search.clauses import (
    SCOPE_FIELDS,
    ChineseRun,
    FieldBoosts,
    QueryTerms,
    Words,
    clause_parts,
)
from indexer.search.facets import FACET_COLUMNS
from indexer.search.querylang import NOTHING_SEARCHABLE, Clause, ParsedQuery
from indexer.search.types import FACET_FIELDS, SearchRequest, YearRange

JsonQuery = dict[str, Any]
SECTIONS: JsonQuery = {"term": {"f": "kind", "query": KIND_SECTION}}
# A facet domain takes query strings only (no JSON query objects): this one holds no user text.
SECTIONS_SYNTAX = f"kind:{KIND_SECTION}"
MATCH_NOTHING = "-*:*"
# The word analysis of managed-schema.xml's text_words type, to skip a word that Solr would
# analyse to nothing (a field query of no terms fails inside a boolean query).
_SOLR_WORD = re.compile(r"[A-Za-z0-9]+|[^\W_]")
# Facet values come back in full: every value of every facet (as on Whoosh).
ALL_VALUES = -1
YEARS_PRESENT = "_years"
CITIES = "_cities"
_DIVISION_CODE = re.compile(r"\d{6}")


@dataclass
class TranslatedQuery(QueryTerms):
    """The Solr query of the positive clauses (None: every section), the excluded ones, and
    what a snippet marks."""

    positive: JsonQuery | None = None
    negative: list[JsonQuery] | None = None

    @property
    def matches_everything(self) -> bool:
        return self.positive is None and not self.negative

    def main_query(self) -> JsonQuery | str:
        """The query that selects (and scores) the matching sections."""
        positive: JsonQuery | str = self.positive if self.positive is not None else "*:*"
        if not self.negative:
            return positive
        return {"bool": {"must": [positive], "must_not": self.negative}}


def translate_query(parsed: ParsedQuery) -> TranslatedQuery:
    """The Solr query of a parsed query; raises QueryError when nothing searchable remains."""
    translated = TranslatedQuery()
    groups = []
    for group in parsed.groups:
        alternatives = [q for clause in group if (q := _clause_query(clause, translated))]
        if alternatives:
            groups.append(_any(alternatives))
    excluded = [q for clause in parsed.excluded if (q := _clause_query(clause, None))]
    if parsed.groups and not groups:
        raise QueryError(NOTHING_SEARCHABLE)
    if groups:
        translated.positive = groups[0] if len(groups) == 1 else {"bool": {"must": groups}}
    translated.negative = excluded or None
    return translated


def _clause_query(clause: Clause, terms: QueryTerms | None) -> JsonQuery | None:
    word_fields, bigram_fields = SCOPE_FIELDS[clause.scope]
    queries: list[JsonQuery] = []
    for part in clause_parts(clause):
        if terms is not None:
            terms.add(part)
        if isinstance(part, ChineseRun):
            queries.append(_in_fields(part.text, bigram_fields))
        else:
            queries.extend(_word_queries(part, word_fields))
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else {"bool": {"must": queries}}


def _word_queries(words: Words, fields: FieldBoosts) -> list[JsonQuery]:
    if words.is_phrase:
        return [_in_fields(words.text, fields)] if _solr_words(words.text) else []
    surfaces = (words.surface(token) for token in words.tokens)
    return [_in_fields(surface, fields) for surface in surfaces if _solr_words(surface)]


def _solr_words(text: str) -> list[str]:
    """The words Solr's analysis keeps of a text (Chinese characters are searched elsewhere)."""
    found = (w.lower() for w in _SOLR_WORD.findall(text) if not CJK_CHAR.match(w))
    return [w for w in found if w not in ENGLISH_STOP_WORDS]


def _in_fields(text: str, fields: FieldBoosts) -> JsonQuery:
    """The text analysed as each field's query analyzer does, in any of the fields."""
    return _any([_boosted({"field": {"f": name, "query": text}}, boost) for name, boost in fields])


def _boosted(query: JsonQuery, boost: float) -> JsonQuery:
    return query if boost == 1.0 else {"boost": {"b": boost, "query": query}}


def _any(queries: list[JsonQuery]) -> JsonQuery:
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries}}


# -- filters --------------------------------------------------------------------------------------


def term_in(field: str, values: Iterable[Any]) -> JsonQuery | str:
    """Documents whose field holds any of the values (nothing when there are none)."""
    terms = [{"term": {"f": field, "query": str(value)}} for value in values]
    if not terms:
        return MATCH_NOTHING
    return terms[0] if len(terms) == 1 else {"bool": {"should": terms}}


def years_between(ranges: Iterable[YearRange]) -> str:
    """Documents whose year lies in any of the ranges (numbers only: no user text)."""
    clauses = [f"year:[{int(r.start)} TO {int(r.end)}]" for r in ranges]
    return " OR ".join(clauses) if clauses else MATCH_NOTHING


def facet_filters(chosen: dict[str, tuple[Any, ...]], tagged: bool) -> list[JsonQuery | str]:
    """One filter per selected facet, tagged with the facet's name so that its own counts can
    leave it out (multi-select facets)."""
    filters: list[JsonQuery | str] = []
    for facet, values in chosen.items():
        filters.append(
            {f"#{facet}": facet_filter(facet, values)} if tagged else facet_filter(facet, values)
        )
    return filters


def facet_filter(facet: str, values: Iterable[Any]) -> JsonQuery | str:
    """The documents whose value of one facet is among the given ones: a region is a province
    or a city (a province holds everything under it), as indexer.search.facets.keep_facet."""
    values = list(values)
    if facet == "year":
        return years_between(values)
    if facet == "region":
        either = [term_in("province", values), term_in("city", values)]
        return (
            {"bool": {"should": [q for q in either if q != MATCH_NOTHING]}}
            if values
            else MATCH_NOTHING
        )
    return term_in(FACET_COLUMNS[facet], values)


def section_filters(parsed: ParsedQuery) -> list[JsonQuery | str]:
    """Sections only, and in the query's own year ranges (2015..2020 typed in the query)."""
    filters: list[JsonQuery | str] = [SECTIONS]
    if parsed.years:
        filters.append(years_between(parsed.years))
    return filters


def facet_requests(chosen: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Every facet's values counted over the matches filtered by the other facets, and every
    year that has sections (to list a selected year range's years, as Whoosh does)."""
    facets: dict[str, Any] = {}
    for facet in FACET_FIELDS:
        request: dict[str, Any] = {
            "type": "terms",
            "field": FACET_COLUMNS[facet],
            "limit": ALL_VALUES,
            "mincount": 1,
        }
        if facet in chosen:
            request["domain"] = {"excludeTags": [facet]}
        facets[facet] = request
    provinces = selected_provinces(chosen.get("region", ()))
    if provinces:
        # The region facet opens the provinces it narrows to: their cities, counted as the
        # provinces are (indexer.search.facets.city_counts).
        facets[CITIES] = {
            "type": "terms",
            "field": "city",
            "limit": ALL_VALUES,
            "mincount": 1,
            "domain": {
                "excludeTags": ["region"],
                "filter": f"{{!terms f=province}}{','.join(provinces)}",
            },
        }
    facets[YEARS_PRESENT] = {
        "type": "terms",
        "field": "year",
        "limit": ALL_VALUES,
        "domain": {"query": SECTIONS_SYNTAX},
    }
    return facets


def selected_provinces(regions: Iterable[Any]) -> list[str]:
    """The provinces of the selected region codes (values that are no division code, a name
    that named nothing, hold no province)."""
    codes = (str(code) for code in regions)
    return sorted({f"{code[:2]}0000" for code in codes if _DIVISION_CODE.fullmatch(code)})


SORTS = {
    "relevance": "score desc, year desc, date desc, report_id asc, ordinal asc",
    "newest": "year desc, date desc, report_id asc, ordinal asc",
    "oldest": "year asc, date asc, report_id asc, ordinal asc",
}
FIRST_APPEARANCE_SORT = SORTS["oldest"]


def sort_for(request: SearchRequest, translated: TranslatedQuery) -> str:
    """Solr's sort: an unscored query (no positive words) lists the newest first, as on Whoosh."""
    if request.sort == "relevance" and translated.positive is None:
        return SORTS["newest"]
    return SORTS[request.sort]
