"""Captures in, documents out: decode → parse → find the body → metadata → sections → Report."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from captures.encoding import decode_html, encoding_label
from captures.headers import Headers, media_type
from captures.store import Capture, iter_captures
from cppcc_search.bodies import link_versions
from cppcc_search.errors import CppccSearchError, DataLossRefused
from cppcc_search.models import Report, write_documents
from cppcc_search.settings import DataPaths
from extraction.archive import iter_attachments
from extraction.assemble import build_report, strip_header_lines
from extraction.attachment import attachment_kind, extract_attachment
from extraction.blocks import Block
from extraction.classify import LISTS, rejection_reason
from extraction.content import ContentResult, extract_content
from extraction.grouping import PageInput, group_pages
from extraction.layout import side_box_reason
from extraction.metadata import PageMeta, page_meta
from extraction.notices import AttachmentHint, attachment_hints
from extraction.pagination import article_series, distinct, page_of, sibling_pages
from extraction.profiles import Profile, load_profile

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
# huge_tree: without it libxml2 silently drops text nested deeper than 256 elements.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_ATTACHMENT_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # DOCX (a zip), DOC (OLE)


class ExtractionError(CppccSearchError):
    """Extraction cannot run on what the data directory holds."""


@dataclass
class PageResult:
    """What one page gave: a report, or the reason it gave none; and, whatever it gave, the
    attachments it links to with its words about them."""

    report: Report | None
    failure: str | None
    hints: dict[str, AttachmentHint] = field(default_factory=dict)
    # A page of an article split over several: the other pages its pager links to, and what
    # this page gave, for joining them into one report.
    siblings: set[str] = field(default_factory=set)
    parts: PageParts | None = None


@dataclass
class PageParts:
    """One page's metadata, body blocks and encoding label, before they become a report."""

    meta: PageMeta
    blocks: list[Block]
    encoding: str


