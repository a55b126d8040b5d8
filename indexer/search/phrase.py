"""An exact Chinese string over a bigram field: matched, verified and scored as one term.

The bigram fields keep no positions (indexer.index.schema), so a string of three or more
characters is not a phrase of postings: a section holds it when it holds every bigram of the
string and the string's UTF-8 bytes occur in the section's column text
(indexer.search.postings). The candidates start as the sections holding the rarest bigram
(rarity from term info, no postings decoded). Those whose word field has the string as a word
hold it without reading their text, where the index says every Chinese word term of the
section is a string of its text (the literal column): most sections, for a string that is a
word (进一步, 社会主义). Of the others, those whose trigram sketch lacks one of the string's
trigrams lack it (indexer.index.sketch): for a string whose bigrams are all common (农民群众),
most candidates leave so, unread. The next rarer bigram narrows the rest only while verifying
the candidates it would remove costs more than decoding it, which a first share of them,
verified, tells (a string of common words such as 政府工作报告 stops after two bigrams; one
whose bigrams meet by chance keeps narrowing). Reading a section's text costs ~1-3 µs, a
posting ~0.1 µs.

It scores as one term of its field would: BM25F with tf = the string's non-overlapping
occurrences in the section, the field's length normalisation, and idf as Whoosh computes it for
a term, with df = the number of sections holding the string. Finding that a section holds the
string stops at the first occurrence; counting every occurrence reads the whole section, so
counts are made only where a ranking needs them (indexer.search.ranking): below them lies 1,
above them the fewest occurrences of any bigram checked, which every occurrence holds.
indexer.search.ranking and :meth:`CjkPhrase.matcher` (Whoosh's own path, for query shapes the
ranker leaves to Whoosh) give the same floats.
"""

from __future__ import annotations

import threading
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate
from math import log
from typing import Any

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.scoring import BM25F, BaseScorer, bm25

from indexer.errors import IndexFormatError
from indexer.index.analysis import run_bigrams
from indexer.index.schema import LITERAL_COLUMN, OLD_BIGRAM_FORMAT, WORD_FIELD_OF
from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.search.postings import (
    EMPTY_DOCS,
    column_sketches,
    column_text,
    doc_frequency,
    positions_of,
    term_postings,
)
from indexer.whoosh_internals import byte_column, field_b


class CjkPhrase(wq.Phrase):
    """A string of Chinese characters that must occur as it is (an exact substring).

    ``words`` are its distinct overlapping bigrams, so Whoosh's estimates and term listings see
    the terms every match holds.
    """

    def __init__(self, fieldname: str, run: str, boost: float = 1.0) -> None:
        if len(run) < 2:  # one character is no bigram: a Term query (indexer.search.queries)
            raise ValueError(f"CjkPhrase needs two or more characters, not {run!r}")
        super().__init__(fieldname, list(dict.fromkeys(run_bigrams(run))), slop=1, boost=boost)
        self.run = run

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CjkPhrase) and (self.fieldname, self.run, self.boost) == (
            other.fieldname,
            other.run,
            other.boost,
        )

    def __hash__(self) -> int:
        return hash((self.fieldname, self.run, self.boost))

    def __repr__(self) -> str:
        return f"CjkPhrase({self.fieldname!r}, {self.run!r})"

    def normalize(self) -> CjkPhrase:
        return self

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        """The searcher's documents holding the string, weighted by occurrences, BM25F-scored.

        Whoosh asks once per segment with a sub-searcher; the matches are found once over the
        top-level searcher (its global df is the idf's) and each segment takes its share.
        """
        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        owner = searcher.get_parent()
        matches = phrase_matches(owner, self, _parent_memo(owner))
        offset = _offset_in(owner, searcher)
        if offset is None:  # not one of the parent's segments: match it on its own
            owner, offset = searcher, 0
            matches = phrase_matches(searcher, self)
        first, last = np.searchsorted(matches.docs, [offset, offset + searcher.doc_count_all()])
        if first == last:
            return matching.NullMatcher()
        ids = (matches.docs[first:last] - offset).tolist()
        weights = matches.counts(owner, np.arange(first, last)).astype(np.float64).tolist()
        weighting = getattr(context, "weighting", None) or searcher.weighting
        scores = _bm25_scores(searcher, self.fieldname, weighting, len(matches.docs), ids, weights)
        matcher = matching.ListMatcher(
            ids,
            weights,
            format=searcher.schema[self.fieldname].format,
            scorer=_ListScorer(ids, scores),
        )
        return matcher if self.boost == 1.0 else matching.WrappingMatcher(matcher, self.boost)


