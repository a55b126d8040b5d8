"""A phrase of words over a word field, matched with numpy instead of Whoosh's span matcher.

Whoosh matches a Phrase with SpanNear2 (ordered, ``mindist`` 1): a document matches when its
words' positions form a chain, each word 1 to ``slop`` positions after the previous one's, the
first word anywhere. Its span matcher decodes every candidate's positions into Span objects in
Python, about 3 µs a posting: seconds for a phrase of two common words (digits, "economic
development") at 100k sections. Here the candidates are the intersection of the words'
documents (block-wise, indexer.search.postings, the rarest word first), only their postings'
values are read and decoded at once (indexer.index.spans), and the chain is followed in numpy
over (document, position) keys, one word after the other, each word's positions read only in
the documents still matching. The score is the words' terms' (indexer.search.ranking).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.index.spans import decode_many_positions
from indexer.search.budget import check
from indexer.search.memo import MatchMemo
from indexer.search.postings import (
    EMPTY_DOCS,
    distinct,
    doc_frequency,
    intersect,
    term_postings,
)

# A (document, position) key: the global docnum above these bits, the position below. A
# position is far below 2**32, so a key never comes within ``slop`` of another document's.
_POSITION_BITS = 32


def is_word_phrase(searcher: Any, q: wq.Query) -> bool:
    """Whether q is a Whoosh Phrase of two or more words over a field with positions here."""
    if type(q) is not wq.Phrase or len(q.words) < 2 or q.fieldname not in searcher.schema:
        return False
    format = searcher.schema[q.fieldname].format
    return bool(format) and format.supports("positions")


def word_phrase_docs(
    searcher: Any, q: wq.Phrase, memo: MatchMemo | None = None, within: np.ndarray | None = None
) -> np.ndarray:
    """The live documents where the phrase occurs as Whoosh's Phrase finds it, ascending (among
    ``within``, ascending, when given; never modify the array).

    With a memo, the phrase's documents found over the whole index are kept, so ranking (which
    needs to know where the phrase matches) does not verify positions again; found among
    ``within`` (an AND's narrower candidates), they are not.
    """
    if memo is None:
        return _matched(searcher, q, None, within)
    key = ("wordphrase", q.fieldname, tuple(q.words), q.slop)  # the boost does not matter
    if within is None:
        return memo.get_or_compute(key, lambda: _matched(searcher, q, memo, None))
    found = memo.get(key)
    if found is not None:
        return intersect(found, within)
    return _matched(searcher, q, memo, within)


def _matched(
    searcher: Any, q: wq.Phrase, memo: MatchMemo | None, within: np.ndarray | None
) -> np.ndarray:
    candidates = _candidates(searcher, q, memo, within)
    ends = None  # keys of the positions where the phrase so far can end
    for word in q.words:
        if not len(candidates):
            return EMPTY_DOCS
        keys = _occurrences(searcher, q.fieldname, word, candidates, memo)
        ends = keys if ends is None else _following(ends, keys, q.slop)
        candidates = distinct(ends >> _POSITION_BITS)
    return candidates


def _candidates(
    searcher: Any, q: wq.Phrase, memo: MatchMemo | None, within: np.ndarray | None
) -> np.ndarray:
    """The documents holding every word of the phrase, found from the rarest word on (each
    next word decodes only the blocks that may hold the documents found so far)."""
    words = sorted(set(q.words), key=lambda word: doc_frequency(searcher, q.fieldname, word))
    found = within
    for word in words:
        check()
        found = term_postings(searcher, q.fieldname, word, memo).docs(searcher, found)
        if not len(found):
            return EMPTY_DOCS
    return EMPTY_DOCS if found is None else found


def _occurrences(
    searcher: Any, fieldname: str, word: str, docs: np.ndarray, memo: MatchMemo | None
) -> np.ndarray:
    """The word's (document, position) keys in the given documents (every one holds it),
    ascending: documents ascending, each document's positions ascending."""
    check()
    postings = term_postings(searcher, fieldname, word, memo)
    held, values = postings.values(searcher, fieldname, word, docs)
    counts, positions = decode_many_positions(searcher.schema[fieldname].format, values)
    return (np.repeat(held, counts) << _POSITION_BITS) + positions


def _following(ends: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The keys that come 1 to ``slop`` positions after some end in the same document (both
    ascending). The nearest end before a key is the one to check: if any end is near enough,
    that one is."""
    before = np.searchsorted(ends, keys, side="left") - 1
    near = before >= 0
    near[near] = keys[near] - ends[before[near]] <= slop
    return keys[near]
