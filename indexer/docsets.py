"""Matching documents as Python sets: boolean structure in C instead of per-document matchers.

Whoosh walks a query's matcher tree one document at a time in Python (~2-8 µs per matching
document measured at 100k sections); for facet counts and trends only the set of matching
documents is needed, so leaf postings are read a block at a time and combined with set algebra.
An exact Chinese string (CjkPhrase) intersects its bigrams' sets, then checks positions only for
those candidates, decoding only the posting blocks that hold one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from indexer.cjkphrase import CjkPhrase, positions_of


class MatchMemo:
    """Recently computed match sets of one index version (LRU, bounded by documents held).

    Keyed by Whoosh query objects (hashable, compared by value); a new index version gets a new
    memo, so an update never serves stale matches.
    """

    def __init__(self, max_entries: int = 64, max_docs: int = 1_000_000) -> None:
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._sizes: dict[Any, int] = {}
        self._held = 0
        self._max_entries = max_entries
        self._max_docs = max_docs
        self._lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The memoised value for key, computing (outside the lock) and storing it if absent."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        self._store(key, value)
        return value

    def clear(self) -> None:
        """Forget every memoised match set."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._held = 0

    def _store(self, key: Any, value: Any) -> None:
        size = _size(value)
        if size > self._max_docs:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._sizes[key] = size
            self._held += size
            while len(self._entries) > self._max_entries or self._held > self._max_docs:
                old, _ = self._entries.popitem(last=False)
                self._held -= self._sizes.pop(old)


def _size(value: Any) -> int:
    """Roughly how many documents a memoised value holds (what bounds the memo's memory)."""
    if isinstance(value, Postings):
        return value.postings + 1
    if isinstance(value, tuple):
        return sum(map(_size, value)) + 1
    if isinstance(value, (list, set, frozenset, dict)):
        return len(value) + 1
    return 1


def query_docs(searcher: Any, q: wq.Query, memo: MatchMemo | None = None) -> list[int]:
    """Every live document matching the query, in ascending order (memoised when given one)."""
    if memo is None:
        return sorted(_docs(searcher, q, None))
    return memo.get_or_compute(("docs", q), lambda: sorted(_docs(searcher, q, memo)))


def phrase_docs(searcher: Any, q: CjkPhrase, memo: MatchMemo | None = None) -> set[int]:
    """The documents holding an exact Chinese string (memoised: positions are costly)."""
    if memo is None:
        return _phrase_docs(searcher, q, None)
    return memo.get_or_compute(("phrase", q), lambda: _phrase_docs(searcher, q, memo))


