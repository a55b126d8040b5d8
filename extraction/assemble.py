"""Assemble a Report from a page's metadata and body: attribution, meeting lines, sections."""

from __future__ import annotations

import re

from cppcc_search.bodies import Clues, body_for_name, identify_issuer, series_id
from cppcc_search.kinds import classify_report
from cppcc_search.models import Report
from extraction.attribution import (
    detect_committee,
    detect_doc_type,
    detect_language,
    detect_level,
    meeting_date,
    meeting_date_line,
    meeting_line,
    speaker_line,
)
from extraction.blocks import Block
from extraction.dates import find_dates
from extraction.identity import report_id
from extraction.metadata import PageMeta
from extraction.sections import build_sections

_SOURCE_LINE_RE = re.compile(r"^(来源|作者|发布时间|发布日期|日期|Source|By|Author)\s*[:：]", re.I)
_LEADING_LINES = 4


def _is_header_line(block: Block) -> bool:
    """Date and source lines repeated at the top of a body (metadata, not text)."""
    text = block.text
    if _SOURCE_LINE_RE.match(text) and len(text) <= 80:
        return True
    dates = find_dates(text)
    if dates and len(text) <= 40:
        leftover = re.sub(r"[\d\s:：\-/.年月日时分秒]", "", text)
        return len(leftover) <= 6
    return False


def strip_header_lines(blocks: list[Block]) -> list[Block]:
    """The body without date and source lines that open it."""
    start = 0
    while start < min(len(blocks), _LEADING_LINES) and _is_header_line(blocks[start]):
        start += 1
    return blocks[start:]


def _year(date: str | None, title: str) -> int | None:
    if date:
        return int(date[:4])
    match = re.search(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", title)
    return int(match[1]) if match else None


def _index_of(blocks: list[Block], text: str) -> int | None:
    """The index of the block (among the opening few) whose text is ``text``."""
    for index, block in enumerate(blocks[:_LEADING_LINES]):
        if block.text == text:
            return index
    return None


def _keep_opening(blocks: list[Block], opening: list[str]) -> list[Block]:
    """The body opening with the meeting, date and speaker lines, as plain text (never a
    heading), in page order: those the body holds stay where they are, those above it (in the
    header, beside the title) are put first."""
    plain = {text: Block(text=text) for text in opening}
    missing = [text for text in opening if _index_of(blocks, text) is None]
    kept = [plain.get(b.text, b) for b in blocks]
    return [plain[text] for text in missing] + kept


def build_report(url: str, meta: PageMeta, blocks: list[Block], encoding: str | None) -> Report:
    """The Report for an article page's metadata and body blocks."""
    title = meta.title or ""
    lines = meta.head_lines + [block.text for block in blocks[:12]]
    found = meeting_line(lines)
    held = meeting_date(found[1]) if found else None
    date_line = meeting_date_line(lines, found[0]) if found and not held else None
    if date_line:
        held = meeting_date(date_line[1])
    # A report with no publication date is dated by the meeting it was delivered at.
    date = meta.date or held
    year = _year(date, title)
    spoken = speaker_line(lines, found[0]) if found else None
    if found:
        # The meeting and speaker lines open the report's text, and are its metadata too.
        opening = sorted(
            [found, *(line for line in (date_line,) if line)]
            + ([(spoken[0], lines[spoken[0]])] if spoken else [])
        )
        blocks = _keep_opening(blocks, [text for _, text in opening])
    opening_text = " ".join([title, *lines[:8], meta.source or ""])
    body_text = "\n".join(block.text for block in blocks)
    heading = lines[found[0] - 1] if found and found[0] > 0 else None
    doc_type = detect_doc_type(title, " ".join(lines[:3]), meta.date is not None, heading)
    clues = Clues(
        title=title,
        doc_type=doc_type,
        meeting=found[1] if found else None,
        speaker=lines[spoken[0]] if spoken else None,
        lines=lines[:12],
        source=meta.source,
        url=url,
    )
    issuer = identify_issuer(clues)
    body = issuer.body
    # ``committee`` is a CPPCC committee as the page names it (in the name that filed it, not
    # another committee its opening mentions); other issuers have none.
    committee = detect_committee(opening_text) if body.kind == "cppcc" else None
    if committee and (named := body_for_name(committee)) and named.id != body.id:
        committee = detect_committee(issuer.written or "")
    report = Report(
        id=report_id(url),
        url=url,
        urls=[url],
        title=title,
        date=date,
        year=year,
        language=detect_language(body_text, meta.html_lang),
        doc_type=doc_type,
        committee=committee,
        level=body.level or detect_level(committee, opening_text, doc_type),
        speaker=spoken[1] if spoken else None,
        meeting_date=held,
        encoding=encoding,
        body_id=body.id,
        body_kind=body.kind,
        body_name=body.name_zh,
        region=list(body.region),
        series_id=series_id(body.id, doc_type),
        sections=build_sections(blocks, year, title),
    )
    for section, kind in zip(report.sections, classify_report(report), strict=True):
        section.kind = kind
    return report
