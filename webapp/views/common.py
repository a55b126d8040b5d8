"""Helpers shared by the views: parsing the current request, building links."""

from __future__ import annotations

from flask import current_app, request, url_for

from indexer.search.types import SearchRequest
from webapp.params import limits_from_config, parse_search_args


def current_search(*, api: bool = False) -> SearchRequest:
    """The SearchRequest the current URL describes (raises QueryError)."""
    return parse_search_args(request.args, limits_from_config(current_app.config, api=api))


def report_link(report_id: str, query: str = "", ordinal: int | None = None) -> str:
    """The report view, with the query kept for highlighting and an anchor on a section."""
    url = url_for("report.show", report_id=report_id, q=query or None)
    return f"{url}#s{ordinal}" if ordinal is not None else url


def archive_link(url: str) -> str:
    """The archived capture of a source URL."""
    return url_for("archive.show", url=url)
