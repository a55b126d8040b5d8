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
from itertools import chain
from typing import TYPE_CHECKING

from indexer.index.analysis import index_term, segment
from indexer.index.spans import SHORT_MAX, SHORT_TYPE, pack_numbers

if TYPE_CHECKING:
    import numpy as np

NOT_A_WORD = -1  # punctuation and the like: no position, no posting
STOP_WORD = -2  # a position, no posting

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


def word_keys(text: str, with_chars: bool) -> WordKeys:
    """Each term of the text (as an id), how often it occurs, and its encoded occurrences."""
    import numpy as np  # not at import time: searching never needs it (cold start)

    raw = segment(text)
    if not raw:
        return _empty()
    # (word, start, end) tuples flattened once and sliced: half the time of zip(*raw) and
    # three conversions (measured).
    count = len(raw)
    flat = list(chain.from_iterable(raw))
    ids = np.fromiter(map(TERM_IDS.__getitem__, flat[0::3]), dtype=np.int64, count=count)
    offsets = np.array(flat[1::3] + flat[2::3], dtype=np.int64)
    starts_a, ends_a = offsets[:count], offsets[count:]
    wordlike = ids != NOT_A_WORD
    ids, starts_a, ends_a = ids[wordlike], starts_a[wordlike], ends_a[wordlike]
    # In text order (search mode lists a word's sub-words before it); one position per
    # distinct start offset.
    order = np.lexsort((ends_a, starts_a))
    ids, starts_a, ends_a = ids[order], starts_a[order], ends_a[order]
    positions = np.zeros(len(ids), dtype=np.int64)
    np.cumsum(starts_a[1:] != starts_a[:-1], out=positions[1:])
    posted = ids != STOP_WORD
    ids, positions = ids[posted], positions[posted]
    starts_a, ends_a = starts_a[posted], ends_a[posted]
    if not len(ids):
        return _empty()
    # By term, each term's occurrences still in text order.
    order = np.argsort(ids, kind="stable")
    ids, positions = ids[order], positions[order]
    starts_a, ends_a = starts_a[order], ends_a[order]
    first = np.ones(len(ids), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    group_starts = np.flatnonzero(first)
    counts = np.diff(np.append(group_starts, len(ids)))
    previous_pos = np.where(first, 0, np.roll(positions, 1))
    if with_chars:
        previous_end = np.where(first, 0, np.roll(ends_a, 1))
        deltas = np.stack((positions - previous_pos, starts_a - previous_end, ends_a - starts_a), 1)
    else:
        deltas = (positions - previous_pos)[:, None]
    values = _packed_values(deltas, group_starts, counts)
    return ids[group_starts], counts, values


def _packed_values(
    deltas: np.ndarray, group_starts: np.ndarray, counts: np.ndarray
) -> Sequence[bytes]:
    """Per group ``count, deltas...`` as indexer.index.spans packs them."""
    import numpy as np

    groups = len(group_starts)
    tokens, width = deltas.shape
    # numbers: for each group its count, then its tokens' deltas.
    header_at = group_starts * width + np.arange(groups)
    numbers = np.empty(groups + tokens * width, dtype=np.int64)
    numbers[header_at] = counts
    group_of_token = np.repeat(np.arange(groups), counts)
    token_at = np.arange(tokens) * width + group_of_token + 1
    for column in range(width):
        numbers[token_at + column] = deltas[:, column]
    # Bytes: before each group a type byte, then its numbers as two little-endian bytes.
    group_of_number = np.repeat(np.arange(groups), counts * width + 1)
    byte_at = 2 * np.arange(len(numbers)) + group_of_number + 1
    packed = np.empty(groups + 2 * len(numbers), dtype=np.uint8)
    packed[header_at * 2 + np.arange(groups)] = SHORT_TYPE
    packed[byte_at] = numbers & 0xFF
    packed[byte_at + 1] = (numbers >> 8) & 0xFF
    blob = packed.tobytes()
    value_starts = header_at * 2 + np.arange(groups)
    value_ends = np.append(value_starts[1:], len(packed))
    lows = np.minimum.reduceat(numbers, header_at)
    highs = np.maximum.reduceat(numbers, header_at)
    long = np.flatnonzero((lows < 0) | (highs > SHORT_MAX)).tolist()
    if not long:
        return PackedValues(blob, value_ends)
    values = list(map(blob.__getitem__, map(slice, value_starts.tolist(), value_ends.tolist())))
    number_ends = np.append(header_at[1:], len(numbers))
    for group in long:
        # A long text or a sub-word starting before the previous word ends: four bytes each.
        values[group] = pack_numbers(numbers[header_at[group] : number_ends[group]].tolist())
    return values


def _empty() -> WordKeys:
    import numpy as np

    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), []
