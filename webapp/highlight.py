"""Mark query terms in plain text: escape first, then wrap matches in <mark>."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

MAX_TERMS = 20


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any term (longest first), or None."""
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile("|".join(_term_regex(t) for t in cleaned[:MAX_TERMS]), re.IGNORECASE)


def _term_regex(term: str) -> str:
    """A Latin-script term marks whole words that start with it (its stem finds "energies");
    any other term marks wherever it occurs, as Chinese has no word boundaries."""
    if term.isascii() and term[:1].isalnum():
        return rf"\b{re.escape(term)}\w*"
    return re.escape(term)


def highlight(text: str | None, pattern: re.Pattern[str] | None) -> Markup:
    """``text`` escaped, with every match of ``pattern`` wrapped in <mark>."""
    if not text:
        return Markup("")
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() == match.end():
            continue
        out.append(str(escape(text[last : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def count_matches(text: str | None, pattern: re.Pattern[str] | None) -> int:
    """How many times the pattern matches the text."""
    if not text or pattern is None:
        return 0
    return sum(1 for _ in pattern.finditer(text))
