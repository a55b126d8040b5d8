"""The search page."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from indexer.search.types import SearchRequest, SearchResponse
from webapp import present
from webapp.highlight import highlight, term_pattern
from webapp.params import UrlState, filter_count, year_range_arg
from webapp.services import search_service
from webapp.translations import translation_bar
from webapp.views.common import archive_link, current_search, report_link

bp = Blueprint("search", __name__)


@bp.get("/")
def home():
    """The front page: the search box over everything, with the facets to browse by."""
    if request.args:
        return redirect(UrlState.from_args(request.args).url(url_for("search.search")))
    return search()


@bp.get("/search")
def search():
    """Faceted search results grouped by report."""
    year_from_boxes = year_range_arg(request.args)
    if year_from_boxes is not None or "year_from" in request.args or "year_to" in request.args:
        return redirect(range_form_target(year_from_boxes), code=303)
    if request.args.get("scope") == "all":  # "search everything": the query, no filters
        return redirect(everything_url(request.args.get("q", "")), code=303)
    search_request = current_search()
    if not search_request.query and "sort" not in request.args:
        # Browsing without a query: the newest reports first is what people expect.
        search_request = replace(search_request, sort="newest")
    # A page lists reports: browsing shows one section of each, a search its best three.
    search_request = replace(search_request, per_report=3 if search_request.query else 1)
    service = search_service()
    response = service.search(search_request)
    browsing = not search_request.query and not filter_count(UrlState.from_args(request.args))
    # Headings are marked as the report view marks them: the query's terms and the renderings
    # searched in the other language (the snippets come marked from the search service).
    terms = service.highlight_terms(search_request) if search_request.query else ()
    pattern = term_pattern(terms)
    return render_template(
        "search.html",
        **results_context(search_request, response),
        stats=service.stats() if browsing else None,
        highlight=lambda text: highlight(text, pattern),
    )


def results_context(search_request: SearchRequest, response: SearchResponse) -> dict[str, Any]:
    """What the results page shows, built from the response and the URL's state."""
    path = url_for("search.search")
    config = current_app.config
    state = UrlState.from_args(request.args)
    body_names = {
        str(value.value): value.label["zh"]
        for value in response.facets.get("committee", [])
        if value.label
    }
    return {
        "req": search_request,
        "resp": response,
        "state": state,
        "groups": present.group_hits(
            response,
            lambda report_id, ordinal: report_link(report_id, state, ordinal),
            archive_link,
            search_request.per_report,
            body_names,
        ),
        "years": present.year_histogram(response, search_request, state, path),
        "facets": present.build_facets(
            response, state, path, config["FACET_VISIBLE"], config["FACET_MAX"]
        ),
        "chips": present.build_chips(state, path, present.value_labels(response)),
        "pages": present.pagination(response, state, path),
        "filters_active": filter_count(state),
        "suggestion_url": suggestion_url(response.suggestion, state, path),
        "exports": export_links(state),
        "translations": (
            translation_bar(
                response.translations, state, lambda linked: linked.url(path), search_request.expand
            )
            if search_request.query
            else None
        ),
    }


def everything_url(query: str) -> str:
    """The search for ``query`` over the whole archive: no filters, first page."""
    return UrlState([("q", query.strip())]).url(url_for("search.search"))


def range_form_target(year: str | None) -> str:
    """The canonical URL after the year range boxes were submitted."""
    state = UrlState.from_args(request.args).without("year").without("page")
    if year is not None:
        state = state.with_value("year", year)
    return state.url(url_for("search.search"))


def suggestion_url(suggestion: str | None, state: UrlState, path: str) -> str | None:
    """The search for the did-you-mean suggestion, keeping the filters."""
    if not suggestion:
        return None
    return state.without("page").replaced("q", suggestion).url(path)


def export_links(state: UrlState) -> dict[str, str]:
    """The same result set as JSON, CSV and an Atom feed."""
    base = state.without("page")
    return {
        "json": state.url(url_for("api.search")),
        "csv": base.without("per_page").url(url_for("feeds.csv_export")),
        "atom": base.without("per_page").without("sort").url(url_for("feeds.atom")),
    }


@bp.get("/help")
def help_page():
    """Query syntax and what the filters mean."""
    return render_template("help.html")
