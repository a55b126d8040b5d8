"""A query clause cut into what every engine searches: Chinese runs and analysed words.

Both engines read a clause the same way: each Chinese run is an exact string over the bigram
fields, and the text around the runs is words (jieba segmentation, English stop words and
stemming), ANDed, or one phrase when the clause was quoted. The Whoosh compiler
(indexer.search.queries) and the Solr translator (indexer.solr.query) build their own query
objects from these parts, and take the terms to highlight from the same place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cppcc_search.cjk import CJK_RUN
from indexer.errors import QueryError
from indexer.index.analysis import WordToken, word_tokens
from indexer.search.querylang import NOTHING_SEARCHABLE, Clause, ParsedQuery, parse_query

HEADING_BOOST = 2.0
FieldBoosts = tuple[tuple[str, float], ...]
# scope → ((word field, boost), ...), ((bigram field, boost), ...): the same field names on
# both engines (indexer/index/schema.py, indexer/solr/configset/managed-schema.xml).
SCOPE_FIELDS: dict[str | None, tuple[FieldBoosts, FieldBoosts]] = {
    None: (
        (("body", 1.0), ("section_title", HEADING_BOOST)),
        (("cjk", 1.0), ("stitle_cjk", HEADING_BOOST)),
    ),
    "title": ((("title", 1.0),), (("title_cjk", 1.0),)),
    "section": ((("section_title", 1.0),), (("stitle_cjk", 1.0),)),
}


@dataclass(frozen=True)
class ChineseRun:
    """A run of Chinese characters: the sections holding exactly this string match."""

    text: str


@dataclass(frozen=True)
class Words:
    """Analysed words between the Chinese runs; a phrase when quoted and longer than one word."""

    text: str
    tokens: tuple[WordToken, ...]
    phrase: bool

    @property
    def is_phrase(self) -> bool:
        return self.phrase and len(self.tokens) > 1

    def surface(self, token: WordToken) -> str:
        """The word as typed (before lowercasing and stemming)."""
        return self.text[token.start : token.end]


ClausePart = ChineseRun | Words


def clause_parts(clause: Clause) -> list[ClausePart]:
    """The clause's Chinese runs and word groups, in the order they were typed."""
    parts: list[ClausePart] = []
    position = 0
    for match in CJK_RUN.finditer(clause.text):
        parts.extend(_words(clause.text[position : match.start()], clause.phrase))
        parts.append(ChineseRun(match.group()))
        position = match.end()
    parts.extend(_words(clause.text[position:], clause.phrase))
    return parts


def searchable_query(text: str) -> ParsedQuery:
    """Parse a query and check, as both engines would, that something in it can be searched
    for (QueryError: a field prefix alone, only operators, stop words or punctuation)."""
    parsed = parse_query(text)
    if parsed.groups and not any(clause_parts(c) for group in parsed.groups for c in group):
        raise QueryError(NOTHING_SEARCHABLE)
    return parsed


def _words(text: str, phrase: bool) -> list[Words]:
    # A query never asks for the joined form of a hyphenated word (see analysis.segment).
    tokens = word_tokens(text, joined=False) if text.strip() else []
    if phrase:
        # One term per position: search mode also lists "high-quality" where "high" starts, and
        # a phrase cannot hold two terms at one position.
        tokens = [t for i, t in enumerate(tokens) if i == 0 or t.pos != tokens[i - 1].pos]
    return [Words(text, tuple(tokens), phrase)] if tokens else []


@dataclass
class QueryTerms:
    """What a snippet marks: Chinese strings as typed, English words as stems and as typed."""

    cjk_strings: list[str] = field(default_factory=list)
    word_terms: list[str] = field(default_factory=list)
    display_terms: list[str] = field(default_factory=list)

    def add(self, part: ClausePart) -> None:
        """Take the terms of one positive clause part."""
        if isinstance(part, ChineseRun):
            self.cjk_strings.append(part.text)
            self.display_terms.append(part.text)
            return
        self.word_terms.extend(token.term for token in part.tokens)
        self.display_terms.extend(part.surface(token).lower() for token in part.tokens)

    def highlighted(self) -> tuple[str, ...]:
        """Every term to mark in a text (for the report view), each once."""
        return tuple(dict.fromkeys(self.display_terms + self.word_terms))


def positive_terms(parsed: ParsedQuery) -> QueryTerms:
    """The terms of the query's positive clauses (excluded ones are never marked)."""
    terms = QueryTerms()
    for group in parsed.groups:
        for clause in group:
            for part in clause_parts(clause):
                terms.add(part)
    return terms
