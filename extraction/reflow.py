"""Hard-wrapped lines (a PDF's text lines, a converted Word file's) back into paragraphs.

A line starts a paragraph when it is indented, when the line before it stops short of the right
margin, when its type size or weight changes, after a wider gap, or when it opens with a heading's
numbering. Chinese lines join without a space, English ones with one; a word hyphenated at the
line's end is joined again.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from cppcc_search.cjk import is_cjk_char
from extraction.blocks import Block
from extraction.headings import looks_like_part, numbering_rank
from extraction.text import clean_text

# Punctuation that closes a Chinese sentence or clause joins the next line without a space too.
_CJK_PUNCTUATION = "，。、；：？！“”‘’（）《》【】—…·"
_INDENT_CHARS = "\u3000 \t"
_HYPHENATED_RE = re.compile(r"[A-Za-z]-$")
INDENT_EMS = 1.2  # a first-line indent (Chinese texts indent two characters)
GAP_FACTOR = 1.35  # a gap this many times the usual line spacing separates paragraphs
SIZE_STEP = 1.12  # a type size this much larger than the body's is a heading's


@dataclass
class Line:
    """One line of text as laid out on a page."""

    text: str
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0  # distance from the page's top edge
    size: float = 0.0
    bold: bool = False
    page: int = 0


def _is_cjk_side(char: str) -> bool:
    return is_cjk_char(char) or char in _CJK_PUNCTUATION


def join_lines(texts: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one between English words."""
    joined = ""
    for raw in texts:
        text = raw.strip(_INDENT_CHARS + "\r\n")
        if not text:
            continue
        if not joined:
            joined = text
        elif _HYPHENATED_RE.search(joined) and text[:1].islower():
            joined = joined[:-1] + text
        elif _is_cjk_side(joined[-1]) or _is_cjk_side(text[0]):
            joined += text
        else:
            joined += " " + text
    return clean_text(joined)


def _body_size(lines: list[Line]) -> float:
    """The type size most of the text is set in."""
    sizes = Counter(round(line.size, 1) for line in lines for _ in range(len(line.text)))
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _margins(lines: list[Line]) -> dict[int, tuple[float, float]]:
    """(left, right) text margins of each page: the commonest line start, the furthest end."""
    margins: dict[int, tuple[float, float]] = {}
    for page in {line.page for line in lines}:
        on_page = [line for line in lines if line.page == page]
        starts = Counter(round(line.x0) for line in on_page)
        ends = sorted(line.x1 for line in on_page)
        right = ends[int(len(ends) * 0.9)] if len(ends) > 3 else max(ends)
        margins[page] = (starts.most_common(1)[0][0], right)
    return margins


def _room_left(previous: Line, line: Line, right: float) -> bool:
    """Whether the line before had room for this line's first word: it ended its paragraph
    (a ragged right edge is only as deep as the word that did not fit)."""
    text = line.text.strip(_INDENT_CHARS)
    if not text or line.x1 <= line.x0:
        return False
    width = (line.x1 - line.x0) / len(line.text)  # this line's average character width
    word = text[:1] if _is_cjk_side(text[0]) else text.split(" ", 1)[0]
    return previous.x1 + (len(word) + 1) * width < right - width / 2


def _starts_paragraph(
    line: Line, previous: Line, margins: tuple[float, float], body: float, spacing: float
) -> bool:
    left, right = margins
    em = line.size or body or 10.0
    text = line.text.lstrip(_INDENT_CHARS)
    if line.text[:1] in _INDENT_CHARS or line.x0 > left + INDENT_EMS * em:
        return True
    if _room_left(previous, line, right):
        return True
    if abs(line.size - previous.size) > 0.5 or line.bold != previous.bold:
        return True
    # Lines in larger type stand further apart; a page break is no gap.
    usual = spacing * (line.size / body if body and line.size else 1.0)
    if line.page == previous.page and usual and line.top - previous.top > GAP_FACTOR * usual:
        return True
    # A heading's numbering, or a part's name standing alone on its line ("2023年工作回顾").
    return numbering_rank(text) is not None or looks_like_part(text)


def _spacing(lines: list[Line]) -> float:
    """The usual distance from one line's top to the next on a page."""
    gaps = Counter(
        round(b.top - a.top)
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and b.top > a.top
    )
    return float(gaps.most_common(1)[0][0]) if gaps else 0.0


def reflow(lines: list[Line]) -> list[Block]:
    """Paragraph blocks from laid-out lines: larger type is a heading, bold lines are bold."""
    if not lines:
        return []
    body = _body_size(lines)
    margins = _margins(lines)
    spacing = _spacing(lines)
    groups: list[list[Line]] = [[lines[0]]]
    for previous, line in itertools.pairwise(lines):
        if _starts_paragraph(line, previous, margins[line.page], body, spacing):
            groups.append([line])
        else:
            groups[-1].append(line)
    blocks = []
    for group in groups:
        text = join_lines([line.text for line in group])
        if not text:
            continue
        larger = body and group[0].size >= body * SIZE_STEP
        bold = all(line.bold for line in group)
        visible = len(text.replace(" ", ""))
        blocks.append(Block(text=text, tag="h2" if larger else "p", bold_chars=visible * bold))
    return blocks


def text_blocks(text: str) -> list[Block]:
    """Blocks from plain text with one paragraph a line (a Word file's text)."""
    return [Block(text=clean_text(line)) for line in text.splitlines() if clean_text(line)]
