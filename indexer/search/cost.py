"""What a query will cost, known from term statistics before anything is decoded.

Matching and ranking decode the postings of every term a query holds (indexer.search.postings),
so the postings of its terms bound its work: 64 common single characters hold about 6 million at
100k sections, a broad word about 110,000. A service with a limit on postings refuses a query
over it at once (indexer.search.budget.admit) instead of spending its time budget first, and
lets only a few calls of high estimated work run at once (:func:`query_cost` gives both).
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from indexer.search.phrase import CjkPhrase
from indexer.search.postings import doc_frequency

# A word phrase decodes its words' postings, then reads its candidates' blocks again for their
# positions (indexer.search.wordphrase): measured at 100k sections, 4-6 times the time of
# decoding its postings alone ("6 5": 38 ms against 7 ms). Whoosh's span matcher, which walked
# each posting in Python, weighed 30 times.
POSITIONED_PHRASE = 5
# A hit (stored fields read, snippet made) costs about as much as decoding this many postings.
HIT_COST = 5_000


def query_cost(searcher: Any, q: wq.Query | None, hits: int = 0) -> tuple[int, int]:
    """What q may cost: the postings matching and ranking it may decode (every term's document
    frequency; an exact string's rarest bigram, the others being read only where that one
    matches), and its work in postings decoded (a word phrase's weighted, and ``hits`` hits)."""
    postings, work = _cost(searcher, q)
    return postings, work + hits * HIT_COST


def _cost(searcher: Any, q: wq.Query | None) -> tuple[int, int]:
    if q is None:
        return 0, 0
    if isinstance(q, CjkPhrase):
        found = min(doc_frequency(searcher, q.fieldname, gram) for gram in q.words)
        return found, found
    if type(q) is wq.Term:
        found = doc_frequency(searcher, q.fieldname, q.text)
        return found, found
    if isinstance(q, wq.Phrase):
        found = sum(doc_frequency(searcher, q.fieldname, word) for word in q.words)
        return found, POSITIONED_PHRASE * found
    if isinstance(q, wq.BinaryQuery):
        children = [q.a, q.b]
    elif isinstance(q, wq.Not):
        children = [q.query]
    else:
        children = list(getattr(q, "subqueries", ()))
    costs = [_cost(searcher, child) for child in children]
    return sum(p for p, _ in costs), sum(w for _, w in costs)
