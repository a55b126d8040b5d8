"""The search service on SolrCloud: the same public methods and answers as
indexer.search.service.SearchService, from JSON requests to the collection an alias names.

What the engines share is shared code: the query language and its clause parts, facet names and
value lists, snippet rendering, trend points, hits and report lists from stored fields, the
did-you-mean algorithm. Only the requests (indexer.solr.query) and reading the answers are
Solr's own. Stateless apart from the client: one instance serves every thread, and an alias
swap after a rebuild is seen by the next request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from cppcc_search.models import Report
from indexer.errors import QueryError
from indexer.index.documents import report_from_stored
from indexer.index.schema import KIND_REPORT, KIND_SECTION
from indexer.search.clauses import positive_terms
from indexer.search.facets import facet_values, selected_values, years_in
from indexer.search.querylang import parse_query
from indexer.search.run import SUGGEST_BELOW
from indexer.search.snippets import substring_spans
from indexer.search.spelling import suggest_query
from indexer.search.stored import (
    first_appearance,
    hit_from_stored,
    newest_first,
    summary_from_stored,
)
from indexer.search.trends import trend_points
from indexer.search.types import (
    FACET_FIELDS,
    Hit,
    IndexStats,
    ReportSummary,
    SearchRequest,
    SearchResponse,
    TrendSeries,
    TrendsResponse,
)
from indexer.solr import admin
from indexer.solr.client import SolrClient
from indexer.solr.documents import STORED_FIELD_LIST, stored_fields
from indexer.solr.highlight import HIGHLIGHT_PARAMS, highlighted_spans
from indexer.solr.query import (
    ALL_VALUES,
    FIRST_APPEARANCE_SORT,
    SECTIONS,
    YEARS_PRESENT,
    JsonQuery,
    TranslatedQuery,
    facet_filters,
    facet_requests,
    section_filters,
    sort_for,
    term_in,
    translate_query,
)
from indexer.solr.spelling import SolrSpelling

REPORTS: JsonQuery = {"term": {"f": "kind", "query": KIND_REPORT}}
MAX_ROWS = 100_000  # sections of one report, reports of one committee


class SolrSearchService:
    """Search, trends and report lookups over the collection an alias names."""

    def __init__(self, client: SolrClient, alias: str) -> None:
        self.client = client
        self.alias = alias

    @classmethod
    def open(cls, client: SolrClient, alias: str) -> SolrSearchService:
        """Open the service (IndexMissingError while the alias names no collection yet)."""
        admin.require_collection(client, alias)
        return cls(client, alias)

    def close(self) -> None:
        """Nothing to release: every call is one or two HTTP requests."""

    def clear_query_cache(self) -> None:
        """Nothing to clear here: Solr's caches belong to the cluster."""

    def __enter__(self) -> SolrSearchService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        """Matching sections, one page of hits, facet counts and a suggestion.

        ``request.per_report`` (pages of reports) is not done here yet: a page is ``per_page``
        sections, which the search page groups as it finds them.
        """
        parsed = parse_query(request.query)
        translated = translate_query(parsed)
        chosen = selected_values(request)
        body: dict[str, Any] = {
            "query": translated.main_query(),
            "filter": section_filters(parsed) + facet_filters(chosen, tagged=True),
            "offset": (request.page - 1) * request.per_page,
            "limit": request.per_page,
            "sort": sort_for(request, translated),
            "fields": STORED_FIELD_LIST + ",score",
            "facet": facet_requests(chosen),
        }
        if translated.word_terms:
            body["params"] = HIGHLIGHT_PARAMS
        answer = self._query(body)
        facets = answer.get("facets", {})
        present = sorted(_counts(facets, YEARS_PRESENT))
        selected = {facet: set(values) for facet, values in chosen.items()}
        if request.years:
            selected["year"] = years_in(request.years, present)
        response = SearchResponse(
            query=request.query,
            total=answer["response"]["numFound"],
            page=request.page,
            per_page=request.per_page,
            results=[_hit(doc, answer, translated) for doc in answer["response"]["docs"]],
            facets={
                f: facet_values(f, _counts(facets, f), selected.get(f, set())) for f in FACET_FIELDS
            },
            terms=tuple(dict.fromkeys(translated.display_terms)),
        )
        if response.total < SUGGEST_BELOW and parsed.groups:
            response.suggestion = suggest_query(SolrSpelling(self), request.query, response.total)
        return response

    def trends(
        self, terms: Sequence[str], by_part: bool = False, request: SearchRequest | None = None
    ) -> TrendsResponse:
        """Hits per year for each term (with the request's filters), and its first appearance."""
        filters = facet_filters(selected_values(request or SearchRequest()), tagged=False)
        totals = self._year_counts("*:*", [SECTIONS, *filters])
        return TrendsResponse(
            query=list(terms),
            series=[self._trend(term, by_part, filters, totals) for term in terms],
        )

    def figures(self, query: str, request: SearchRequest | None = None) -> Any:
        """Figures over time are read from the Whoosh index's columns: not offered here yet."""
        raise QueryError("figures over time need the Whoosh engine (--engine whoosh) for now")

    def spread(self, term: str, request: SearchRequest | None = None) -> Any:
        """First appearance and spread count bodies from the Whoosh index's columns: not
        offered here yet."""
        raise QueryError(
            "first appearance and spread need the Whoosh engine (--engine whoosh) for now"
        )

    def followup(self, report_id: str) -> Any:
        """Promise against delivery finds the next report of a series, which the Solr schema
        does not store yet."""
        raise QueryError(
            "promise against delivery needs the Whoosh engine (--engine whoosh) for now"
        )

    def query_terms(self, query: str) -> tuple[str, ...]:
        """The query's positive terms to highlight, by parsing alone (no search)."""
        try:
            return positive_terms(parse_query(query)).highlighted()
        except QueryError:
            return ()

    def get_report(self, report_id: str) -> Report | None:
        """The full report, rebuilt from the index alone (None when unknown)."""
        record = self.client.get(
            f"{self.alias}/get", {"id": report_id, "fl": STORED_FIELD_LIST}
        ).get("doc")
        if not record or record.get("kind") != KIND_REPORT:
            return None
        sections = self._query(
            {
                "query": "*:*",
                "filter": [SECTIONS, term_in("report_id", [report_id])],
                "fields": STORED_FIELD_LIST,
                "sort": "ordinal asc",
                "limit": MAX_ROWS,
            }
        )["response"]["docs"]
        return report_from_stored(stored_fields(record), [stored_fields(s) for s in sections])

    def committee_reports(self, committee: str) -> list[ReportSummary]:
        """Every report of a committee, newest first."""
        docs = self._query(
            {
                "query": "*:*",
                "filter": [REPORTS, term_in("committee", [committee])],
                "fields": STORED_FIELD_LIST,
                "limit": MAX_ROWS,
            }
        )["response"]["docs"]
        return newest_first(summary_from_stored(stored_fields(doc)) for doc in docs)

    def stats(self) -> IndexStats:
        """How many reports and sections the index holds, and the years they span."""
        facets = self._query(
            {
                "query": "*:*",
                "limit": 0,
                "facet": {
                    "kinds": {"type": "terms", "field": "kind", "limit": ALL_VALUES},
                    "reports": {
                        "type": "query",
                        "q": f"kind:{KIND_REPORT}",
                        "facet": {
                            "language": {
                                "type": "terms",
                                "field": "language",
                                "limit": ALL_VALUES,
                                "missing": True,
                            },
                            "committee": {
                                "type": "terms",
                                "field": "committee",
                                "limit": ALL_VALUES,
                            },
                        },
                    },
                    "sections": {
                        "type": "query",
                        "q": f"kind:{KIND_SECTION}",
                        "facet": {"first": "min(year)", "last": "max(year)"},
                    },
                },
            }
        ).get("facets", {})
        kinds = _counts(facets, "kinds")
        reports = facets.get("reports", {})
        languages = dict(_counts(reports, "language"))
        missing = reports.get("language", {}).get("missing", {}).get("count", 0)
        if missing:
            languages["unknown"] = missing
        sections = facets.get("sections", {})
        return IndexStats(
            reports=kinds.get(KIND_REPORT, 0),
            sections=kinds.get(KIND_SECTION, 0),
            first_year=_year(sections.get("first")),
            last_year=_year(sections.get("last")),
            languages=languages,
            committees=len(_counts(reports, "committee")),
        )

    # -- requests -------------------------------------------------------------------------------

    def count(self, query: JsonQuery | str, filters: list[Any]) -> int:
        """How many documents match a query and filters."""
        answer = self._query({"query": query, "filter": filters, "limit": 0})
        return int(answer["response"]["numFound"])

    def _query(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.client.post_json(f"{self.alias}/query", body)

    def _year_counts(self, query: JsonQuery | str, filters: list[Any]) -> Counter:
        """Matching sections per year."""
        answer = self._query(
            {
                "query": query,
                "filter": filters,
                "limit": 0,
                "facet": {"years": {"type": "terms", "field": "year", "limit": ALL_VALUES}},
            }
        )
        return _counts(answer.get("facets", {}), "years")

    def _trend(
        self, term: str, by_part: bool, request_filters: list[Any], totals: Counter
    ) -> TrendSeries:
        if not term.strip():
            raise QueryError("a trend needs a non-empty query")
        parsed = parse_query(term)
        translated = translate_query(parsed)
        if translated.matches_everything:
            raise QueryError(f"nothing to search for in {term!r}")
        per_year: dict[str, Any] = {"type": "terms", "field": "year", "limit": ALL_VALUES}
        if by_part:
            per_year["facet"] = {
                "parts": {"type": "terms", "field": "part_kind", "limit": ALL_VALUES}
            }
        answer = self._query(
            {
                "query": translated.main_query(),
                "filter": section_filters(parsed) + request_filters,
                # The earliest dated match is the first document in this order.
                "sort": FIRST_APPEARANCE_SORT,
                "limit": 1,
                "fields": STORED_FIELD_LIST,
                "facet": {"hits": per_year},
            }
        )
        facets = answer.get("facets", {})
        by_year_part = None
        if by_part:
            by_year_part = Counter(
                {
                    (year_bucket["val"], part["val"]): part["count"]
                    for year_bucket in facets.get("hits", {}).get("buckets", [])
                    for part in year_bucket.get("parts", {}).get("buckets", [])
                }
            )
        points = trend_points(_counts(facets, "hits"), totals, by_year_part)
        docs = answer["response"]["docs"]
        first = None
        if docs and docs[0].get("year"):
            first = first_appearance(docs[0]["year"], stored_fields(docs[0]))
        return TrendSeries(term=term, points=points, first=first)


def _counts(facets: dict[str, Any], name: str) -> Counter:
    """A terms facet's buckets as value → count (no buckets when nothing matched)."""
    return Counter(
        {bucket["val"]: bucket["count"] for bucket in facets.get(name, {}).get("buckets", [])}
    )


def _year(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and value else None


def _hit(doc: dict[str, Any], answer: dict[str, Any], translated: TranslatedQuery) -> Hit:
    stored = stored_fields(doc)
    text = stored.get("text") or ""
    spans = substring_spans(text, translated.cjk_strings)
    if translated.word_terms:
        spans += highlighted_spans(answer, doc["id"], text)
    # Built on the report's title and the hit's own section: the sections before it are not
    # fetched, so a passage link whose start those repeat lands on the earlier occurrence.
    return hit_from_stored(stored, spans, doc.get("score") or 0.0)