class PhraseMatches:
    """The live documents holding an exact Chinese string (ascending), and how often each holds
    it: ``upper`` bounds the occurrences from above (the fewest of any bigram checked); exact
    counts are made on demand by :meth:`counts` and kept."""

    __slots__ = ("_counts", "_lock", "docs", "fieldname", "needle", "upper")

    def __init__(self, fieldname: str, needle: bytes, docs: np.ndarray, upper: np.ndarray) -> None:
        self.fieldname = fieldname
        self.needle = needle
        self.docs = docs
        self.upper = upper
        self._counts = np.full(len(docs), -1, dtype=np.int64)  # -1: not counted yet
        self._lock = threading.Lock()

    def memo_size(self) -> int:
        return 3 * len(self.docs) + 1

    def counts(self, searcher: Any, at: np.ndarray) -> np.ndarray:
        """The exact occurrences in the documents at the given places of ``docs``."""
        with self._lock:
            known = self._counts[at]
        missing = np.unique(at[known < 0])  # ascending, as the column texts are read
        if not len(missing):
            return known
        found = _counted(searcher, self.fieldname, self.needle, self.docs[missing])
        with self._lock:
            self._counts[missing] = found
            return self._counts[at]

    def frequencies(self, searcher: Any) -> dict[int, int]:
        """docnum → occurrences, for every document holding the string (counts them all)."""
        counts = self.counts(searcher, np.arange(len(self.docs)))
        return dict(zip(self.docs.tolist(), counts.tolist(), strict=True))


def phrase_matches(searcher: Any, q: CjkPhrase, memo: MatchMemo | None = None) -> PhraseMatches:
    """The documents holding an exact Chinese string (occurrences counted on demand).

    Memoised by field and string (not boost), so the heading and body clauses of one query,
    and its ranking, share one verification.
    """
    if memo is None:
        return _verified(searcher, q, None)
    return memo.get_or_compute(("phrase", q.fieldname, q.run), lambda: _verified(searcher, q, memo))


# Measured at 100k sections: decoding a posting costs about 0.1 µs, checking a candidate that
# lacks the string (reading its whole text) about 5 µs.
_SCAN_PER_DECODE = 50
# Candidates verified before deciding whether the next bigram is worth decoding.
_FIRST_SHARE = 256


def _verified(searcher: Any, q: CjkPhrase, memo: MatchMemo | None) -> PhraseMatches:
    fieldname = q.fieldname
    needle = q.run.encode("utf-8")
    if fieldname not in searcher.schema:
        return _no_matches(fieldname, needle)
    if searcher.schema[fieldname].column_type is None:
        raise IndexFormatError(OLD_BIGRAM_FORMAT)  # no text to verify against
    rarity = sorted(
        (doc_frequency(searcher, fieldname, gram), gram)
        for gram in dict.fromkeys(run_bigrams(q.run))
    )
    if not rarity or rarity[0][0] == 0:
        return _no_matches(fieldname, needle)
    candidates, upper = term_postings(searcher, fieldname, rarity[0][1], memo).arrays(searcher)
    upper = upper.copy()  # narrowed below; the postings' own weights stay as they are
    holding = _proven(searcher, q, candidates, memo)
    alive = np.ones(len(candidates), dtype=bool)
    todo = np.flatnonzero(~holding)  # places of the candidates to verify, ascending
    alive[todo], sketched = _may_hold(searcher, fieldname, q.run, candidates[todo])
    todo = todo[alive[todo]]
    # Whatever the sketches let through holds every trigram of the string, so every bigram,
    # but for the few they pass by chance: decoding more bigrams would remove next to nothing.
    narrowing = [] if sketched else rarity[1:]
    checked = 0  # todo[:checked] are verified
    for df, gram in narrowing:
        if checked < len(todo):
            share = todo[checked : checked + _FIRST_SHARE]
            holding[share] = _holding(searcher, fieldname, needle, candidates[share])
            checked += len(share)
        lacking = checked - np.count_nonzero(holding[todo[:checked]])
        expected_false = lacking / max(checked, 1) * (len(todo) - checked)
        if expected_false * _SCAN_PER_DECODE < df:
            break  # verifying the rest costs less than decoding this bigram would
        rest = todo[checked:]
        docs, weights = term_postings(searcher, fieldname, gram, memo).arrays(
            searcher, candidates[rest]
        )
        found = positions_of(docs, candidates[rest])[1]
        upper[rest[found]] = np.minimum(upper[rest[found]], weights)
        alive[rest[~found]] = False
        todo = np.concatenate((todo[:checked], rest[found]))
    rest = todo[checked:]
    holding[rest] = _holding(searcher, fieldname, needle, candidates[rest])
    kept = alive & holding
    return PhraseMatches(fieldname, needle, candidates[kept], upper[kept])


