"""Matching documents as Python sets: boolean structure in C instead of per-document matchers.

For facet counts and trends only the set of matching documents is needed: leaf postings are read
a block at a time (indexer.search.postings) and combined with set algebra; an exact Chinese
string is verified against the section's text (indexer.search.phrase).
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from indexer.search.memo import MatchMemo
from indexer.search.phrase import CjkPhrase, phrase_matches
from indexer.search.postings import term_docs


def query_docs(searcher: Any, q: wq.Query, memo: MatchMemo | None = None) -> list[int]:
    """Every live document matching the query, in ascending order (memoised when given one)."""
    if memo is None:
        return sorted(_docs(searcher, q, None))
    return memo.get_or_compute(("docs", q), lambda: sorted(_docs(searcher, q, memo)))


def _docs(searcher: Any, q: wq.Query, memo: MatchMemo | None) -> set[int]:
    if isinstance(q, CjkPhrase):
        return phrase_matches(searcher, q, memo).docs  # never mutated by the callers below
    if type(q) is wq.Term:
        return term_docs(searcher, q.fieldname, q.text, memo)
    if type(q) is wq.Or:
        found: set[int] = set()
        for sub in q.subqueries:
            found |= _docs(searcher, sub, memo)
        return found
    if type(q) is wq.And:
        sets = sorted((_docs(searcher, sub, memo) for sub in q.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if type(q) is wq.AndNot:
        return _docs(searcher, q.a, memo) - _docs(searcher, q.b, memo)
    return set(searcher.docs_for_query(q))