def _docs(searcher: Any, q: wq.Query, memo: MatchMemo | None) -> set[int]:
    if isinstance(q, CjkPhrase):
        return phrase_docs(searcher, q, memo)  # never mutated by the callers below
    if type(q) is wq.Term:
        return _term_docs(searcher, q.fieldname, q.text, memo)
    if type(q) is wq.Or:
        found: set[int] = set()
        for sub in q.subqueries:
            found |= _docs(searcher, sub, memo)
        return found
    if type(q) is wq.And:
        sets = sorted((_docs(searcher, sub, memo) for sub in q.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if type(q) is wq.AndNot:
        return _docs(searcher, q.a, memo) - _docs(searcher, q.b, memo)
    return set(searcher.docs_for_query(q))


def _leaf_postings(searcher: Any, fieldname: str, text: str) -> list[tuple[Any, int, Any]]:
    """(raw block matcher, docnum offset, deleted docnums) for each segment holding the term."""
    btext = searcher.schema[fieldname].to_bytes(text)
    out = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, btext) not in reader:
            continue
        matcher = reader.postings(fieldname, btext)
        deleted = frozenset()
        if isinstance(matcher, FilterMatcher):
            matcher, deleted = matcher.child, reader.deleted_docs_set
        out.append((matcher, offset, deleted))
    return out


# One block of a term's postings: (docnum offset, docnums, weights, values), as Whoosh stores it.
Block = tuple[int, Sequence[int], Sequence[float], Sequence[Any]]


class Postings(list):
    """A term's decoded blocks, its number of postings and the deleted docnums (global)."""

    def __init__(self, blocks: list[Block], deleted: frozenset[int]) -> None:
        super().__init__(blocks)
        self.postings = sum(len(ids) for _, ids, _, _ in blocks)
        self.deleted = deleted


def term_postings(
    searcher: Any, fieldname: str, text: str, memo: MatchMemo | None = None
) -> Postings:
    """Every decoded block of a term's postings (deleted documents still in them).

    A block is decompressed and unpickled whole, so keeping its weights and values costs no
    more than its docnums; memoised, one call's matching, phrase checks and ranking (and the
    trend that follows) decode each block once.
    """
    if memo is None:
        return _read_postings(searcher, fieldname, text)
    return memo.get_or_compute(
        ("postings", fieldname, text), lambda: _read_postings(searcher, fieldname, text)
    )


def _read_postings(searcher: Any, fieldname: str, text: str) -> Postings:
    blocks: list[Block] = []
    deleted: set[int] = set()
    for matcher, offset, gone in _leaf_postings(searcher, fieldname, text):
        blocks.extend(_decoded_blocks(matcher, offset))
        deleted.update(d + offset for d in gone)
    return Postings(blocks, frozenset(deleted))


def _decoded_blocks(matcher: Any, offset: int) -> Iterator[Block]:
    if not isinstance(matcher, W3LeafMatcher):
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
        if ids:
            yield offset, ids, weights, values
        return
    while matcher.is_active():
        if matcher._ids is None:
            _read_ids(matcher)
        if matcher._weights is None:
            matcher._read_weights()
        if matcher._values is None:
            matcher._read_values()
        yield offset, matcher._ids, matcher._weights, matcher._values
        matcher._next_block()


def _read_ids(block: W3LeafMatcher) -> None:
    """Decode a block's docnums as W3LeafMatcher._read_ids does, with a C-speed running sum."""
    if block._data is None:
        block._read_data()
    ids = block._data[0]
    block._ids = ids if block._byteids else tuple(accumulate(ids))


def _term_docs(searcher: Any, fieldname: str, text: str, memo: MatchMemo | None = None) -> set[int]:
    postings = term_postings(searcher, fieldname, text, memo)
    found: set[int] = set()
    for offset, ids, _, _ in postings:
        found.update(ids if not offset else [i + offset for i in ids])
    return found - postings.deleted if postings.deleted else found


def _gram_values(
    searcher: Any, fieldname: str, gram: str, wanted: set[int], memo: MatchMemo | None
) -> dict[int, bytes]:
    """The posting values (encoded positions) of one bigram in the wanted documents."""
    values: dict[int, bytes] = {}
    for offset, ids, _, block_values in term_postings(searcher, fieldname, gram, memo):
        for i, doc in enumerate(ids):
            if doc + offset in wanted:
                values[doc + offset] = block_values[i]
    return values


def _phrase_docs(searcher: Any, q: CjkPhrase, memo: MatchMemo | None) -> set[int]:
    # Every overlapping bigram must occur, not only the covering ones: the ones across their
    # junctions (会主, 义市 in 社会主义市场经济) are far rarer and cut the candidates whose
    # positions must be decoded (the costly part) without changing the result.
    grams = dict.fromkeys(q.run[i : i + 2] for i in range(len(q.run) - 1))
    sets = sorted((_term_docs(searcher, q.fieldname, gram, memo) for gram in grams), key=len)
    candidates = sets[0].intersection(*sets[1:])
    if not candidates or len(q.words) == 1:
        return candidates
    values = [_gram_values(searcher, q.fieldname, g, candidates, memo) for g in q.words]
    found = set()
    for doc in candidates:
        starts = positions_of(values[0][doc])
        for gram_values, offset in zip(values[1:], q.offsets[1:], strict=True):
            positions = positions_of(gram_values[doc])
            starts = {p for p in starts if p + offset in positions}
            if not starts:
                break
        if starts:
            found.add(doc)
    return found