def _proven(
    searcher: Any, q: CjkPhrase, candidates: np.ndarray, memo: MatchMemo | None
) -> np.ndarray:
    """Which candidates certainly hold the string without reading their text: those whose
    word field (the same text, in words) has the string as a word, where every Chinese word
    term is a string of the text itself (indexer.index.analysis.words_are_literal)."""
    proven = np.zeros(len(candidates), dtype=bool)
    word_field = WORD_FIELD_OF.get(q.fieldname)
    # A string that NFKC changes is not its own word term (indexer.index.analysis).
    if word_field not in searcher.schema or unicodedata.normalize("NFKC", q.run) != q.run:
        return proven
    words = term_postings(searcher, word_field, q.run, memo)
    if not words.count:
        return proven
    docs = words.docs(searcher, candidates)
    literal = literal_sections(searcher)
    proven[positions_of(docs, candidates)[1]] = True
    proven &= literal[candidates]
    return proven


def literal_sections(searcher: Any) -> np.ndarray:
    """A mask by docnum of the sections whose Chinese word terms are strings of their own
    texts (the index's literal column; none in an index written without it)."""
    reader = searcher.reader()
    with _LITERAL_LOCK:
        found = _LITERAL.get(reader)
    if found is None:
        parts = [byte_column(sub.reader(), LITERAL_COLUMN) for sub, _ in searcher.leaf_searchers()]
        if any(part is None for part in parts):
            found = np.zeros(reader.doc_count_all(), dtype=bool)
        else:
            found = np.frombuffer(b"".join(parts), dtype=np.uint8) > 0  # type: ignore[arg-type]
        with _LITERAL_LOCK:
            _LITERAL[reader] = found
    return found


# The literal mask per top-level reader: one index version, read once, dropped with the reader.
_LITERAL: weakref.WeakKeyDictionary[Any, np.ndarray] = weakref.WeakKeyDictionary()
_LITERAL_LOCK = threading.Lock()


def _no_matches(fieldname: str, needle: bytes) -> PhraseMatches:
    return PhraseMatches(fieldname, needle, EMPTY_DOCS, np.empty(0))


def _by_segment(
    searcher: Any, fieldname: str, docs: np.ndarray
) -> Iterator[tuple[Any, list[int], slice]]:
    """(column text, local docnums, slice of docs) for each segment holding some of the docs."""
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        lo = int(np.searchsorted(docs, offset))
        hi = int(np.searchsorted(docs, offset + reader.doc_count_all()))
        check()
        if lo < hi:
            yield column_text(reader, fieldname), (docs[lo:hi] - offset).tolist(), slice(lo, hi)


def _may_hold(searcher: Any, fieldname: str, run: str, docs: np.ndarray) -> tuple[np.ndarray, bool]:
    """Which of the (ascending, global) documents may hold the string, by their trigram
    sketches, and whether every one was so tested (a string of two characters has no trigram;
    a segment written before the sketches lets all of its documents through)."""
    may = np.ones(len(docs), dtype=bool)
    if len(run) < 3:
        return may, False
    complete = True
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        if lo == hi:
            continue
        sketches = column_sketches(reader, fieldname)
        if sketches is None:
            complete = False
        else:
            may[lo:hi] = sketches.may_hold(run, docs[lo:hi] - offset)
    return may, complete


