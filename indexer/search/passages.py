"""Links that land on a hit's passage in its source page: URL text fragments (``#:~:text=``).

A browser scrolls to the first place in the page where a text directive matches, and Chromium
matches each of its terms only where the term starts and ends on a word boundary, as ICU's word
breaker finds them (measured: "建立促进新能源利,传统产业改造升级" misses, its first term ending
inside 利用; "建立促进新能源利用的机制,…" lands). So a directive is built against the text the page
shows — the report's title, headings and paragraphs up to the hit, in page order, one line per
block — every term starts and ends where :mod:`indexer.search.boundaries` finds a boundary in
any segmentation, and the shortest directive whose first match in that text is the passage wins:
the passage itself when short, else its first and last words (``textStart,textEnd``), with the
words just before (``prefix-,``) or after (``,-suffix``) it where the string repeats earlier.

Matching here is deliberately looser than the browser's: any earlier occurrence counts, bounded
or not, and a prefix may reach into the block before. A directive that lands here lands there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol
from urllib.parse import quote, urldefrag

from indexer.search.boundaries import (
    is_word_end,
    is_word_start,
    word_end_at_or_after,
    word_end_at_or_before,
    word_start_at_or_after,
    word_start_at_or_before,
)

BLOCK_BREAK = "\n"  # between blocks of the page text (paragraphs never hold one)
SHORT_PASSAGE = 24  # characters: a passage this short is matched whole
# Characters of the passage's first and last words tried for textStart and textEnd, and of the
# words before or after it for prefix and suffix, growing until the directive lands.
EDGE_SIZES = (8, 14, 24, 40, 80)
# How far an end that falls inside a word may move to the nearest boundary.
BOUNDARY_REACH = 60


@dataclass(frozen=True)
class TextDirective:
    """One ``text=`` directive: ``[prefix-,]start[,end][,-suffix]``."""

    start: str
    end: str = ""
    prefix: str = ""
    suffix: str = ""

    def encode(self) -> str:
        """The directive's value in a URL fragment."""
        parts = [encode_directive(self.prefix) + "-"] if self.prefix else []
        parts.append(encode_directive(self.start))
        if self.end:
            parts.append(encode_directive(self.end))
        if self.suffix:
            parts.append("-" + encode_directive(self.suffix))
        return ",".join(parts)


def encode_directive(text: str) -> str:
    """Percent-encode a directive's term; ``-``, ``,`` and ``&`` are syntax there."""
    return quote(" ".join(text.split()), safe="").replace("-", "%2D")


def fragment_url(url: str, directive: TextDirective | None) -> str:
    """``url`` with a ``#:~:text=`` fragment for the directive (the url alone if none)."""
    if directive is None or not url:
        return url
    base, _ = urldefrag(url)
    return f"{base}#:~:text={directive.encode()}"


@dataclass(frozen=True)
class PageText:
    """What a source page shows up to a hit, one block a line, and where the hit's text starts."""

    text: str
    section_start: int

    @classmethod
    def build(
        cls,
        title: str,
        earlier: Sequence[tuple[str | None, str]],
        section_title: str | None,
        section_text: str,
    ) -> PageText:
        """From the report's title, the (heading, text) of the sections before the hit's, and
        the hit's own heading and text."""
        blocks = [title]
        for heading, text in [*earlier, (section_title, "")]:
            if heading:
                blocks.append(heading)
            blocks.extend(line for line in text.split(BLOCK_BREAK) if line.strip())
        head = _one_line(BLOCK_BREAK.join(blocks))
        return cls(f"{head}{BLOCK_BREAK}{_one_line(section_text)}", len(head) + 1)

    @cached_property
    def folded(self) -> str:
        """The text case-folded as browsers match it, offsets kept (a text whose lowercase
        changes length is matched as it is)."""
        return _fold(self.text)


def _one_line(text: str) -> str:
    """Blocks separated by BLOCK_BREAK alone: stray carriage returns become spaces."""
    return text.replace("\r", " ")


def passage_directive(page: PageText, start: int, end: int) -> TextDirective | None:
    """The shortest directive that lands on ``[start, end)`` of the hit's text, or None."""
    text = page.text
    bounds = _bounded(text, page.section_start + start, page.section_start + max(start, end))
    if bounds is None:
        return None
    first, last = bounds
    for directive in _candidates(text, first, last):
        if first_match(page, directive) == (first, last):
            return directive
    return None


class EarlierText(Protocol):
    """The sections a page shows before the hit's, read only when needed."""

    def may_contain(self, text: str) -> bool:
        """False only when ``text`` surely occurs in none of them."""
        ...

    def sections(self) -> Sequence[tuple[str | None, str]]:
        """Their (heading, text) in page order."""
        ...


def passage_url(
    url: str,
    title: str,
    heading: str | None,
    text: str,
    window: tuple[int, int],
    earlier: EarlierText | None = None,
) -> str:
    """The source URL with a fragment that lands on ``window`` of a section's ``text``.

    The directive is built on the report's title and the section alone, then again on the whole
    page up to the section when its start may occur in the sections before.
    """
    page = PageText.build(title, (), heading, text)
    directive = passage_directive(page, *window)
    if directive is not None and earlier is not None and earlier.may_contain(directive.start):
        directive = passage_directive(
            PageText.build(title, earlier.sections(), heading, text), *window
        )
    return fragment_url(url, directive)


