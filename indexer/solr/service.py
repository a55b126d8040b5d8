"""The search service on SolrCloud: the same public methods and answers as
indexer.search.service.SearchService, from JSON requests to the collection an alias names.

What the engines share is shared code: the query language and its clause parts, facet names and
value lists, snippet rendering, trend points, hits and report lists from stored fields, the
did-you-mean algorithm. Only the requests (indexer.solr.query) and reading the answers are
Solr's own. Stateless apart from the client: one instance serves every thread, and an alias
swap after a rebuild is seen by the next request.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cppcc_search.models import Report
from indexer.errors import QueryError
from indexer.index.bodies import BodyRegistry, registry_of
from indexer.index.documents import report_from_stored
from indexer.index.schema import KIND_REPORT, KIND_SECTION
from indexer.search.clauses import positive_terms
from indexer.search.facets import facet_values, selected_values, years_in
from indexer.search.labels import facet_value_label
from indexer.search.lexicon import Lexicon
from indexer.search.passages import EarlierText
from indexer.search.querylang import ParsedQuery, parse_query
from indexer.search.resolve import resolve_request
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
    FacetValue,
    Hit,
    IndexStats,
    ReportSummary,
    ResolvedFilter,
    SearchRequest,
    SearchResponse,
    Translation,
    TrendSeries,
    TrendsResponse,
)
from indexer.solr import admin
from indexer.solr.client import SolrClient
from indexer.solr.documents import BODIES_ID, STORED_FIELD_LIST, solr_id, stored_fields
from indexer.solr.expansion import expand_query
from indexer.solr.highlight import highlight_params, highlighted_spans
from indexer.solr.passages import passage_hits
from indexer.solr.query import (
    ALL_VALUES,
    CITIES,
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


@dataclass
class _Prepared:
    """A request with its names resolved and its query translated, parsed and made Solr's."""

    request: SearchRequest
    resolved: list[ResolvedFilter]
    parsed: ParsedQuery
    query: TranslatedQuery
    translations: list[Translation]


