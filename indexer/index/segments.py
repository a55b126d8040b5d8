"""Write Whoosh segments directly: postings inverted by sorting, blocks encoded a term at a time.

Whoosh's SegmentWriter sends every (term, document) posting through a sorting pool (pickled runs
on disk, a heap merge, then one Python call per posting in the codec's writer); at 100,000
sections that was two thirds of a 25-minute rebuild. Keeping postings in a dict of per-term
lists instead costs a cache miss or three per posting (~1 µs each, measured). Here each
document appends its postings to flat columns (term key, document, weight, value) with
C-level calls; when the segment is finished the columns are sorted by term once (numpy) and
each term's blocks are written from slices.

The files are Whoosh 3 codec files with the postings, statistics, lengths, columns and stored
fields Whoosh's own writer produces for the same documents, byte for byte when asked for its
block layout (tests/test_segments.py), so reading, merging and incremental updates remain
Whoosh's own.

A field may offer a numeric fast path: ``posting_keys(value)`` returning integer keys, their
counts and values (or None to use ``index``), ``key_term(key)`` giving a key's term bytes, and
``keys_in_term_order`` (then optionally ``term_order_ranks(keys)``: smaller numbers in the same
order). The analysed text fields use it: a bigram is a pair of code points packed into one
integer (in term order, so no dictionary at all), a word a term number.
"""

from __future__ import annotations

import os
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import count, repeat
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import TOC, clean_files
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.index.wordpostings import PackedValues
from indexer.whoosh_internals import (
    FAST_DEFLATE,
    WHOOSH_DEFLATE,
    PickledValues,
    PostingRun,
    TermWriter,
    abandon_document,
    compress_stored_fields,
    latest_toc_generation,
    write_postings,
)

WHOOSH_BLOCK = 128  # W3Codec's default blocklimit
# Postings per block here. The reader takes any size (each block records its count); larger
# blocks cut the per-block cost of writing (a pickle, a zlib stream) and of reading whole
# posting lists, which is what the search service does (indexer.search.postings).
BLOCK_POSTINGS = 512
WHOOSH_PROTOCOL = 2  # the pickle protocol of W3PostingsWriter's blocks
# Blocks here are pickled with protocol 4 (indexer.whoosh_internals.write_term_blocks says why).
BLOCK_PROTOCOL = 4
# Memory a posting costs while a segment accumulates: key, document and weight columns; a
# value adds its bytes and offset.
_POSTING_BYTES = 16
_VALUE_BYTES = 8
# Values of a field without a fast path whose postings are remembered (most repeat).
_SEEN_VALUES = 4096


