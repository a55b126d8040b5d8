"""The word fields' postings of a whole text at once: term ids, counts and packed values (numpy).

The same analysis as indexer.index.analysis.word_tokens (jieba search mode with hyphenated words
as their parts, English stemming,
positions per distinct start offset, stop words taking a position but no posting), grouped by
term and encoded as indexer.index.spans encodes one term's occurrences, byte for byte. Done with
array operations over the whole text instead of Python steps per word and per term, which
were most of an index build.

Terms are numbered per process in order of first sight (:data:`TERM_IDS`); the segment writer
keeps the numbers and turns them back into term bytes once, when it writes the segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from indexer.index.analysis import (
    Segment,
    clean_text,
    has_hyphen,
    index_term,
    segmenter,
    with_hyphenated_parts,
)
from indexer.index.spans import SHORT_MAX, SHORT_TYPE, pack_numbers

if TYPE_CHECKING:
    import numpy as np

NOT_A_WORD = -1  # punctuation and the like: no position, no posting
STOP_WORD = -2  # a position, no posting

_WORD, _START, _END = (itemgetter(field) for field in range(3))
# (term ids, occurrences per term, one packed value per term)
WordKeys = tuple["np.ndarray", "np.ndarray", Sequence[bytes]]


class PackedValues(Sequence[bytes]):
    """One packed value per term, back to back in one bytes object, ``ends`` saying where each
    ends: the segment writer appends the bytes whole (indexer.index.segments) instead of
    cutting them into a bytes object per term to join them again; Whoosh's writer reads it
    like a list."""

    __slots__ = ("blob", "ends")

    def __init__(self, blob: bytes, ends: np.ndarray) -> None:
        self.blob = blob
        self.ends = ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        end = int(self.ends[index])
        start = int(self.ends[index - 1]) if index % len(self) else 0
        return self.blob[start:end]


class TermIds(dict[str, int]):
    """word → id of its index term, filled on first sight (C-level lookups after that).

    Words with the same term (``energy``, ``energies``) share an id.
    """

    def __init__(self) -> None:
        super().__init__()
        self._by_term: dict[str, int] = {}
        self.terms: list[bytes] = []  # id → term bytes

    def __missing__(self, word: str) -> int:
        term = index_term(word, stemming=True)
        if term is None:
            term_id = NOT_A_WORD
        elif not term:
            term_id = STOP_WORD
        else:
            term_id = self._by_term.get(term, len(self.terms))
            if term_id == len(self.terms):
                self._by_term[term] = term_id
                self.terms.append(term.encode("utf-8"))
        self[word] = term_id
        return term_id


TERM_IDS = TermIds()


def _words_of(text: str) -> tuple[list[Segment], np.ndarray | None]:
    """jieba's words of the text as :func:`indexer.index.analysis.segment` lists them, and the
    (cleaned) text's code points when every word is the text's slice at its offsets (None
    when a hyphenated word's joined form is listed: its offsets span the hyphens)."""
    import numpy as np

    text = clean_text(text)
    raw = segmenter().tokenize(text, mode="search")
    words = with_hyphenated_parts(text, raw, joined=True) if has_hyphen(text) else raw
    if words is not raw:
        return words, None
    return words, np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def word_keys(text: str, with_chars: bool) -> WordKeys:
    """Each term of the text (as an id), how often it occurs, and its encoded occurrences."""
    import numpy as np  # not at import time: searching never needs it (cold start)

    raw, codes = _words_of(text)
    if not raw:
        return _empty()
    # Offsets gathered straight into arrays: a third less time than flattening the tuples
    # into one list to slice and convert (measured); a word is read only when its term is new.
    count = len(raw)
    starts = np.fromiter(map(_START, raw), dtype=np.int64, count=count)
    ends = np.fromiter(map(_END, raw), dtype=np.int64, count=count)
    if codes is None:
        ids = np.fromiter(map(TERM_IDS.__getitem__, map(_WORD, raw)), np.int64, count)
    else:
        from indexer.index.wordkeys import WORD_KEY_IDS, packed_word_keys

        ids = WORD_KEY_IDS.ids(raw, packed_word_keys(codes, starts, ends))
    # One position per distinct start offset of a word (a stop word's too): a start's rank
    # among them, counted over the text's offsets (cheaper than sorting them).
    started = np.zeros(len(text) + 1, dtype=np.int64)
    started[starts[ids != NOT_A_WORD]] = 1
    rank = np.cumsum(started) - 1
    posted = ids >= 0  # neither punctuation nor a stop word
    if not posted.any():
        return _empty()
    ids, starts, ends = ids[posted], starts[posted], ends[posted]
    # By term, each term's occurrences in text order (search mode lists a word's sub-words
    # before it), in one sort instead of one for text order and one for terms.
    order = np.lexsort((ends, starts, ids))
    ids, starts, ends = ids[order], starts[order], ends[order]
    positions = rank[starts]
    first = np.empty(len(ids), dtype=bool)
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    group_starts = np.flatnonzero(first)
    width = 3 if with_chars else 1
    # Each occurrence's numbers, one after another: its position after the term's previous
    # one (and its start after the previous end, its length).
    deltas = np.empty(len(ids) * width, dtype=np.int64)
    deltas[0::width] = positions - _previous(positions, group_starts)
    if with_chars:
        deltas[1::width] = starts - _previous(ends, group_starts)
        deltas[2::width] = ends - starts
    counts = np.diff(group_starts, append=len(ids))
    values = _packed_values(deltas, width, group_starts, counts)
    return ids[group_starts], counts, values


def _previous(numbers: np.ndarray, group_starts: np.ndarray) -> np.ndarray:
    """Each number's predecessor within its group (0 for a group's first)."""
    import numpy as np

    previous = np.empty_like(numbers)
    previous[0] = 0
    previous[1:] = numbers[:-1]
    previous[group_starts] = 0
    return previous


def _packed_values(
    deltas: np.ndarray, width: int, group_starts: np.ndarray, counts: np.ndarray
) -> Sequence[bytes]:
    """Per group ``count, deltas...`` as indexer.index.spans packs them (``deltas``: ``width``
    numbers per occurrence, groups one after another)."""
    import numpy as np

    groups = len(group_starts)
    # numbers: for each group its count, then its occurrences' deltas.
    header_at = group_starts * width + np.arange(groups)
    numbers = _interleaved(deltas, header_at, counts)
    # Bytes: before each group a type byte, then its numbers as two little-endian bytes.
    value_starts = 2 * header_at + np.arange(groups)
    type_bytes = np.full(groups, SHORT_TYPE, dtype=np.uint8)
    packed = _interleaved(numbers.astype("<u2").view(np.uint8), value_starts, type_bytes)
    blob = packed.tobytes()
    value_ends = np.append(value_starts[1:], len(packed))
    if numbers.min() >= 0 and numbers.max() <= SHORT_MAX:
        return PackedValues(blob, value_ends)
    lows = np.minimum.reduceat(numbers, header_at)
    highs = np.maximum.reduceat(numbers, header_at)
    long = np.flatnonzero((lows < 0) | (highs > SHORT_MAX)).tolist()
    values = list(map(blob.__getitem__, map(slice, value_starts.tolist(), value_ends.tolist())))
    number_ends = np.append(header_at[1:], len(numbers))
    for group in long:
        # A long text or a sub-word starting before the previous word ends: four bytes each.
        values[group] = pack_numbers(numbers[header_at[group] : number_ends[group]].tolist())
    return values


def _interleaved(items: np.ndarray, at: np.ndarray, inserted: np.ndarray) -> np.ndarray:
    """``items`` with ``inserted`` placed so that they end up at the (ascending) indexes
    ``at`` of the result: np.insert's result, without its sort and checks (measured: a
    quarter of the packing)."""
    import numpy as np

    out = np.empty(len(items) + len(inserted), dtype=items.dtype)
    kept = np.ones(len(out), dtype=bool)
    kept[at] = False
    out[at] = inserted
    out[kept] = items
    return out


def _empty() -> WordKeys:
    import numpy as np

    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), []
