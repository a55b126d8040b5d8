"""What a query will cost, known from term statistics before anything is decoded.

Matching and ranking decode the postings of every term a query holds (indexer.search.postings),
so the postings of its terms bound its work: 64 common single characters hold about 6 million at
100k sections, a broad word about 110,000. A service with a limit on postings refuses a query
over it at once (indexer.search.budget.admit) instead of spending its time budget first, and
lets only a few calls of high estimated work (:func:`search_work`) run at once.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from indexer.search.phrase import CjkPhrase


def query_postings(searcher: Any, q: wq.Query | None) -> int:
    """The postings matching and ranking q may decode: every term's document frequency, and an
    exact string's rarest bigram (the others are read only where that one matches)."""
    if q is None:
        return 0
    if isinstance(q, CjkPhrase):
        return min(searcher.doc_frequency(q.fieldname, gram) for gram in q.words)
    if type(q) is wq.Term:
        return searcher.doc_frequency(q.fieldname, q.text)
    if isinstance(q, wq.Phrase):
        return sum(searcher.doc_frequency(q.fieldname, word) for word in q.words)
    if isinstance(q, wq.BinaryQuery):
        return query_postings(searcher, q.a) + query_postings(searcher, q.b)
    if isinstance(q, wq.Not):
        return query_postings(searcher, q.query)
    return sum(query_postings(searcher, sub) for sub in getattr(q, "subqueries", ()))


# A word phrase is matched by Whoosh's span matcher, which walks each posting in Python: about
# 3 µs a posting against 0.1 µs to decode one (indexer.search.phrase), so it weighs 30 times.
WALKED_PHRASE = 30
# A hit (stored fields read, snippet made) costs about as much as decoding this many postings.
HIT_COST = 5_000


def search_work(searcher: Any, q: wq.Query | None, hits: int = 0) -> int:
    """The work of a search in postings decoded: its postings (a word phrase's weighted), and
    the hits of its page."""
    return _weighted(searcher, q) + hits * HIT_COST


def _weighted(searcher: Any, q: wq.Query | None) -> int:
    if q is None:
        return 0
    if type(q) is wq.Phrase:
        return WALKED_PHRASE * query_postings(searcher, q)
    if isinstance(q, wq.BinaryQuery):
        return _weighted(searcher, q.a) + _weighted(searcher, q.b)
    if isinstance(q, wq.Not):
        return _weighted(searcher, q.query)
    subs = getattr(q, "subqueries", None)
    if subs:
        return sum(_weighted(searcher, sub) for sub in subs)
    return query_postings(searcher, q)