class _FieldPostings:
    """One field's postings in a segment being built, as flat columns in arrival order.

    Keys are the field's own integer keys (its fast path) or numbers this table gives terms.
    """

    def __init__(self, field: Any) -> None:
        self.field = field
        self.has_values = field.format.fixed_value_size() != 0
        self.keyed = callable(getattr(field, "posting_keys", None))
        # Packed bigrams sort as their bytes do; term numbers are ranked by their terms.
        self.keys_in_term_order = self.keyed and getattr(field, "keys_in_term_order", False)
        self.keys = array("Q")
        self.docs = array("I")
        self.weights = array("f")
        # Values (encoded positions) back to back, and where each ends.
        self.values = bytearray()
        self.value_ends = array("Q")
        self.term_ids: defaultdict[bytes, int] = defaultdict(count().__next__)
        self._seen: dict[Any, tuple[tuple, tuple, tuple, int] | None] = {}

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, value: Any, docnum: int) -> tuple[int, int]:
        """Add one document's postings; returns (field length, bytes of memory added)."""
        keyed = self.field.posting_keys(value) if self.keyed else None
        if keyed is not None:
            keys, counts, values = keyed
            self.keys.frombytes(keys.astype(np.uint64).tobytes())
            self.docs.extend(repeat(docnum, len(keys)))
            self.weights.frombytes(counts.astype(np.float32).tobytes())
            added = len(keys) * _POSTING_BYTES
            if self.has_values and values is not None:
                added += self._add_values(values)
            return int(counts.sum()), added
        indexed = self._indexed(value)
        if indexed is None:
            return 0, 0
        keys, weights, values, length = indexed
        self.keys.extend(keys)
        self.docs.extend(repeat(docnum, len(keys)))
        self.weights.extend(weights)
        added = len(keys) * _POSTING_BYTES
        if self.has_values:
            added += self._add_values(values)
        return length, added

    def _indexed(self, value: Any) -> tuple[tuple, tuple, tuple, int] | None:
        """A value's term numbers, weights, values and length by Whoosh's ``index``; the same
        value again (a year, a committee, a kind) is remembered, not analysed again."""
        try:
            return self._seen[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value
            return self._analysed(value)
        found = self._analysed(value)
        if len(self._seen) >= _SEEN_VALUES:
            self._seen.clear()  # unique values (ids) would otherwise fill it
        self._seen[value] = found
        return found

    def _analysed(self, value: Any) -> tuple[tuple, tuple, tuple, int] | None:
        items = self.field.index(value)
        if not isinstance(items, list):
            items = list(items)
        if not items:
            return None
        terms, freqs, weights, values = zip(*items, strict=True)
        keys = tuple(map(self.term_ids.__getitem__, terms))
        return keys, weights, values, sum(freqs)

    def _add_values(self, values: Sequence[bytes]) -> int:
        if not values:
            return 0
        if isinstance(values, PackedValues):  # already back to back
            ends = values.ends.astype(np.uint64) + len(self.values)
            self.value_ends.frombytes(ends.tobytes())
            self.values += values.blob
            return len(values.blob) + _VALUE_BYTES * len(values)
        joined = emptybytes.join(values)
        ends = np.cumsum(np.fromiter(map(len, values), np.uint64, len(values)))
        self.value_ends.frombytes((ends + len(self.values)).tobytes())
        self.values += joined
        return len(joined) + _VALUE_BYTES * len(values)

    def terms_by_id(self) -> list[bytes]:
        """The terms of the generic path, indexed by term id."""
        terms = [b""] * len(self.term_ids)
        for term, term_id in self.term_ids.items():
            terms[term_id] = term
        return terms


class SegmentBuilder:
    """Accumulates documents for one new segment of an index and writes it on ``finish``.

    Documents are dicts of field values, as ``IndexWriter.add_document`` takes them (no
    ``_boost`` or ``_stored_`` keywords: the indexer never uses them).
    """

    def __init__(
        self,
        storage: Any,
        schema: Any,
        indexname: str = "MAIN",
        whoosh_bytes: bool = False,
    ) -> None:
        self.storage = storage
        # Whoosh's own writer compresses every block with zlib and stores weights as floats; by
        # default small blocks stay uncompressed, the others and the stored fields are
        # compressed by ISA-L (zlib's format), and whole-number weights are stored as integers
        # (two bytes each in a block's pickle instead of nine). The reader takes either.
        self.whoosh_bytes = whoosh_bytes
        self.deflate = WHOOSH_DEFLATE if whoosh_bytes else FAST_DEFLATE
        self.schema = schema
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self._perdoc = self.codec.per_document_writer(storage, self.segment)
        compress_stored_fields(self._perdoc, self.deflate)
        self._postings: dict[str, _FieldPostings] = {}
        # Per field, each document's length as the codec records it (the byte, decoded).
        self._lengths: dict[str, array] = {}
        self.doc_count = 0
        self.memory_bytes = 0

    def add_document(self, fields: dict[str, Any]) -> None:
        """Add one document (analysed here, in this process)."""
        docnum = self.doc_count
        perdoc = self._perdoc
        schema = self.schema
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = self._index_field(fieldname, field, value, docnum) if field.indexed else 0
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(fieldname, column, field.to_column_value(value))
        perdoc.finish_doc()
        self.doc_count += 1

    def _index_field(self, fieldname: str, field: Any, value: Any, docnum: int) -> int:
        table = self._postings.get(fieldname)
        if table is None:
            table = self._postings[fieldname] = _FieldPostings(field)
        length, added = table.add(value, docnum)
        self.memory_bytes += added
        if not field.scorable:
            return 0
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = array("I")
        if len(lengths) < docnum:
            lengths.extend(bytes(docnum - len(lengths)))
        lbyte = length_to_byte(length)
        lengths.append(byte_to_length(lbyte) if lbyte else 0)
        return length

    def cancel(self) -> None:
        """Close the segment's open files; nothing lists the segment, so the next commit's
        clean-up (or the abandoned generation) removes them."""
        abandon_document(self._perdoc)

    def finish(self) -> Any:
        """Write the segment's files and return its Whoosh segment object (None if empty)."""
        self._perdoc.close()
        if not self.doc_count:
            return None
        fieldwriter = TermWriter(self.codec, self.storage, self.segment)
        postfile = fieldwriter.postfile
        for fieldname in sorted(self._postings):
            table = self._postings.pop(fieldname)
            if not len(table):
                continue
            fieldobj = self.schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            lengths = self._lengths.pop(fieldname, array("I"))
            lengths.extend(bytes(self.doc_count - len(lengths)))
            fixedsize = fieldobj.format.fixed_value_size()
            block = WHOOSH_BLOCK if self.whoosh_bytes else BLOCK_POSTINGS
            compress_from = 1 if self.whoosh_bytes else WHOOSH_BLOCK
            protocol = WHOOSH_PROTOCOL if self.whoosh_bytes else BLOCK_PROTOCOL
            # A block's values are a tuple of bytes: its pickle is then cut from the values
            # pickled once per run (PickledValues) rather than built from a bytes object each.
            pickled = protocol >= PickledValues.PROTOCOL and (fixedsize is None or fixedsize < 0)
            lengths_a = np.frombuffer(lengths, dtype=np.uint32)
            for terms, run in _inverted(table, lengths_a, pickled):
                infos = write_postings(
                    postfile, run, fixedsize, block, compress_from, protocol, self.deflate
                )
                fieldwriter.add_terms(terms, infos)
            fieldwriter.finish_field()
        fieldwriter.close()
        self.segment.set_doc_count(self.doc_count)
        return self.segment


# Postings written at a time (whole terms): their values become Python objects only then.
_CHUNK_POSTINGS = 1 << 20


def _inverted(
    table: _FieldPostings, lengths: np.ndarray, pickled: bool = False
) -> Iterator[tuple[list[bytes], PostingRun]]:
    """Runs of whole terms in byte order (about _CHUNK_POSTINGS postings each): the terms and
    their postings, each term's in document order; with ``pickled``, their values as
    PickledValues instead of a bytes object each."""
    ranks, ranked_terms = _byte_order_ranks(table)
    order, sorted_ranks = _stable_order(ranks)
    del ranks
    docs = np.frombuffer(table.docs, dtype=np.uint32)[order]
    weights = np.frombuffer(table.weights, dtype=np.float32)[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_ranks[1:] != sorted_ranks[:-1])))
    if ranked_terms is None:  # the ranks stand for the keys: each term from its first key
        keys = np.frombuffer(table.keys, dtype=np.uint64)[order[starts]]
        terms = [table.field.key_term(key) for key in keys.tolist()]
    else:
        terms = ranked_terms  # every rank has postings: group i is rank i
    del sorted_ranks
    ends = np.append(starts[1:], len(docs))
    value_ends = None
    blob: bytes | np.ndarray = b""
    if table.has_values:
        value_ends = np.frombuffer(table.value_ends, dtype=np.uint64)
        # Pickled values are gathered with numpy from the values as they are; immutable bytes
        # slice straight into new bytes objects (one allocation each).
        blob = np.frombuffer(table.values, dtype=np.uint8) if pickled else bytes(table.values)
        table.values = bytearray()
    group = 0
    while group < len(starts):
        # Whole terms up to about _CHUNK_POSTINGS postings (at least one term).
        first = int(starts[group])
        last_group = max(group, int(np.searchsorted(ends, first + _CHUNK_POSTINGS, "right")) - 1)
        stop = int(ends[last_group])
        chunk_docs = docs[first:stop].astype(np.int64)
        values: list[bytes] | PickledValues | None = None
        if value_ends is not None and pickled:
            values = _pickled_values(blob, value_ends, order[first:stop])
        elif value_ends is not None:
            values = _values_at(blob, value_ends, order[first:stop])
        run = PostingRun(
            docs=chunk_docs,
            weights=weights[first:stop],
            lengths=lengths[chunk_docs],
            values=values,
            starts=starts[group : last_group + 1] - first,
            ends=ends[group : last_group + 1] - first,
        )
        yield terms[group : last_group + 1], run
        group = last_group + 1


