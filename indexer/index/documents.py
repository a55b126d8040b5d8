"""From a Report to index documents and back (sections, report records)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from cppcc_search.figures import FIGURES_VERSION, section_figures
from cppcc_search.models import Report, Section
from indexer.index.analysis import words_are_literal
from indexer.index.bodies import region_codes
from indexer.index.schema import KIND_REPORT, KIND_SECTION
from indexer.index.sketch import trigram_sketch


def indexed_hash(report: Report) -> str:
    """What the index stores to tell a changed report: its content and the version of what
    indexing derives from it (figures), so a new extractor re-indexes unchanged reports."""
    return f"{report.content_hash()}:f{FIGURES_VERSION}"


def section_doc_id(report_id: str, ordinal: int) -> str:
    """The index id of one section."""
    return f"{report_id}#{ordinal}"


def _report_fields(report: Report) -> dict[str, Any]:
    codes = region_codes(report)
    fields: dict[str, Any] = {
        "report_id": report.id,
        "year": report.year if report.year is not None else 0,
        "date": report.date,
        "committee": report.committee,
        "level": report.level,
        "doc_type": report.doc_type,
        "language": report.language,
        "body_id": report.body_id,
        "province": codes[0] if codes else None,
        "city": codes[1] if len(codes) > 1 else None,
        "series": report.series_id,
        "versions": report.versions or None,
    }
    return {name: value for name, value in fields.items() if value is not None}


def section_document(report: Report, section: Section, shortcuts: bool = True) -> dict[str, Any]:
    """The index document of one section (text values still raw); with ``shortcuts``, the
    columns the Whoosh index verifies exact strings with (another engine has its own way)."""
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
    )
    if shortcuts:
        doc["words_literal"] = int(
            words_are_literal(report.title, section.title or "", section.text)
        )
        doc["cjk_trigrams"] = trigram_sketch(section.text)
    if section.kind:
        doc["section"] = section.kind
    figures = section_figures(report, section)
    if figures:
        doc["figures"] = json.dumps(figures, ensure_ascii=False)
        doc["figure_labels"] = "\n".join(dict.fromkeys(f["label"] for f in figures))
    return doc


def report_record(report: Report) -> dict[str, Any]:
    """The report-level record: metadata (no section text) and the content hash."""
    # Without the sections, which to_dict would deep-copy only for them to be dropped.
    meta = replace(report, sections=[]).to_dict()
    meta.pop("sections")
    doc = _report_fields(report)
    doc.update(
        kind=KIND_REPORT,
        doc_id=report.id,
        ordinal=-1,
        meta=json.dumps(meta, ensure_ascii=False),
        content_hash=indexed_hash(report),
        title_text=report.title,
        url=report.url,
    )
    return doc


def report_documents(report: Report, shortcuts: bool = True) -> list[dict[str, Any]]:
    """All index documents of a report: its record, then its sections in order (``shortcuts``:
    as :func:`section_document`)."""
    sections = [section_document(report, s, shortcuts) for s in report.sections]
    return [report_record(report), *sections]


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
        kind=stored.get("section"),
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