class SolrSearchService:
    """Search, trends and report lookups over the collection an alias names."""

    def __init__(self, client: SolrClient, alias: str, lexicon: Lexicon | None = None) -> None:
        self.client = client
        self.alias = alias
        self._lexicon = lexicon  # None: the shipped one (indexer.search.lexicon)

    @classmethod
    def open(
        cls, client: SolrClient, alias: str, *, lexicon: Lexicon | None = None
    ) -> SolrSearchService:
        """Open the service (IndexMissingError while the alias names no collection yet)."""
        admin.require_collection(client, alias)
        return cls(client, alias, lexicon)

    def close(self) -> None:
        """Nothing to release: every call is one or a few HTTP requests."""

    def clear_query_cache(self) -> None:
        """Nothing to clear here: the service keeps no results, and Solr's caches belong to
        the cluster."""

    def __enter__(self) -> SolrSearchService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        """Matching sections, one page of hits (or of reports, with ``per_report``), facet
        counts, what names resolved to, the query's translations and a suggestion."""
        registry = self.registry()
        prepared = self._prepare(request, request.query, registry)
        request, translated = prepared.request, prepared.query
        chosen = selected_values(request)
        body: dict[str, Any] = {
            "query": translated.main_query(),
            "filter": section_filters(prepared.parsed) + facet_filters(chosen, tagged=True),
            "offset": (request.page - 1) * request.per_page,
            "limit": request.per_page,
            "sort": sort_for(request, translated),
            "fields": STORED_FIELD_LIST + ",score",
            "facet": facet_requests(chosen),
        }
        params = highlight_params(translated.word_terms) if translated.word_terms else {}
        if request.per_report:
            params.update(_grouping(request, body["sort"]))
        if params:
            body["params"] = params
        answer = self.query(body)
        docs, total, reports, report_matches = _page_of(answer, request)
        response = SearchResponse(
            query=request.query,
            total=total,
            page=request.page,
            per_page=request.per_page,
            results=passage_hits(
                self, docs, lambda doc, earlier: _hit(doc, answer, translated, earlier)
            ),
            facets=_facets(answer.get("facets", {}), request, chosen, registry),
            terms=tuple(dict.fromkeys(translated.display_terms)),
            reports=reports,
            report_matches=report_matches,
            filters=prepared.resolved,
            translations=prepared.translations,
        )
        if response.total < SUGGEST_BELOW and prepared.parsed.groups:
            response.suggestion = suggest_query(SolrSpelling(self), request.query, response.total)
        return response

    def trends(
        self, terms: Sequence[str], by_part: bool = False, request: SearchRequest | None = None
    ) -> TrendsResponse:
        """Hits per year for each term (with the request's filters), and its first appearance."""
        registry = self.registry()
        resolved, _ = resolve_request(request or SearchRequest(), registry)
        filters = facet_filters(selected_values(resolved), tagged=False)
        totals = self._year_counts("*:*", [SECTIONS, *filters])
        return TrendsResponse(
            query=list(terms),
            series=[
                self._trend(term, by_part, resolved, filters, totals, registry) for term in terms
            ],
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
        """Promise against delivery aligns passages with the Whoosh side's matching: not
        offered here yet."""
        raise QueryError(
            "promise against delivery needs the Whoosh engine (--engine whoosh) for now"
        )

    def query_terms(self, query: str) -> tuple[str, ...]:
        """The query's positive terms to highlight, by parsing alone (no search)."""
        try:
            return positive_terms(parse_query(query)).highlighted()
        except QueryError:
            return ()

    def highlight_terms(self, request: SearchRequest) -> tuple[str, ...]:
        """The terms to mark in a report opened from a search: the query's own and the
        renderings the search also searched in the other language, as on Whoosh."""
        try:
            expanded = expand_query(self, parse_query(request.query), request, self._lexicon)
            return positive_terms(expanded.parsed).highlighted()
        except QueryError:
            return ()

    def get_report(self, report_id: str) -> Report | None:
        """The full report, rebuilt from the index alone (None when unknown)."""
        record = self.client.get(
            f"{self.alias}/get", {"id": solr_id(report_id, report_id), "fl": STORED_FIELD_LIST}
        ).get("doc")
        if not record or record.get("kind") != KIND_REPORT:
            return None
        sections = self.query(
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
        return self._reports_where("committee", committee)

    def body_reports(self, body_id: str) -> list[ReportSummary]:
        """Every report of a body (in every term and language), newest first."""
        return self._reports_where("body_id", body_id)

    def series_reports(self, series_id: str) -> list[ReportSummary]:
        """Every report of a series (one body's reports of one type), newest first."""
        return self._reports_where("series", series_id)

    def bodies(self) -> list[dict[str, Any]]:
        """Every body of the collection, as /api/bodies lists them (most reports first)."""
        return self.registry().public()

    def body(self, body_id: str) -> dict[str, Any] | None:
        """One body's record (as /api/bodies lists it), or None."""
        return next((b for b in self.bodies() if b["id"] == body_id), None)

    def registry(self) -> BodyRegistry:
        """The bodies and region names stored with the collection (read on every call, so an
        alias swap is seen at once; an empty registry for a collection without them)."""
        answer = self.client.get(f"{self.alias}/get", {"id": BODIES_ID, "fl": "bodies"})
        stored = (answer.get("doc") or {}).get("bodies")
        try:
            return registry_of(json.loads(stored) if stored else None)
        except ValueError:
            return BodyRegistry()

    def stats(self) -> IndexStats:
        """How many reports and sections the index holds, and the years they span."""
        facets = self.query(
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
                            "bodies": {"type": "terms", "field": "body_id", "limit": ALL_VALUES},
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
            committees=len(_counts(reports, "bodies")),
        )

    # -- requests -------------------------------------------------------------------------------

    def count(self, query: JsonQuery | str, filters: list[Any]) -> int:
        """How many documents match a query and filters."""
        answer = self.query({"query": query, "filter": filters, "limit": 0})
        return int(answer["response"]["numFound"])

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        """One JSON request to the alias's collection."""
        return self.client.post_json(f"{self.alias}/query", body)

    def _prepare(self, request: SearchRequest, text: str, registry: BodyRegistry) -> _Prepared:
        """Resolve the request's names, translate the query's terms, make the Solr query."""
        request, resolved = resolve_request(request, registry)
        expanded = expand_query(self, parse_query(text), request, self._lexicon)
        translated = translate_query(expanded.parsed)
        return _Prepared(request, resolved, expanded.parsed, translated, expanded.translations)

    def _reports_where(self, field: str, value: str) -> list[ReportSummary]:
        docs = self.query(
            {
                "query": "*:*",
                "filter": [REPORTS, term_in(field, [value])],
                "fields": STORED_FIELD_LIST,
                "limit": MAX_ROWS,
            }
        )["response"]["docs"]
        return newest_first(summary_from_stored(stored_fields(doc)) for doc in docs)

    def _year_counts(self, query: JsonQuery | str, filters: list[Any]) -> Counter:
        """Matching sections per year."""
        answer = self.query(
            {
                "query": query,
                "filter": filters,
                "limit": 0,
                "facet": {"years": {"type": "terms", "field": "year", "limit": ALL_VALUES}},
            }
        )
        return _counts(answer.get("facets", {}), "years")

    def _trend(
        self,
        term: str,
        by_part: bool,
        request: SearchRequest,
        request_filters: list[Any],
        totals: Counter,
        registry: BodyRegistry,
    ) -> TrendSeries:
        if not term.strip():
            raise QueryError("a trend needs a non-empty query")
        prepared = self._prepare(request, term, registry)
        translated = prepared.query
        if translated.positive is None:
            raise QueryError(f"nothing to search for in {term!r}")
        per_year: dict[str, Any] = {"type": "terms", "field": "year", "limit": ALL_VALUES}
        if by_part:
            per_year["facet"] = {
                "parts": {"type": "terms", "field": "part_kind", "limit": ALL_VALUES}
            }
        answer = self.query(
            {
                "query": translated.main_query(),
                "filter": section_filters(prepared.parsed) + request_filters,
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
        return TrendSeries(
            term=term, points=points, first=first, translations=prepared.translations
        )


def _hit(
    doc: dict[str, Any],
    answer: dict[str, Any],
    translated: TranslatedQuery,
    earlier: EarlierText | None,
) -> Hit:
    stored = stored_fields(doc)
    text = stored.get("text") or ""
    spans = substring_spans(text, translated.cjk_strings)
    if translated.word_terms:
        spans += highlighted_spans(answer, doc["id"], text)
    return hit_from_stored(stored, spans, doc.get("score") or 0.0, earlier)


def _grouping(request: SearchRequest, sort: str) -> dict[str, Any]:
    """A page of reports: the matches grouped by report (every document of a report is on one
    shard, so the number of reports is exact), each with its best ``per_report`` sections."""
    return {
        "group": "true",
        "group.field": "report_id",
        "group.limit": request.per_report,
        "group.ngroups": "true",
        "group.sort": sort,
    }


def _page_of(
    answer: dict[str, Any], request: SearchRequest
) -> tuple[list[dict[str, Any]], int, int | None, dict[str, int]]:
    """The page's documents, the matching sections, the matching reports (grouped pages) and
    the matches of each report on the page."""
    if not request.per_report:
        return answer["response"]["docs"], int(answer["response"]["numFound"]), None, {}
    grouped = answer["grouped"]["report_id"]
    docs: list[dict[str, Any]] = []
    matches: dict[str, int] = {}
    for group in grouped["groups"]:
        docs.extend(group["doclist"]["docs"])
        matches[str(group["groupValue"])] = int(group["doclist"]["numFound"])
    return docs, int(grouped["matches"]), int(grouped["ngroups"]), matches


def _facets(
    found: dict[str, Any],
    request: SearchRequest,
    chosen: dict[str, tuple[Any, ...]],
    registry: BodyRegistry,
) -> dict[str, list[FacetValue]]:
    """Every facet's values with their counts, selections and labels, as on Whoosh."""
    selected = {facet: set(values) for facet, values in chosen.items()}
    if request.years:
        selected["year"] = years_in(request.years, sorted(_counts(found, YEARS_PRESENT)))
    facets = {}
    for facet in FACET_FIELDS:
        counts = _counts(found, facet)
        if facet == "region":
            counts += _counts(found, CITIES)
        values = facet_values(facet, counts, selected.get(facet, set()))
        for value in values:
            value.label = facet_value_label(facet, value.value, registry)
        facets[facet] = values
    return facets


def _counts(facets: dict[str, Any], name: str) -> Counter:
    """A terms facet's buckets as value → count (no buckets when nothing matched)."""
    return Counter(
        {bucket["val"]: bucket["count"] for bucket in facets.get(name, {}).get("buckets", [])}
    )


def _year(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and value else None
