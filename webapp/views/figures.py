"""Figures over time: the numbers reports state, targets against outcomes year by year."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from indexer.errors import QueryError
from webapp.charts import figure_chart
from webapp.params import UrlState
from webapp.services import search_service
from webapp.views.trends import trend_filters

bp = Blueprint("figures", __name__)
CHARTED_SERIES = 8  # series drawn as charts; the rest are listed in the data table


def figure_query() -> str:
    """The ``q`` argument: what the figures measure."""
    query = " ".join(request.args.get("q", "").split())
    if len(query) > current_app.config["MAX_QUERY_LENGTH"]:
        raise QueryError("q is too long")
    return query


@bp.get("/figures")
def show():
    """Charts of one label's targets and outcomes per year, and every figure in a table."""
    query = figure_query()
    response = search_service().figures(query, trend_filters()) if query else None
    charts = []
    if response is not None:

        def link(report_id: str) -> str:
            return url_for("report.show", report_id=report_id, q=query)

        for series in response.series[:CHARTED_SERIES]:
            title = f"{series.label} ({series.unit or '个'}) · {series.body_id or '—'}"
            charts.append((series, figure_chart(series, title, link)))
    state = UrlState.from_args(request.args)
    return render_template(
        "figures.html",
        query=query,
        response=response,
        charts=charts,
        api_url=state.url(url_for("api.figures")),
    )
