"""Highlighted snippets from stored text, without re-analysing it.

Chinese query strings are found by plain substring search; English terms come with the
character offsets stored in the body field's postings at index time.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections import Counter
from typing import Any

from whoosh.reading import TermNotFound

from indexer.search.boundaries import (
    is_clause_break,
    is_sentence_break,
    word_end_at_or_before,
    word_start_at_or_after,
)

SNIPPET_CHARS = 160
_LEAD_CHARS = 24
_MAX_SPANS_PER_STRING = 200

Span = tuple[int, int, str]


def stored_word_spans(searcher: Any, docnum: int, terms: list[str]) -> list[Span]:
    """Character spans of the given body terms in one document, from the postings.

    Read from the document's own segment without scoring: the searcher's postings would set
    up a matcher and a BM25 scorer in every segment (about 1 ms a term at 100k sections, for
    every hit and every English term a query or its translation holds).
    """
    reader, local = _segment_of(searcher, docnum)
    spans: list[Span] = []
    for term in dict.fromkeys(terms):
        try:
            matcher = reader.postings("body", term)
        except TermNotFound:
            continue
        if matcher.is_active() and matcher.id() < local:
            matcher.skip_to(local)
        if matcher.is_active() and matcher.id() == local:
            spans.extend((start, end, term) for _, start, end in matcher.value_as("characters"))
    return spans


def _segment_of(searcher: Any, docnum: int) -> tuple[Any, int]:
    """The reader of the segment holding a document, and its docnum there."""
    leaves = searcher.leaf_searchers()
    at = bisect_right([offset for _, offset in leaves], docnum) - 1
    sub, offset = leaves[at]
    return sub.reader(), docnum - offset


def substring_spans(text: str, strings: list[str]) -> list[Span]:
    """Where each string occurs in the text (bounded per string)."""
    spans: list[Span] = []
    for needle in dict.fromkeys(strings):
        start = text.find(needle)
        found = 0
        while start >= 0 and found < _MAX_SPANS_PER_STRING:
            spans.append((start, start + len(needle), needle))
            start = text.find(needle, start + len(needle))
            found += 1
    return spans


def best_window(spans: list[Span], width: int) -> int:
    """The start of the window of ``width`` chars holding the most distinct terms, then spans.

    One pass with a count of each term inside the window (a common term has hundreds of
    spans in a long section; recounting the window at every span was quadratic).
    """
    spans = sorted(spans)
    best_start, best_score = spans[0][0], (0, 0)
    inside: Counter[str] = Counter()
    left = 0
    for right in range(len(spans)):
        inside[spans[right][2]] += 1
        while left <= right and spans[right][1] - spans[left][0] > width:
            key = spans[left][2]
            inside[key] -= 1
            if not inside[key]:
                del inside[key]
            left += 1
        score = (len(inside), right + 1 - left)
        if score > best_score:
            best_start, best_score = spans[left][0], score
    return best_start


def snippet_window(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The ``[start, end)`` of the text a snippet shows: about ``width`` characters around the
    best cluster of matches, starting and ending at a sentence, a clause or a whole word."""
    start = _window_start(text, best_window(spans, width)) if spans else 0
    inside = [span_end for span_start, span_end, _ in spans if start <= span_start < start + width]
    return start, _window_end(text, start, width, max(inside, default=start))


def _window_start(text: str, anchor: int) -> int:
    """A little before the anchor: after a sentence's end, else after a clause mark, else where a
    word starts (inside a Chinese run only when no punctuation is near)."""
    lead = max(0, anchor - _LEAD_CHARS)
    for is_break in (is_sentence_break, is_clause_break):
        for index in range(anchor - 1, lead - 1, -1):
            if is_break(text, index):
                return _skip_spaces(text, index + 1, anchor)
    word_start = word_start_at_or_after(text, lead, anchor)
    return lead if word_start is None else word_start


def _window_end(text: str, start: int, width: int, must_reach: int) -> int:
    """Near ``start + width``, not before ``must_reach``: after a sentence's end, else before a
    clause mark, else after a whole word."""
    end = start + width
    if end >= len(text):
        return len(text)
    floor = max(must_reach, end - width // 3)
    for index in range(end - 1, floor - 1, -1):
        if is_sentence_break(text, index):
            return index + 1 if not text[index].isspace() else index
    for index in range(end - 1, floor - 1, -1):
        if is_clause_break(text, index):
            return index
    word_end = word_end_at_or_before(text, end, floor)
    return end if word_end is None else word_end


def _skip_spaces(text: str, index: int, limit: int) -> int:
    while index < limit and text[index].isspace():
        index += 1
    return index


def render_snippet(text: str, spans: list[Span], window: tuple[int, int] | None = None) -> str:
    """Escaped text of the window (by default :func:`snippet_window`) with matches in <mark>."""
    if not text:
        return ""
    start, end = window if window is not None else snippet_window(text, spans)
    pieces = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in _merged(spans, start, end):
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces).replace("\n", " ")


def plain_snippet(text: str, window: tuple[int, int]) -> str:
    """The window's text as :func:`render_snippet` shows it, without markup or escaping."""
    start, end = window
    if not text:
        return ""
    lead = "…" if start > 0 else ""
    trail = "…" if end < len(text) else ""
    return f"{lead}{text[start:end]}{trail}".replace("\n", " ")


def _merged(spans: list[Span], start: int, end: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for span_start, span_end, _ in sorted(spans):
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        if merged and span_start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span_end)
        else:
            merged.append([span_start, span_end])
    return [(a, b) for a, b in merged]
