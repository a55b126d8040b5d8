"""Response objects from stored fields: both engines store a section's and a report's fields
under the same names (indexer.index.documents), so hits, report lists and first appearances are
assembled here once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from indexer.search.passages import EarlierText, passage_url
from indexer.search.snippets import Span, plain_snippet, render_snippet, snippet_window
from indexer.search.types import FirstAppearance, Hit, ReportSummary


def hit_from_stored(
    stored: dict[str, Any], spans: list[Span], score: float, earlier: EarlierText | None = None
) -> Hit:
    """A search hit from a section's stored fields and where the query matched its text: the
    snippet around the best matches, and the link that lands on that passage of the source
    page (checked against the sections before it when ``earlier`` offers them)."""
    text = stored.get("text") or ""
    window = snippet_window(text, spans)
    return Hit(
        id=stored["doc_id"],
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
        section_title=stored.get("section_title_text"),
        year=stored.get("year") or None,
        date=stored.get("date"),
        url=stored.get("url") or "",
        snippet=render_snippet(text, spans, window),
        snippet_text=plain_snippet(text, window),
        passage_url=_passage_url(stored, window, earlier),
        committee=stored.get("committee"),
        level=stored.get("level"),
        doc_type=stored.get("doc_type"),
        language=stored.get("language"),
        part=stored.get("part"),
        part_kind=stored.get("part_kind"),
        period_year=stored.get("period_year"),
        ordinal=int(stored.get("ordinal") or 0),
        score=float(score),
        section_kind=stored.get("section"),
        body_id=stored.get("body_id"),
        versions=list(stored.get("versions") or ()),
    )


def _passage_url(
    stored: dict[str, Any], window: tuple[int, int], earlier: EarlierText | None
) -> str:
    heading = stored.get("section_title_text")
    text = stored.get("text") or ""
    if not text:  # a part's own heading is the whole passage
        heading, text, window = None, heading or "", (0, len(heading or ""))
    title = stored.get("title_text") or ""
    return passage_url(stored.get("url") or "", title, heading, text, window, earlier)


def summary_from_stored(stored: dict[str, Any]) -> ReportSummary:
    """A report list entry from a report record's (or a section's) stored fields."""
    return ReportSummary(
        id=stored["report_id"],
        title=stored.get("title_text") or "",
        year=stored.get("year") or None,
        date=stored.get("date"),
        doc_type=stored.get("doc_type"),
        language=stored.get("language"),
        url=stored.get("url") or "",
        series_id=stored.get("series"),
        body_id=stored.get("body_id"),
    )


def newest_first(summaries: Iterable[ReportSummary]) -> list[ReportSummary]:
    """Reports by year, then date, then id, newest first."""
    return sorted(summaries, key=lambda s: (s.year or 0, s.date or "", s.id), reverse=True)


def first_appearance(year: int, stored: dict[str, Any]) -> FirstAppearance:
    """A term's first appearance: the year and the report of the earliest matching section."""
    return FirstAppearance(
        year=year,
        report_id=stored["report_id"],
        title=stored.get("title_text") or "",
        url=stored.get("url") or "",
    )
