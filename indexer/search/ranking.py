"""Whoosh's BM25F scores, bit for bit, for a known set of matches, read from posting blocks.

Ranking through ``searcher.search`` walks Whoosh's matcher tree one document at a time in Python
(~5 µs per match: 0.45 s for a term in 88% of 100k sections). The matches are already known
(indexer.search.matching), so each leaf term's weights are read a block at a time and scored
with the same formula, the same field-length bytes and the same order of additions as Whoosh's
matchers, which keeps scores (and so the order of ties) identical. An exact Chinese string
scores as one term (indexer.search.phrase): its occurrences are the tf, the sections holding it
the df. Query shapes whose Whoosh scores depend on more than that (prefixes, word phrases,
and/or nodes of three or more clauses) return None and are ranked by Whoosh as before.
"""

from __future__ import annotations

import threading
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.search.phrase import CjkPhrase, phrase_idf, phrase_matches
from indexer.search.postings import term_postings
from indexer.whoosh_internals import field_length_bytes, has_field_b

# length byte → field length as Whoosh's scorer sees it. Byte 0 (no length column: the segment
# lacks the field, or its files were merged away under an open searcher) reads as the scorer's
# default length of 1.
_LENGTHS = [1] + [byte_to_length(b) for b in range(1, 256)]

Scores = dict[int, float]


class FieldLengths:
    """Field-length bytes by document number, read once per field for one index version.

    Whoosh stores each document's field length as one byte (a lossy length); scoring uses the
    decoded length, so a 256-entry table per field turns a byte into BM25's length term.
    """

    def __init__(self) -> None:
        self._bytes: dict[str, bytes | None] = {}
        self._norms: dict[tuple, list[Any]] = {}
        self._lock = threading.Lock()

    def norms(self, B: float, K1: float, avgfl: float) -> list[Any]:
        """Per length byte, the length part of BM25's denominator: K1 * ((1 - B) + B * fl / avgfl).

        Whoosh evaluates exactly this before adding the term frequency, so the table gives the
        same floats.
        """
        key = (B, K1, avgfl)
        with self._lock:
            norms = self._norms.get(key)
        if norms is None:
            norms = [K1 * ((1 - B) + B * fl / avgfl) for fl in _LENGTHS]
            with self._lock:
                self._norms[key] = norms
        return norms

    def bytes_of(self, searcher: Any, fieldname: str) -> bytes | None:
        """Every document's length byte for the field, or None when the codec is not Whoosh 3's."""
        with self._lock:
            if fieldname in self._bytes:
                return self._bytes[fieldname]
        parts = [
            field_length_bytes(sub.reader(), fieldname) for sub, _ in searcher.leaf_searchers()
        ]
        found = None if any(p is None for p in parts) else b"".join(parts)  # type: ignore[misc]
        with self._lock:
            self._bytes[fieldname] = found
        return found


def rank_scores(
    searcher: Any, lengths: FieldLengths, memo: MatchMemo | None, q: wq.Query, docs: set[int]
) -> Scores | None:
    """Whoosh's score of every document in ``docs`` (all matching q), or None if unsupported."""
    weighting = searcher.weighting
    if (
        type(weighting) is not BM25F
        or has_field_b(weighting)
        or not _supported(searcher, lengths, q)
    ):
        return None
    return _Ranker(searcher, lengths, memo, docs, weighting).scores(q)


def _supported(searcher: Any, lengths: FieldLengths, q: wq.Query) -> bool:
    if isinstance(q, CjkPhrase) or type(q) is wq.Term:
        return (
            q.fieldname in searcher.schema
            and searcher.schema[q.fieldname].scorable
            and lengths.bytes_of(searcher, q.fieldname) is not None
        )
    if type(q) in (wq.And, wq.Or):
        # Two clauses add in either order to the same float; three or more depend on the
        # shape of Whoosh's matcher tree, so leave those to Whoosh.
        return len(q.subqueries) <= 2 and all(
            _supported(searcher, lengths, s) for s in q.subqueries
        )
    return False


class _Ranker:
    def __init__(
        self, searcher: Any, lengths: FieldLengths, memo: MatchMemo | None, docs: set[int], w: Any
    ) -> None:
        self.searcher = searcher
        self.lengths = lengths
        self.memo = memo
        self.docs = docs
        self.B = w.B
        self.K1 = w.K1

    def scores(self, q: wq.Query) -> Scores:
        if type(q) is wq.Term:
            found = self.term_scores(q.fieldname, q.text, self.docs)
            return _boosted(found, q.boost)
        if isinstance(q, CjkPhrase):
            return self.phrase_scores(q)
        subs = [self.scores(s) for s in q.subqueries]
        if len(subs) == 1:  # Whoosh ignores a one-clause compound's own boost
            return subs[0]
        a, b = subs
        if type(q) is wq.And:
            combined = {d: a[d] + b[d] for d in (a.keys() & b.keys())}
        else:
            combined = dict(a)
            for doc, score in b.items():
                combined[doc] = combined[doc] + score if doc in combined else score
        return _boosted(combined, q.boost)

    def phrase_scores(self, q: CjkPhrase) -> Scores:
        """BM25F of the string as one term: tf its occurrences, df the sections holding it."""
        matches = phrase_matches(self.searcher, q, self.memo)
        wanted = self.docs & matches.docs
        if not wanted:
            return {}
        idf = phrase_idf(self.searcher, len(matches.docs))
        frequencies = matches.frequencies
        k1_plus_1, norms, length_bytes = self._bm25_parts(q.fieldname)
        scores: Scores = {}
        for doc in wanted:
            tf = frequencies[doc]
            scores[doc] = idf * ((tf * k1_plus_1) / (tf + norms[length_bytes[doc]]))
        return _boosted(scores, q.boost)

    def term_scores(self, fieldname: str, text: str, wanted: set[int]) -> Scores:
        """BM25F of one term in the wanted documents that hold it (Whoosh's bm25 expression)."""
        searcher = self.searcher
        idf = searcher.idf(fieldname, text)
        k1_plus_1, norms, length_bytes = self._bm25_parts(fieldname)
        scores: Scores = {}
        for offset, ids, weights, _ in term_postings(searcher, fieldname, text, self.memo):
            check()
            for doc, tf in zip(ids, weights, strict=False):
                doc += offset
                if doc in wanted:
                    # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + ...)))
                    scores[doc] = idf * ((tf * k1_plus_1) / (tf + norms[length_bytes[doc]]))
        return scores

    def _bm25_parts(self, fieldname: str) -> tuple[float, list[Any], bytes]:
        """K1 + 1, the length term per length byte, and every document's length byte."""
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        norms = self.lengths.norms(self.B, self.K1, avgfl)
        length_bytes = self.lengths.bytes_of(self.searcher, fieldname)
        assert length_bytes is not None  # checked by rank_scores
        return self.K1 + 1, norms, length_bytes


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {doc: score * boost for doc, score in scores.items()}


class VersionState:
    """What one index version's searches share: decoded field lengths and recent match sets."""

    def __init__(self) -> None:
        self.lengths = FieldLengths()
        self.memo = MatchMemo()
