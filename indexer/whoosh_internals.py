"""Every use of Whoosh internals, in one place.

The index writes Whoosh 3 segments itself (indexer.index.segments) and the search service reads
posting blocks, length columns and column files directly (indexer.search.postings, .ranking):
both are several times faster than Whoosh's per-posting paths. That relies on attributes and
file layouts Whoosh does not publish. Each one is here, with a comment saying what it relies on,
so that a new Whoosh release is checked in one module: pyproject.toml bounds whoosh-reloaded to
the release tests/indexer/test_whoosh_internals.py (and tests/indexer/index/test_segments.py,
which compares our segments with Whoosh's own byte for byte) were run on.
"""

from __future__ import annotations

import gc
import operator
import struct
import traceback
import warnings
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from hashlib import md5
from pickle import dumps, loads
from typing import Any, NamedTuple

import numpy as np
from isal import isal_zlib
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
)
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.system import emptybytes, pack_int, pack_ushort
from whoosh.util.numeric import _length_byte_cache

# The block compression W3Codec uses by default (zlib level).
COMPRESSION = 3


class Deflate(NamedTuple):
    """A compressor writing zlib's format, ``compress(data, level)``, and its level: what posting
    blocks and stored fields are compressed with. Whoosh's readers inflate either with zlib;
    a block's info records the level, of which they only ask whether it is 0 (so a level of 0,
    which ISA-L takes as its fastest, would read as uncompressed)."""

    compress: Callable[[bytes, int], bytes]
    level: int


# W3Codec's own: its byte layout (tests/indexer/index/test_segments.py compares with Whoosh's).
WHOOSH_DEFLATE = Deflate(zlib.compress, COMPRESSION)
# ISA-L's deflate (python-isal), same format: on a rebuild's posting blocks and stored fields
# 2.5x and 3.9x faster than zlib at level 3, for 1% and 6% more bytes (measured on the corpus).
FAST_DEFLATE = Deflate(isal_zlib.compress, 1)

# -- reading posting blocks --------------------------------------------------------------------


class BlockRef(NamedTuple):
    """One block of a term's postings in a segment, known from its header alone: its last
    docnum (segment-local), where its pickled data lies in the postings file, whether that is
    zlib-compressed, and how many postings it holds."""

    last: int
    start: int
    length: int
    compressed: bool
    count: int


def live_matcher(reader: Any, matcher: Any) -> tuple[Any, frozenset[int]]:
    """A segment's raw posting matcher and its deleted docnums (Whoosh wraps the matcher in a
    FilterMatcher when the segment has deletions; the set comes from the reader)."""
    if isinstance(matcher, FilterMatcher):
        return matcher.child, reader.deleted_docs_set
    return matcher, frozenset()


def posting_blocks(reader: Any, matcher: Any) -> list[BlockRef] | None:
    """Every block of a segment's raw posting matcher, from the block headers only (no block's
    data is read), or None when the postings are not Whoosh 3 blocks in the postings file
    (a term inlined in the terms table, another codec): then :func:`walk_postings`.

    W3LeafMatcher keeps the current block's header in private attributes (``_maxid``,
    ``_dataoffset``, ``_nextoffset``, ``_compression``, ``_blocklength``; ``_byteids`` is set
    only for term vectors) and steps to the next header with ``_next_block``.
    """
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return None
    refs = []
    while matcher.is_active():
        refs.append(
            BlockRef(
                matcher._maxid,
                matcher._dataoffset,
                matcher._nextoffset - matcher._dataoffset,
                bool(matcher._compression),
                matcher._blocklength,
            )
        )
        matcher._next_block()
    return refs


def read_block(reader: Any, ref: BlockRef) -> tuple[Sequence[int], Any]:
    """A block's docnum deltas (the first relative to 0; a tuple, or an array.array as
    indexer.index.segments writes them) and its weights as stored: None when all are 1, one
    float when all are equal (W3LeafMatcher reads it as float32), else one per posting.

    The block's data is the pickled (deltas, weights, values) W3LeafMatcher._read_data reads."""
    ids, weights, _ = _block_data(reader, ref)
    return ids, weights


