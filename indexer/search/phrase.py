"""An exact Chinese string over a bigram field: matched, verified and scored as one term.

The bigram fields keep no positions (indexer.index.schema), so a string of three or more
characters is not a phrase of postings: a section holds it when its two rarest bigrams both
occur there (rarity from term info, no postings decoded) and the string's UTF-8 bytes occur in
the section's column text (indexer.search.postings), counting its occurrences for scoring.

It scores as one term of its field would: BM25F with tf = the string's occurrences in the
section, the field's length normalisation, and idf as Whoosh computes it for a term, with df =
the number of sections holding the string. indexer.search.ranking and :meth:`CjkPhrase.matcher`
(Whoosh's own path, for query shapes the ranker leaves to Whoosh) give the same floats.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from itertools import accumulate
from math import log
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.scoring import BM25F, BaseScorer, bm25

from indexer.errors import IndexFormatError
from indexer.index.analysis import run_bigrams
from indexer.index.schema import OLD_BIGRAM_FORMAT
from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.search.postings import column_text, term_docs
from indexer.whoosh_internals import field_b


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
        parent = searcher.get_parent()
        matches = phrase_matches(parent, self, _parent_memo(parent))
        offset = _offset_in(parent, searcher)
        if offset is None:  # not one of the parent's segments: match it on its own
            offset, matches = 0, phrase_matches(searcher, self)
        end = offset + searcher.doc_count_all()
        frequencies = matches.frequencies
        ids = sorted(doc - offset for doc in matches.docs if offset <= doc < end)
        if not ids:
            return matching.NullMatcher()
        weights = [float(frequencies[doc + offset]) for doc in ids]
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
    """The live documents holding an exact Chinese string, and how often each holds it."""

    __slots__ = ("docs", "frequencies")

    def __init__(self, frequencies: dict[int, int]) -> None:
        self.frequencies = frequencies
        self.docs = set(frequencies)

    def memo_size(self) -> int:
        return 2 * len(self.docs) + 1


def phrase_matches(searcher: Any, q: CjkPhrase, memo: MatchMemo | None = None) -> PhraseMatches:
    """The documents holding an exact Chinese string and its occurrences in each.

    Memoised by field and string (not boost), so the heading and body clauses of one query,
    and its ranking, share one verification.
    """
    if memo is None:
        return _verified(searcher, q, None)
    return memo.get_or_compute(("phrase", q.fieldname, q.run), lambda: _verified(searcher, q, memo))


def _verified(searcher: Any, q: CjkPhrase, memo: MatchMemo | None) -> PhraseMatches:
    fieldname = q.fieldname
    if fieldname not in searcher.schema:
        return PhraseMatches({})
    if searcher.schema[fieldname].column_type is None:
        raise IndexFormatError(OLD_BIGRAM_FORMAT)  # no text to verify against
    # The two rarest bigrams cut the candidates most for the least decoding; the column check
    # makes the result exact whichever are chosen.
    rarity = sorted(
        (searcher.doc_frequency(fieldname, gram), gram)
        for gram in dict.fromkeys(run_bigrams(q.run))
    )
    if not rarity or rarity[0][0] == 0:
        return PhraseMatches({})
    sets = [term_docs(searcher, fieldname, gram, memo) for _, gram in rarity[:2]]
    candidates = sets[0].intersection(*sets[1:])
    if not candidates:
        return PhraseMatches({})
    return PhraseMatches(column_occurrences(searcher, fieldname, q.run.encode("utf-8"), candidates))


def column_occurrences(
    searcher: Any, fieldname: str, needle: bytes, candidates: set[int]
) -> dict[int, int]:
    """Candidate (global docnum) → occurrences of needle in its column text, where there are any."""
    ordered = sorted(candidates)
    found: dict[int, int] = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        lo = bisect_left(ordered, offset)
        hi = bisect_left(ordered, offset + reader.doc_count_all(), lo)
        check()
        if lo < hi:
            found.update(column_text(reader, fieldname).occurrences(needle, ordered[lo:hi], offset))
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
