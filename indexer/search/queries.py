"""From a parsed query to Whoosh query objects, and the terms to highlight."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from whoosh import query as wq

from cppcc_search.cjk import CJK_RUN
from indexer.errors import QueryError
from indexer.index.analysis import word_tokens
from indexer.index.schema import KIND_SECTION
from indexer.search.phrase import CjkPhrase
from indexer.search.querylang import Clause, ParsedQuery

HEADING_BOOST = 2.0
# scope → ((word field, boost), ...), ((bigram field, boost), ...)
_SCOPES: dict[str | None, tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]] = {
    None: (
        (("body", 1.0), ("section_title", HEADING_BOOST)),
        (("cjk", 1.0), ("stitle_cjk", HEADING_BOOST)),
    ),
    "title": ((("title", 1.0),), (("title_cjk", 1.0),)),
    "section": ((("section_title", 1.0),), (("stitle_cjk", 1.0),)),
}


@dataclass
class CompiledQuery:
    """The Whoosh query (None: every section) and what a snippet should mark."""

    query: wq.Query | None
    positive: wq.Query | None = None  # what scores; ``query`` is this minus ``negative``
    negative: wq.Query | None = None
    cjk_strings: list[str] = field(default_factory=list)
    word_terms: list[str] = field(default_factory=list)
    display_terms: list[str] = field(default_factory=list)
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
        raise QueryError("the query has no searchable words (only stop words or punctuation)")
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
    word_fields, bigram_fields = _SCOPES[clause.scope]
    parts: list[wq.Query] = []
    position = 0
    for match in CJK_RUN.finditer(clause.text):
        parts.extend(
            _word_parts(clause.text[position : match.start()], clause.phrase, word_fields, compiled)
        )
        run = match.group()
        parts.append(_either(_cjk_run_query(name, run, boost) for name, boost in bigram_fields))
        if compiled is not None:
            compiled.cjk_strings.append(run)
            compiled.display_terms.append(run)
        position = match.end()
    parts.extend(_word_parts(clause.text[position:], clause.phrase, word_fields, compiled))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _word_parts(
    text: str,
    phrase: bool,
    fields: tuple[tuple[str, float], ...],
    compiled: CompiledQuery | None,
) -> list[wq.Query]:
    tokens = word_tokens(text) if text.strip() else []
    if not tokens:
        return []
    if compiled is not None:
        compiled.word_terms.extend(t.term for t in tokens)
        compiled.display_terms.extend(text[t.start : t.end].lower() for t in tokens)
    if phrase and len(tokens) > 1:
        # One term per position: search mode also lists "high-quality" where "high" starts, and
        # a phrase cannot hold two terms at one position.
        tokens = [t for i, t in enumerate(tokens) if i == 0 or t.pos != tokens[i - 1].pos]
    if phrase and len(tokens) > 1:
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