def read_block_values(reader: Any, ref: BlockRef) -> tuple[Sequence[int], Sequence[bytes]]:
    """A block's docnum deltas (as :func:`read_block`) and its postings' values (a tuple of
    bytes, one per posting: a word field's packed positions, indexer.index.spans)."""
    ids, _, values = _block_data(reader, ref)
    return ids, values


def _block_data(reader: Any, ref: BlockRef) -> tuple[Any, Any, Any]:
    """The block's unpickled (deltas, weights, values), read from the segment reader's postings
    file (its terms reader's private ``_postfile``)."""
    data = reader._terms._postfile.get(ref.start, ref.length)
    if ref.compressed:
        data = zlib.decompress(data)
    return loads(data)


def walk_values(matcher: Any) -> tuple[list[int], list[bytes]]:
    """Docnums and raw values of any posting matcher, one posting at a time (deleted included)."""
    return _walked(matcher, matcher.value)


def walk_postings(matcher: Any) -> tuple[list[int], list[float]]:
    """Docnums and weights of any posting matcher, one posting at a time (deleted included)."""
    return _walked(matcher, matcher.weight)


def _walked(matcher: Any, read: Any) -> tuple[list[int], list[Any]]:
    ids, found = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(read())
        matcher.next()
    return ids, found


# -- column files and length columns ------------------------------------------------------------


def varbytes_column_file(reader: Any, fieldname: str, column: Any) -> tuple[str, int, Any, Any]:
    """Where a segment's VarBytesColumn lives on disk, to be memory-mapped: (path, first byte
    of the values, offsets, lengths), or raise LookupError when it is not such a plain file.

    VarBytesColumn.Reader keeps ``_basepos`` (where the values start) and the ``_offsets`` and
    ``_lengths`` arrays it decoded from the file's tail; the file name is W3Codec's.
    """
    storage = reader.storage() if hasattr(reader, "storage") else None
    if (
        type(column) is not VarBytesColumn.Reader
        or not isinstance(storage, FileStorage)
        or not isinstance(reader.codec(), W3Codec)
    ):
        raise LookupError(fieldname)
    path = f"{storage.folder}/{W3Codec.column_filename(reader.segment(), fieldname)}"
    return path, column._basepos, column._offsets, column._lengths


def varbytes_values(column: Any) -> list[bytes] | None:
    """Every document's value of a VarBytesColumn reader, as iterating it gives them, read from
    its file at once; None for another kind of column. A TranslatingColumnReader (what
    ``column_reader`` returns) gives its untranslated values.

    Iterating reads one value per call through the column's file object; this reads the
    values' bytes in one call and cuts them at the ends of the reader's ``_lengths``, from its
    ``_dbfile`` and ``_basepos``.
    """
    raw = column.raw_column() if hasattr(column, "raw_column") else column
    if type(raw) is not VarBytesColumn.Reader:
        return None
    lengths = np.frombuffer(raw._lengths, dtype=raw._lengths.typecode).astype(np.int64)
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    blob = raw._dbfile.get(raw._basepos, total) if total else b""
    starts = (ends - lengths).tolist()
    return list(map(blob.__getitem__, map(slice, starts, ends.tolist())))


def field_length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """A segment's field-length column as raw bytes, one per document (None: not Whoosh 3's).

    The lengths live in a per-document column named ``_<field>_len`` of W3PerDocReader
    (``reader._perdoc``, cached by its ``_cached_reader``). A segment without the field has no
    column: its documents read as byte 0.
    """
    perdoc = getattr(reader, "_perdoc", None)  # SegmentReader's per-document reader
    if not isinstance(perdoc, W3PerDocReader):
        return None
    column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    return _byte_column(reader, column)


