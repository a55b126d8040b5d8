"""Compact posting values for the word fields: positions (and character spans) as packed integers.

Whoosh's Positions and Characters formats pickle a list of deltas per posting (mostly pickle
framing for a word that occurs once, which most words in a section do). Here a value is
one type byte and the numbers ``count, deltas...`` packed little-endian: two bytes each when
every number fits (nearly always), four otherwise. A word occurring once takes 9 bytes instead of
20 or more, and decoding needs no unpickling. indexer.index.wordpostings packs a whole text's values
the same way with numpy.

For characters each occurrence is three numbers: the position delta, the start offset minus the
previous occurrence's end, and the length, as in Whoosh's Characters format.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate, chain
from operator import sub
from typing import Any

import numpy as np
from whoosh.formats import Characters, Positions

_SHORT = "H"  # every number in 0..65535
_LONG = "i"  # C int: four bytes, signed (a start may precede the previous end)
SHORT_TYPE = ord(_SHORT)  # a value's first byte when its numbers take two bytes each
SHORT_MAX = 0xFFFF
_BIG_ENDIAN = sys.byteorder == "big"


def pack_numbers(numbers: list[int]) -> bytes:
    """``numbers`` as a value: a type byte, then each number in two bytes if all fit, else four."""
    if min(numbers) >= 0 and max(numbers) <= SHORT_MAX:
        packed = array(_SHORT, numbers)
    else:
        packed = array(_LONG, numbers)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.typecode.encode("ascii") + packed.tobytes()


def _unpack(value: bytes) -> array:
    numbers = array(chr(value[0]))
    numbers.frombytes(value[1:])
    if _BIG_ENDIAN:
        numbers.byteswap()
    return numbers


def encode_spans(spans: list[tuple[int, int, int]]) -> bytes:
    """The value of a word occurring at these (position, start, end) spans, in order."""
    positions, starts, ends = zip(*spans, strict=True)
    deltas = zip(
        map(sub, positions, chain((0,), positions)),
        map(sub, starts, chain((0,), ends)),
        map(sub, ends, starts),
        strict=True,
    )
    return pack_numbers([len(spans), *chain.from_iterable(deltas)])


def encode_positions(positions: list[int]) -> bytes:
    """The value of a word occurring at these positions, in order."""
    return pack_numbers([len(positions), *map(sub, positions, chain((0,), positions))])


def decode_spans(value: bytes) -> list[tuple[int, int, int]]:
    """(position, start, end) of each occurrence, from :func:`encode_spans`."""
    numbers = _unpack(value)
    spans = []
    pos = char_base = 0
    for index in range(1, len(numbers), 3):
        pos += numbers[index]
        start = char_base + numbers[index + 1]
        char_base = start + numbers[index + 2]
        spans.append((pos, start, char_base))
    return spans


def decode_positions(value: bytes) -> list[int]:
    """The positions of each occurrence, from :func:`encode_positions`."""
    return list(accumulate(_unpack(value)[1:]))


def decode_count(value: bytes) -> int:
    """How many occurrences a value of either kind holds."""
    return _unpack(value)[0]


def decode_many_positions(format: Any, values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The positions of many values of a format at once: how many occurrences each value holds,
    and every occurrence's position, value after value (each value's in ascending order).

    A search checks a word phrase against the positions of thousands of postings; packed values
    are decoded with numpy over all of them (one Python step per value costs several times as
    much), another format's one value at a time.
    """
    if isinstance(format, PackedCharacters):
        return _decode_packed(values, 3)
    if isinstance(format, PackedPositions):
        return _decode_packed(values, 1)
    decoded = [format.decode_positions(value) for value in values]
    counts = np.fromiter(map(len, decoded), np.int64, len(decoded))
    return counts, np.fromiter(chain.from_iterable(decoded), np.int64, int(counts.sum()))


def _decode_packed(values: Sequence[bytes], per_occurrence: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`decode_many_positions` of values packed as ``count, deltas...`` where each
    occurrence takes ``per_occurrence`` numbers, the position's delta first."""
    numbers, firsts = _packed_numbers(values)
    counts = numbers[firsts]
    ends = np.cumsum(counts)
    starts = ends - counts
    # The k-th occurrence of a value: its position delta sits k * per_occurrence numbers after
    # the value's count.
    value_of = np.repeat(np.arange(len(counts)), counts)
    rank = np.arange(int(ends[-1]) if len(ends) else 0) - starts[value_of]
    running = np.cumsum(numbers[firsts[value_of] + 1 + rank * per_occurrence])
    before = np.concatenate(([0], running))[starts]  # the running sum before each value
    return counts, running - before[value_of]


def _packed_numbers(values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Every packed value's numbers back to back, and where each value's first number is."""
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    blob = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    if len(values) and (blob[starts] == SHORT_TYPE).all():  # nearly always: no value is long
        keep = np.ones(len(blob), dtype=bool)
        keep[starts] = False  # the type bytes
        numbers = blob[keep].view("<u2").astype(np.int64)
        sizes = (lengths - 1) // 2
    else:
        parts = [_unpack(value) for value in values]
        numbers = np.fromiter(chain.from_iterable(parts), np.int64, sum(map(len, parts)))
        sizes = np.fromiter(map(len, parts), np.int64, len(parts))
    return numbers, np.cumsum(sizes) - sizes


class PackedPositions(Positions):
    """Whoosh's Positions format with the compact value of :func:`encode_positions`."""

    def encode(self, poslist: list[int]) -> bytes:
        return encode_positions(list(poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return decode_count(valuestring)

    def decode_weight(self, valuestring: bytes) -> float:
        return decode_count(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1) for pos in decode_positions(valuestring)]

    def combine(self, vs: list[bytes]) -> bytes:
        return self.encode(sorted({pos for v in vs for pos in decode_positions(v)}))


class PackedCharacters(Characters):
    """Whoosh's Characters format with the compact value of :func:`encode_spans`."""

    def encode(self, poslist: Any) -> bytes:
        return encode_spans(list(poslist))

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        return decode_spans(valuestring)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return [pos for pos, _, _ in decode_spans(valuestring)]

    def decode_frequency(self, valuestring: bytes) -> int:
        return decode_count(valuestring)

    def decode_weight(self, valuestring: bytes) -> float:
        return decode_count(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1) for pos in self.decode_positions(valuestring)]

    def combine(self, vs: list[bytes]) -> bytes:
        spans = {span[0]: span for v in vs for span in decode_spans(v)}
        return self.encode([spans[pos] for pos in sorted(spans)])
