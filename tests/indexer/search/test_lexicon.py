"""The lexicon: keys that fold inflections, longest entries first, the table before the rest."""

from __future__ import annotations

import pytest

from cppcc_search.lexicon.cedict import Cedict
from cppcc_search.lexicon.pairs import TermPair
from indexer.search.lexicon import Lexicon, base_form, default_lexicon, english_key, english_words


def key(text: str) -> list[str]:
    return list(english_key(english_words(text)))


def texts(renderings: list) -> list[str]:
    return [r.text for r in renderings]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("energies", "energy"),
        ("vehicles", "vehicle"),
        ("Rural Revitalisation", "rural revitalization"),
        ("the private economies", "private economy"),
        ("people's livelihood", "people livelihood"),
        ("opening up", "opening"),
        ("businesses", "business"),
    ],
)
def test_inflections_share_a_key(a, b):
    assert key(a) == key(b)


def test_distinct_words_keep_distinct_keys():
    assert base_form("union") != base_form("unit")
    assert base_form("status") == "status"  # not a plural
    assert key("the of and") == []


def table(*pairs: tuple[str, str]) -> Lexicon:
    return Lexicon([TermPair(e, z, "test") for e, z in pairs])


def test_longest_entry_first():
    lexicon = table(
        ("new energy", "新能源"), ("new energy vehicles", "新能源汽车"), ("energy", "能源")
    )
    words = key("new energy vehicles grow")
    assert lexicon.english_match(words, 0) == (3, lexicon.english_match(words, 0)[1])
    assert texts(lexicon.english_match(words, 0)[1]) == ["新能源汽车"]
    assert texts(lexicon.english_match(key("new energy"), 0)[1]) == ["新能源"]
    assert lexicon.english_match(key("energy vehicles"), 0)[0] == 1
    assert lexicon.english_match(key("vehicles"), 0) == (0, [])


def test_table_answers_before_the_dictionary():
    lexicon = Lexicon([TermPair("energy", "能源", "test")], Cedict)
    assert texts(lexicon.english_match(["energy"], 0)[1]) == ["能源"]  # not 精力, 能量…
    found = texts(lexicon.english_match(key("elderly"), 0)[1])
    assert "老年人" in found  # the dictionary fills what the table lacks


def test_dictionary_finds_inflected_and_derived_words():
    lexicon = Lexicon([], Cedict)
    assert "进口" in texts(lexicon.english_match(key("imports"), 0)[1])
    # "consultation" has no gloss of its own for 协商 ("to consult with"): found by its stem,
    # one sense lower.
    found = lexicon.english_match(key("consultation"), 0)[1]
    assert "协商" in texts(found)
    # …but a word is not reached from a longer one that shares its stem: "imports" is not
    # "important" (伟大, "important (contribution etc)").
    assert "伟大" not in texts(lexicon.english_match(key("imports"), 0)[1])


def test_chinese_lookups():
    lexicon = default_lexicon()
    assert texts(lexicon.chinese_renderings("新能源汽车")) == ["new energy vehicles"]
    assert "democratic supervision" in texts(lexicon.chinese_renderings("民主监督"))
    assert lexicon.chinese_pieces("新能源车") == ["新能源", "车"]
    assert lexicon.chinese_pieces("新能源") == ["新能源"]
    assert table(("a", "新能源")).chinese_pieces("新能源车") is None  # no dictionary, no 车


def test_a_word_the_table_knows_never_opens_the_dictionary():
    opened: list[Cedict] = []

    def dictionary() -> Cedict:
        opened.append(Cedict())
        return opened[-1]

    lexicon = Lexicon([TermPair("new energy", "新能源", "test")], dictionary)
    assert texts(lexicon.english_match(key("new energy"), 0)[1]) == ["新能源"]
    assert lexicon.chinese_renderings("新能源")[0].text == "new energy"
    assert opened == []
    assert lexicon.english_match(key("energy"), 0)[1]  # the table has no "energy": it opens
    assert len(opened) == 1


def test_warm_reads_the_dictionary_once_and_queries_reuse_it():
    opened: list[Cedict] = []

    def dictionary() -> Cedict:
        opened.append(Cedict())
        return opened[-1]

    lexicon = Lexicon([TermPair("new energy", "新能源", "test")], dictionary)
    lexicon.warm()
    assert len(opened) == 1
    assert "economy" in texts(lexicon.chinese_renderings("经济"))  # from the dictionary
    assert lexicon.chinese_pieces("新能源车") == ["新能源", "车"]
    assert len(opened) == 1  # the queries found it read
