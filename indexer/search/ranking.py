"""Whoosh's BM25F scores, bit for bit, for a known set of matches, read from posting blocks.

Ranking through ``searcher.search`` walks Whoosh's matcher tree one document at a time in Python
(~5 µs per match: 0.45 s for a term in 88% of 100k sections). The matches are already known
(indexer.search.matching), so each leaf term's weights come from its decoded postings
(indexer.search.postings) and every match is scored at once with numpy, with the same formula,
the same field-length bytes and the same order of float operations as Whoosh's matchers (each
a correctly rounded IEEE operation, as in Python), which keeps scores (and so the order of
ties) identical. An exact Chinese string scores as one term (indexer.search.phrase): its
occurrences are the tf, the sections holding it the df; since counting occurrences reads a
section's whole text, a page of the best matches counts only the sections that could reach it.
An AND or OR of three or more clauses adds its clauses' scores in the order of the matcher Whoosh
builds for it in each segment (Combination), so its scores stay Whoosh's too; a phrase of words
adds its words' term scores as Whoosh's span matcher does. Query shapes whose Whoosh scores
depend on more than that (prefixes) return None and are ranked by Whoosh as before.
"""

from __future__ import annotations

import bisect
import threading
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.search.phrase import CjkPhrase, phrase_idf, phrase_matches
from indexer.search.postings import positions_of, term_postings
from indexer.search.wordphrase import is_word_phrase, word_phrase_docs
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
        self._arrays: dict[str, np.ndarray] = {}
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

    def array_of(self, searcher: Any, fieldname: str) -> np.ndarray:
        """Every document's length byte for the field as an array (the field must have them)."""
        with self._lock:
            found = self._arrays.get(fieldname)
        if found is None:
            raw = self.bytes_of(searcher, fieldname)
            assert raw is not None  # checked before ranking (_supported)
            found = np.frombuffer(raw, dtype=np.uint8)
            with self._lock:
                self._arrays[fieldname] = found
        return found

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
    searcher: Any, lengths: FieldLengths, memo: MatchMemo | None, q: wq.Query, docs: Any
) -> Scores | None:
    """Whoosh's score of every document in ``docs`` (all matching q), or None if unsupported.

    Every occurrence of an exact string is counted: the reference the bounded :func:`top_ranked`
    is tested against, and what paging past the first pages uses.
    """
    plan = _plan(searcher, lengths, memo, q)
    if plan is None:
        return None
    if isinstance(docs, np.ndarray):  # a match set: ascending already
        ordered = docs.astype(np.int64, copy=False)
    else:
        ordered = np.array(sorted(docs), dtype=np.int64)
    scores = _Scoring(searcher, plan, ordered).exact(np.arange(len(ordered)))
    return dict(zip(ordered.tolist(), scores.tolist(), strict=True))


def top_ranked(
    searcher: Any,
    lengths: FieldLengths,
    memo: MatchMemo | None,
    q: wq.Query,
    docs: np.ndarray,
    k: int,
) -> list[tuple[int, float]] | None:
    """The k best of ``docs`` (ascending, all matching q) by Whoosh's score, ties by ascending
    docnum as Whoosh orders them, with their scores; None if the query shape is unsupported.

    Terms score exactly from their postings. An exact string's occurrences are known only
    within bounds until counted, so documents are taken in order of their best possible
    score and counted until no remaining one can reach the k-th best score found.
    """
    plan = _plan(searcher, lengths, memo, q)
    if plan is None:
        return None
    scoring = _Scoring(searcher, plan, docs)
    if not scoring.bounded:
        return _best(docs, scoring.exact(np.arange(len(docs))), np.arange(len(docs)), k)
    high = scoring.upper()
    order = np.lexsort((docs, -high))  # best possible score first, then docnum
    exact = np.empty(0)
    done = 0
    batch = max(2 * k, 64)
    while done < len(order):
        check()
        part = order[done : done + batch]
        exact = np.concatenate((exact, scoring.exact(part)))
        done += len(part)
        if done >= k and done < len(order):
            kth = np.partition(exact, len(exact) - k)[len(exact) - k]
            if high[order[done]] < kth:
                break  # nothing further can reach the k best (a tie would: keep going)
        batch *= 2
    return _best(docs, exact, order[:done], k)


