"""The query language: parsing, repair of malformed input, and limits, without an index."""

from __future__ import annotations

import pytest

from indexer.errors import QueryError
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
        ("title:", [["title:"]]),
        ("“计划经济”", [["计划经济"]]),
        ("((energy))", [["energy"]]),
        ("", []),
    ],
)
def test_malformed_queries_are_repaired(query, texts):
    assert [[c.text for c in group] for group in parse_query(query).groups] == texts


def test_absurd_queries_are_rejected_in_one_line():
    with pytest.raises(QueryError, match="query too long"):
        parse_query("x" * 5000)
    with pytest.raises(QueryError, match="too many words"):
        parse_query(" ".join(f"w{i}" for i in range(100)))
