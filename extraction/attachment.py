"""Attachments (PDF, DOCX, DOC) become reports like HTML pages: their paragraphs, a title from
the notice that links them or from the document's own title lines, a date from the notice or the
meeting line or the signature, then sections as for any page."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from captures.headers import Headers, media_type
from cppcc_search.models import Report
from extraction.assemble import build_report
from extraction.blocks import Block
from extraction.headings import ends_like_sentence
from extraction.metadata import PageMeta, date_anywhere
from extraction.notices import AttachmentHint, link_title
from extraction.pdftext import PdfError, pdf_text
from extraction.reflow import join_lines
from extraction.text import cjk_ratio
from extraction.wordtext import WordError, WordText, doc_text, docx_text

PDF, DOCX, DOC = "pdf", "docx", "doc"
_TYPES = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/msword": DOC,
    "application/wps-office.doc": DOC,
    "application/wps-office.docx": DOCX,
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_TITLE_LINES = 3
MAX_TITLE_LINE = 60
MAX_EN_TITLE_LINE = 200
_TITLE_LOOKAHEAD = 6
# Lines that start the text, not the title: a meeting line, a date, a salutation, a heading.
_TEXT_START_RE = re.compile(
    r"^(——|—|--|[（(]|在|\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]|[〇○零一二三四五六七八九]{4}年"
    r"|各位|同志们|Dear|Fellow|Ladies|At the|Delivered|[一二三四五六七八九十]+、|\d{1,2}[.．、]"
    r"|(I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s|Part\s)",
    re.I,
)
_LABEL_LINE_RE = re.compile(r"^(附件\s*\d*|Attachment\s*\d*|Annex\s*\d*)\s*[:：]?$", re.I)
MIN_TEXT_CHARS = 20  # fewer characters than this in a whole PDF: the pages are scanned images


@dataclass
class _Document:
    blocks: list[Block]
    title: str | None  # from the file's properties


def attachment_kind(body: bytes, url: str, headers: Headers = None) -> str | None:
    """pdf, docx or doc from the bytes (then the Content-Type, then the URL), or None."""
    head = body[:8]
    if head.startswith(b"%PDF"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX if b"word/" in body[:65536] else None
    if head.startswith(_OLE_MAGIC):
        return DOC
    declared = _TYPES.get(media_type(headers) or "")
    if declared:
        return declared
    suffix = urlsplit(url).path.lower().rsplit(".", 1)[-1]
    return {"pdf": PDF, "docx": DOCX, "doc": DOC}.get(suffix)


def _read(kind: str, body: bytes) -> _Document | str:
    """The document's paragraphs, or why there are none."""
    if kind == PDF:
        try:
            found = pdf_text(body)
        except PdfError as error:
            return f"unreadable PDF: {error}"
        if found.chars < MIN_TEXT_CHARS:
            return (
                f"no text: a scanned PDF without a text layer ({found.pages} pages of images; "
                "it needs OCR)"
            )
        return _Document(found.blocks, found.title)
    try:
        word: WordText = docx_text(body) if kind == DOCX else doc_text(body)
    except WordError as error:
        return f"unreadable Word file ({kind}): {error}"
    return _Document(word.blocks, word.title)


def _is_title_line(block: Block) -> bool:
    text = block.text
    limit = MAX_TITLE_LINE if cjk_ratio(text) > 0.5 else MAX_EN_TITLE_LINE
    return len(text) <= limit and not ends_like_sentence(text) and not _TEXT_START_RE.match(text)


def _marked(block: Block) -> bool:
    return block.is_heading_tag or block.is_bold


def split_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The document's own title and the blocks after it: the first run of title lines set in
    larger or bold type among the opening lines (a file number or "附件1" above it is dropped),
    else its first short lines when the text proper (a meeting line, a salutation) follows."""
    opening = blocks[:_TITLE_LOOKAHEAD]
    first = next((i for i, b in enumerate(opening) if _marked(b) and _is_title_line(b)), None)
    if first is not None:
        end = first
        while end < min(len(blocks), first + MAX_TITLE_LINES):
            if not (_marked(blocks[end]) and _is_title_line(blocks[end])):
                break
            end += 1
        if end < len(blocks):
            return join_lines([b.text for b in blocks[first:end]]), blocks[end:]
    start = 0
    while start < len(blocks) and _LABEL_LINE_RE.match(blocks[start].text):
        start += 1  # "附件1" above the title
    end = start
    while end < min(len(blocks), start + MAX_TITLE_LINES) and _is_title_line(blocks[end]):
        end += 1
    rest = blocks[end:]
    # Unmarked lines are a title only when the text proper starts right after them: a meeting
    # line or a salutation, or a paragraph of prose longer than the line above it.
    if end == start or not rest:
        return None, blocks
    follows = rest[0].text
    prose = ends_like_sentence(follows) and len(follows) > 2 * len(blocks[end - 1].text)
    if not (prose or any(_TEXT_START_RE.match(b.text) for b in rest[:2])):
        return None, blocks
    return join_lines([b.text for b in blocks[start:end]]), rest


def _file_name_title(url: str) -> str | None:
    """The attachment's file name as a title ("2019年政府工作报告.pdf"), if it is words."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return link_title(name)


def _choose_title(linked: str | None, own: str | None) -> str | None:
    """The notice's words for the document, unless the document's own title says the same and
    more ("政府工作报告" linked, "2019年政府工作报告" in the file)."""
    if linked and own and re.sub(r"\s", "", linked) in re.sub(r"\s", "", own):
        return own
    return linked or own


@dataclass
class AttachmentResult:
    """A report from an attachment, or why there is none."""

    report: Report | None
    failure: str | None


def extract_attachment(
    body: bytes, url: str, headers: Headers = None, hint: AttachmentHint | None = None
) -> AttachmentResult:
    """A report from a PDF or Word file; ``hint`` is what the page linking it says."""
    kind = attachment_kind(body, url, headers)
    if kind is None:
        return AttachmentResult(None, "not a document: neither HTML, PDF nor Word")
    document = _read(kind, body)
    if isinstance(document, str):
        return AttachmentResult(None, document)
    own_title, blocks = split_title(document.blocks)
    if not blocks:
        return AttachmentResult(None, f"no body: the {kind.upper()} file has no text")
    title = _choose_title(hint.title if hint else None, own_title) or (
        document.title or _file_name_title(url) or (hint.notice_title if hint else None)
    )
    if not title:
        return AttachmentResult(None, f"not an article: no title for the {kind.upper()} file")
    meta = PageMeta(title=title, date=hint.notice_date if hint else None, html_lang=None)
    report = build_report(url, meta, blocks, None)
    if report.date is None:
        # No notice and no meeting line: the date the document is signed with, if any.
        signed = date_anywhere([block.text for block in blocks[-_TITLE_LOOKAHEAD:]])
        if signed:
            report = build_report(url, dataclasses.replace(meta, date=signed), blocks, None)
    return AttachmentResult(report, None)
