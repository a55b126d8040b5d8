"""Promise against delivery over the index: a report, the next report in its series, and the
alignment of the first's plan tasks with the second's review (cppcc_search.followup)."""

from __future__ import annotations

from typing import Any

from cppcc_search.followup import align, plan_tasks, review_passages
from cppcc_search.models import Report
from indexer.search.types import FollowupResponse, ReportSummary


def next_in_series(report: Report, series: list[ReportSummary]) -> ReportSummary | None:
    """The series' first report of a later year in the report's language (a series: one body's
    reports of one document type)."""
    if report.year is None:
        return None
    later = [
        s
        for s in series
        if s.year is not None
        and s.year > report.year
        and s.doc_type == report.doc_type
        and s.language == report.language
    ]
    return min(later, key=lambda s: (s.year, s.date or "", s.id), default=None)


def plan_year(report: Report) -> int | None:
    """The year the report's plan parts plan for (the report's year when they name none)."""
    year = max((s.period_year or 0 for s in report.sections if s.part_kind == "plan"), default=0)
    return year or report.year


def followup(report: Report, following: Report | None) -> FollowupResponse:
    """Each plan task of ``report`` beside the passages of ``following`` that report on it."""
    if following is None:
        return FollowupResponse(report.id, None, [])
    passages = review_passages(following, plan_year(report))
    pairs: list[dict[str, Any]] = []
    for alignment in align(plan_tasks(report), passages):
        pairs.append(
            {
                "plan": {"ordinal": alignment.task.ordinal, "title": alignment.task.title},
                "review": [
                    {
                        "ordinal": m.passage.ordinal,
                        "title": m.passage.title,
                        "passage": m.passage.text,
                        "score": m.score,
                    }
                    for m in alignment.matches
                ],
            }
        )
    return FollowupResponse(report.id, following.id, pairs)
