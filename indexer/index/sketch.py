"""A section's trigram sketch: a Bloom filter of the three-character strings of its Chinese runs.

The bigram fields keep no positions, so an exact Chinese string of three or more characters is
verified by reading a candidate section's text (indexer.search.phrase). A string whose bigrams
are all common ("农民群众": 农民, 民群 from 人民群众, 群众) has thousands of candidates that hold
every bigram and not the string, and proving each one lacks it reads the whole section. The
sketch answers first, from a few bits: a section whose sketch lacks one of the string's
trigrams lacks the string (no false negatives), so only the sections left are read, nearly all
of which hold it.

Format (index format 6; the value of the ``<field>_trigrams`` column, indexer.index.schema):
the trigrams are every three consecutive characters of one Chinese run (``CJK_RANGES``). For a
text with ``n`` of them (repeats counted) the sketch is ``BYTES_PER_TRIGRAM * n`` bytes, ``m``
bits in little-endian bit order. A trigram's code points packed 21 bits each (``c0 << 42 |
c1 << 21 | c2``) are mixed as ``x = p * K1; x ^= x >> 32; x *= K2`` (mod 2**64); its low and
high 32-bit halves ``h`` each set bit ``(h * m) >> 32`` (a multiply-shift range reduction:
no division). A text without trigrams has an empty sketch. A trigram absent from the text
passes by chance with probability (1 - e^(-2/8))^2, under 5%: a four-character string's two
trigrams let about 1 in 400 lacking sections through, however common its bigrams are. The
sketch costs a byte per Chinese character, a third of the column text it filters, and about
40 ns per character to build.
"""

from __future__ import annotations

import numpy as np

from indexer.index.analysis import chinese_code_points

BYTES_PER_TRIGRAM = 1  # 8 bits for each trigram, set by two hashes
_SHIFT = np.uint64(21)  # bits of a code point
_HALF = np.uint64(32)
_MIX_1 = np.uint64(0x9E3779B97F4A7C15)
_MIX_2 = np.uint64(0xBF58476D1CE4E5B9)
_LOW = np.uint64(0xFFFFFFFF)


def trigram_hashes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The two 32-bit hashes (uint64) of each trigram of the text's Chinese runs, in text order."""
    codes, chinese = chinese_code_points(text)
    if len(codes) < 3:
        empty = np.empty(0, dtype=np.uint64)
        return empty, empty
    inside = chinese[:-2] & chinese[1:-1] & chinese[2:]
    wide = codes.astype(np.uint64)
    mixed = wide[:-2] << (_SHIFT + _SHIFT)
    mixed |= wide[1:-1] << _SHIFT
    mixed |= wide[2:]
    mixed = mixed[inside]
    mixed *= _MIX_1
    mixed ^= mixed >> _HALF
    mixed *= _MIX_2
    return mixed & _LOW, mixed >> _HALF


def _bits_of(hashes: np.ndarray, bits: np.ndarray | np.uint64) -> np.ndarray:
    """Each 32-bit hash's bit among ``bits`` (the multiply-shift range reduction)."""
    return (hashes * bits) >> _HALF


def trigram_sketch(text: str) -> bytes:
    """The sketch of a text (see the module's docstring); empty when it holds no trigram."""
    first, second = trigram_hashes(text)
    if not len(first):
        return b""
    bits = np.uint64(8 * BYTES_PER_TRIGRAM * len(first))
    marks = np.zeros(int(bits), dtype=bool)
    # below 2**32, so viewed as the signed indices numpy takes without a converting copy
    marks[_bits_of(first, bits).view(np.int64)] = True
    marks[_bits_of(second, bits).view(np.int64)] = True
    return np.packbits(marks, bitorder="little").tobytes()


def sketches_may_hold(
    data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, run: str
) -> np.ndarray:
    """Which sketches may belong to a text holding ``run`` (False: it certainly does not).

    ``data`` holds the sketches (uint8); ``starts`` and ``lengths`` place one sketch each. A run
    without trigrams proves nothing, so every sketch may hold it.
    """
    first, second = trigram_hashes(run)
    may = np.ones(len(starts), dtype=bool)
    if not len(first):
        return may
    may &= lengths > 0  # a text without trigrams holds no string of three characters
    starts, bits = starts[may].astype(np.uint64), lengths[may].astype(np.uint64) * np.uint64(8)
    held = np.ones(len(starts), dtype=bool)
    for value in np.concatenate((first, second)):
        place = _bits_of(value, bits)
        marked = data[(starts + (place >> np.uint64(3))).view(np.int64)]
        held &= (marked >> (place & np.uint64(7)).astype(np.uint8)) & 1 > 0
    may[may] = held
    return may
