"""Report series and translations: one body's reports of one type over the years, and the same
report in another language.

A series id is the body's id and the document type ("cppcc-320400/work-report"). Two reports are
versions of each other when they are of one body, year and type in different languages (and,
when both name one, delivered at the same meeting); news items are many a year, so only reports
are paired.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from cppcc_search.models import REPORT_TYPES, Report


def series_id(body_id: str, doc_type: str) -> str:
    """The series of a body's documents of one type."""
    return f"{body_id}/{re.sub(r'[^a-z0-9]+', '-', doc_type.lower()).strip('-') or 'other'}"


def link_versions(reports: Iterable[Report]) -> int:
    """Set each report's ``versions`` to the ids of its versions in other languages, on both
    sides; returns how many reports have one."""
    groups: dict[tuple[str, int, str], list[Report]] = defaultdict(list)
    for report in reports:
        report.versions = []
        if report.body_id and report.year is not None and report.doc_type in REPORT_TYPES:
            groups[(report.body_id, report.year, report.doc_type)].append(report)
    linked = 0
    for group in groups.values():
        for report in group:
            report.versions = [
                other.id
                for other in group
                if other.language != report.language and _same_meeting(report, other)
            ]
            linked += bool(report.versions)
    return linked


def _same_meeting(one: Report, other: Report) -> bool:
    """False only when both name their meeting's date and the dates differ."""
    return not (one.meeting_date and other.meeting_date and one.meeting_date != other.meeting_date)