def _parse(text: str) -> etree._Element | None:
    text = _XML_DECLARATION_RE.sub("", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _side_box(content: ContentResult, meta: PageMeta, profile: Profile) -> str | None:
    """A failure reason when text density found a side box, not the (empty) article body."""
    if content.found_by != "density" or content.node is None or content.tree is None:
        return None
    reason = side_box_reason(content.tree, content.node, meta.title, profile)
    return f"no body: the article text is empty ({reason})" if reason else None


def extract_page(
    body: bytes, url: str, headers: Headers = None, hint: AttachmentHint | None = None
) -> PageResult:
    """Decode, classify and extract one page or attachment (PDF, Word): a Report, or the reason
    there is none. ``hint`` is what a page linking an attachment says about it."""
    if not body or not body.strip():
        return PageResult(None, "empty response body")
    content_type = media_type(headers)
    if (
        body.lstrip()[:5] == b"%PDF-"
        or body[:4] in _ATTACHMENT_MAGIC
        or (
            content_type and content_type not in _HTML_TYPES and attachment_kind(body, url, headers)
        )
    ):
        found = extract_attachment(body, url, headers, hint)
        return PageResult(found.report, found.failure)
    if content_type and content_type not in _HTML_TYPES:
        return PageResult(None, f"not an HTML page: {content_type}")
    text, encoding = decode_html(body, headers)
    root = _parse(text)
    if root is None:
        return PageResult(None, "unparseable HTML")
    profile = load_profile(urlsplit(url).hostname or "")
    content = extract_content(root, profile)
    meta = page_meta(root, text, url, content.blocks[0].text if content.blocks else None)
    hints = attachment_hints(root, url, meta.title, meta.date)
    blocks = strip_header_lines(content.blocks)
    label = encoding_label(body, headers, encoding)
    siblings = sibling_pages(root, url, text)
    parts = PageParts(meta, blocks, label) if siblings or page_of(url)[1] else None
    reason = rejection_reason(root, content, blocks, meta) or _side_box(content, meta, profile)
    if reason:
        return PageResult(None, reason, hints, siblings, parts)
    return PageResult(build_report(url, meta, blocks, label), None, hints, siblings, parts)


@dataclass
class ExtractSummary:
    """What one extraction run did."""

    pages: int = 0
    documents: int = 0
    duplicates: int = 0
    failures: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    bodies: int = 0  # distinct issuing bodies
    unattributed: int = 0  # documents whose issuer could not be determined (body_kind other)
    translated: int = 0  # documents with a version in another language

    def format(self) -> str:
        """One human-readable paragraph for the command line."""
        lines = [
            f"extracted {self.documents} documents from {self.pages} pages "
            f"({self.duplicates} duplicate URLs merged, {self.failures} pages without a document)",
            f"filed under {self.bodies} bodies; {self.unattributed} documents with an issuer that "
            f"could not be determined (body_kind other); {self.translated} with a version in "
            "another language",
        ]
        for reason, count in sorted(self.reasons.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  {count:5d}  {reason}")
        return "\n".join(lines)


def _capture_page(capture: Capture) -> PageInput:
    urls = (capture.final_url, *capture.redirected_from)
    return PageInput(capture.url, capture.body, tuple(urls), capture.content_hash or None)


Ordered = list[tuple[tuple[int, int], PageInput, PageResult]]


def join_split_articles(ordered: Ordered) -> Ordered:
    """One report for each article split over several captured pages, in page order: every
    page of it carries that report and sorts after the first page (whose place in the crawl
    it takes). An article whose first page is not an article stays as it is."""
    by_url = {page.url: index for index, (_, page, _) in enumerate(ordered)}
    links = {
        page.url: result.siblings
        for _, page, result in ordered
        if result.siblings or result.parts is not None
    }
    joined = list(ordered)
    for series in article_series(links):
        members = [ordered[by_url[url]] for url in series]
        first = members[0][2]
        if first.report is None or first.parts is None:
            continue
        pages = [m for m in members if m[2].parts is not None]
        kept = distinct(tuple(b.text for b in m[2].parts.blocks) for m in pages)
        blocks = [block for index in kept for block in pages[index][2].parts.blocks]
        parts = first.parts
        report = build_report(series[0], parts.meta, blocks, parts.encoding)
        place = members[0][0][0]
        for rank, (_, page, _) in enumerate(members):
            joined[by_url[page.url]] = ((place, rank), page, PageResult(report, None))
    for _, _, result in joined:
        result.parts = None  # the blocks are not needed any more
    return joined


def _collect_hints(hints: dict[str, AttachmentHint], result: PageResult) -> None:
    """Keep the first words about each attachment, a notice's before those of a listing (whose
    date and title are not the document's; a short notice that is little more than its link is
    still a notice)."""
    for url, hint in result.hints.items():
        if result.failure in LISTS:
            hint = dataclasses.replace(hint, notice_title=None, notice_date=None)
        known = hints.get(url)
        if known is None or (known.notice_title is None and hint.notice_title is not None):
            hints[url] = hint


def _without_body(page: PageInput) -> PageInput:
    """The page with its digest kept and its bytes let go."""
    return PageInput(page.url, b"", page.urls, page.digest())


def _hint_for(capture: Capture, hints: dict[str, AttachmentHint]) -> AttachmentHint | None:
    """What the first page linking an attachment (under any of its URLs) says about it."""
    for url in (capture.url, capture.final_url, *capture.redirected_from):
        if url in hints:
            return hints[url]
    return None


def _extract_safely(
    page: PageInput, headers: Headers, hint: AttachmentHint | None = None
) -> PageResult:
    """extract_page, with any failure on hostile input recorded instead of raised."""
    try:
        return extract_page(page.body, page.url, headers, hint)
    except Exception as error:  # one bad page must not stop the run: recorded as its failure
        return PageResult(None, f"extraction error: {type(error).__name__}: {error}")


def _write_failures(path: Path, failures: list[tuple[str, str]]) -> None:
    """Write ``{url, reason}`` lines atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".failures-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for url, reason in failures:
                handle.write(json.dumps({"url": url, "reason": reason}, ensure_ascii=False))
                handle.write("\n")
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def extract_all(paths: DataPaths, *, force: bool = False) -> ExtractSummary:
    """Extract every stored capture into ``documents.jsonl`` and ``extract_failures.jsonl``.

    Raises ExtractionError when captures exist but none can be read (the WARC files are gone
    or damaged), and DataLossRefused when the new documents would drop more than half of those
    ``documents.jsonl`` holds now (unless ``force``); either way nothing is written.
    """
    summary = ExtractSummary()
    unreadable: list[tuple[str, str]] = []

    def note(url: str, why: str) -> None:
        unreadable.append((url, why))

    # Pages first, so that each attachment meets the words of the notice linking it; then all
    # in crawl order, the pages of a split article together. Bodies are dropped once read.
    ordered: list[tuple[tuple[int, int], PageInput, PageResult]] = []
    hints: dict[str, AttachmentHint] = {}
    for capture in iter_captures(paths, note):
        summary.pages += 1
        page = _capture_page(capture)
        result = _extract_safely(page, capture.headers)
        _collect_hints(hints, result)
        ordered.append(((capture.fetch_order, 0), _without_body(page), result))
    ordered = join_split_articles(ordered)
    for capture in iter_attachments(paths, note):
        summary.pages += 1
        page = _capture_page(capture)
        result = _extract_safely(page, capture.headers, _hint_for(capture, hints))
        ordered.append(((capture.fetch_order, 0), _without_body(page), result))
    ordered.sort(key=lambda item: item[0])
    reports, failures = group_pages((page, result) for _, page, result in ordered)
    if unreadable and not summary.pages:
        url, why = unreadable[0]
        raise ExtractionError(
            f"none of the {len(unreadable)} captured pages can be read from {paths.warc_dir} "
            f"(first: {url}: {why}): the archive files are missing or damaged"
        )
    if not force:
        _refuse_large_loss(paths.documents, reports)
    failures += [(url, f"capture unreadable: {why}") for url, why in unreadable]
    summary.translated = link_versions(reports)
    write_documents(paths.documents, reports)
    _write_failures(paths.extract_failures, failures)
    summary.documents = len(reports)
    summary.bodies = len({report.body_id for report in reports})
    summary.unattributed = sum(report.body_kind == "other" for report in reports)
    summary.duplicates = sum(len(report.urls) - 1 for report in reports)
    summary.failures = len({url for url, _ in failures})
    for _, reason in failures:
        label = reason.split(":")[0]
        summary.reasons[label] = summary.reasons.get(label, 0) + 1
    return summary


def _refuse_large_loss(path: Path, reports: list[Report]) -> None:
    """Raise DataLossRefused when the reports would drop more than half of the file's."""
    current = _report_ids(path)
    dropped = len(current - {report.id for report in reports})
    if current and dropped * 2 > len(current):
        raise DataLossRefused(
            f"the new extraction would drop {dropped} of the {len(current)} documents in "
            f"{path.name} (more than half): check the crawl, or run `cppcc-search extract "
            "--force` to write it anyway"
        )


def _report_ids(path: Path) -> set[str]:
    """The ids in an existing documents file (unreadable lines count as no document)."""
    ids = set()
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    ids.add(str(json.loads(line)["id"]))
                except (ValueError, KeyError, TypeError):
                    continue
    except FileNotFoundError:
        return set()
    return ids
