"""Matching documents as Python sets: boolean structure in C instead of per-document matchers.

Whoosh walks a query's matcher tree one document at a time in Python (~2-8 µs per matching
document measured at 100k sections); for facet counts and trends only the set of matching
documents is needed, so leaf postings are read a block at a time and combined with set algebra.

An exact Chinese string (CjkPhrase) intersects the sets of its two rarest bigrams (rarity from
term info, no postings decoded), then looks for the string's UTF-8 bytes in each candidate's text
in the field's column (indexer.schema), memory-mapped per segment and searched with mmap.find
at C speed, counting its occurrences for scoring.
"""

from __future__ import annotations

import mmap
import os
import threading
import weakref
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.matching.wrappers import FilterMatcher

from indexer.analysis import run_bigrams
from indexer.cjkphrase import CjkPhrase
from indexer.schema import OLD_BIGRAM_FORMAT
from indexer.types import IndexMissingError


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
    if isinstance(value, PhraseMatches):
        return 2 * len(value.docs) + 1
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


class PhraseMatches:
    """The live documents holding an exact Chinese string, and how often each holds it."""

    __slots__ = ("docs", "frequencies")

    def __init__(self, frequencies: dict[int, int]) -> None:
        self.frequencies = frequencies
        self.docs = set(frequencies)


def phrase_docs(searcher: Any, q: CjkPhrase, memo: MatchMemo | None = None) -> set[int]:
    """The documents holding an exact Chinese string (memoised, with its frequencies)."""
    return phrase_matches(searcher, q, memo).docs


def phrase_matches(searcher: Any, q: CjkPhrase, memo: MatchMemo | None = None) -> PhraseMatches:
    """The documents holding an exact Chinese string and its occurrences in each.

    Memoised by field and string (not boost), so the heading and body clauses of one query,
    and its ranking, share one verification.
    """
    if memo is None:
        return _phrase_docs(searcher, q, None)
    return memo.get_or_compute(
        ("phrase", q.fieldname, q.run), lambda: _phrase_docs(searcher, q, memo)
    )


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


def _phrase_docs(searcher: Any, q: CjkPhrase, memo: MatchMemo | None) -> PhraseMatches:
    fieldname = q.fieldname
    if fieldname not in searcher.schema:
        return PhraseMatches({})
    if searcher.schema[fieldname].column_type is None:
        raise IndexMissingError(OLD_BIGRAM_FORMAT)  # no text to verify against
    # The two rarest bigrams cut the candidates most for the least decoding; the column check
    # makes the result exact whichever are chosen.
    rarity = sorted(
        (searcher.doc_frequency(fieldname, gram), gram)
        for gram in dict.fromkeys(run_bigrams(q.run))
    )
    if not rarity or rarity[0][0] == 0:
        return PhraseMatches({})
    sets = [_term_docs(searcher, fieldname, gram, memo) for _, gram in rarity[:2]]
    candidates = sets[0].intersection(*sets[1:])
    if not candidates:
        return PhraseMatches({})
    return PhraseMatches(_occurrences(searcher, fieldname, q.run.encode("utf-8"), candidates))


def _occurrences(
    searcher: Any, fieldname: str, needle: bytes, candidates: set[int]
) -> dict[int, int]:
    """Candidate (global docnum) → occurrences of needle in its column text, where there are any."""
    ordered = sorted(candidates)
    found: dict[int, int] = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        lo = bisect_left(ordered, offset)
        hi = bisect_left(ordered, offset + reader.doc_count_all(), lo)
        if lo < hi:
            found.update(column_text(reader, fieldname).occurrences(needle, ordered[lo:hi], offset))
    return found


class ColumnText:
    """One segment's column of a bigram field, read through Whoosh's column reader."""

    def __init__(self, column: Any) -> None:
        self._column = column

    def occurrences(self, needle: bytes, docs: Sequence[int], offset: int) -> dict[int, int]:
        """Global docnum → non-overlapping occurrences of needle, for docs holding it."""
        column = self._column
        found = {}
        for doc in docs:
            count = column[doc - offset].count(needle)
            if count:
                found[doc] = count
        return found


class MappedColumnText(ColumnText):
    """A VarBytesColumn file memory-mapped once, searched in place (no copy, no unpickling).

    Document values sit back to back from ``base``; the offsets and lengths are those Whoosh's
    VarBytesColumn.Reader decoded from the file's tail.
    """

    def __init__(self, mapped: mmap.mmap, base: int, offsets: Any, lengths: Any) -> None:
        self._mm = mapped
        self._base = base
        self._offsets = offsets
        self._lengths = lengths

    def occurrences(self, needle: bytes, docs: Sequence[int], offset: int) -> dict[int, int]:
        find = self._mm.find
        base, offsets, lengths = self._base, self._offsets, self._lengths
        size = len(needle)
        count = len(lengths)
        found = {}
        for doc in docs:
            local = doc - offset
            if local >= count or lengths[local] < size:
                continue
            start = base + offsets[local]
            end = start + lengths[local]
            at = find(needle, start, end)
            if at < 0:
                continue
            times = 1
            at = find(needle, at + size, end)
            while at >= 0:
                times += 1
                at = find(needle, at + size, end)
            found[doc] = times
        return found


class _NoText(ColumnText):
    """A segment without the column: none of its documents has text in the field."""

    def __init__(self) -> None:
        super().__init__(None)

    def occurrences(self, needle: bytes, docs: Sequence[int], offset: int) -> dict[int, int]:
        return {}


# Column texts per segment reader: a reader is one segment as of one index version, and its
# column file never changes, so each is mapped once and dropped with the reader.
_TEXTS: weakref.WeakKeyDictionary[Any, dict[str, ColumnText]] = weakref.WeakKeyDictionary()
_TEXTS_LOCK = threading.Lock()


def column_text(reader: Any, fieldname: str) -> ColumnText:
    """The column text of a bigram field in one segment reader, opened once per reader."""
    with _TEXTS_LOCK:
        texts = _TEXTS.get(reader)
        if texts is not None and fieldname in texts:
            return texts[fieldname]
    text = _open_column_text(reader, fieldname)
    with _TEXTS_LOCK:
        return _TEXTS.setdefault(reader, {}).setdefault(fieldname, text)


def _open_column_text(reader: Any, fieldname: str) -> ColumnText:
    if not reader.has_column(fieldname):
        return _NoText()
    column = reader.column_reader(fieldname, translate=False)
    return _mapped(reader, fieldname, column) or ColumnText(column)


def _mapped(reader: Any, fieldname: str, column: Any) -> MappedColumnText | None:
    """The column file mapped, when it is a plain file of a Whoosh 3 segment (not compound)."""
    storage = reader.storage() if hasattr(reader, "storage") else None
    if (
        type(column) is not VarBytesColumn.Reader
        or not isinstance(storage, FileStorage)
        or not isinstance(reader.codec(), W3Codec)
    ):
        return None
    path = os.path.join(storage.folder, W3Codec.column_filename(reader.segment(), fieldname))
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return MappedColumnText(mapped, column._basepos, column._offsets, column._lengths)