def byte_column(reader: Any, name: str) -> bytes | None:
    """A segment's column of one unsigned byte per document (NumericColumn "B") as raw bytes;
    None when the column is another kind or the codec not Whoosh 3's. A segment where no
    document had a value has no column: its documents read as 0."""
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, W3PerDocReader):
        return None
    if not perdoc.has_column(name):
        return bytes(reader.doc_count_all())
    return _byte_column(reader, perdoc.column_reader(name, reader.schema[name].column_type))


def _byte_column(reader: Any, column: Any) -> bytes | None:
    """A NumericColumn of typecode "B", read straight from its file (its ``_dbfile``,
    ``_basepos`` and ``_count``); documents past its end (or without it) read as 0."""
    count = reader.doc_count_all()
    if column is None:
        return bytes(count)
    if not isinstance(column, NumericColumn.Reader) or column._typecode != "B":
        return None
    stored = column._dbfile.get(column._basepos, column._count)[:count]
    return stored + bytes(count - len(stored))


def pin_segment_files(reader: Any) -> None:
    """Open now every per-document file a search may read later, in each segment of a reader.

    W3PerDocReader opens its column files (stored fields ``_stored``, field lengths
    ``_<field>_len``, sortable columns) on first use, through its private ``_cached_reader``
    and ``column_reader``, which keep the file open from then on. A file that an update merges
    away before that first use is gone for this reader; one opened before survives the deletion
    (the open handle keeps it). Pinned, a searcher reads one index version to the end.
    """
    for segment_reader, _ in reader.leaf_readers():
        perdoc = getattr(segment_reader, "_perdoc", None)  # SegmentReader's per-document reader
        if not isinstance(perdoc, W3PerDocReader):
            continue
        schema = segment_reader.schema
        perdoc._cached_reader("_stored", STORED_COLUMN)
        for name in schema.scorable_names():
            perdoc._cached_reader(f"_{name}_len", LENGTHS_COLUMN)
        for name in schema.names():
            column = schema[name].column_type
            if column is not None and perdoc.has_column(name):
                perdoc.column_reader(name, column)


def discard_failed_open(error: BaseException) -> None:
    """Close the files Whoosh had opened when opening an index, reader or searcher failed.

    Whoosh keeps no handle on them to close; they live on in the locals of the traceback's
    frames. Clearing those frames drops the files now (closing each, quietly) instead of at
    some later collection, where each would warn.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        cause: BaseException | None = error
        while cause is not None:
            if cause.__traceback__ is not None:
                traceback.clear_frames(cause.__traceback__)
            cause = cause.__cause__ or cause.__context__
        gc.collect()


def open_searcher(ix: Any) -> Any:
    """A searcher over the index's newest version; on failure, nothing it opened stays open.

    FileIndex.reader() opens the segments' readers one by one and, when a file is missing (a
    writer merged it away after the table of contents was read), swallows the error and tries
    again up to ten times. The readers it had opened stay with that error's traceback, each with
    its terms file open, in a reference cycle that a later garbage collection closes, warning.
    Opened here (through the private ``_read_toc``), a failure closes them and reaches the
    search service, whose own retry opens the version that replaced the one that vanished.
    """
    info = ix._read_toc()
    readers: list[Any] = []
    try:
        for segment in info.segments:
            readers.append(
                SegmentReader(ix.storage, info.schema, segment, generation=info.generation)
            )
    except BaseException:
        for reader in readers:
            reader.close()
        raise
    if not readers:
        return Searcher(EmptyReader(info.schema), fromindex=ix)
    if len(readers) == 1:
        return Searcher(readers[0], fromindex=ix)
    return Searcher(MultiReader(readers, generation=info.generation), fromindex=ix)


def field_b(weighting: Any, fieldname: str) -> float:
    """BM25F's B for a field: the model keeps per-field values in its private ``_field_B``."""
    return weighting._field_B.get(fieldname, weighting.B)


def has_field_b(weighting: Any) -> bool:
    """Whether a BM25F model sets B per field (``_field_B``, as above)."""
    return bool(weighting._field_B)


# -- writing segments ---------------------------------------------------------------------------