def _best(docs: np.ndarray, scores: np.ndarray, at: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (docnum, score) among docs[at] with the given scores, by (-score, docnum)."""
    if k < len(scores):
        # Only scores at least the k-th best can be among the k best (ties included).
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        scores, at = scores[keep], at[keep]
    chosen = np.lexsort((docs[at], -scores))[:k]
    return list(zip(docs[at][chosen].tolist(), scores[chosen].tolist(), strict=True))


# A query's scoring plan: ("term", field, text, boost) and ("phrase", CjkPhrase) leaves (a
# phrase of words, ("wordphrase", Phrase, its words' terms' "sum"), is that sum where it matches),
# ("sum", boost, children) for an AND or OR of two clauses (the scores add; a clause that does
# not match adds 0.0, which leaves a float as it is, as Whoosh's union returns the one score),
# and ("combine", children, query) for an AND or OR of three or more (see Combination).
Plan = tuple


def _plan(searcher: Any, lengths: FieldLengths, memo: MatchMemo | None, q: wq.Query) -> Any:
    weighting = searcher.weighting
    if (
        type(weighting) is not BM25F
        or has_field_b(weighting)
        or not _supported(searcher, lengths, q)
    ):
        return None
    return _Context(searcher, lengths, memo, weighting), _shape(q)


def _shape(q: wq.Query) -> Plan:
    if type(q) is wq.Term:
        return ("term", q.fieldname, q.text, q.boost)
    if isinstance(q, CjkPhrase):
        return ("phrase", q)
    if type(q) is wq.Phrase:
        return ("wordphrase", q, _word_phrase_sum(q))
    subs = [_shape(s) for s in q.subqueries]
    if len(subs) == 1:  # Whoosh ignores a one-clause compound's own boost
        return subs[0]
    if len(subs) > 2:
        return ("combine", subs, q)
    return ("sum", q.boost, subs)


def _word_phrase_sum(q: wq.Phrase) -> Plan:
    """Where a phrase of words matches, it scores as its words' terms do, each with its own
    frequency, added as Whoosh's SpanNear2 intersects their matchers
    (whoosh.util.make_binary_tree: halves, the first half the smaller), the phrase's boost
    multiplying the sum."""
    tree = _halves([("term", q.fieldname, word, 1.0) for word in q.words])
    return ("sum", q.boost, tree[2])


def _halves(leaves: list[Plan]) -> Plan:
    if len(leaves) == 1:
        return leaves[0]
    half = len(leaves) // 2
    return ("sum", 1.0, [_halves(leaves[:half]), _halves(leaves[half:])])


def _supported(searcher: Any, lengths: FieldLengths, q: wq.Query) -> bool:
    if is_word_phrase(searcher, q):
        return _supported_field(searcher, lengths, q.fieldname)
    if isinstance(q, CjkPhrase) or type(q) is wq.Term:
        return _supported_field(searcher, lengths, q.fieldname)
    if type(q) in (wq.And, wq.Or):
        # Two clauses add in either order to the same float; three or more as Whoosh's matcher
        # tree groups them (Combination). An OR with a scale or a minimum scores otherwise.
        plain = type(q) is wq.And or (not q.scale and not q.minmatch)
        return plain and all(_supported(searcher, lengths, s) for s in q.subqueries)
    return False


def _supported_field(searcher: Any, lengths: FieldLengths, fieldname: str) -> bool:
    return (
        fieldname in searcher.schema
        and searcher.schema[fieldname].scorable
        and lengths.bytes_of(searcher, fieldname) is not None
    )


class _Context:
    def __init__(self, searcher: Any, lengths: FieldLengths, memo: Any, weighting: Any) -> None:
        self.searcher = searcher
        self.lengths = lengths
        self.memo = memo
        self.B = weighting.B
        self.K1 = weighting.K1


class _Leaf:
    """One term or exact string over the documents being scored: its BM25F constants and the
    term frequency of each document (0 where it does not match)."""

    def __init__(self, context: _Context, plan: Plan, docs: np.ndarray) -> None:
        searcher = context.searcher
        self.matches = None
        if plan[0] == "term":
            _, fieldname, text, self.boost = plan
            self.idf = searcher.idf(fieldname, text)
            postings = term_postings(searcher, fieldname, text, context.memo)
            found, weights = postings.arrays(searcher, docs)
            self.tf = np.zeros(len(docs))
            self.tf[positions_of(found, docs)[1]] = weights
        else:
            q = plan[1]
            fieldname, self.boost = q.fieldname, q.boost
            self.matches = phrase_matches(searcher, q, context.memo)
            self.idf = phrase_idf(searcher, len(self.matches.docs))
            self.at, held = positions_of(self.matches.docs, docs)
            self.tf = held.astype(np.float64)  # at least 1 where held, until counted
            self.high = np.zeros(len(docs))
            self.high[held] = self.matches.upper[self.at[held]]
            self.held = held
        avgfl = searcher.avg_field_length(fieldname) or 1
        self.norms = np.array(context.lengths.norms(context.B, context.K1, avgfl))
        self.length_bytes = context.lengths.array_of(searcher, fieldname)[docs]
        self.k1_plus_1 = context.K1 + 1

    def scores(self, at: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Whoosh's bm25() for the documents at the given places, with the given frequencies:
        idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), then the boost."""
        found = self.idf * ((tf * self.k1_plus_1) / (tf + self.norms[self.length_bytes[at]]))
        return found if self.boost == 1.0 else found * self.boost

    def counted(self, searcher: Any, at: np.ndarray) -> np.ndarray:
        """The exact frequencies at the given places (an exact string's occurrences counted)."""
        if self.matches is None:
            return self.tf[at]
        tf = np.zeros(len(at))
        held = self.held[at]
        tf[held] = self.matches.counts(searcher, self.at[at][held])
        return tf


class Combination:
    """How Whoosh adds the scores of an AND or OR of three or more clauses, segment by segment.

    Whoosh searches each segment with its own matcher tree. For an AND, and for an OR in a
    segment of more than 5,000 documents, it builds a Huffman-like tree of two-clause matchers
    (whoosh.util.make_weighted_tree): the clauses sorted by their estimated size in that segment
    (an AND's largest first, an OR's smallest first), then the first two joined and the join put
    back after every entry of no greater weight, until one is left. Matchers compare as equal,
    so ties keep their order. A join scores the sum of its sides (an OR's side that does not
    match adds nothing, as our 0.0 does), and the compound's boost multiplies the total. An OR
    in a smaller segment, or of 1,024 clauses or more, is Whoosh's PreloadedOr instead: each
    clause's score times the boost, added in the clauses' order.
    """

    def __init__(self, q: wq.Query, leaf_searchers: list[tuple[Any, int]]) -> None:
        self._q = q
        self._leaf_searchers = leaf_searchers
        self._plans: dict[int, tuple[str, Any]] = {}

    def added(self, segment: int, parts: list[np.ndarray]) -> np.ndarray:
        """The compound's scores in one segment from its clauses' scores there."""
        way, tree = self._plan(segment)
        boost = self._q.boost
        if way == "preloaded":
            found = np.zeros(len(parts[0]))
            for part in parts:
                found = found + part * boost
            return found
        found = _added(tree, parts)
        return found if boost == 1.0 else found * boost

    def _plan(self, segment: int) -> tuple[str, Any]:
        found = self._plans.get(segment)
        if found is None:
            reader = self._leaf_searchers[segment][0].reader()
            sizes = [clause.estimate_size(reader) for clause in self._q.subqueries]
            if type(self._q) is wq.And:
                found = ("tree", weighted_tree([-size for size in sizes]))
            elif len(sizes) < wq.Or.TOO_MANY_CLAUSES and reader.doc_count_all() > 5000:
                found = ("tree", weighted_tree(sizes))
            else:
                found = ("preloaded", None)
            self._plans[segment] = found
        return found


def weighted_tree(weights: list[int]) -> Any:
    """The pairing whoosh.util.make_weighted_tree makes of items with these weights (indexes
    into ``weights``): the two lightest joined first, a join placed after its equals."""
    entries = sorted(((w, i) for i, w in enumerate(weights)), key=lambda entry: entry[0])
    while len(entries) > 1:
        (wa, a), (wb, b) = entries[0], entries[1]
        del entries[:2]
        joined = wa + wb
        entries.insert(bisect.bisect_right([w for w, _ in entries], joined), (joined, (a, b)))
    return entries[0][1]


def _added(tree: Any, parts: list[np.ndarray]) -> np.ndarray:
    if isinstance(tree, int):
        return parts[tree]
    return _added(tree[0], parts) + _added(tree[1], parts)


class _Scoring:
    """A plan's scores over an ascending array of documents, exact or bounded from above."""

    def __init__(self, searcher: Any, plan: Any, docs: np.ndarray) -> None:
        context, shape = plan
        self.searcher = searcher
        self._leaf_searchers = searcher.leaf_searchers()
        offsets = np.array([offset for _, offset in self._leaf_searchers], dtype=np.int64)
        self.segments = np.searchsorted(offsets, docs, side="right") - 1
        self.leaves: list[_Leaf] = []
        self.tree = self._build(context, shape, docs)
        self.bounded = any(leaf.matches is not None for leaf in self.leaves)

    def _build(self, context: _Context, shape: Plan, docs: np.ndarray) -> Any:
        if shape[0] == "sum":
            return ("sum", shape[1], [self._build(context, s, docs) for s in shape[2]])
        if shape[0] == "combine":
            children = [self._build(context, s, docs) for s in shape[1]]
            return ("combine", children, Combination(shape[2], self._leaf_searchers))
        if shape[0] == "wordphrase":
            return (
                "masked",
                self._phrase_held(context, shape[1], docs),
                self._build(context, shape[2], docs),
            )
        self.leaves.append(_Leaf(context, shape, docs))
        return len(self.leaves) - 1

    def _phrase_held(self, context: _Context, q: wq.Phrase, docs: np.ndarray) -> np.ndarray:
        """Which documents the phrase matches: elsewhere (an OR's other clause, or a document
        scored without matching, indexer.search.balance) its words may occur apart."""
        matched = word_phrase_docs(self.searcher, q, context.memo, within=docs)
        return positions_of(matched, docs)[1]

    def exact(self, at: np.ndarray) -> np.ndarray:
        """Exact scores of the documents at the given places."""
        tfs = [leaf.counted(self.searcher, at) for leaf in self.leaves]
        return self._evaluate(self.tree, at, tfs)

    def upper(self) -> np.ndarray:
        """The best score each document could have (an exact string's occurrences at their
        upper bound); rounding is monotonic, so no exact score exceeds it."""
        tfs = [leaf.high if leaf.matches is not None else leaf.tf for leaf in self.leaves]
        return self._evaluate(self.tree, slice(None), tfs)

    def _evaluate(self, node: Any, at: Any, tfs: list[np.ndarray]) -> np.ndarray:
        if isinstance(node, int):
            leaf = self.leaves[node]
            index = np.arange(len(leaf.tf))[at] if isinstance(at, slice) else at
            return leaf.scores(index, tfs[node])
        if node[0] == "combine":
            return self._combined(node, at, tfs)
        if node[0] == "masked":
            _, held, child = node
            return np.where(held[at], self._evaluate(child, at, tfs), 0.0)
        _, boost, (a, b) = node
        found = self._evaluate(a, at, tfs) + self._evaluate(b, at, tfs)
        return found if boost == 1.0 else found * boost

    def _combined(self, node: Any, at: Any, tfs: list[np.ndarray]) -> np.ndarray:
        _, children, combination = node
        parts = [self._evaluate(child, at, tfs) for child in children]
        segments = self.segments[at]
        found = np.empty(len(segments))
        for segment in np.unique(segments).tolist():
            here = segments == segment
            found[here] = combination.added(segment, [part[here] for part in parts])
        return found


class VersionState:
    """What one index version's searches share: decoded field lengths and recent match sets."""

    def __init__(self) -> None:
        self.lengths = FieldLengths()
        self.memo = MatchMemo()