_LOW_32 = np.uint64(0xFFFFFFFF)


def _stable_order(ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that sorts the ranks stably (within a term, postings stay in document order,
    as the codec needs them), and the sorted ranks.

    Each rank is packed with its index into one 64-bit key: the keys are distinct, so numpy's
    plain sort (vectorised) orders them as a stable sort would, about four times faster than
    its stable argsort and the gather after it (measured on 5 M postings)."""
    count = len(ranks)
    if count >= 1 << 32 or (count and int(ranks.max()) >= 1 << 32):
        order = np.argsort(ranks, kind="stable")
        return order, ranks[order]
    keys = (ranks.astype(np.uint64) << np.uint64(32)) | np.arange(count, dtype=np.uint64)
    keys.sort()
    return (keys & _LOW_32).astype(np.int64), keys >> np.uint64(32)


def _byte_order_ranks(table: _FieldPostings) -> tuple[np.ndarray, list[bytes] | None]:
    """Each posting's term as a number that sorts as the terms' bytes do, and the terms in
    that order (None: the keys are packed terms, in order already)."""
    keys = np.frombuffer(table.keys, dtype=np.uint64)
    if table.keys_in_term_order:
        # Smaller numbers in the same order, if the field has them: sorting is faster in 32 bits.
        ranked = getattr(table.field, "term_order_ranks", None)
        return (keys if ranked is None else ranked(keys)), None
    if table.keyed:
        distinct, slots = _distinct_slots(keys)
        terms = [table.field.key_term(key) for key in distinct.tolist()]
    else:
        slots = keys
        terms = table.terms_by_id()
    by_bytes = sorted(range(len(terms)), key=terms.__getitem__)
    rank_of_slot = np.empty(len(terms), dtype=np.uint64)
    rank_of_slot[by_bytes] = np.arange(len(terms), dtype=np.uint64)
    return rank_of_slot[slots], [terms[slot] for slot in by_bytes]


def _distinct_slots(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys in order, and each key's place among them.

    Term numbers are dense (numbered in order of first sight), so a table over their range
    replaces a sort and a binary search per posting; sparse keys take np.unique.
    """
    top = int(keys.max()) if len(keys) else 0
    if top > 4 * len(keys) + (1 << 20):
        distinct = np.unique(keys)
        return distinct, np.searchsorted(distinct, keys)
    held = np.zeros(top + 1, dtype=bool)
    held[keys] = True
    slot = np.cumsum(held, dtype=np.int64) - 1
    return np.flatnonzero(held).astype(np.uint64), slot[keys]


# Postings whose values are pickled at a time: bounds the index arrays numpy gathers with.
_PICKLE_POSTINGS = 1 << 17


def _pickled_values(blob: np.ndarray, value_ends: np.ndarray, rows: np.ndarray) -> PickledValues:
    """The values of the postings ``rows`` (in that order) as PickledValues: each as pickle
    writes a bytes object, one after another."""
    parts, ends, done = [], [], 0
    for at in range(0, len(rows), _PICKLE_POSTINGS):
        part, part_ends = _pickled_part(blob, value_ends, rows[at : at + _PICKLE_POSTINGS])
        parts.append(part)
        ends.append(part_ends + done)
        done += len(part)
    joined = b"".join(parts)
    return PickledValues(joined, np.concatenate(ends) if ends else np.empty(0, np.int64))


def _pickled_part(
    blob: np.ndarray, value_ends: np.ndarray, rows: np.ndarray
) -> tuple[bytes, np.ndarray]:
    ends = value_ends[rows].astype(np.int64)
    starts = np.where(rows > 0, value_ends[rows - 1], 0).astype(np.int64)
    sizes = ends - starts
    long = sizes > PickledValues.SHORT_MAX
    heads = np.where(long, PickledValues.LONG_HEAD, PickledValues.SHORT_HEAD)
    out_ends = np.cumsum(heads + sizes)
    out_starts = out_ends - heads - sizes
    out = np.empty(int(out_ends[-1]) if len(rows) else 0, dtype=np.uint8)
    # Each value's opcode and length (one byte, or four little-endian), then its bytes.
    out[out_starts] = np.where(long, PickledValues.BINBYTES, PickledValues.SHORT_BINBYTES)
    out[out_starts[~long] + 1] = sizes[~long]
    for byte in range(4):
        out[out_starts[long] + 1 + byte] = (sizes[long] >> (8 * byte)) & 0xFF
    before = np.cumsum(sizes) - sizes  # value bytes ahead of each value
    offsets = np.arange(int(sizes.sum()), dtype=np.int64)
    out[np.repeat(out_starts + heads - before, sizes) + offsets] = blob[
        np.repeat(starts - before, sizes) + offsets
    ]
    return out.tobytes(), out_ends


def _values_at(blob: bytes, value_ends: np.ndarray, rows: np.ndarray) -> list[bytes]:
    ends = value_ends[rows]
    starts = np.where(rows > 0, value_ends[rows - 1], 0)
    return list(map(blob.__getitem__, map(slice, starts.tolist(), ends.tolist())))


def commit_segments(
    storage: Any, schema: Any, segments: Iterable[Any], indexname: str = "MAIN"
) -> None:
    """Make the given segments the whole index: a new TOC generation lists exactly them."""
    generation = latest_toc_generation(storage, indexname) + 1
    kept = [segment for segment in segments if segment is not None]
    TOC(schema, kept, generation).write(storage, indexname)
    clean_files(storage, indexname, generation, kept)


class PostingsBudget:
    """Ends a segment once it holds ``limit`` bytes of postings (estimated)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def full(self, builder: SegmentBuilder) -> bool:
        return builder.memory_bytes >= self.limit


class ResidentBudget:
    """Ends a segment before writing it would take the process over ``limit`` bytes resident.

    Writing sorts each field's postings by term, which needs about ``WRITE_FACTOR`` times the
    postings' memory on top of what the process holds (measured by bench/bench_build.py), so
    the segment ends when resident memory plus that reaches the limit. Resident memory is read
    from /proc (Linux); elsewhere the postings alone are held to the limit's share.
    """

    WRITE_FACTOR = 1.0
    # Never end a segment smaller than this: memory the allocator keeps after writing one must
    # not turn the next into a stream of tiny segments.
    MIN_POSTINGS = 64 * 2**20
    CHECK_EVERY = 16  # documents

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._added = 0

    def full(self, builder: SegmentBuilder) -> bool:
        self._added += 1
        if builder.memory_bytes < self.MIN_POSTINGS or self._added % self.CHECK_EVERY:
            return False
        held = resident_bytes()
        if held is None:
            return builder.memory_bytes * (1 + self.WRITE_FACTOR) >= self.limit * 0.75
        return held + builder.memory_bytes * self.WRITE_FACTOR >= self.limit


def resident_bytes() -> int | None:
    """This process's resident memory now (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def build_segments(
    storage: Any,
    schema: Any,
    documents: Iterator[dict[str, Any]],
    budget: PostingsBudget | ResidentBudget | int,
    whoosh_bytes: bool = False,
) -> list[Any]:
    """Write documents into as many segments as the memory budget needs (an int: bytes of
    postings per segment); return them in order."""
    if isinstance(budget, int):
        budget = PostingsBudget(budget)
    segments = []
    builder = SegmentBuilder(storage, schema, whoosh_bytes=whoosh_bytes)
    try:
        for doc in documents:
            builder.add_document(doc)
            if budget.full(builder):
                segments.append(builder.finish())
                builder = SegmentBuilder(storage, schema, whoosh_bytes=whoosh_bytes)
        segments.append(builder.finish())
    except BaseException:
        builder.cancel()
        raise
    return [segment for segment in segments if segment is not None]