# HashWriter's record header (key and value lengths) and its hash type 0, md5_hash.
_KEY_VALUE_LENGTHS = struct.Struct("!ii")
_MD5_HASH = 0


def _ascending(last: bytes, keys: list[bytes]) -> bool:
    """Whether the keys increase strictly, after ``last`` (OrderedHashWriter requires it)."""
    return last < keys[0] and all(map(operator.lt, keys, keys[1:]))


class TermWriter:
    """W3FieldWriter fed whole terms: the posting bytes of a term are written by
    :func:`write_term_blocks` and listed here with their term info.

    It uses the writer's postings file (``_postfile``), the number of the field being written
    (``_fieldid``, the two-byte prefix of each key) and its term index (``_tindex``).
    """

    def __init__(self, codec: W3Codec, storage: Any, segment: Any) -> None:
        self._writer = codec.field_writer(storage, segment)
        self._prefix = b""

    @property
    def postfile(self) -> Any:
        return self._writer._postfile  # W3FieldWriter's postings file

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        self._writer.start_field(fieldname, fieldobj)
        self._prefix = pack_ushort(self._writer._fieldid)  # set by start_field

    def add_terms(self, terms: Sequence[bytes], infos: bytes) -> None:
        """Add terms of the field, in byte order after any added before, with their term infos
        (:func:`write_postings`' bytes, TERM_INFO.itemsize each) to the terms table.

        The table is an OrderedHashWriter (``_tindex``); its ``add`` costs three writes, a
        ``tell``, an MD5 as a hex string and a position appended per term. Here the records
        (lengths, key, value) are joined and written at once, each key's hash taken from the
        digest's bytes, and the table's private state kept as ``add`` keeps it: the positions
        of the keys (``index``), the hash buckets, the last key.
        """
        table = self._writer._tindex
        keys = [self._prefix + term for term in terms]
        size = TERM_INFO.itemsize
        if len(infos) != size * len(keys):
            raise ValueError(f"{len(keys)} terms but {len(infos) // size} term infos")
        if not keys:
            return
        if table.hashtype != _MD5_HASH:
            raise ValueError(f"a terms table of hash type {table.hashtype}, not MD5")
        if not _ascending(table.lastkey, keys):
            raise ValueError("terms must be added in increasing byte order")
        records = [
            _KEY_VALUE_LENGTHS.pack(len(key), size) + key + infos[at * size : (at + 1) * size]
            for at, key in enumerate(keys)
        ]
        start = table.dbfile.tell()
        positions = np.cumsum([start, *map(len, records[:-1])]).tolist()
        table.dbfile.write(emptybytes.join(records))
        table.index.extend(positions)
        buckets = table.buckets
        for key, position in zip(keys, positions, strict=True):
            # md5_hash: the digest's last four bytes, as int(hexdigest, 16) & 0xFFFFFFFF.
            hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
            buckets[hashed & 255].append((hashed, position))
        table.lastkey = keys[-1]

    def finish_field(self) -> None:
        self._writer.finish_field()

    def close(self) -> None:
        self._writer.close()


def abandon_document(perdoc: Any) -> None:
    """Close a per-document writer in the middle of a document (W3PerDocWriter refuses to close
    while its private ``_indoc`` flag says a document is open)."""
    if not perdoc.is_closed:
        perdoc._indoc = False
        perdoc.close()


def compress_stored_fields(perdoc: Any, deflate: Deflate) -> None:
    """Have a new per-document writer compress its documents' stored fields with ``deflate``.

    W3PerDocWriter writes them to its ``_stored`` column (in its private ``_colwriters``): a
    PickleColumn writer whose ``_child`` is a CompressedBytesColumn writer, which calls its
    ``_compress(value, _level)`` per document. Its reader inflates with zlib whatever wrote it.
    """
    stored = perdoc._colwriters["_stored"]._child
    stored._compress, stored._level = deflate.compress, deflate.level


def latest_toc_generation(storage: Any, indexname: str) -> int:
    """The newest table-of-contents generation in storage (-1 if none): TOC's private helper."""
    return TOC._latest_generation(storage, indexname)


