"""The low-level reads every match and score is made of: a term's posting blocks, and the
Chinese text of a section in a bigram field's column.

Whoosh walks a query's matcher tree one document at a time in Python (~2-8 µs per matching
document measured at 100k sections). Here a term's postings are numpy arrays of live documents
and weights, decoded a block at a time (indexer.whoosh_internals) and only the blocks asked for:
a block's header says which documents it may hold, so intersecting a common term with a rare
one decodes only the common term's blocks that overlap the rare one's documents. Kept in the
index version's memo, the decoded blocks serve matching (indexer.search.matching), exact-string
verification (indexer.search.phrase) and ranking (indexer.search.ranking) alike.
"""

from __future__ import annotations

import mmap
import os
import threading
import weakref
from array import array
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import stringzilla
from whoosh.reading import TermNotFound

from indexer.index.schema import SKETCH_OF
from indexer.index.sketch import sketches_may_hold
from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.whoosh_internals import (
    BlockRef,
    live_matcher,
    posting_blocks,
    read_block,
    read_block_values,
    varbytes_column_file,
    varbytes_values,
    walk_postings,
    walk_values,
)

EMPTY_DOCS = np.empty(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float64)


def within_range(docs: np.ndarray, start: int, end: int) -> np.ndarray:
    """The part of an ascending array that lies in [start, end)."""
    return docs[np.searchsorted(docs, start) : np.searchsorted(docs, end)]


