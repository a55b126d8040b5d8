"""Helpers shared by the views: parsing the current request, building links."""

from __future__ import annotations

from datetime import date

from flask import current_app, request, url_for

from cppcc_search.models import Report
from indexer.errors import QueryError
from indexer.search.types import SearchRequest
from webapp.citation import CitationTarget, Passage
from webapp.params import UrlState, limits_from_config, parse_search_args
from webapp.urls import absolute_url


def current_search(*, api: bool = False) -> SearchRequest:
    """The SearchRequest the current URL describes (raises QueryError)."""
    return parse_search_args(request.args, limits_from_config(current_app.config, api=api))


def report_link(report_id: str, state: UrlState | None = None, ordinal: int | None = None) -> str:
    """The report view at a section, carrying the search's whole state: its query highlights
    the report, and "Back to search" returns to the same search, filters and page."""
    path = url_for("report.show", report_id=report_id)
    url = state.url(path) if state is not None else path
    return f"{url}#s{ordinal}" if ordinal is not None else url


def archive_link(url: str) -> str:
    """The archived capture of a source URL."""
    return url_for("archive.show", url=url)


def citation_target(report: Report, ordinal: int | None = None) -> CitationTarget:
    """What a citation of the report (or of its section ``ordinal``) names: absolute links to
    the report view and the archived copy on this site, accessed today (QueryError when the
    report has no such section)."""
    permalink = absolute_url(url_for("report.show", report_id=report.id))
    archive = absolute_url(archive_link(report.url))
    passage = None
    if ordinal is not None:
        section = next((s for s in report.sections if s.ordinal == ordinal), None)
        if section is None:
            raise QueryError(f"report {report.id!r} has no section {ordinal}")
        passage = Passage(ordinal, section.title, f"{permalink}#s{ordinal}", archive)
    return CitationTarget(report, permalink, archive, date.today(), passage)