class PickledValues(NamedTuple):
    """The values of a run's postings, each as pickle writes a bytes object (an opcode, its
    length, its bytes), one after another in ``blob``; ``ends`` says where each ends.

    A block's tuple of values is then the pickle opcodes MARK, its postings' slice of the blob
    and TUPLE: :func:`write_postings` splices that into the block's pickle instead of making a
    bytes object per posting for pickle to write (most of writing the word fields' blocks).
    """

    PROTOCOL = 4  # pickles of this protocol or later take the values so
    SHORT_BINBYTES, SHORT_HEAD, SHORT_MAX = ord("C"), 2, 0xFF  # a length in one byte
    BINBYTES, LONG_HEAD = ord("B"), 5  # in four, little-endian
    blob: bytes
    ends: np.ndarray

    def tuple_pickle(self, first: int, last: int) -> bytes:
        """The pickle opcodes of the tuple of values ``first`` to ``last`` (excluded)."""
        start = int(self.ends[first - 1]) if first else 0
        return b"(" + self.blob[start : int(self.ends[last - 1]) if last > first else start] + b"t"


# A pickle (protocol 4) of a tuple ending in None: None, TUPLE3, MEMOIZE, STOP; and its FRAME
# opcode with the frame's eight-byte length, which a pickle under 64 KiB has once, at its start.
_NONE_LAST = b"N\x87\x94."
_FRAME = 0x95
_FRAME_END = 11
_ONE_FRAME = 1 << 16


def _block_pickle(ids: Any, weights: Any, values: PickledValues, first: int, last: int) -> bytes:
    """``dumps((ids, weights, values[first:last]), 4)`` but for its frame (a reader takes a
    pickle without one) and its memo of the values, which nothing refers back to."""
    head = dumps((ids, weights, None), PickledValues.PROTOCOL)
    tail = values.tuple_pickle(first, last)
    if len(head) < _ONE_FRAME and head.endswith(_NONE_LAST) and head[2] == _FRAME:
        return head[:2] + head[_FRAME_END : -len(_NONE_LAST)] + tail + b"\x87."
    # Not the layout above (never seen: the ids and weights of a block take 4 KiB at most).
    whole = loads(head[:2] + tail + b".")
    return dumps((ids, weights, whole), PickledValues.PROTOCOL)


@dataclass
class PostingRun:
    """Postings of consecutive terms in term order, each term's in document order: docnums,
    weights and field lengths (numpy arrays), values (one per posting, or None), and where
    each term's postings start and end."""

    docs: np.ndarray
    weights: np.ndarray
    lengths: np.ndarray
    values: list[bytes] | PickledValues | None
    starts: np.ndarray
    ends: np.ndarray


