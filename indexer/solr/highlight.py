"""English word spans from Solr's unified highlighter, for the shared snippet rendering.

The highlighter marks the matched words of the whole stored section text (one passage, the
WHOLE break iterator) with two private-use characters; their positions in the unmarked text are
the spans indexer.search.snippets renders, as the Whoosh side's stored character offsets are.
"""

from __future__ import annotations

import re
from typing import Any

from indexer.index.analysis import index_term
from indexer.search.snippets import Span

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"([{_OPEN}{_CLOSE}])")
HIGHLIGHT_FIELD = "body"
# The whole text as one passage, word offsets from the postings, markers in place of tags.
HIGHLIGHT_PARAMS: dict[str, Any] = {
    "hl": "true",
    "hl.method": "unified",
    "hl.fl": HIGHLIGHT_FIELD,
    "hl.requireFieldMatch": "true",
    "hl.offsetSource": "POSTINGS",
    "hl.bs.type": "WHOLE",
    "hl.fragsize": "0",
    "hl.snippets": "1",
    "hl.defaultSummary": "false",
    "hl.maxAnalyzedChars": str(1 << 30),
    "hl.tag.pre": _OPEN,
    "hl.tag.post": _CLOSE,
    "hl.encoder": "",
    # Every occurrence of every word term is marked on its own, as the Whoosh side marks the
    # term's stored offsets: not only a phrase's matches, and not a phrase as one span.
    "hl.weightMatches": "false",
    "hl.q": "{!terms f=body separator=' ' v=$hl_terms}",
}


def highlight_params(word_terms: list[str]) -> dict[str, Any]:
    """The highlighter's parameters for a query's word terms (analysed: stems), which it marks
    wherever they occur in the text. A term is letters and digits only (the word analysis), so
    the space that separates them is never inside one."""
    return {**HIGHLIGHT_PARAMS, "hl_terms": " ".join(dict.fromkeys(word_terms))}


def marked_spans(marked: str, text: str) -> list[Span]:
    """Spans of the marked words in ``text`` ([] when the passage is not the whole text)."""
    bounds: list[tuple[int, int]] = []
    plain: list[str] = []
    position = 0
    start: int | None = None
    for piece in _MARKER.split(marked):
        if piece == _OPEN:
            start = position
        elif piece == _CLOSE:
            if start is not None:
                bounds.append((start, position))
            start = None
        else:
            plain.append(piece)
            position += len(piece)
    if "".join(plain) != text:
        return []
    # Keyed by the analysed term, as the Whoosh side's spans are: the snippet window counts
    # distinct terms, and "consultation" and "consultations" are one.
    return [(a, b, index_term(text[a:b], stemming=True) or text[a:b].lower()) for a, b in bounds]


def highlighted_spans(answer: dict[str, Any], doc_id: str, text: str) -> list[Span]:
    """The word spans the highlighter found in one section of a search answer."""
    passages = answer.get("highlighting", {}).get(doc_id, {}).get(HIGHLIGHT_FIELD) or []
    return marked_spans(passages[0], text) if passages else []
