"""Whoosh's BM25F scores, bit for bit, for a known set of matches, read from posting blocks.

Ranking through ``searcher.search`` walks Whoosh's matcher tree one document at a time in Python
(~5 µs per match: 0.45 s for a term in 88% of 100k sections). The matches are already known
(indexer.docsets), so each leaf term's weights are read a block at a time and scored with the
same formula, the same field-length bytes and the same order of additions as Whoosh's matchers,
which keeps scores (and so the order of ties) identical. Query shapes whose Whoosh scores depend
on more than that (prefixes, word phrases, and/or nodes of three or more clauses) return None and
are ranked by Whoosh as before.
"""

from __future__ import annotations

import threading
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer.cjkphrase import CjkPhrase
from indexer.docsets import MatchMemo, leaf_blocks, phrase_docs

# length byte → field length, as Whoosh's doc_field_length decodes it (0: no length → None)
_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]

Scores = dict[int, float]


class FieldLengths:
    """Decoded field lengths by document number, loaded once per field for one index version."""

    def __init__(self) -> None:
        self._fields: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    def of(self, searcher: Any, fieldname: str) -> list[Any]:
        """Every document's length of the field (a list indexed by document number)."""
        with self._lock:
            lengths = self._fields.get(fieldname)
        if lengths is None:
            lengths = []
            for sub, _offset in searcher.leaf_searchers():
                lengths.extend(_segment_lengths(sub.reader(), fieldname))
            with self._lock:
                self._fields[fieldname] = lengths
        return lengths


def _segment_lengths(reader: Any, fieldname: str) -> list[Any]:
    perdoc = getattr(reader, "_perdoc", None)
    count = reader.doc_count_all()
    if isinstance(perdoc, W3PerDocReader):
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        return [None] * count if column is None else [_LENGTHS[b] for b in column]
    return [reader.doc_field_length(doc, fieldname, 1) for doc in range(count)]


def rank_scores(
    searcher: Any, lengths: FieldLengths, memo: MatchMemo | None, q: wq.Query, docs: set[int]
) -> Scores | None:
    """Whoosh's score of every document in ``docs`` (all matching q), or None if unsupported."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F or weighting._field_B or not _supported(searcher, q):
        return None
    return _Ranker(searcher, lengths, memo, docs, weighting).scores(q)


def _supported(searcher: Any, q: wq.Query) -> bool:
    if isinstance(q, CjkPhrase) or type(q) is wq.Term:
        return q.fieldname in searcher.schema and searcher.schema[q.fieldname].scorable
    if type(q) in (wq.And, wq.Or):
        # Two clauses add in either order to the same float; three or more depend on the
        # shape of Whoosh's matcher tree, so leave those to Whoosh.
        return len(q.subqueries) <= 2 and all(_supported(searcher, s) for s in q.subqueries)
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
        """(((s0 + s1) + s2) ...) * boost, as the phrase's chain of intersections adds them."""
        wanted = self.docs & phrase_docs(self.searcher, q, self.memo)
        if not wanted:
            return {}
        total: Scores | None = None
        for gram in q.words:
            scores = self.term_scores(q.fieldname, gram, wanted)
            total = scores if total is None else {d: total[d] + scores[d] for d in total}
        assert total is not None
        return _boosted(total, q.boost)

    def term_scores(self, fieldname: str, text: str, wanted: set[int]) -> Scores:
        """BM25F of one term in the wanted documents that hold it (Whoosh's bm25 expression)."""
        searcher = self.searcher
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = self.lengths.of(searcher, fieldname)
        B, K1 = self.B, self.K1
        scores: Scores = {}
        for offset, ids, block in leaf_blocks(searcher, fieldname, text):
            hits = [i for i, doc in enumerate(ids) if doc + offset in wanted]
            if not hits:
                continue
            for i, tf in zip(hits, _weights(block, searcher, fieldname, text, ids, offset, hits)):
                fl = lengths[ids[i] + offset]
                scores[ids[i] + offset] = idf * (
                    (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))
                )
        return scores


def _weights(
    block: Any, searcher: Any, fieldname: str, text: str, ids: Any, offset: int, hits: list[int]
) -> list[float]:
    """The term's weights at the block's hit positions (as Whoosh's matcher.weight() reads)."""
    if block is None:  # not a block matcher: ask a fresh matcher document by document
        matcher = searcher.postings(fieldname, text)
        weights = []
        for i in hits:
            matcher.skip_to(ids[i] + offset)
            weights.append(matcher.weight())
        return weights
    if block._weights is None:
        block._read_weights()
    return [block._weights[i] for i in hits]


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {doc: score * boost for doc, score in scores.items()}


class VersionState:
    """What one index version's searches share: decoded field lengths and recent match sets."""

    def __init__(self) -> None:
        self.lengths = FieldLengths()
        self.memo = MatchMemo()
