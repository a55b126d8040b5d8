"""Relevance balanced across languages, for queries searched in both.

A Chinese string scores as one BM25F term over the bigram fields, English words as one term each
over the word fields: the scales differ (field lengths in characters or in words, one term or
several), so summing them would bury one language under the other. When a query was expanded with
translations, each query group's matches are scored per language (the clauses of one language
together, as Whoosh would score them) and divided by that language's best score among the
matches: the best Chinese and the best English section of a group both score 1. A section's score
is the sum over groups of its best language's share.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from indexer.search.queries import CompiledQuery
from indexer.search.ranking import Scores, VersionState, rank_scores


def balanced_scores(
    searcher: Any, state: VersionState, compiled: CompiledQuery, docs: list[int]
) -> Scores:
    """Every document's score: per group, its score relative to its language's best."""
    wanted = set(docs)
    total = dict.fromkeys(docs, 0.0)
    for by_language in compiled.languages:
        shares: Scores = {}
        for q in by_language.values():
            scores = language_scores(searcher, state, q, wanted)
            best = max(scores.values(), default=0.0)
            if best <= 0.0:
                continue
            for doc, score in scores.items():
                share = score / best
                if share > shares.get(doc, 0.0):
                    shares[doc] = share
        for doc, share in shares.items():
            total[doc] += share
    return total


def language_scores(searcher: Any, state: VersionState, q: wq.Query, wanted: set[int]) -> Scores:
    """BM25F scores of the wanted documents matching q (block-wise, else Whoosh's matcher)."""
    scores = rank_scores(searcher, state.lengths, state.memo, q, wanted)
    if scores is not None:
        return scores
    found: Scores = {}
    matcher = q.matcher(searcher, searcher.context())
    while matcher.is_active():
        doc = matcher.id()
        if doc in wanted:
            found[doc] = matcher.score()
        matcher.next()
    return found
