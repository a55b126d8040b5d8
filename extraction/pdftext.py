"""A PDF's text (pdfminer.six): its lines as laid out, without running headers, footers and
page numbers, reflowed into paragraphs."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import PSException

from extraction.blocks import Block
from extraction.reflow import Line, reflow
from extraction.text import clean_text, unspace_cjk

# Fonts a Chinese document sets its headings in (黑体, 方正小标宋, 楷体 for the speaker), and any
# font named bold.
_BOLD_FONT_RE = re.compile(r"bold|black|heavy|hei|simhei|xbs|xiaobiaosong|小标宋|黑体", re.I)
_PAGE_NUMBER_RE = re.compile(
    r"^[-—–－]?\s*\d{1,4}\s*[-—–－]?$|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^(page\s+)?\d{1,4}\s*(/|of)\s*\d{1,4}$|^page\s+\d{1,4}$",
    re.IGNORECASE,
)
MARGIN_BAND = 0.09  # of the page's height, at its top and bottom, where running lines sit
MIN_REPEATS = 2


class PdfError(ValueError):
    """The PDF cannot be read (damaged, encrypted)."""


@dataclass
class PdfText:
    """The paragraphs of a PDF and what its document information says."""

    blocks: list[Block]
    title: str | None
    pages: int
    chars: int  # characters of text found: none in a scanned PDF


def _font(name: str) -> str:
    """A font's name without its subset tag ("ABCDEF+SimHei" → "SimHei")."""
    return name.split("+", 1)[-1]


def _line(line: LTTextLine, page: int, height: float, body_font: str) -> Line:
    chars = [char for char in line if isinstance(char, LTChar)]
    size = max((c.size for c in chars), default=0.0)
    # Bold is a heavier face than the text's own: a document set wholly in a Hei face is not bold.
    bold = bool(chars) and all(
        _font(c.fontname) != body_font and _BOLD_FONT_RE.search(_font(c.fontname)) for c in chars
    )
    return Line(
        text=unspace_cjk(line.get_text().rstrip("\n")),
        x0=line.x0,
        x1=line.x1,
        top=height - line.y1,
        size=size,
        bold=bold,
        page=page,
    )


def _page_lines(body: bytes) -> tuple[list[list[Line]], list[float]]:
    """Every page's text lines in reading order (top to bottom), and the pages' heights."""
    params = LAParams(line_margin=0.3, char_margin=4.0)
    layouts = list(extract_pages(io.BytesIO(body), laparams=params))
    found = [
        (number, layout, item)
        for number, layout in enumerate(layouts)
        for box in layout
        if isinstance(box, LTTextContainer)
        for item in box
        if isinstance(item, LTTextLine) and item.get_text().strip()
    ]
    fonts = Counter(
        _font(char.fontname) for _, _, item in found for char in item if isinstance(char, LTChar)
    )
    body_font = fonts.most_common(1)[0][0] if fonts else ""
    pages: list[list[Line]] = [[] for _ in layouts]
    for number, layout, item in found:
        pages[number].append(_line(item, number, layout.height, body_font))
    for lines in pages:
        lines.sort(key=lambda line: (round(line.top), line.x0))
    return pages, [layout.height for layout in layouts]


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def _drop_running_lines(pages: list[list[Line]], heights: list[float]) -> list[Line]:
    """The lines without page numbers and the headers and footers repeated page after page."""

    def in_band(line: Line) -> bool:
        height = heights[line.page]
        return line.top < height * MARGIN_BAND or line.top > height * (1 - MARGIN_BAND)

    repeated = Counter(
        key
        for lines in pages
        for key in {_running_key(line.text) for line in lines if in_band(line)}
    )
    threshold = max(MIN_REPEATS, len(pages) // 3)
    kept = []
    for lines in pages:
        for line in lines:
            text = clean_text(line.text)
            if in_band(line) and (
                _PAGE_NUMBER_RE.match(text) or repeated[_running_key(line.text)] >= threshold
            ):
                continue
            kept.append(line)
    return kept


def _info_title(body: bytes) -> str | None:
    """The Title of the PDF's document information, unless it names the file or the program."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(body)))
    except (PSException, ValueError, TypeError, KeyError):
        return None
    for info in document.info:
        raw = info.get("Title")
        if isinstance(raw, bytes):
            raw = raw.decode("utf-16" if raw[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1")
        title = clean_text(str(raw)) if raw else ""
        if title and not re.search(r"\.(docx?|wps|pdf)$|^Microsoft Word|^untitled", title, re.I):
            return title
    return None


def pdf_text(body: bytes) -> PdfText:
    """The paragraphs of a PDF (PdfError when it cannot be read)."""
    try:
        pages, heights = _page_lines(body)
    except Exception as error:  # pdfminer raises many types on damaged or encrypted files
        raise PdfError(f"{type(error).__name__}: {error}") from None
    lines = _drop_running_lines(pages, heights)
    chars = sum(len(line.text.strip()) for page in pages for line in page)
    return PdfText(reflow(lines), _info_title(body), len(pages), chars)
