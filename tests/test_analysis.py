"""Text analysis, heading labels and query parsing, without an index."""

from __future__ import annotations

import pytest

from indexer.analysis import bigram_tokens, run_bigrams, word_tokens
from indexer.documents import normalise_heading
from indexer.querylang import parse_query
from indexer.types import QueryError, YearRange


def test_word_tokens_have_sequential_positions_and_real_offsets():
    text = "开发新能源汽车，Energies of the cities"
    tokens = word_tokens(text)
    positions = sorted({t.pos for t in tokens})
    assert positions == [0, 1, 2, 3, 6]  # 开发/开发新, 能源, 汽车, energies, (of, the,) cities
    for token in tokens:
        assert text[token.start : token.end].lower().startswith(token.term[:3])
    terms = [t.term for t in tokens]
    assert "能源" in terms and "汽车" in terms
    assert "energi" in terms and "citi" in terms  # stemmed
    assert "of" not in terms and "the" not in terms  # stop words


def test_search_mode_sub_words_share_the_position_of_their_start():
    tokens = word_tokens("计划经济体制")
    by_term = {t.term: t.pos for t in tokens}
    assert by_term["经济"] == by_term["经济体制"]
    assert by_term["计划"] < by_term["经济"] < by_term["体制"]


def test_english_stemming_is_the_same_at_index_and_query_time():
    assert [t.term for t in word_tokens("energy")] == [t.term for t in word_tokens("energies")]


def test_bigrams_cover_every_substring_and_break_at_punctuation():
    tokens = bigram_tokens("开发新能源。新")
    assert tokens[:4] == [("开发", 0), ("发新", 1), ("新能", 2), ("能源", 3)]
    assert ("源", 4) in tokens
    assert ("源。", 4) not in tokens and ("新", 6) in tokens
    assert run_bigrams("新能源") == ["新能", "能源"]
    assert run_bigrams("党") == ["党"]


def test_lone_surrogates_and_controls_do_not_break_analysis():
    assert word_tokens("\ud800energy\x00") and bigram_tokens("新\udfff能") == [("新", 0), ("能", 2)]


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("一、2023年工作回顾", "工作回顾"),
        ("二、2024年工作回顾", "工作回顾"),
        ("（三）坚持创新驱动", "坚持创新驱动"),
        ("2023 work review", "Work review"),
        ("Main tasks in 2024", "Main tasks"),
        ("1. Always adhere to the guidance.Adhere to the rule", "Always adhere to the guidance"),
        ("第一章 总则", "总则"),
        ("2024年", None),
        (None, None),
    ],
)
def test_headings_become_facet_labels(heading, label):
    assert normalise_heading(heading) == label


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
