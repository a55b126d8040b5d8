"""Did-you-mean: English words from a vocabulary kept beside the index, Chinese from bigrams.

English: the unstemmed words of the indexed text with their counts (indexer.index.vocabulary);
a misspelt word becomes its most frequent neighbour at one edit. Chinese: a string that matches
nothing gets one character replaced by one that the bigram index says can sit between its
neighbours, keeping the variant found most often.
"""

from __future__ import annotations

import string
from typing import Any, Protocol

from whoosh import query as wq

from cppcc_search.cjk import CJK_RUN
from indexer.errors import SearchError
from indexer.index.analysis import run_bigrams
from indexer.search.budget import check
from indexer.search.matching import match_docs
from indexer.search.memo import MatchMemo
from indexer.search.phrase import CjkPhrase
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query

_MAX_CJK_CANDIDATES = 40


def _edits1(word: str) -> set[str]:
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + swaps + replaces + inserts)


def correct_english(word: str, vocabulary: dict[str, int]) -> str | None:
    """The most frequent vocabulary word one edit away (None if the word is known or hopeless)."""
    lowered = word.lower()
    if lowered in vocabulary or not lowered.isalpha() or len(lowered) > 30:
        return None
    candidates = [(vocabulary[w], w) for w in _edits1(lowered) if w in vocabulary]
    return max(candidates)[1] if candidates else None


class SpellingIndex(Protocol):
    """What did-you-mean asks of an engine's index (Whoosh here, Solr in indexer.solr)."""

    vocabulary: dict[str, int]

    def sections_holding(self, run: str) -> int:
        """How many sections' text holds a Chinese string."""

    def bigrams_after(self, char: str) -> list[tuple[str, int]]:
        """The indexed terms of the body's bigram field that start with a character, each with
        its document frequency (lone characters may be among them)."""

    def existing_bigrams(self, grams: set[str]) -> set[str]:
        """Those of the bigrams that the body's bigram field holds."""

    def total_for(self, query: str) -> int:
        """How many sections a query string matches (0 when it cannot be searched)."""


class WhooshSpelling:
    """The spelling index over one Whoosh searcher, its vocabulary and memoised matches."""

    def __init__(
        self, searcher: Any, vocabulary: dict[str, int], memo: MatchMemo | None = None
    ) -> None:
        self.searcher = searcher
        self.vocabulary = vocabulary
        self.memo = memo

    def sections_holding(self, run: str) -> int:
        # By the same (memoised) path as the search itself.
        q = wq.Term("cjk", run) if len(run) == 2 else CjkPhrase("cjk", run)
        return len(match_docs(self.searcher, q, self.memo))

    def bigrams_after(self, char: str) -> list[tuple[str, int]]:
        reader = self.searcher.reader()
        found = []
        for gram in reader.expand_prefix("cjk", char):
            text = gram.decode("utf-8") if isinstance(gram, bytes) else gram
            found.append((text, reader.doc_frequency("cjk", text)))
        return found

    def existing_bigrams(self, grams: set[str]) -> set[str]:
        reader = self.searcher.reader()
        return {gram for gram in grams if ("cjk", gram) in reader}

    def total_for(self, query: str) -> int:
        try:
            compiled = compile_query(parse_query(query))
        except SearchError:
            return 0
        if compiled.query is None:
            return 0
        return len(match_docs(self.searcher, compiled.query, self.memo))


def correct_chinese(index: SpellingIndex, run: str) -> str | None:
    """A one-character variant of a Chinese string that the index contains, if any."""
    if len(run) < 3 or index.sections_holding(run):
        return None
    candidates = sorted(_plausible_variants(index, run), reverse=True)[:_MAX_CJK_CANDIDATES]
    best: tuple[int, str] | None = None
    for _, variant in candidates:
        check()
        found = index.sections_holding(variant)
        if found and (best is None or found > best[0]):
            best = (found, variant)
    return best[1] if best else None


def _plausible_variants(index: SpellingIndex, run: str) -> list[tuple[int, str]]:
    """Variants with one character replaced whose every bigram is in the index, by frequency."""
    proposed = []
    for i in range(1, len(run)):
        for text, frequency in index.bigrams_after(run[i - 1]):
            if len(text) != 2 or text[1] == run[i]:
                continue
            proposed.append((frequency, run[:i] + text[1] + run[i + 1 :]))
    present = index.existing_bigrams({g for _, variant in proposed for g in run_bigrams(variant)})
    return [(f, v) for f, v in proposed if all(g in present for g in run_bigrams(v))]


def suggest_query(index: SpellingIndex, query: str, total: int) -> str | None:
    """A corrected query string, or None when nothing better is found."""
    changed = False
    pieces = []
    for piece in query.split(" "):
        replacement = piece
        if CJK_RUN.fullmatch(piece):
            replacement = correct_chinese(index, piece) or piece
        elif piece.isalpha() and piece.isascii():
            replacement = correct_english(piece, index.vocabulary) or piece
        changed |= replacement != piece
        pieces.append(replacement)
    if not changed:
        return None
    suggestion = " ".join(pieces)
    return suggestion if index.total_for(suggestion) > total else None
