"""Term ids of a text's words found with numpy: words packed into integer keys, looked up in a
hash table of arrays (indexer.index.wordpostings' hot path; imported when indexing, since it
needs numpy, which searching does without at its cold start)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.index.analysis import Segment
from indexer.index.wordpostings import TERM_IDS, TermIds

# A word of up to four characters of the Basic Multilingual Plane (99.5% of the corpus's words)
# packed into one 64-bit key, 16 bits a character, the first highest.
_KEY_CHARS = 4
_KEY_CHAR_BITS = 16
_CHAR_MASK = (1 << _KEY_CHAR_BITS) - 1
_NO_KEY = 0  # no word packs to 0: a word has a character, and no character is U+0000
# Fibonacci hashing: a key times 2**64 / golden ratio, its top bits the slot.
_HASH_FACTOR = 0x9E3779B97F4A7C15


class WordKeyIds:
    """Term ids of words by their packed keys, found with numpy for a whole text at once.

    Looking each new word string up in :class:`TermIds` (hashing it first) took a fifth of a
    section's word analysis, and a binary search over sorted keys costs as much (a mispredicted
    branch a step). Here the keys sit in an open-addressing hash table of numpy arrays, at most
    half full, probed for all of a text's words together: one gather a round, most found in
    the first. A key's id is the one :class:`TermIds` gives its word (which numbers new terms),
    so both give a word the same id.
    """

    _FIRST_BITS = 16

    def __init__(self, term_ids: TermIds) -> None:
        self._term_ids = term_ids
        self._bits = 0
        self._keys: np.ndarray | None = None  # _NO_KEY for an empty slot
        self._ids: np.ndarray | None = None
        self._count = 0

    def ids(self, words: Sequence[Segment], keys: np.ndarray) -> np.ndarray:
        """The term id of each word (word, start, end); ``keys`` its packed key, or _NO_KEY
        (then its string is looked up)."""
        if self._keys is None:
            self._resize(self._FIRST_BITS)
        slots, found = self._find(keys)
        ids = self._ids[slots]
        for index in np.flatnonzero(~found).tolist():
            word, key = words[index][0], int(keys[index])
            ids[index] = self._term_ids[word] if key == _NO_KEY else self._add(key, word)
        return ids

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys * np.uint64(_HASH_FACTOR)  # wraps around, as intended
        return (hashed >> np.uint64(64 - self._bits)).astype(np.intp)

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each key's slot and whether it holds the key (else the empty slot ending its probe)."""
        slots = self._slots(keys)
        found = np.zeros(len(keys), dtype=bool)
        probing = np.flatnonzero(keys != _NO_KEY)
        mask = (1 << self._bits) - 1
        while len(probing):
            held = self._keys[slots[probing]]
            wanted = keys[probing]
            found[probing] = held == wanted
            probing = probing[(held != wanted) & (held != _NO_KEY)]
            slots[probing] = (slots[probing] + 1) & mask
        return slots, found

    def _add(self, key: int, word: str) -> int:
        """Number a word not in the table (by :class:`TermIds`) and put its key in."""
        term_id = self._term_ids[word]
        mask = (1 << self._bits) - 1
        slot = ((key * _HASH_FACTOR) & 0xFFFFFFFFFFFFFFFF) >> (64 - self._bits)
        while self._keys[slot] != _NO_KEY:
            if self._keys[slot] == key:  # the same key twice in one text
                return term_id
            slot = (slot + 1) & mask
        self._keys[slot], self._ids[slot] = key, term_id
        self._count += 1
        if 2 * self._count > 1 << self._bits:
            self._resize(self._bits + 1)
        return term_id

    def _resize(self, bits: int) -> None:
        """Move the keys into a table of 2**bits slots."""
        old_keys, old_ids = self._keys, self._ids
        self._bits = bits
        self._keys = np.zeros(1 << bits, dtype=np.uint64)
        self._ids = np.zeros(1 << bits, dtype=np.int64)
        if old_keys is None:
            return
        held = old_keys != _NO_KEY
        keys, ids = old_keys[held], old_ids[held]
        slots = self._slots(keys)
        waiting = np.arange(len(keys))
        mask = (1 << bits) - 1
        while len(waiting):
            # Keys whose slot is empty take it (one of several wanting the same slot wins);
            # the others try the next slot.
            free = waiting[self._keys[slots[waiting]] == _NO_KEY]
            self._keys[slots[free]] = keys[free]
            placed = self._keys[slots[waiting]] == keys[waiting]
            self._ids[slots[waiting[placed]]] = ids[waiting[placed]]
            waiting = waiting[~placed]
            slots[waiting] = (slots[waiting] + 1) & mask


WORD_KEY_IDS = WordKeyIds(TERM_IDS)

# The bits of a packed key a word of each length holds (0: a word without a key).
_LENGTH_MASKS = [0] + [
    ((1 << (_KEY_CHAR_BITS * length)) - 1) << (_KEY_CHAR_BITS * (_KEY_CHARS - length))
    for length in range(1, _KEY_CHARS + 1)
]


def packed_word_keys(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each word's key (see :class:`WordKeyIds`) from the code points of the text it is a slice
    of, _NO_KEY for a word too long or with a character beyond 16 bits."""
    padded = np.zeros(len(codes) + _KEY_CHARS, dtype=np.uint64)
    # Each character's low 16 bits: the bits above would reach into the character before it,
    # and a character after a word (an emoji after "①") would change the word's key. A word
    # holding a wider character is given no key below.
    padded[: len(codes)] = codes & _CHAR_MASK
    keys = np.zeros(len(starts), dtype=np.uint64)
    for place in range(_KEY_CHARS):
        shift = np.uint64(_KEY_CHAR_BITS * (_KEY_CHARS - 1 - place))
        keys |= padded[starts + place] << shift
    lengths = np.minimum(ends - starts, _KEY_CHARS + 1)
    keys &= np.array([*_LENGTH_MASKS, 0], dtype=np.uint64)[lengths]
    if len(codes) and int(codes.max()) >= 1 << _KEY_CHAR_BITS:
        wide = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(codes >= 1 << _KEY_CHAR_BITS, out=wide[1:])
        keys[wide[ends] > wide[starts]] = _NO_KEY
    return keys
