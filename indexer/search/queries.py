"""From a parsed query to Whoosh query objects, and the terms to highlight."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from whoosh import query as wq

from cppcc_search.cjk import CJK_RUN
from indexer.errors import QueryError
from indexer.index.schema import KIND_SECTION
from indexer.search.clauses import (
    SCOPE_FIELDS,
    ChineseRun,
    QueryTerms,
    Words,
    clause_parts,
)
from indexer.search.phrase import CjkPhrase
from indexer.search.querylang import NOTHING_SEARCHABLE, Clause, ParsedQuery


@dataclass
class CompiledQuery(QueryTerms):
    """The Whoosh query (None: every section) and what a snippet should mark."""

    query: wq.Query | None = None
    positive: wq.Query | None = None  # what scores; ``query`` is this minus ``negative``
    negative: wq.Query | None = None
    # Per positive group, its alternatives by language ("zh" or "en"), each ORed: what
    # indexer.search.balance scores apart when a query is searched in both languages.
    languages: list[dict[str, wq.Query]] = field(default_factory=list)
    balanced: bool = False  # rank by indexer.search.balance (set when translations were added)


def all_sections() -> wq.Query:
    """Every section document (the report-level records excluded)."""
    return wq.Term("kind", KIND_SECTION)


def compile_query(parsed: ParsedQuery) -> CompiledQuery:
    """Build the Whoosh query; raises QueryError when nothing searchable remains."""
    compiled = CompiledQuery(query=None)
    groups = []
    for group in parsed.groups:
        compiled_group = [(c, q) for c in group if (q := _clause_query(c, compiled))]
        alternatives = [q for _, q in compiled_group]
        if alternatives:
            groups.append(_either(alternatives))
            compiled.languages.append(_by_language(compiled_group))
    excluded = [q for clause in parsed.excluded if (q := _clause_query(clause, None))]
    if parsed.groups and not groups:
        raise QueryError(NOTHING_SEARCHABLE)
    if not groups and not excluded:
        return compiled
    positive = (groups[0] if len(groups) == 1 else wq.And(groups)) if groups else all_sections()
    compiled.positive = positive
    compiled.negative = wq.Or(excluded) if excluded else None
    # Match through indexer.search.matching: Whoosh's AndNotMatcher misses an exclusion when the
    # first positive document is excluded (its _find_first never advances the negative side).
    compiled.query = wq.AndNot(positive, compiled.negative) if excluded else positive
    return compiled


def clause_language(clause: Clause) -> str:
    """ "zh" for a clause holding Chinese characters, else "en"."""
    return "zh" if CJK_RUN.search(clause.text) else "en"


def _by_language(compiled_group: list[tuple[Clause, wq.Query]]) -> dict[str, wq.Query]:
    found: dict[str, list[wq.Query]] = {}
    for clause, q in compiled_group:
        found.setdefault(clause_language(clause), []).append(q)
    return {language: _either(queries) for language, queries in found.items()}


def _clause_query(clause: Clause, compiled: CompiledQuery | None) -> wq.Query | None:
    word_fields, bigram_fields = SCOPE_FIELDS[clause.scope]
    queries: list[wq.Query] = []
    for part in clause_parts(clause):
        if compiled is not None:
            compiled.add(part)
        if isinstance(part, ChineseRun):
            queries.append(
                _either(_cjk_run_query(name, part.text, boost) for name, boost in bigram_fields)
            )
        else:
            queries.extend(_word_queries(part, word_fields))
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _word_queries(words: Words, fields: tuple[tuple[str, float], ...]) -> list[wq.Query]:
    tokens = words.tokens
    if words.is_phrase:
        slop = max(b.pos - a.pos for a, b in itertools.pairwise(tokens))
        terms = [t.term for t in tokens]
        return [_either(wq.Phrase(name, terms, slop=max(1, slop), boost=b) for name, b in fields)]
    return [_either(wq.Term(name, t.term, boost=b) for name, b in fields) for t in tokens]


def _cjk_run_query(fieldname: str, run: str, boost: float) -> wq.Query:
    """A Chinese string as one term (one or two characters, indexed as they are) or as an exact
    string verified over its bigrams (three or more)."""
    if len(run) <= 2:
        return wq.Term(fieldname, run, boost=boost)
    return CjkPhrase(fieldname, run, boost=boost)


def _either(queries: object) -> wq.Query:
    items = list(queries)  # type: ignore[call-overload]
    return items[0] if len(items) == 1 else wq.Or(items)
