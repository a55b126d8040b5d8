"""The index schema: one document per report section plus one report-level record per report."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Existence

from indexer.errors import IndexFormatError
from indexer.index.analysis import (
    CJK_RUN,
    BigramTokenizer,
    WordTokenizer,
    bigram_key_counts,
    bigram_key_ranks,
    bigram_of_key,
)
from indexer.index.spans import PackedCharacters, PackedPositions
from indexer.index.wordpostings import TERM_IDS, word_keys

if TYPE_CHECKING:
    import numpy as np

# An index keeps the schema it was created with: one from before the bigram fields kept their
# text has positions instead, which this code neither writes nor reads.
OLD_BIGRAM_FORMAT = (
    "the index predates exact Chinese matching without positions: rebuild it with "
    "`cppcc-search index --rebuild`"
)
# Keys, counts and values (or None) of one document's postings: AnalysedText.posting_keys.
PostingKeys = tuple["np.ndarray", "np.ndarray", list[bytes] | None]
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
    "figure_labels",
    "body_id",
    "province",
    "city",
    "series",
    "report_id",  # groups a page of results by report
)
NUMERIC_COLUMNS = frozenset({"year", "ordinal"})
# The fields of Chinese bigrams, whose columns hold the section's Chinese text.
BIGRAM_FIELDS = ("title_cjk", "stitle_cjk", "cjk")
# Each bigram field's word field: the same text, analysed into words.
WORD_FIELD_OF = {"title_cjk": "title", "stitle_cjk": "section_title", "cjk": "body"}
# The bigram fields whose sections' trigram sketches (indexer.index.sketch) spare reading their
# text when verifying an exact string: the body's. Titles and headings are short enough to read.
SKETCH_OF = {"cjk": "cjk_trigrams"}
# 1 for a section whose Chinese word terms are all strings of its own texts
# (indexer.index.analysis.words_are_literal), 0 otherwise.
LITERAL_COLUMN = "words_literal"


class AnalysedText(TEXT):
    """A TEXT field that turns a whole text into postings at once (indexer.index.analysis,
    indexer.index.wordpostings) instead of Whoosh's Token object per token: the indexer's hot loop.
    :meth:`posting_keys` is the one analysis; :meth:`index` gives the same postings as term
    bytes for Whoosh's own writer.

    A ``bigrams`` field keeps one posting per (bigram, document) whose weight is the bigram's
    frequency and no positions (Whoosh's Existence format: blocks hold no values); an exact
    string is verified instead against the field's column, the text's Chinese runs as UTF-8
    joined by newlines (indexer.search.phrase). Whoosh's writers fill and merge that column
    like any other, through ``column_type`` and ``to_column_value``.
    """

    def __init__(self, analysis: str, **kwargs: Any) -> None:
        bigrams = analysis == "bigrams"
        analyzer = BigramTokenizer() if bigrams else WordTokenizer()
        super().__init__(
            analyzer=analyzer,
            phrase=not bigrams,
            chars=analysis == "words+chars",
            sortable=VarBytesColumn() if bigrams else False,
            **kwargs,
        )
        boost = self.format.field_boost
        if bigrams:
            self.format = Existence(field_boost=boost)
        elif analysis == "words+chars":
            self.format = PackedCharacters(field_boost=boost)
        else:
            self.format = PackedPositions(field_boost=boost)
        self.analysis = analysis

    def index(self, value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, value) per term, as Whoosh's writer takes them: the same
        analysis as :meth:`posting_keys`, with keys turned into term bytes."""
        keyed = self.posting_keys(value)
        if keyed is None:
            return super().index(value, **kwargs)
        keys, counts, values = keyed
        frequencies = counts.tolist()
        return list(
            zip(
                map(self.key_term, keys.tolist()),
                frequencies,
                map(float, frequencies),
                [b""] * len(frequencies) if values is None else values,
                strict=True,
            )
        )

    @property
    def keys_in_term_order(self) -> bool:
        """Whether :meth:`posting_keys` keys sort as their terms' bytes do (bigrams: yes)."""
        return self.analysis == "bigrams"

    def posting_keys(self, value: Any) -> PostingKeys | None:
        """The postings as integer keys, counts and values (None: no values), or None for
        ``index``: indexer.index.segments' fast path. Bigrams are packed code points; words are
        term numbers of this process (:data:`indexer.index.wordpostings.TERM_IDS`)."""
        if not isinstance(value, str):
            return None
        short = len(value) <= _SHORT_TEXT
        if self.analysis == "bigrams":
            if not isinstance(self.format, Existence):
                raise IndexFormatError(OLD_BIGRAM_FORMAT)
            keys, counts = _short_bigram_keys(value) if short else bigram_key_counts(value)
            return keys, counts, None
        with_chars = self.analysis == "words+chars"
        return _short_word_keys(value, with_chars) if short else word_keys(value, with_chars)

    def term_order_ranks(self, keys: np.ndarray) -> np.ndarray:
        """Smaller numbers that sort as keys of :meth:`posting_keys` in term order do."""
        return bigram_key_ranks(keys) if self.analysis == "bigrams" else keys

    def key_term(self, key: int) -> bytes:
        """The term bytes of a key from :meth:`posting_keys`."""
        if self.analysis == "bigrams":
            return bigram_of_key(key).encode("utf-8")
        return TERM_IDS.terms[key]

    def to_column_value(self, value: Any) -> bytes:
        if self.analysis != "bigrams":
            return super().to_column_value(value)
        return cjk_column_text(value)

    def from_column_value(self, value: bytes) -> Any:
        if self.analysis != "bigrams":
            return super().from_column_value(value)
        return value.decode("utf-8")


# Report titles and headings are short and repeat: a report's title comes with each of its
# sections. Their analysis is kept (read-only) for the next section that has them.
_SHORT_TEXT = 100


@lru_cache(maxsize=4096)
def _short_word_keys(text: str, with_chars: bool) -> PostingKeys:
    keys, counts, values = word_keys(text, with_chars)
    keys.flags.writeable = False
    counts.flags.writeable = False
    return keys, counts, values


@lru_cache(maxsize=4096)
def _short_bigram_keys(text: str) -> tuple[np.ndarray, np.ndarray]:
    keys, counts = bigram_key_counts(text)
    keys.flags.writeable = False
    counts.flags.writeable = False
    return keys, counts


def build_schema() -> Schema:
    """The schema every index generation is written with."""
    return Schema(
        kind=ID(stored=True, sortable=True),
        doc_id=ID(stored=True, unique=True),
        report_id=ID(stored=True, sortable=True),
        title=AnalysedText("words"),
        section_title=AnalysedText("words"),
        body=AnalysedText("words+chars"),
        title_cjk=AnalysedText("bigrams"),
        stitle_cjk=AnalysedText("bigrams"),
        cjk=AnalysedText("bigrams"),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        ordinal=NUMERIC(int, bits=32, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),  # the section's kind code
        part_kind=ID(stored=True, sortable=True),
        committee=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        language=ID(stored=True, sortable=True),
        # The issuing body, the division codes of its province and city, its series.
        body_id=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        series=ID(stored=True, sortable=True),
        versions=STORED,
        title_text=STORED,
        section_title_text=STORED,
        text=STORED,
        url=STORED,
        part=STORED,
        period_year=STORED,
        section_level=STORED,
        meta=STORED,
        content_hash=STORED,
        words_literal=COLUMN(NumericColumn("B", default=0)),
        cjk_trigrams=COLUMN(VarBytesColumn()),
        figures=STORED,  # JSON: the figures the section states (cppcc_search.figures)
        figure_labels=ID(sortable=True),  # their labels, one a line, scanned by /api/figures
    )


def cjk_column_text(value: Any) -> bytes:
    """A bigram field's column value: the text's Chinese runs as UTF-8, one per line.

    Every run is whole, so a string of Chinese characters occurs in the text exactly when its
    UTF-8 bytes occur here (UTF-8 never matches inside a character, and no run holds a newline).
    """
    if isinstance(value, (list, tuple)):
        value = "\n".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return b""
    return "\n".join(CJK_RUN.findall(value)).encode("utf-8")
