"""Exports of a result set: CSV, an Atom feed, and the OpenSearch description."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, render_template, request, url_for

from cppcc_search.models import Report
from indexer.search.types import Hit, SearchResponse
from webapp.citation import bibtex, ris
from webapp.params import UrlState
from webapp.services import search_service
from webapp.urls import absolute_url
from webapp.views.common import citation_target, current_search

bp = Blueprint("feeds", __name__)
CSV_COLUMNS = (
    "report_id", "section_id", "title", "section_title", "part_kind", "committee", "level",
    "doc_type", "language", "year", "date", "url", "snippet", "body_id", "section_kind",
)  # fmt: skip
_TAG = re.compile(r"<[^>]*>")
# Cells a spreadsheet would run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(snippet_html: str) -> str:
    """A snippet's text without markup."""
    return html.unescape(_TAG.sub("", snippet_html or ""))


def csv_cell(value: object) -> str:
    """A value as a CSV cell that a spreadsheet will not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(hit: Hit) -> list[str]:
    """One hit as a CSV row."""
    values = (
        hit.report_id, hit.id, hit.title, hit.section_title, hit.part_kind, hit.committee,
        hit.level, hit.doc_type, hit.language, hit.year, hit.date, hit.url, plain(hit.snippet),
        hit.body_id, hit.section_kind,
    )  # fmt: skip
    return [csv_cell(v) for v in values]


def export_chunk() -> tuple[SearchResponse, dict[str, str]]:
    """The URL's ``page``-th chunk of EXPORT_ROWS sections of the current search's result set,
    for an export (one search call, so one time budget), with headers that give the total and,
    while sections remain, the next chunk's URL (RFC 8288 ``rel="next"``)."""
    rows = current_app.config["EXPORT_ROWS"]
    response = search_service().search(replace(current_search(api=True), per_page=rows))
    headers = {"X-Total-Count": str(response.total)}
    if response.page < response.pages:
        state = UrlState.from_args(request.args).replaced("page", str(response.page + 1))
        headers["Link"] = f'<{absolute_url(state.url(request.path))}>; rel="next"'
    return response, headers


@bp.get("/search.csv")
def csv_export():
    """One chunk of the result set (EXPORT_ROWS sections, ``page`` for the next) as CSV."""
    response, headers = export_chunk()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(hit) for hit in response.results)
    return Response(
        "\ufeff" + buffer.getvalue(),  # a BOM so spreadsheet programs read the Chinese as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="cppcc-search.csv"', **headers},
    )


def hit_reports(hits: list[Hit]) -> list[Report]:
    """The reports of a result set, once each in result order, made from the hits' metadata."""
    reports: dict[str, Report] = {}
    for hit in hits:
        if hit.report_id not in reports:
            reports[hit.report_id] = Report(
                id=hit.report_id, url=hit.url, urls=[hit.url], title=hit.title, date=hit.date,
                year=hit.year, language=hit.language or "zh", doc_type=hit.doc_type or "other",
                committee=hit.committee, level=hit.level, speaker=None, meeting_date=None,
                encoding=None,
            )  # fmt: skip
    return list(reports.values())


def _citation_export(style, mimetype: str, filename: str) -> Response:
    """The reports of one chunk of the result set (as for CSV) in one citation style."""
    response, headers = export_chunk()
    body = "\n".join(style(citation_target(report)) for report in hit_reports(response.results))
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **headers},
    )


@bp.get("/search.ris")
def ris_export():
    """The result set's reports as RIS records, for reference managers."""
    return _citation_export(ris, "application/x-research-info-systems", "cppcc-search.ris")


@bp.get("/search.bib")
def bibtex_export():
    """The result set's reports as BibTeX entries."""
    return _citation_export(bibtex, "application/x-bibtex", "cppcc-search.bib")


def entry_updated(hit: Hit) -> str:
    """An RFC 3339 timestamp for a hit: its date, else 1 January of its year."""
    if hit.date:
        return f"{hit.date}T00:00:00Z"
    return f"{hit.year or 1970:04d}-01-01T00:00:00Z"


@bp.get("/search.atom")
def atom():
    """The newest matches of a search as an Atom feed."""
    search_request = replace(
        current_search(api=True), sort="newest", page=1, per_page=current_app.config["FEED_ENTRIES"]
    )
    response = search_service().search(search_request)
    state = UrlState.from_args(request.args).without("page").without("sort")
    entries = [
        {
            "hit": hit,
            "updated": entry_updated(hit),
            "link": absolute_url(url_for("report.show", report_id=hit.report_id))
            + f"#s{hit.ordinal}",
            "summary": plain(hit.snippet),
        }
        for hit in response.results
    ]
    updated = max((e["updated"] for e in entries), default=None) or datetime.now(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    body = render_template(
        "feed.atom.xml",
        query=search_request.query,
        entries=entries,
        updated=updated,
        self_url=absolute_url(UrlState.from_args(request.args).url(url_for("feeds.atom"))),
        html_url=absolute_url(state.url(url_for("search.search"))),
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/opensearch.xml")
def opensearch():
    """The OpenSearch description, so browsers can add this engine."""
    body = render_template(
        "opensearch.xml", search_url=absolute_url(url_for("search.search")),
        api_url=absolute_url(url_for("api.search")), home=absolute_url(url_for("search.home")),
        self_url=absolute_url(url_for("feeds.opensearch")),
    )  # fmt: skip
    return Response(body, mimetype="application/opensearchdescription+xml")
