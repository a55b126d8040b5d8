"""The query language: words ANDed, "phrases", OR, -exclusion, title:/section: prefixes, years.

Parsing never raises on odd input: unbalanced quotes are closed, dangling operators dropped,
unknown prefixes read as words. Only a query with nothing searchable left, or one absurdly long,
is rejected with a QueryError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cppcc_search.cjk import CJK_RUN
from indexer.errors import QueryError
from indexer.index.analysis import clean_text
from indexer.search.types import YearRange

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 64
FIELD_PREFIXES = {"title": "title", "section": "section", "标题": "title", "章节": "section"}
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_TOKEN = re.compile(
    r"""
    (?P<neg>[-－](?=\S))?
    (?:(?P<field>[^\s:："()\-－][^\s:："()]*)[:：](?=\S))?
    (?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"()]+))
    """,
    re.VERBOSE,
)
_YEAR_RANGE = re.compile(
    r"^(?:year[:：])?((?:1[89]|20)\d{2})?\.\.((?:1[89]|20)\d{2})?$|^year[:：](\d{4})$"
)
_OR_WORDS = {"OR", "|", "或"}


@dataclass(frozen=True)
class Clause:
    """One searchable unit: words or a phrase, in a field scope, possibly excluded."""

    text: str
    phrase: bool = False
    scope: str | None = None  # None (section text and heading), "title" or "section"
    negated: bool = False


@dataclass
class ParsedQuery:
    """A query as groups of alternatives: every group must match (AND), any clause in it (OR)."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    years: list[YearRange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    def positive_texts(self) -> list[str]:
        """The positive words and phrases, for highlighting."""
        return [clause.text for group in self.groups for clause in group]


def normalise_query(text: str) -> str:
    """Clean a raw query: no control characters, ASCII quotes, bounded length."""
    text = clean_text(text).translate(_QUOTES).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    return text


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string, repairing what can be repaired."""
    parsed = ParsedQuery()
    pending_or = False
    for match in _TOKEN.finditer(normalise_query(text)):
        raw = match.group(0)
        if raw in _OR_WORDS:
            pending_or = bool(parsed.groups)
            continue
        year_range = _year_range(raw)
        if year_range is not None:
            parsed.years.append(year_range)
            continue
        clause = _clause_from(match)
        if clause is None:
            continue
        if clause.negated:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    if len(parsed.groups) + len(parsed.excluded) > MAX_CLAUSES:
        raise QueryError(f"too many words in the query (at most {MAX_CLAUSES})")
    return parsed


def _year_range(raw: str) -> YearRange | None:
    match = _YEAR_RANGE.match(raw)
    if not match:
        return None
    start, end, single = match.groups()
    if single:
        return YearRange(int(single), int(single))
    if not start and not end:
        return None
    return YearRange.parse(f"{start or ''}..{end or ''}")


def _clause_from(match: re.Match[str]) -> Clause | None:
    negated = bool(match.group("neg"))
    prefix = match.group("field")
    phrase_text = match.group("phrase")
    text = phrase_text if phrase_text is not None else match.group("word")
    scope = FIELD_PREFIXES.get(prefix.lower()) if prefix else None
    if prefix and scope is None:
        text = f"{prefix} {text}"  # an unknown prefix is just more words
    text = " ".join(text.split())
    if not _has_searchable_chars(text):
        return None
    is_phrase = phrase_text is not None and (len(text.split()) > 1 or not CJK_RUN.fullmatch(text))
    return Clause(text=text, phrase=is_phrase, scope=scope, negated=negated)


def _has_searchable_chars(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
