"""The index schema: one document per report section plus one report-level record per report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import BigramTokenizer, WordTokenizer, bigram_tokens, word_tokens

KIND_SECTION = "section"
KIND_REPORT = "report"
# Columns the search service loads once per index version to count facets and sort.
COLUMN_FIELDS = (
    "kind",
    "year",
    "date",
    "section",
    "part_kind",
    "committee",
    "level",
    "doc_type",
    "language",
    "ordinal",
)


class AnalysedText(TEXT):
    """A TEXT field that turns text into postings directly (grouping tokens in one pass).

    Whoosh's generic path builds a Token object per token; this is the indexer's hot loop, so
    the field encodes its analyser's output itself, byte-identical to what its format expects.
    """

    def __init__(self, analysis: str, **kwargs: Any) -> None:
        analyzer = BigramTokenizer() if analysis == "bigrams" else WordTokenizer()
        super().__init__(analyzer=analyzer, phrase=True, chars=analysis == "words+chars", **kwargs)
        self.analysis = analysis

    def index(self, value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        if self.analysis == "bigrams":
            return _bigram_postings(self.format, value)
        return _word_postings(self.format, value, with_chars=self.analysis == "words+chars")


def build_schema() -> Schema:
    """The schema every index generation is written with."""
    return Schema(
        kind=ID(stored=True, sortable=True),
        doc_id=ID(stored=True, unique=True),
        report_id=ID(stored=True),
        title=AnalysedText("words"),
        section_title=AnalysedText("words"),
        body=AnalysedText("words+chars"),
        title_cjk=AnalysedText("bigrams"),
        stitle_cjk=AnalysedText("bigrams"),
        cjk=AnalysedText("bigrams"),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        ordinal=NUMERIC(int, bits=32, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),
        part_kind=ID(stored=True, sortable=True),
        committee=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        language=ID(stored=True, sortable=True),
        title_text=STORED,
        section_title_text=STORED,
        text=STORED,
        url=STORED,
        part=STORED,
        period_year=STORED,
        section_level=STORED,
        meta=STORED,
        content_hash=STORED,
    )


def _word_postings(fmt: Any, text: str, with_chars: bool) -> list[tuple[bytes, int, float, bytes]]:
    """Word tokens grouped by term and encoded as the field's format would."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for token in word_tokens(text):
        grouped[token.term].append((token.pos, token.start, token.end) if with_chars else token.pos)
    return [
        (term.encode("utf-8"), len(values), float(len(values)), fmt.encode(values))
        for term, values in grouped.items()
    ]


def _bigram_postings(fmt: Any, text: str) -> list[tuple[bytes, int, float, bytes]]:
    """Bigram tokens grouped by bigram and encoded as the field's format would."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for gram, pos in bigram_tokens(text):
        grouped[gram].append(pos)
    return [
        (gram.encode("utf-8"), len(poses), float(len(poses)), fmt.encode(poses))
        for gram, poses in grouped.items()
    ]
