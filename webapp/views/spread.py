"""First appearance and spread: each body's first report that uses a term, and a chart of how
many bodies use it each year, by level."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from cppcc_search.models import LEVELS
from indexer.errors import QueryError
from webapp.params import UrlState
from webapp.services import search_service
from webapp.spread import NARROW, WIDE, spread_chart
from webapp.views.figures import figure_query
from webapp.views.trends import trend_filters

bp = Blueprint("spread", __name__)


def spread_term() -> str:
    """The ``q`` argument: the term whose spread is shown."""
    return figure_query()


def current_spread():
    """The term and the service's answer (None without a term)."""
    term = spread_term()
    return term, (search_service().spread(term, trend_filters()) if term else None)


@bp.get("/spread")
def show():
    """The first report of each body that uses the term, and the bodies using it per year."""
    term, response = current_spread()
    state = UrlState.from_args(request.args).without("q").without("page").without("sort")
    search_path = url_for("search.search")

    def bar_link(year: int, level: str) -> str:
        linked = state.replaced("q", term).with_value("year", str(year))
        return linked.with_value("level", level).url(search_path)

    charts = []
    if response is not None and response.years:
        title = f"使用“{term}”的机构数 Bodies using “{term}”, by level"
        charts = [
            ("wide", spread_chart(response.years, title, bar_link, WIDE)),
            ("narrow", spread_chart(response.years, title, bar_link, NARROW)),
        ]
    return render_template(
        "spread.html",
        term=term,
        response=response,
        charts=charts,
        api_url=UrlState([("q", term), *state.pairs]).url(url_for("api.spread")),
        levels=LEVELS,
    )


def required_term() -> str:
    """The term of an API call, which must be given."""
    term = spread_term()
    if not term:
        raise QueryError("q is required: the term whose first appearance and spread to show")
    return term
