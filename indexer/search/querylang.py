"""The query language: words ANDed, "phrases", OR, -exclusion, title:/section: prefixes, years.

Parsing repairs what it can: unbalanced quotes are closed, dangling operators dropped, unknown
prefixes read as words. It rejects, with a QueryError that says why in English and Chinese, a
query that has something typed but nothing to search for (``AND OR``), a field prefix with no
word after it (``title:``), and one absurdly long.
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
NOTHING_SEARCHABLE = (
    "nothing to search for: the query holds only operators (OR; words are ANDed already, so AND "
    "is not needed), English stop words (the, of, and) or punctuation; type the words to find "
    "(没有可检索的词：检索式只有运算符（OR；词语之间默认为“且”，无需 AND）、"
    "英文停用词（the、of、and）或标点，请输入要查找的词语)"
)


def empty_prefix(prefix: str) -> str:
    """Why ``title:`` alone is refused, in both languages."""
    return (
        f"{prefix}: needs a word right after it, with no space, as in title:提案 or section:养老 "
        f"({prefix}: 后面要紧跟要查找的词，中间不留空格，例如 title:提案、section:养老)"
    )


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
        raise QueryError(
            f"the query is too long: {len(text)} characters, at most {MAX_QUERY_CHARS} "
            f"(检索式过长：{len(text)} 个字符，最多 {MAX_QUERY_CHARS} 个)"
        )
    return text


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string, repairing what can be repaired."""
    parsed = ParsedQuery()
    pending_or = False
    text = normalise_query(text)
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        _refuse_empty_prefix(match.group("word"))
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
        raise QueryError(
            f"too many words in the query: at most {MAX_CLAUSES} "
            f"(检索式中的词过多：最多 {MAX_CLAUSES} 个)"
        )
    if text and parsed.is_empty and not parsed.years:
        raise QueryError(NOTHING_SEARCHABLE)
    return parsed


def _refuse_empty_prefix(word: str | None) -> None:
    """``title:`` with nothing after it would search for the word "title": say so instead."""
    if word and word[-1] in ":：":
        prefix = word[:-1].lstrip("-－")
        if prefix.lower() in FIELD_PREFIXES:
            raise QueryError(empty_prefix(prefix))


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