def write_postings(
    postfile: Any,
    run: PostingRun,
    fixedsize: int | None,
    block: int,
    compress_from: int,
    protocol: int = 2,
    deflate: Deflate = WHOOSH_DEFLATE,
) -> bytes:
    """Write the terms' posting blocks in W3PostingsWriter's layout; return their term infos.

    The layout is Whoosh 3's: per term a magic header, then per block a signed length
    (negative for the last), a pickled info tuple (count, last id, max weight, compression,
    min and max length bytes) and the pickled (id deltas, weights, values), compressed in
    zlib's format (by ``deflate``) when ``compression``. Blocks of fewer than ``compress_from``
    postings are stored uncompressed, which the codec's reader supports: compressing a small
    block costs more (zlib's setup, ~13 µs, measured) than it saves, at writing and at every
    read. Every block's and term's statistics are computed at once with numpy, leaving per
    block only its pickles: most terms have a handful of postings, and the per-term Python
    work was most of writing.

    W3PostingsWriter pickles with protocol 2, where a bytes value (a word's packed positions)
    becomes a call to ``_codecs.encode``; its reader unpickles any protocol, and with 4 a block
    of word postings pickles 8x faster, unpickles 11x faster and is half the size (measured at
    100k sections). With a protocol above 2, docnum deltas and whole-number weights are packed
    arrays (:class:`_NarrowInts`). Weights are term frequencies (whole numbers, so sums do not
    depend on the order of additions).
    """
    stats = _BlockStats(run, block)
    packed = protocol > 2
    integral = packed and bool(np.array_equal(run.weights, np.rint(run.weights)))
    narrow_ids = _NarrowInts(stats.deltas) if packed else None
    narrow_weights = _NarrowInts(run.weights.astype(np.int64)) if integral else None
    # Listed only where blocks may take them as a tuple: fractional weights.
    weight_list = [] if integral else run.weights.astype(np.float64).tolist()
    last_ids = run.docs[stats.ends - 1].tolist()
    term_ends = set(run.ends.tolist())
    tops, bottoms, widest = stats.top.tolist(), stats.bottom.tolist(), stats.widest.tolist()
    low_bytes, high_bytes = stats.low_bytes.tolist(), stats.high_bytes.tolist()
    offset = postfile.tell()
    offsets, sizes, written = [], [], []
    parts: list[bytes] = [WHOOSH3_HEADER_MAGIC]
    blocks = zip(stats.starts.tolist(), stats.ends.tolist(), strict=True)
    for n, (first, last) in enumerate(blocks):
        top = tops[n]
        if top == bottoms[n]:
            block_weights: Any = None if top == 1.0 else top
        elif narrow_weights is not None:
            block_weights = narrow_weights.array(first, last, int(top))
        else:
            block_weights = tuple(weight_list[first:last])
        if narrow_ids is not None:
            ids: Any = narrow_ids.array(first, last, widest[n])
        else:
            ids = tuple(stats.deltas[first:last].tolist())
        if isinstance(run.values, PickledValues):
            databytes = _block_pickle(ids, block_weights, run.values, first, last)
        else:
            values = run.values[first:last] if run.values is not None else []
            databytes = dumps((ids, block_weights, _mini_values(values, fixedsize)), protocol)
        compression = deflate.level if last - first >= compress_from else 0
        if compression:
            databytes = deflate.compress(databytes, compression)
        infobytes = dumps(
            (
                last - first,
                last_ids[n],
                max(int(top) if integral else top, 0),
                compression,
                low_bytes[n],
                high_bytes[n],
            ),
            2,
        )
        final = last in term_ends
        size = len(infobytes) + len(databytes)
        parts += (pack_int(-size if final else size), infobytes, databytes)
        if final:
            term = emptybytes.join(parts)
            offsets.append(offset)
            sizes.append(len(term))
            offset += len(term)
            written.append(term)
            parts = [WHOOSH3_HEADER_MAGIC]
    postfile.write(emptybytes.join(written))
    return stats.term_infos(offsets, sizes)