def positions_of(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each needle sits in an ascending array: (positions, found mask), both aligned with
    the needles (a position is meaningless where the mask is False)."""
    if len(haystack) == len(needles) and np.array_equal(haystack, needles):
        return np.arange(len(needles)), np.ones(len(needles), dtype=bool)  # a term's own docs
    at = np.searchsorted(haystack, needles)
    found = at < len(haystack)
    found[found] = haystack[at[found]] == needles[found]
    return at, found


def distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (np.unique would sort it again)."""
    if len(ascending) < 2:
        return ascending
    keep = np.empty(len(ascending), dtype=bool)
    keep[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=keep[1:])
    return ascending[keep]


def union(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The distinct docnums of ascending arrays, ascending."""
    if not parts:
        return EMPTY_DOCS
    if len(parts) == 1:
        return parts[0]
    # A stable sort (timsort) merges the already sorted runs in linear time.
    return distinct(np.sort(np.concatenate(parts), kind="stable"))


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The common elements of two ascending arrays of distinct docnums."""
    if len(a) > len(b):
        a, b = b, a
    return a[positions_of(b, a)[1]] if len(a) else EMPTY_DOCS


class _SegmentPostings:
    """A term's blocks in one segment: found from their headers, decoded when first needed."""

    def __init__(
        self, number: int, offset: int, refs: list[BlockRef], deleted: frozenset[int]
    ) -> None:
        self.number = number  # the segment's place among the searcher's leaf readers
        self.offset = offset
        self.refs = refs
        self.lasts = np.fromiter((ref.last for ref in refs), np.int64, len(refs))
        self.deleted = np.array(sorted(deleted), dtype=np.int64) if deleted else None
        self.blocks: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(refs)

    def blocks_for(self, local: np.ndarray | None) -> np.ndarray:
        """The numbers of the blocks that may hold the given (ascending) local docnums, all of
        them when None."""
        if local is None:
            return np.arange(len(self.refs))
        found = np.searchsorted(self.lasts, local)
        return distinct(found[found < len(self.refs)])

    def decode(self, reader: Any, numbers: Sequence[int]) -> None:
        """Decode the given blocks (not yet decoded) as global docnums of live documents."""
        id_parts, weight_parts, counts = [], [], []
        for number in numbers:
            check()  # a broad term's blocks are what grows with the index
            ref = self.refs[number]
            deltas, stored = read_block(reader, ref)
            id_parts.append(_numbers(deltas, np.int64))
            weight_parts.append(_weights(stored, ref.count))
            counts.append(ref.count)
        ids = np.cumsum(np.concatenate(id_parts))
        # Each block's deltas start from 0: take off the running sum of the blocks before it.
        ends = np.cumsum(counts)
        ids -= np.repeat(np.concatenate(([0], ids[ends[:-1] - 1])), counts)
        weights = np.concatenate(weight_parts)
        for number, part, part_weights in zip(
            numbers, np.split(ids, ends[:-1]), np.split(weights, ends[:-1]), strict=True
        ):
            self.blocks[number] = self._live(part, part_weights)

    def values_for(self, reader: Any, local: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
        """The given (ascending, live, segment-local) docnums that hold the term, and their
        postings' values, read from their blocks (values are not kept: a word phrase needs
        the positions of its candidates once)."""
        found_docs, found_values = [], []
        for number in self.blocks_for(local).tolist():
            check()
            deltas, values = read_block_values(reader, self.refs[number])
            ids = np.cumsum(_numbers(deltas, np.int64))
            asked = np.flatnonzero(positions_of(local, ids)[1])
            found_docs.append(ids[asked])
            found_values.extend(map(values.__getitem__, asked.tolist()))
        return (np.concatenate(found_docs) if found_docs else EMPTY_DOCS), found_values

    def _live(self, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.deleted is not None:
            keep = ~np.isin(ids, self.deleted, assume_unique=True)
            ids, weights = ids[keep], weights[keep]
        return ids + self.offset, weights


def _numbers(stored: Any, dtype: Any) -> np.ndarray:
    """A block's numbers as an array: an array.array is read in place, a tuple item by item."""
    if isinstance(stored, array):
        return np.frombuffer(stored, dtype=stored.typecode).astype(dtype)
    return np.fromiter(stored, dtype, len(stored))


def _weights(stored: Any, count: int) -> np.ndarray:
    """A block's weights as W3LeafMatcher presents them (an all-equal float as float32)."""
    if stored is None:
        return np.ones(count)
    if isinstance(stored, float):
        return np.full(count, np.float32(stored), dtype=np.float64)
    return _numbers(stored, np.float64)


class TermPostings:
    """One term's postings over an index version: live documents (global docnums, ascending)
    and their weights, decoded on demand and kept (thread-safe) for the version's searches.

    ``count`` is the number of postings (deleted ones included): an upper bound of the
    documents, known without decoding anything.
    """

    def __init__(
        self,
        segments: list[_SegmentPostings],
        walked: list[tuple[Any, Any]],
        walked_segments: list[int] | None = None,
    ) -> None:
        self._segments = segments
        self._walked = walked  # (docs, weights) of postings that are not W3 blocks
        self._walked_segments = walked_segments or []  # their segments' places, in that order
        self.count = sum(len(d) for d, _ in walked) + sum(
            ref.count for seg in segments for ref in seg.refs
        )
        self._lock = threading.Lock()
        self._all: tuple[np.ndarray, np.ndarray] | None = None

    def memo_size(self) -> int:
        return self.count + 1

    def arrays(
        self, searcher: Any, within: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Documents and weights, only those among ``within`` (ascending docnums) if given."""
        if within is not None and (self._all is not None or len(within) * 4 >= self.count):
            # Most blocks would be decoded anyway: take them all, once, and keep the ones asked.
            docs, weights = self.arrays(searcher)
            _, keep = positions_of(within, docs)
            return docs[keep], weights[keep]
        if within is None and self._all is not None:
            return self._all
        docs, weights = [], []
        leaves = None
        for seg in self._segments:
            local = None
            if within is not None:
                end = seg.offset + (int(seg.lasts[-1]) + 1 if len(seg.lasts) else 0)
                local = within_range(within, seg.offset, end) - seg.offset
                if not len(local):
                    continue
            numbers = seg.blocks_for(local)
            with self._lock:
                missing = [int(n) for n in numbers if seg.blocks[n] is None]
                if missing:
                    leaves = leaves or searcher.leaf_searchers()
                    seg.decode(leaves[seg.number][0].reader(), missing)
                parts = [seg.blocks[n] for n in numbers]
            docs.extend(p[0] for p in parts)  # type: ignore[index]
            weights.extend(p[1] for p in parts)  # type: ignore[index]
        for walked_docs, walked_weights in self._walked:
            docs.append(walked_docs)
            weights.append(walked_weights)
        found_docs = np.concatenate(docs) if docs else EMPTY_DOCS
        found_weights = np.concatenate(weights) if weights else _EMPTY_WEIGHTS
        if self._walked:  # the walked segments may sit anywhere among the others
            order = np.argsort(found_docs, kind="stable")
            found_docs, found_weights = found_docs[order], found_weights[order]
        if within is None:
            self._all = (found_docs, found_weights)
            return self._all
        _, keep = positions_of(within, found_docs)
        return found_docs[keep], found_weights[keep]

    def docs(self, searcher: Any, within: np.ndarray | None = None) -> np.ndarray:
        """The live documents holding the term (among ``within`` if given)."""
        return self.arrays(searcher, within)[0]

    def values(
        self, searcher: Any, fieldname: str, text: str, docs: np.ndarray
    ) -> tuple[np.ndarray, list[bytes]]:
        """The postings' values in the given documents (ascending global docnums, all live):
        the documents holding the term, ascending, and the value of each."""
        found_docs, found_values = [], []
        leaves = searcher.leaf_searchers()
        pieces = [(seg.number, seg) for seg in self._segments]
        pieces += [(number, None) for number in self._walked_segments]
        for number, seg in sorted(pieces, key=lambda piece: piece[0]):
            sub, offset = leaves[number]
            reader = sub.reader()
            local = within_range(docs, offset, offset + reader.doc_count_all()) - offset
            if not len(local):
                continue
            if seg is not None:
                local_docs, values = seg.values_for(reader, local)
            else:
                local_docs, values = _walked_values(reader, fieldname, text, local)
            found_docs.append(local_docs + offset)
            found_values.extend(values)
        return (np.concatenate(found_docs) if found_docs else EMPTY_DOCS), found_values


def doc_frequency(searcher: Any, fieldname: str, text: str) -> int:
    """``searcher.doc_frequency``, kept per reader: Whoosh looks a term up in every segment's
    terms table (a hashed read of the file, ~10-50 µs each), and a query asks for the same
    terms' frequencies several times (its cost, the rarest word or bigram to start from, its
    translations' frequencies)."""
    reader = searcher.reader()
    key = (fieldname, text)
    with _FREQUENCIES_LOCK:
        known = _FREQUENCIES.get(reader)
        found = None if known is None else known.get(key)
    if found is None:
        found = searcher.doc_frequency(fieldname, text)
        with _FREQUENCIES_LOCK:
            known = _FREQUENCIES.setdefault(reader, {})
            if len(known) >= _MAX_FREQUENCIES:
                known.clear()  # a long-lived version asked many distinct terms: start over
            known[key] = found
    return found


# Document frequencies per reader (one index version: they never change), dropped with it.
_FREQUENCIES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], int]] = (
    weakref.WeakKeyDictionary()
)
_FREQUENCIES_LOCK = threading.Lock()
_MAX_FREQUENCIES = 200_000


def term_postings(
    searcher: Any, fieldname: str, text: str, memo: MatchMemo | None = None
) -> TermPostings:
    """A term's postings (block headers read now, blocks decoded when asked for), memoised."""
    if memo is None:
        return _postings(searcher, fieldname, text)
    return memo.get_or_compute(
        ("postings", fieldname, text), lambda: _postings(searcher, fieldname, text)
    )


def term_docs(
    searcher: Any,
    fieldname: str,
    text: str,
    memo: MatchMemo | None = None,
    within: np.ndarray | None = None,
) -> np.ndarray:
    """The live documents holding a term, ascending (among ``within`` if given)."""
    return term_postings(searcher, fieldname, text, memo).docs(searcher, within)


def _walked_values(
    reader: Any, fieldname: str, text: str, local: np.ndarray
) -> tuple[np.ndarray, list[bytes]]:
    """:meth:`TermPostings.values` in a segment whose postings are not W3 blocks."""
    matcher, _ = live_matcher(
        reader, reader.postings(fieldname, reader.schema[fieldname].to_bytes(text))
    )
    ids, values = walk_values(matcher)
    asked = np.flatnonzero(positions_of(local, np.array(ids, dtype=np.int64))[1])
    return np.array(ids, dtype=np.int64)[asked], [values[i] for i in asked.tolist()]


def _postings(searcher: Any, fieldname: str, text: str) -> TermPostings:
    btext = searcher.schema[fieldname].to_bytes(text)
    segments: list[_SegmentPostings] = []
    walked: list[tuple[Any, Any]] = []
    walked_segments: list[int] = []
    for number, (sub, offset) in enumerate(searcher.leaf_searchers()):
        reader = sub.reader()
        check()
        try:  # one look-up in the segment's terms table, not one to ask and one to read
            found = reader.postings(fieldname, btext)
        except TermNotFound:
            continue
        matcher, deleted = live_matcher(reader, found)
        refs = posting_blocks(reader, matcher)
        if refs is not None:
            segments.append(_SegmentPostings(number, offset, refs, deleted))
            continue
        ids, weights = walk_postings(matcher)
        walked_segments.append(number)
        live = [i for i, doc in enumerate(ids) if doc not in deleted]
        walked.append(
            (
                np.array([ids[i] + offset for i in live], dtype=np.int64),
                np.array([weights[i] for i in live], dtype=np.float64),
            )
        )
    return TermPostings(segments, walked, walked_segments)


class ColumnText:
    """One segment's column of a bigram field (a section's Chinese runs as UTF-8, one per
    line: indexer.index.schema), read through Whoosh's column reader."""

    def __init__(self, column: Any) -> None:
        self._column = column

    def holding(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        """Which of the documents (segment-local docnums) hold needle, as a boolean mask."""
        column = self._column
        return np.fromiter((needle in column[doc] for doc in local), bool, len(local))

    def counts(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        """Non-overlapping occurrences of needle in each of the documents."""
        column = self._column
        return np.fromiter((column[doc].count(needle) for doc in local), np.int64, len(local))


class MappedColumnText(ColumnText):
    """A VarBytesColumn file memory-mapped once and searched in place (no copy, no unpickling).
    Document values sit back to back from ``base``.

    The searches use StringZilla's SIMD substring search: proving that a section lacks a string
    reads the whole section, and a string whose bigrams are all common ("农民群众") has thousands
    of such candidates (indexer.search.phrase); measured at 100k sections, 13,612 candidates
    (159 MB) took 131 ms with ``mmap.find`` and 37 ms so. Finding whether a section holds a
    string stops at its first occurrence; counting them all reads the whole section, so it is
    done only for the sections a ranking needs.
    """

    def __init__(self, mapped: mmap.mmap, base: int, offsets: Any, lengths: Any) -> None:
        self._mm = mapped  # kept: the view below reads its pages
        self._text = stringzilla.Str(memoryview(mapped))
        self._starts = np.asarray(offsets, dtype=np.int64) + base
        self._lengths = np.asarray(lengths, dtype=np.int64)

    def _spans(self, local: Sequence[int]) -> tuple[np.ndarray, list[int], list[int]]:
        """Which of the documents the column holds, and their (start, end) in the file."""
        docs = np.asarray(local, dtype=np.int64)
        held = docs < len(self._lengths)
        docs = docs[held]
        starts = self._starts[docs]
        ends = starts + self._lengths[docs]
        return held, starts.tolist(), ends.tolist()

    def holding(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        held, starts, ends = self._spans(local)
        find = self._text.find
        found = np.zeros(len(local), dtype=bool)
        spans = zip(starts, ends, strict=True)
        found[held] = [find(needle, start, end) >= 0 for start, end in spans]
        return found

    def counts(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        held, starts, ends = self._spans(local)
        count = self._text.count  # non-overlapping, as bytes.count counts
        found = np.zeros(len(local), dtype=np.int64)
        found[held] = [count(needle, start, end) for start, end in zip(starts, ends, strict=True)]
        return found


class _NoText(ColumnText):
    """A segment without the column: none of its documents has text in the field."""

    def __init__(self) -> None:
        super().__init__(None)

    def holding(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        return np.zeros(len(local), dtype=bool)

    def counts(self, needle: bytes, local: Sequence[int]) -> np.ndarray:
        return np.zeros(len(local), dtype=np.int64)


# Column texts per segment reader: a reader is one segment as of one index version, and its
# column file never changes, so each is mapped once and dropped with the reader.
_TEXTS: weakref.WeakKeyDictionary[Any, dict[str, ColumnText]] = weakref.WeakKeyDictionary()
_TEXTS_LOCK = threading.Lock()


def column_text(reader: Any, fieldname: str) -> ColumnText:
    """The column text of a bigram field in one segment reader, opened once per reader."""
    return _once_per_reader(_TEXTS, reader, fieldname, _open_column_text)


T = TypeVar("T")


def _once_per_reader(
    opened: weakref.WeakKeyDictionary, reader: Any, fieldname: str, open_: Callable[[Any, str], T]
) -> T:
    """What ``open_`` gives for a field of a segment reader, kept in ``opened`` with the reader."""
    with _TEXTS_LOCK:
        known = opened.get(reader)
        if known is not None and fieldname in known:
            return known[fieldname]
    value = open_(reader, fieldname)
    with _TEXTS_LOCK:
        return opened.setdefault(reader, {}).setdefault(fieldname, value)


def _open_column_text(reader: Any, fieldname: str) -> ColumnText:
    if not reader.has_column(fieldname):
        return _NoText()
    column = reader.column_reader(fieldname, translate=False)
    return _mapped(reader, fieldname, column) or ColumnText(column)


def _mapped(reader: Any, fieldname: str, column: Any) -> MappedColumnText | None:
    """The column file mapped, when it is a plain file of a Whoosh 3 segment (not compound)."""
    found = _mapped_file(reader, fieldname, column)
    return None if found is None else MappedColumnText(*found)


def _mapped_file(
    reader: Any, fieldname: str, column: Any
) -> tuple[mmap.mmap, int, Any, Any] | None:
    """A VarBytesColumn's file mapped (its map, first value byte, offsets, lengths), when it is
    a plain file of a Whoosh 3 segment (not compound)."""
    try:
        path, base, offsets, lengths = varbytes_column_file(reader, fieldname, column)
    except LookupError:
        return None
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return mapped, base, offsets, lengths


class SectionSketches:
    """One segment's trigram sketches of a bigram field's sections (indexer.index.sketch): which
    may hold a string, from a few bits each, before their text is read."""

    def __init__(self, data: Any, starts: Any, lengths: Any) -> None:
        self._data = np.frombuffer(data, dtype=np.uint8)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._lengths = np.asarray(lengths, dtype=np.int64)

    def may_hold(self, run: str, local: Sequence[int]) -> np.ndarray:
        """Which of the documents (segment-local docnums) may hold ``run``, as a boolean mask
        (a document the column does not reach may: its text decides)."""
        docs = np.asarray(local, dtype=np.int64)
        reached = docs < len(self._lengths)
        may = np.ones(len(docs), dtype=bool)
        docs = docs[reached]
        may[reached] = sketches_may_hold(self._data, self._starts[docs], self._lengths[docs], run)
        return may


def column_sketches(reader: Any, fieldname: str) -> SectionSketches | None:
    """The trigram sketches of a bigram field in one segment reader, opened once per reader;
    None where the index keeps none (written before format 6, or a field without them)."""
    sketch_field = SKETCH_OF.get(fieldname)
    if sketch_field is None or not reader.has_column(sketch_field):
        return None
    return _once_per_reader(_SKETCHES, reader, sketch_field, _open_sketches)


def _open_sketches(reader: Any, sketch_field: str) -> SectionSketches | None:
    column = reader.column_reader(sketch_field, translate=False)
    found = _mapped_file(reader, sketch_field, column)
    if found is not None:
        mapped, base, offsets, lengths = found
        return SectionSketches(mapped, np.asarray(offsets, dtype=np.int64) + base, lengths)
    values = varbytes_values(column)  # a compound segment: its values read at once
    if values is None:
        return None
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    return SectionSketches(b"".join(values), np.cumsum(lengths) - lengths, lengths)


# Sketches per segment reader, kept as the column texts are (the map keeps the file's pages).
_SKETCHES: weakref.WeakKeyDictionary[Any, dict[str, SectionSketches | None]] = (
    weakref.WeakKeyDictionary()
)
