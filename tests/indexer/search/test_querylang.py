"""The query language: parsing, repair of malformed input, and limits, without an index."""

from __future__ import annotations

import pytest

from indexer.errors import QueryError
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.types import YearRange


def test_query_language():
    parsed = parse_query('"new energy" OR 乡村振兴 -农业 title:报告 2015..2020')
    assert [[c.text for c in group] for group in parsed.groups] == [
        ["new energy", "乡村振兴"],
        ["报告"],
    ]
    assert parsed.groups[0][0].phrase and parsed.groups[1][0].scope == "title"
    assert [c.text for c in parsed.excluded] == ["农业"]
    assert parsed.years == [YearRange(2015, 2020)]


@pytest.mark.parametrize(
    ("query", "texts"),
    [
        ('"unclosed phrase', [["unclosed phrase"]]),
        ("OR energy OR", [["energy"]]),
        ("- energy -", [["energy"]]),
        ("unknown:prefix", [["unknown prefix"]]),
        ("“计划经济”", [["计划经济"]]),
        ("((energy))", [["energy"]]),
        ("", []),
    ],
)
def test_malformed_queries_are_repaired(query, texts):
    assert [[c.text for c in group] for group in parse_query(query).groups] == texts


@pytest.mark.parametrize("query", ["title:", "title: 提案", "-section：", "energy 章节:"])
def test_a_field_prefix_without_a_word_says_what_is_wrong(query):
    with pytest.raises(QueryError, match=r"needs a word right after it.*后面要紧跟要查找的词"):
        parse_query(query)


@pytest.mark.parametrize("query", ["AND OR", "OR", "，。", "the"])
def test_something_typed_but_nothing_to_search_for_is_refused(query):
    """Not silently every section: a query of operators or punctuation says why it finds none."""
    with pytest.raises(QueryError, match="nothing to search for"):
        compile_query(parse_query(query))


def test_absurd_queries_are_rejected_in_one_line():
    with pytest.raises(QueryError, match="query is too long"):
        parse_query("x" * 5000)
    with pytest.raises(QueryError, match="too many words"):
        parse_query(" ".join(f"w{i}" for i in range(100)))
