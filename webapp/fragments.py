"""Links that land on the matching passage of the source page (URL text fragments)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urldefrag

from cppcc_search.cjk import CJK_CHAR

_TAG = re.compile(r"<[^>]*>")
_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_CLAUSE_END = re.compile(r"[。！？；;!?]")
CJK_CHARS = 16
LATIN_WORDS = 8


def encode_directive(text: str) -> str:
    """Percent-encode a text-directive value; ``-``, ``,`` and ``&`` are syntax there."""
    return quote(text, safe="").replace("-", "%2D")


def snippet_passage(snippet_html: str) -> str:
    """A short plain-text passage of a snippet around its first highlighted term."""
    if not snippet_html:
        return ""
    first = _MARK.search(snippet_html)
    marked = html.unescape(_TAG.sub("", first.group(1))) if first else ""
    plain = html.unescape(_TAG.sub("", snippet_html))
    pieces = [p.strip() for p in _ELLIPSIS.split(plain) if p.strip()]
    if not pieces:
        return ""
    piece = next((p for p in pieces if marked and marked in p), max(pieces, key=len))
    return passage_around(piece, marked)


def passage_around(text: str, term: str) -> str:
    """A few words (or CJK characters) of ``text`` starting near ``term``, within one clause."""
    start = max(0, text.find(term)) if term else 0
    if CJK_CHAR.search(text):
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
        begin = max(clause_start, start - 4)
        window = text[begin : begin + CJK_CHARS]
        end = _CLAUSE_END.search(window)
        return (window[: end.start()] if end else window).strip(' 、，,：:“”"')
    words = text.split()
    term_word = len(text[:start].split()) if start else 0
    first_index = max(0, term_word - 2)
    return " ".join(words[first_index : first_index + LATIN_WORDS]).strip(" ,;:")


def fragment_url(url: str, passage: str) -> str:
    """``url`` with a ``#:~:text=`` fragment for ``passage`` (the url alone if none)."""
    base, _ = urldefrag(url)
    passage = " ".join(passage.split())
    if not passage:
        return url
    return f"{base}#:~:text={encode_directive(passage)}"