class _BlockStats:
    """A run's blocks (``block`` postings each, a term's last one shorter) and their
    statistics, and each term's, computed with numpy."""

    def __init__(self, run: PostingRun, block: int) -> None:
        counts = (run.ends - run.starts + block - 1) // block
        term_first = np.concatenate(([0], np.cumsum(counts)[:-1]))
        within = np.arange(int(counts.sum())) - np.repeat(term_first, counts)
        starts = np.repeat(run.starts, counts) + within * block
        self.starts = starts
        self.ends = np.minimum(starts + block, np.repeat(run.ends, counts))
        docs, weights = run.docs, run.weights
        self.deltas = np.diff(docs, prepend=0)
        self.deltas[starts] = docs[starts]  # a block's first docnum is stored whole
        self.widest = np.maximum.reduceat(self.deltas, starts)
        self.top = np.maximum.reduceat(weights, starts).astype(np.float64)
        self.bottom = np.minimum.reduceat(weights, starts).astype(np.float64)
        self.sums = np.add.reduceat(weights.astype(np.float64), starts)
        lengths = run.lengths.astype(np.int64)
        # A length of 0 (none recorded) takes no part in a minimum, as in Whoosh.
        self.lows = np.minimum.reduceat(np.where(lengths > 0, lengths, _NO_LENGTH), starts)
        self.highs = np.maximum.reduceat(lengths, starts)
        # Without any length recorded a block's minimum is None: byte 0.
        self.low_bytes = np.where(self.highs > 0, _length_bytes(self.lows), 0)
        self.high_bytes = _length_bytes(self.highs)
        self.term_first = term_first
        self.run = run

    def term_infos(self, offsets: list[int], sizes: list[int]) -> bytes:
        """The terms' infos as W3TermInfo.to_bytes writes them (TERM_INFO each, back to back)
        for postings written at ``offsets`` in ``sizes`` bytes: total weight, postings, length
        and weight extremes, first and last docnum, as W3PostingsWriter computes them."""
        run, first = self.run, self.term_first
        infos = np.zeros(len(first), dtype=TERM_INFO)
        infos["weight"] = np.add.reduceat(self.sums, first)
        infos["df"] = run.ends - run.starts
        highs = np.maximum.reduceat(self.highs, first)
        lows = np.minimum.reduceat(self.lows, first)
        infos["min_length"] = np.where(highs > 0, _length_bytes(lows), 0)
        infos["max_length"] = _length_bytes(highs)
        infos["max_weight"] = np.maximum(np.maximum.reduceat(self.top, first), 0)
        infos["min_id"] = run.docs[run.starts]
        infos["max_id"] = run.docs[run.ends - 1]
        infos["offset"] = offsets
        infos["length"] = sizes
        return infos.tobytes()


# W3TermInfo.to_bytes's layout when the postings are not inlined (they never are here): its
# struct (flags, weight, postings, length bytes, max weight, first and last docnum), then the
# postings' offset and size.
TERM_INFO = np.dtype(
    [
        ("flags", "u1"),
        ("weight", ">f4"),
        ("df", ">u4"),
        ("min_length", "u1"),
        ("max_length", "u1"),
        ("max_weight", ">f4"),
        ("min_id", ">u4"),
        ("max_id", ">u4"),
        ("offset", ">i8"),
        ("length", ">i4"),
    ]
)
# length_to_byte's table: a length's byte is the first entry not below it (255 at most).
_LENGTH_BYTES = np.array(_length_byte_cache, dtype=np.int64)


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """length_to_byte of each length (a length of 0 gives 0)."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, "left"), 255)


_NO_LENGTH = np.iinfo(np.int64).max


class _NarrowInts:
    """A run's non-negative ints (docnum deltas, whole-number weights), cut per block into an
    array.array of the narrower of 16 and 32 bits that holds the block's largest.

    W3LeafMatcher reads a block's docnum deltas and weights by iterating and indexing, which an
    array.array answers like the tuple Whoosh writes; pickled with protocol 3 or later it is its
    raw bytes, so pickling and unpickling cost no work per posting, and the search service
    reads it straight into numpy (indexer.search.postings). The run is converted to both
    widths once and each block's array made from a slice of bytes: a conversion per block (and
    a max over a list of its weights) was a tenth of writing a segment.
    """

    def __init__(self, numbers: np.ndarray) -> None:
        self._short = numbers.astype(np.uint16).tobytes()
        self._long = numbers.astype(np.uint32).tobytes()

    def array(self, first: int, last: int, largest: int) -> array:
        """Numbers ``first`` to ``last`` (excluded), the largest of which is ``largest``."""
        if largest < 1 << 16:
            packed = array("H")
            packed.frombytes(self._short[2 * first : 2 * last])
        else:
            packed = array("I")
            packed.frombytes(self._long[4 * first : 4 * last])
        return packed


def _mini_values(values: list[bytes], fixedsize: int | None) -> Any:
    """Values as W3 blocks store them: a tuple, nothing (fixed size 0) or one joined string."""
    if fixedsize is None or fixedsize < 0:
        return tuple(values)
    if fixedsize == 0:
        return None
    return emptybytes.join(values)
