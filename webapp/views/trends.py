"""The trends page: hits per year for comma-separated terms, as SVG bar charts."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.search.trends import split_terms
from indexer.search.types import SearchRequest, TrendsResponse
from webapp.charts import trend_chart
from webapp.params import UrlState, limits_from_config, parse_search_args
from webapp.services import search_service
from webapp.translations import translation_bar

bp = Blueprint("trends", __name__)


def parse_terms(values: list[str], max_terms: int, max_length: int) -> list[str]:
    """Terms from one or more ``q`` values, split at commas, without duplicates."""
    terms = split_terms(values)
    if len(terms) > max_terms:
        raise QueryError(f"too many terms (at most {max_terms})")
    if any(len(t) > max_length or "\x00" in t for t in terms):
        raise QueryError(f"a term is too long (at most {max_length} characters)")
    return terms


def trend_filters() -> SearchRequest:
    """The facet filters that narrow a trend (everything in the URL but the terms)."""
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "q"])
    limits = limits_from_config(current_app.config, api=True)
    return parse_search_args(args, limits)


def current_trends(by_part: bool) -> tuple[list[str], TrendsResponse | None, SearchRequest]:
    """Parse the request and ask the service for the trend of each term; also gives back the
    parsed filters (and translation settings)."""
    config = current_app.config
    terms = parse_terms(
        request.args.getlist("q"), config["MAX_TREND_TERMS"], config["MAX_QUERY_LENGTH"]
    )
    filters = trend_filters()
    if not terms:
        return terms, None, filters
    return terms, search_service().trends(terms, by_part=by_part, request=filters), filters


def trends_link(query_text: str, by_part: bool) -> Callable[[UrlState], str]:
    """Links to this trends page with another state (the terms and by_part kept)."""

    def link(state: UrlState) -> str:
        url = state.replaced("q", query_text).url(url_for("trends.show"))
        # by_part is the trends page's own switch, not part of the search state.
        return f"{url}&by_part=1" if by_part else url

    return link


def flag(name: str) -> bool:
    """A checkbox-style boolean argument."""
    return request.args.get(name, "").strip().lower() in ("1", "on", "true", "yes")


@bp.get("/trends")
def show():
    """Charts of hits per year, raw and per 1,000 sections, with the first appearance."""
    by_part = flag("by_part")
    terms, response, filters = current_trends(by_part)
    state = UrlState.from_args(request.args).without("q").without("page").without("sort")
    search_path = url_for("search.search")

    def bar_link(term: str, year: int, kind: str | None) -> str:
        linked = state.replaced("q", term).with_value("year", str(year))
        return (linked.with_value("part", kind) if kind else linked).url(search_path)

    charts = []
    if response is not None and response.series:
        charts = [
            trend_chart(response.series, "hits", "命中章节数 Matching sections", bar_link, by_part),
            trend_chart(
                response.series, "per_1000", "每千章节 Per 1,000 sections", bar_link, by_part
            ),
        ]
    query_text = ", ".join(terms)
    bar = None
    if response is not None:
        bar = translation_bar(
            [t for series in response.series for t in series.translations],
            state,
            trends_link(query_text, by_part),
            filters.expand,
        )
    return render_template(
        "trends.html",
        translations=bar,
        terms=terms,
        query_text=query_text,
        response=response,
        charts=charts,
        by_part=by_part,
        filters=state,
        api_url=UrlState([("q", t) for t in terms] + [p for p in state.pairs]).url(
            url_for("api.trends")
        ),
    )