def _holding(searcher: Any, fieldname: str, needle: bytes, docs: np.ndarray) -> np.ndarray:
    """Which of the (ascending, global) documents hold needle in their column text."""
    found = np.zeros(len(docs), dtype=bool)
    for text, local, part in _by_segment(searcher, fieldname, docs):
        found[part] = text.holding(needle, local)
    return found


def column_occurrences(
    searcher: Any, fieldname: str, needle: bytes, candidates: set[int]
) -> dict[int, int]:
    """Candidate (global docnum) → occurrences of needle in its column text, where there are any."""
    docs = np.array(sorted(candidates), dtype=np.int64)
    counts = _counted(searcher, fieldname, needle, docs)
    held = counts > 0
    return dict(zip(docs[held].tolist(), counts[held].tolist(), strict=True))


def _counted(searcher: Any, fieldname: str, needle: bytes, docs: np.ndarray) -> np.ndarray:
    """Non-overlapping occurrences of needle in each of the (ascending, global) documents."""
    found = np.zeros(len(docs), dtype=np.int64)
    for text, local, part in _by_segment(searcher, fieldname, docs):
        found[part] = text.counts(needle, local)
    return found


def phrase_idf(searcher: Any, df: int) -> float:
    """Whoosh's idf (WeightingModel.idf) for a term held by ``df`` documents of the index."""
    return log(searcher.get_parent().doc_count_all() / (df + 1)) + 1


def _bm25_scores(
    searcher: Any, fieldname: str, weighting: Any, df: int, ids: list[int], tfs: list[float]
) -> list[float]:
    """Each document's score as BM25FScorer computes a term's (other models: the tf)."""
    if not isinstance(weighting, BM25F) or not searcher.schema[fieldname].scorable:
        return list(tfs)
    parent = searcher.get_parent()
    idf = phrase_idf(parent, df)
    avgfl = parent.avg_field_length(fieldname) or 1
    B = field_b(weighting, fieldname)
    K1 = weighting.K1
    length = searcher.doc_field_length
    return [
        bm25(idf, tf, length(doc, fieldname, 1), avgfl, B, K1)
        for doc, tf in zip(ids, tfs, strict=True)
    ]


class _ListScorer(BaseScorer):
    """Precomputed scores of a ListMatcher's documents, with exact block qualities.

    A ListMatcher is one block; the quality from a document on is the best score still ahead
    (a suffix maximum), so Whoosh's top-k pruning skips nothing it should have kept.
    """

    def __init__(self, ids: list[int], scores: list[float]) -> None:
        self._ids = ids
        self._by_doc = dict(zip(ids, scores, strict=True))
        self._best_from = list(accumulate(reversed(scores), max))[::-1]

    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: Any) -> float:
        return self._by_doc[matcher.id()]

    def max_quality(self) -> float:
        return self._best_from[0]

    def block_quality(self, matcher: Any) -> float:
        if not matcher.is_active():
            return 0.0
        return self._best_from[bisect_left(self._ids, matcher.id())]


def _offset_in(parent: Any, searcher: Any) -> int | None:
    """The docnum offset of a segment searcher within its parent (0 for the parent itself)."""
    if searcher is parent:
        return 0
    for sub, offset in parent.leaf_searchers():
        if sub is searcher:
            return offset
    return None


# Whoosh's path has no MatchMemo of the index version; a small one per top-level searcher (a
# fixed view of the index) keeps the matches found for one segment for the next.
_MEMOS: weakref.WeakKeyDictionary[Any, MatchMemo] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def _parent_memo(parent: Any) -> MatchMemo:
    with _MEMOS_LOCK:
        memo = _MEMOS.get(parent)
        if memo is None:
            memo = _MEMOS[parent] = MatchMemo(max_entries=16, max_docs=200_000)
        return memo
