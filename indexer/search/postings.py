"""The low-level reads every match and score is made of: a term's posting blocks, and the
Chinese text of a section in a bigram field's column.

Whoosh walks a query's matcher tree one document at a time in Python (~2-8 µs per matching
document measured at 100k sections). Here a term's postings are read a block at a time
(indexer.whoosh_internals) and kept whole, so matching (indexer.search.matching), exact-string
verification (indexer.search.phrase) and ranking (indexer.search.ranking) decode each block
once per query and index version.
"""

from __future__ import annotations

import mmap
import os
import threading
import weakref
from collections.abc import Sequence
from typing import Any

from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.whoosh_internals import iter_blocks, live_matcher, varbytes_column_file

# One block of a term's postings: (docnum offset, docnums, weights, values), as Whoosh stores it.
Block = tuple[int, Sequence[int], Sequence[float], Sequence[Any]]


class Postings(list):
    """A term's decoded blocks, its number of postings and the deleted docnums (global)."""

    def __init__(self, blocks: list[Block], deleted: frozenset[int]) -> None:
        super().__init__(blocks)
        self.postings = sum(len(ids) for _, ids, _, _ in blocks)
        self.deleted = deleted

    def memo_size(self) -> int:
        return self.postings + 1


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


def term_docs(searcher: Any, fieldname: str, text: str, memo: MatchMemo | None = None) -> set[int]:
    """The live documents holding a term."""
    postings = term_postings(searcher, fieldname, text, memo)
    found: set[int] = set()
    for offset, ids, _, _ in postings:
        found.update(ids if not offset else [i + offset for i in ids])
    return found - postings.deleted if postings.deleted else found


def _read_postings(searcher: Any, fieldname: str, text: str) -> Postings:
    btext = searcher.schema[fieldname].to_bytes(text)
    blocks: list[Block] = []
    deleted: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, btext) not in reader:
            continue
        matcher, gone = live_matcher(reader, reader.postings(fieldname, btext))
        for ids, weights, values in iter_blocks(matcher):
            check()
            blocks.append((offset, ids, weights, values))
        deleted.update(d + offset for d in gone)
    return Postings(blocks, frozenset(deleted))


class ColumnText:
    """One segment's column of a bigram field (a section's Chinese runs as UTF-8, one per
    line: indexer.index.schema), read through Whoosh's column reader."""

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
    """A VarBytesColumn file memory-mapped once, searched in place with ``mmap.find`` at C
    speed (no copy, no unpickling). Document values sit back to back from ``base``."""

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
    try:
        path, base, offsets, lengths = varbytes_column_file(reader, fieldname, column)
    except LookupError:
        return None
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return MappedColumnText(mapped, base, offsets, lengths)
