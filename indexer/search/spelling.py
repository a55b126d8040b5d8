"""Did-you-mean: English words from a vocabulary kept beside the index, Chinese from bigrams.

English: the unstemmed words of the indexed text with their counts (indexer.index.vocabulary);
a misspelt word becomes its most frequent neighbour at one edit. Chinese: a string that matches
nothing gets one character replaced by one that the bigram index says can sit between its
neighbours, keeping the variant found most often.
"""

from __future__ import annotations

import string
from typing import Any

from whoosh import query as wq

from cppcc_search.cjk import CJK_RUN
from indexer.errors import SearchError
from indexer.index.analysis import run_bigrams
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


def _held_by(searcher: Any, run: str, memo: MatchMemo | None) -> int:
    """How many sections hold a Chinese string, by the same (memoised) path as the search."""
    q = wq.Term("cjk", run) if len(run) == 2 else CjkPhrase("cjk", run)
    return len(match_docs(searcher, q, memo))


def correct_chinese(searcher: Any, run: str, memo: MatchMemo | None = None) -> str | None:
    """A one-character variant of a Chinese string that the index contains, if any."""
    if len(run) < 3 or _held_by(searcher, run, memo):
        return None
    reader = searcher.reader()
    candidates = sorted(_plausible_variants(reader, run), reverse=True)[:_MAX_CJK_CANDIDATES]
    best: tuple[int, str] | None = None
    for _, variant in candidates:
        found = _held_by(searcher, variant, memo)
        if found and (best is None or found > best[0]):
            best = (found, variant)
    return best[1] if best else None


def _plausible_variants(reader: Any, run: str) -> list[tuple[int, str]]:
    """Variants with one character replaced whose every bigram is in the index, by frequency."""
    variants = []
    for i in range(1, len(run)):
        for gram in reader.expand_prefix("cjk", run[i - 1]):
            text = gram.decode("utf-8") if isinstance(gram, bytes) else gram
            if len(text) != 2 or text[1] == run[i]:
                continue
            variant = run[:i] + text[1] + run[i + 1 :]
            grams = run_bigrams(variant)
            if all(("cjk", g) in reader for g in grams):
                variants.append((reader.doc_frequency("cjk", text), variant))
    return variants


def suggest_query(
    searcher: Any,
    vocabulary: dict[str, int],
    query: str,
    total: int,
    memo: MatchMemo | None = None,
) -> str | None:
    """A corrected query string, or None when nothing better is found."""
    changed = False
    pieces = []
    for piece in query.split(" "):
        replacement = piece
        if CJK_RUN.fullmatch(piece):
            replacement = correct_chinese(searcher, piece, memo) or piece
        elif piece.isalpha() and piece.isascii():
            replacement = correct_english(piece, vocabulary) or piece
        changed |= replacement != piece
        pieces.append(replacement)
    if not changed:
        return None
    suggestion = " ".join(pieces)
    return suggestion if _total_for(searcher, suggestion, memo) > total else None


def _total_for(searcher: Any, query: str, memo: MatchMemo | None) -> int:
    try:
        compiled = compile_query(parse_query(query))
    except SearchError:
        return 0
    if compiled.query is None:
        return 0
    return len(match_docs(searcher, compiled.query, memo))