def _bounded(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The passage moved to boundaries: its start back (or on) to a word start, its end on to a
    word end, within the blocks they are in."""
    block_start = text.rfind(BLOCK_BREAK, 0, start) + 1
    block_end = _block_end(text, max(start, end - 1))
    first = start if is_word_start(text, start) else None
    if first is None:
        first = word_start_at_or_before(text, start, max(block_start, start - BOUNDARY_REACH))
    if first is None:
        first = word_start_at_or_after(text, start, min(block_end, start + BOUNDARY_REACH))
    if first is None:
        return None
    end = max(end, first + 1)
    last = end if is_word_end(text, end) else None
    if last is None:
        last = word_end_at_or_after(text, end, min(_block_end(text, end - 1), end + BOUNDARY_REACH))
    if last is None:
        last = word_end_at_or_before(text, end, first + 1)
    return None if last is None else (first, last)


def _block_end(text: str, index: int) -> int:
    found = text.find(BLOCK_BREAK, index)
    return len(text) if found < 0 else found


def _candidates(text: str, first: int, last: int) -> Iterator[TextDirective]:
    """Directives for ``[first, last)``, shortest first: the passage whole when short, else its
    first and last words; each alone, then with words before it, after it, or both."""
    passage = text[first:last]
    whole = len(passage) <= SHORT_PASSAGE and BLOCK_BREAK not in passage
    seen: set[TextDirective] = set()
    for size in EDGE_SIZES:
        core = TextDirective(passage)
        if not whole:
            head, tail = _head(text, first, size), _tail(text, last, size)
            if first + len(head) < last - len(tail):
                core = TextDirective(head, tail)
            elif BLOCK_BREAK in passage:
                continue  # head and tail meet only where a block is shorter than ``size``
        prefix, suffix = _before(text, first, size), _after(text, last, size)
        for directive in (
            core,
            TextDirective(core.start, core.end, prefix=prefix),
            TextDirective(core.start, core.end, suffix=suffix),
            TextDirective(core.start, core.end, prefix, suffix),
        ):
            if directive not in seen:
                seen.add(directive)
                yield directive


def _head(text: str, first: int, size: int) -> str:
    """From ``first`` to the first word end at least ``size`` characters on, within the block
    (the browser wants every term of a directive to start and end on a boundary)."""
    block_end = _block_end(text, first)
    cut = word_end_at_or_after(text, min(block_end, first + size), block_end)
    return text[first : cut or block_end]


def _tail(text: str, last: int, size: int) -> str:
    """From the last word start at least ``size`` characters before ``last`` (within the
    block) to ``last``."""
    block_start = text.rfind(BLOCK_BREAK, 0, last - 1) + 1
    cut = word_start_at_or_before(text, max(block_start, last - size), block_start)
    return text[block_start if cut is None else cut : last]


def _before(text: str, first: int, size: int) -> str:
    """About ``size`` characters before ``first`` in its block, from a word start ("" at the
    block's start: a page may run a heading into its text, so the block before is no context)."""
    block_start = text.rfind(BLOCK_BREAK, 0, first) + 1
    end = block_start + len(text[block_start:first].rstrip())
    if end <= block_start:
        return ""
    begin = word_start_at_or_before(text, end - size, block_start)
    return text[block_start if begin is None else begin : end]


def _after(text: str, last: int, size: int) -> str:
    """About ``size`` characters after ``last`` in its block, to a word end ("" at its end)."""
    block_end = _block_end(text, last)
    start = block_end - len(text[last:block_end].lstrip())
    if start >= block_end:
        return ""
    finish = word_end_at_or_after(text, min(block_end, start + size), block_end)
    return text[start : block_end if finish is None else finish]


def _fold(text: str) -> str:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def first_match(page: PageText, directive: TextDirective) -> tuple[int, int] | None:
    """Where the directive's first match starts and ends in the page's text.

    Looser than a browser: every occurrence counts, whether or not its ends are boundaries,
    so the first match here is never after the browser's first match.
    """
    start = _fold(" ".join(directive.start.split()))
    end = _fold(" ".join(directive.end.split()))
    prefix, suffix = _fold(directive.prefix), _fold(directive.suffix)
    folded = page.folded
    position = folded.find(start)
    while position >= 0:
        if not prefix or folded[:position].rstrip().endswith(prefix):
            match_end = _match_end(folded, position + len(start), end, suffix)
            if match_end is not None:
                return position, match_end
        position = folded.find(start, position + 1)
    return None


def _match_end(folded: str, after: int, end: str, suffix: str) -> int | None:
    """Where the match that started before ``after`` ends: at the first ``end`` (followed by
    the suffix) from there, or at ``after`` itself when there is no ``end``."""
    if not end:
        return after if not suffix or folded[after:].lstrip().startswith(suffix) else None
    found = folded.find(end, after)
    while found >= 0:
        finish = found + len(end)
        if not suffix or folded[finish:].lstrip().startswith(suffix):
            return finish
        found = folded.find(end, found + 1)
    return None
