"""Matching documents as ascending numpy arrays: boolean structure in C instead of matchers.

For facet counts, trends and the ranker's input only the set of matching documents is needed:
leaf postings are numpy arrays (indexer.search.postings) combined with set algebra on sorted
arrays; an exact Chinese string is verified against the section's text (indexer.search.phrase), a
phrase of words against its words' positions (indexer.search.wordphrase).

An AND starts from its rarest clause (estimated from term statistics, nothing decoded) and asks
each further clause only within the documents found so far: a term then decodes only the posting
blocks that may hold one of them, not the whole list of a common word.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.search.memo import MatchMemo
from indexer.search.phrase import CjkPhrase, phrase_matches
from indexer.search.postings import EMPTY_DOCS, doc_frequency, intersect, term_docs, union
from indexer.search.wordphrase import is_word_phrase, word_phrase_docs


def match_docs(searcher: Any, q: wq.Query, memo: MatchMemo | None = None) -> np.ndarray:
    """Every live document matching the query, ascending (memoised when given a memo; the
    array is shared: never modify it)."""
    if memo is None:
        return _docs(searcher, q, None, None)
    return memo.get_or_compute(("docs", q), lambda: _docs(searcher, q, memo, None))


def query_docs(searcher: Any, q: wq.Query, memo: MatchMemo | None = None) -> list[int]:
    """Every live document matching the query, in ascending order, as a list."""
    return match_docs(searcher, q, memo).tolist()


def _docs(
    searcher: Any, q: wq.Query, memo: MatchMemo | None, within: np.ndarray | None
) -> np.ndarray:
    """The documents matching q, among ``within`` (ascending) when given."""
    if isinstance(q, CjkPhrase):
        found = phrase_matches(searcher, q, memo).docs
        return found if within is None else intersect(found, within)
    if type(q) is wq.Term:
        return term_docs(searcher, q.fieldname, q.text, memo, within)
    if is_word_phrase(searcher, q):
        return word_phrase_docs(searcher, q, memo, within)
    if type(q) is wq.Or:
        return union([_docs(searcher, sub, memo, within) for sub in q.subqueries])
    if type(q) is wq.And:
        found = within
        for sub in sorted(q.subqueries, key=lambda s: estimated_docs(searcher, s)):
            found = _docs(searcher, sub, memo, found)
            if not len(found):
                break
        return EMPTY_DOCS if found is None else found
    if type(q) is wq.AndNot:
        kept = _docs(searcher, q.a, memo, within)
        if not len(kept):
            return kept
        return np.setdiff1d(kept, _docs(searcher, q.b, memo, kept), assume_unique=True)
    found = np.array(sorted(searcher.docs_for_query(q)), dtype=np.int64)
    return found if within is None else intersect(found, within)


def estimated_docs(searcher: Any, q: wq.Query) -> int:
    """An upper bound of the documents q matches, from term statistics alone."""
    if isinstance(q, CjkPhrase):
        return min((doc_frequency(searcher, q.fieldname, w) for w in q.words), default=0)
    if type(q) is wq.Term:
        return doc_frequency(searcher, q.fieldname, q.text)
    if type(q) is wq.Or:
        return sum(estimated_docs(searcher, sub) for sub in q.subqueries)
    if type(q) is wq.And:
        return min((estimated_docs(searcher, sub) for sub in q.subqueries), default=0)
    if type(q) is wq.AndNot:
        return estimated_docs(searcher, q.a)
    return q.estimate_size(searcher.reader())
