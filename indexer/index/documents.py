"""From a Report to index documents and back (sections, report records, facet labels)."""

from __future__ import annotations

import json
import re
from typing import Any

from cppcc_search.models import Report, Section
from indexer.index.analysis import words_are_literal
from indexer.index.schema import KIND_REPORT, KIND_SECTION

_NUMERALS = "一二三四五六七八九十百零〇两"
_ORDINAL_PREFIX = re.compile(
    rf"^\s*(?:"
    rf"第[{_NUMERALS}\d]+[章节部分条篇点]\s*[、.．:：]?"
    rf"|[（(][{_NUMERALS}\d]+[）)]"
    rf"|[{_NUMERALS}]+[、.．,，]"
    rf"|\d+(?:\.\d+)*\s*[、.．)）]"
    rf"|[IVXLC]+[.)]"
    rf"|(?:part|chapter|section)\s+[\w]+\s*[:.．]?"
    rf")\s*",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:(?:in|for|of)\s+)?(?:19|20)\d{2}\s*年?(?:度)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？；]|[.!?;](?=\s|[A-Z]|$)")
_MAX_SECTION_LABEL = 40


def normalise_heading(heading: str | None) -> str | None:
    """A facet label for a heading: no ordinal numbering, no years, first sentence only.

    "一、2023年工作回顾" and "二、2022年工作回顾" both become "工作回顾",
    "Main tasks in 2024" becomes "Main tasks": the same kind of section groups across years.
    """
    if not heading:
        return None
    text = " ".join(heading.split())
    for _ in range(2):  # "一、（一）" style double numbering
        text = _ORDINAL_PREFIX.sub("", text, count=1)
    end = _SENTENCE_END.search(text)
    if end and end.start() > 0:
        text = text[: end.start()]
    text = _YEAR.sub(" ", text)
    text = " ".join(text.split()).strip(" ,，、:：;；-—–.．")
    if not text:
        return None
    if text.isascii():
        text = text[0].upper() + text[1:]
    return text[:_MAX_SECTION_LABEL]


def section_doc_id(report_id: str, ordinal: int) -> str:
    """The index id of one section."""
    return f"{report_id}#{ordinal}"


def _report_fields(report: Report) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "report_id": report.id,
        "year": report.year if report.year is not None else 0,
        "date": report.date,
        "committee": report.committee,
        "level": report.level,
        "doc_type": report.doc_type,
        "language": report.language,
    }
    return {name: value for name, value in fields.items() if value is not None}


def section_document(report: Report, section: Section) -> dict[str, Any]:
    """The index document of one section (text values still raw)."""
    doc = _report_fields(report)
    doc.update(
        kind=KIND_SECTION,
        doc_id=section_doc_id(report.id, section.ordinal),
        title=report.title,
        title_cjk=report.title,
        section_title=section.title or "",
        stitle_cjk=section.title or "",
        body=section.text,
        cjk=section.text,
        ordinal=section.ordinal,
        part_kind=section.part_kind or "other",
        title_text=report.title,
        section_title_text=section.title,
        text=section.text,
        url=report.url,
        part=section.part,
        period_year=section.period_year,
        section_level=section.level,
        words_literal=int(words_are_literal(report.title, section.title or "", section.text)),
    )
    label = normalise_heading(section.title)
    if label:
        doc["section"] = label
    return doc


def report_record(report: Report) -> dict[str, Any]:
    """The report-level record: metadata (no section text) and the content hash."""
    meta = report.to_dict()
    meta.pop("sections")
    doc = _report_fields(report)
    doc.update(
        kind=KIND_REPORT,
        doc_id=report.id,
        ordinal=-1,
        meta=json.dumps(meta, ensure_ascii=False),
        content_hash=report.content_hash(),
        title_text=report.title,
        url=report.url,
    )
    return doc


def report_documents(report: Report) -> list[dict[str, Any]]:
    """All index documents of a report: its record, then its sections in order."""
    return [report_record(report)] + [section_document(report, s) for s in report.sections]


def section_from_stored(stored: dict[str, Any]) -> Section:
    """Rebuild a Section from a section document's stored fields."""
    return Section(
        ordinal=int(stored.get("ordinal", 0)),
        level=int(stored.get("section_level") or 0),
        title=stored.get("section_title_text"),
        part=stored.get("part"),
        part_kind=stored.get("part_kind") or "other",
        period_year=stored.get("period_year"),
        text=stored.get("text") or "",
    )


def report_from_stored(record: dict[str, Any], sections: list[dict[str, Any]]) -> Report:
    """Rebuild the full Report from its record and its sections' stored fields."""
    meta = json.loads(record["meta"])
    meta["sections"] = []
    report = Report.from_dict(meta)
    report.sections = sorted(
        (section_from_stored(s) for s in sections), key=lambda section: section.ordinal
    )
    return report
