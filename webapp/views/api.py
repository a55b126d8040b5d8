"""The JSON API: the same data as the pages, in the contract's shapes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from cppcc_search.kinds import section_kinds
from indexer.errors import QueryError
from webapp.services import search_service
from webapp.views.common import current_search
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
                "/api/report/<report_id>": "the report as in documents.jsonl",
                "/api/bodies": "every issuing body: {id, name_zh, name_en, kind, level, region, "
                "parent, reports}",
                "/api/section-kinds": "the section kinds: {code, zh, en, description}",
                "/search.csv": "the search's result set as CSV (same parameters as /api/search)",
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


@bp.get("/report/<report_id>")
def report(report_id: str):
    """One report as in documents.jsonl."""
    found = search_service().get_report(report_id)
    if found is None:
        abort(404, description=f"no report with id {report_id!r}")
    return jsonify(found.to_dict())


@bp.get("/bodies")
def bodies():
    """Every body that issued a report in the index, most reports first."""
    return jsonify(search_service().bodies())


@bp.get("/section-kinds")
def kinds():
    """The vocabulary of section kinds (docs/section-kinds.md)."""
    return jsonify(section_kinds())
