"""The JSON API: the same data as the pages, in the contract's shapes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from cppcc_search.kinds import section_kinds
from indexer.errors import QueryError
from webapp.citation import citations
from webapp.params import parse_int
from webapp.services import search_service
from webapp.views.common import citation_target, current_search
from webapp.views.figures import figure_query
from webapp.views.spread import required_term
from webapp.views.trends import flag, parse_terms, trend_filters

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/")
def index():
    """What the API offers, with an example of each call."""
    return jsonify(
        {
            "endpoints": {
                "/api/search": "q, year (Y or Y1..Y2), section, part, committee, region, level, "
                "doc_type, language (repeatable), sort, page, per_page (max 1000)",
                "/api/trends": "q (repeatable or comma-separated), by_part, and the search filters",
                "/api/figures": "q (what the figures measure), and the search filters",
                "/api/spread": "q (a term), and the search filters",
                "/api/report/<report_id>": "the report as in documents.jsonl",
                "/api/followup/<report_id>": "the report's plan tasks beside the passages of the "
                "next report in its series that report on them",
                "/api/report/<report_id>/cite": "the report's citation in gbt7714, apa, chicago, "
                "bibtex and ris; section=<ordinal> cites one passage",
                "/api/bodies": "every issuing body: {id, name_zh, name_en, kind, level, region, "
                "parent, reports}",
                "/api/section-kinds": "the section kinds: {code, zh, en, description}",
                "/search.csv": "the search's result set as CSV (same parameters as /api/search)",
                "/search.ris, /search.bib": "the result set's reports as RIS or BibTeX",
                "/search.atom": "an Atom feed of the search's newest matches",
            },
            "example": url_for("api.search", q="新能源", year="2019..2024", part="plan"),
        }
    )


@bp.get("/search")
def search():
    """Search results with facets (docs/contracts.md)."""
    search_request = current_search(api=True)
    response = search_service().search(search_request)
    return jsonify(response.to_dict())


@bp.get("/trends")
def trends():
    """Hits per year for each ``q`` term (repeatable)."""
    config = current_app.config
    terms = parse_terms(
        request.args.getlist("q"), config["MAX_TREND_TERMS"], config["MAX_QUERY_LENGTH"]
    )
    if not terms:
        raise QueryError("q is required: one or more terms (repeat q, or separate with commas)")
    by_part = flag("by_part")
    filters = trend_filters()
    response = search_service().trends(terms, by_part=by_part, request=filters)
    return jsonify(response.to_dict())


@bp.get("/figures")
def figures():
    """The figures reports state about ``q``, one series per body, label and unit."""
    query = figure_query()
    if not query:
        raise QueryError("q is required: what the figures measure (国内生产总值, GDP, 提案)")
    return jsonify(search_service().figures(query, trend_filters()).to_dict())


@bp.get("/spread")
def spread():
    """For a term: each body's first report that uses it, and the bodies using it per year."""
    return jsonify(search_service().spread(required_term(), trend_filters()).to_dict())


@bp.get("/followup/<report_id>")
def followup(report_id: str):
    """Promise against delivery: each plan task beside the next report's review passages."""
    found = search_service().followup(report_id)
    if found is None:
        abort(404, description=f"no report with id {report_id!r}")
    return jsonify(found.to_dict())


@bp.get("/report/<report_id>")
def report(report_id: str):
    """One report as in documents.jsonl."""
    found = search_service().get_report(report_id)
    if found is None:
        abort(404, description=f"no report with id {report_id!r}")
    return jsonify(found.to_dict())


@bp.get("/report/<report_id>/cite")
def cite(report_id: str):
    """The report's citation in five styles; ``section=<ordinal>`` cites one passage."""
    found = search_service().get_report(report_id)
    if found is None:
        abort(404, description=f"no report with id {report_id!r}")
    ordinal = None
    if request.args.get("section", "").strip():
        ordinal = parse_int(request.args, "section", 0, 0, 1_000_000)
    return jsonify(citations(citation_target(found, ordinal)))


@bp.get("/bodies")
def bodies():
    """Every body that issued a report in the index, most reports first."""
    return jsonify(search_service().bodies())


@bp.get("/section-kinds")
def kinds():
    """The vocabulary of section kinds (docs/section-kinds.md)."""
    return jsonify(section_kinds())
