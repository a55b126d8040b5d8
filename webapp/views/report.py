"""The report view: metadata, table of contents, highlighted text, the series' timeline, the
versions in other languages and the same body's other reports of nearby years."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for

from cppcc_search.models import Report, Section
from indexer.search.types import SearchRequest
from webapp.citation import citations
from webapp.highlight import count_matches, highlight, term_pattern
from webapp.params import UrlState, limits_from_config, parse_filter, parse_flag, parse_query
from webapp.services import search_service
from webapp.views.common import archive_link, citation_target, report_link

bp = Blueprint("report", __name__)
NEIGHBOUR_YEARS = 3


@dataclass
class PartView:
    """A part of the report (or the sections outside any part) for the table of contents."""

    title: str | None
    kind: str
    sections: list[Section] = field(default_factory=list)
    heading: Section | None = None  # the part's own heading, when it is a section

    @property
    def children(self) -> list[Section]:
        """The sections under the part, without its own heading."""
        return [s for s in self.sections if s is not self.heading]


@bp.get("/report/<report_id>/followup")
def followup(report_id: str):
    """Two columns: the report's plan tasks, and what the next report says it did on each."""
    service = search_service()
    report = service.get_report(report_id)
    if report is None:
        abort(404, description=f"no report with id {report_id!r}")
    response = service.followup(report_id)
    following = service.get_report(response.next_report_id) if response.next_report_id else None
    return render_template(
        "followup.html", report=report, following=following, pairs=response.pairs
    )


@bp.get("/report/<report_id>")
def show(report_id: str):
    """One report in full, with the query's terms marked."""
    opened_from = search_opened_from()
    query = opened_from.query
    service = search_service()
    report = service.get_report(report_id)
    if report is None:
        abort(404, description=f"no report with id {report_id!r}")
    # The search service says what the search matched, the renderings in the other language
    # included, so a report opened from an English query marks its Chinese passages.
    pattern = term_pattern(service.highlight_terms(opened_from)) if query else None
    # The search this report was opened from rides along in the URL: "Back to search" returns
    # to it, filters and page included, and other years' reports carry it on.
    state = UrlState.from_args(request.args)
    return render_template(
        "report.html",
        report=report,
        query=query,
        back_url=state.url(url_for("search.search")),
        clear_url=report_link(report.id, state.without("q")),
        # Other reports (versions, the series, nearby years) carry the search on as well.
        neighbour_url=lambda other_id: report_link(other_id, state),
        parts=table_of_contents(report),
        highlight=lambda text: highlight(text, pattern),
        matches={
            s.ordinal: count_matches(f"{s.title or ''}\n{s.text}", pattern) for s in report.sections
        },
        neighbours=neighbours(service, report),
        series=series_timeline(service, report),
        body=service.body(report.body_id) if report.body_id else None,
        archive_url=archive_link(report.url),
        sources=list(dict.fromkeys([report.url, *report.urls])),
        citations=citations(citation_target(report)),
    )


def search_opened_from() -> SearchRequest:
    """The search a report was opened from, as far as highlighting needs it: the query and
    its translation settings (``expand``, ``off``). Its filters only narrow which reports match,
    so they are not read here (a bad filter value must not keep a report from showing)."""
    limits = limits_from_config(current_app.config, api=False)
    return SearchRequest(
        query=parse_query(request.args, limits),
        expand=parse_flag(request.args, "expand", default=True),
        renderings_off=parse_filter(request.args, "off", limits),
    )


def table_of_contents(report: Report) -> list[PartView]:
    """Sections grouped by the part they sit in, in document order."""
    parts: list[PartView] = []
    for section in report.sections:
        if not parts or parts[-1].title != section.part:
            parts.append(PartView(section.part, section.part_kind or "other"))
        part = parts[-1]
        part.sections.append(section)
        if part.heading is None and section.title and section.title == part.title:
            part.heading = section
    return parts


def series_timeline(service: Any, report: Report) -> list[Any]:
    """Every report of the report's series (its body's reports of its type, in every
    language), oldest first."""
    if not report.series_id:
        return []
    return sorted(
        service.series_reports(report.series_id), key=lambda r: (r.year or 0, r.date or "", r.id)
    )


def neighbours(service: Any, report: Report) -> list[Any]:
    """The same body's reports of other types from nearby years, oldest first (the series'
    own reports are on its timeline)."""
    if report.body_id:
        others = [
            r
            for r in service.body_reports(report.body_id)
            if r.series_id != report.series_id and r.id not in report.versions
        ]
    elif report.committee:
        others = [r for r in service.committee_reports(report.committee) if r.id != report.id]
    else:
        return []
    if report.year is not None:
        others = [r for r in others if r.year and abs(r.year - report.year) <= NEIGHBOUR_YEARS]
    return sorted(others, key=lambda r: (r.year or 0, r.date or "", r.title))
