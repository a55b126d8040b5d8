"""Text analysis, heading labels and the packed posting values, without an index."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.formats import Positions

from indexer.index import wordkeys, wordpostings
from indexer.index.analysis import (
    bigram_key_counts,
    bigram_key_ranks,
    bigram_of_key,
    bigram_tokens,
    run_bigrams,
    segment,
    word_tokens,
    words_are_literal,
)
from indexer.index.schema import build_schema
from indexer.index.spans import (
    PackedCharacters,
    PackedPositions,
    decode_many_positions,
    decode_positions,
    decode_spans,
)


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


# Chinese from the BMP, Extension A and B and the compatibility block, range edges, punctuation,
# Latin, a lone surrogate and a control character.
TEXT_ALPHABET = (
    "新能源汽车的发展"
    "\u3400\u4dbf\u4e00\u9fff\uf900\ufaff\U00020000\U0002ebef\u33ff\ua000"
    "，。 aZ1\n\ud800\x07"
)


@given(st.text(alphabet=TEXT_ALPHABET, max_size=60))
def test_vectorised_bigram_keys_are_the_bigram_tokens(text):
    keys, counts = bigram_key_counts(text)
    tokens = [bigram_of_key(int(key)) for key in keys]
    assert dict(zip(tokens, counts.tolist(), strict=True)) == Counter(
        token for token, _ in bigram_tokens(text)
    )
    # Keys ascend as the tokens' UTF-8 bytes do (the order of terms in an index).
    assert tokens == sorted(tokens, key=lambda token: token.encode("utf-8"))


@given(st.lists(st.text(alphabet=TEXT_ALPHABET, max_size=30), max_size=4))
def test_bigram_key_ranks_order_the_keys_of_several_texts_as_the_keys_do(texts):
    """The ranks the segment writer sorts postings by: the same order, every key its own."""
    import numpy as np

    keys = np.concatenate([bigram_key_counts(text)[0] for text in texts] + [np.empty(0, np.uint64)])
    ranks = bigram_key_ranks(keys.astype(np.uint64))
    assert int(ranks.max(initial=0)) < 1 << 32
    order = np.argsort(keys, kind="stable")
    assert np.array_equal(np.argsort(ranks, kind="stable"), order)
    assert len(np.unique(ranks)) == len(np.unique(keys))


def test_bigram_key_ranks_are_the_keys_when_too_many_characters_for_32_bits():

    text = "".join(map(chr, range(0x4E00, 0x4E00 + 20_000))) + "".join(
        map(chr, range(0x20000, 0x20000 + 50_000))
    )
    keys = bigram_key_counts(text)[0]
    assert bigram_key_ranks(keys) is keys


WORDS = [
    "新能源",
    "汽车",
    "发展",
    "计划经济体制",
    "energies",
    "of",
    "the",
    "Cities",
    "，",
    " ",
    "2024",
    "。",
    "-",
    "low",
    "carbon",
    "e-",
]


@pytest.mark.parametrize(
    ("text", "index_terms", "query_terms"),
    [
        ("new-energy cars", ["new", "newenergi", "energi", "car"], ["new", "energi", "car"]),
        ('"low-carbon" life', ["low", "lowcarbon", "carbon", "life"], ["low", "carbon", "life"]),
        ("e-commerce", ["e", "ecommerc", "commerc"], ["e", "commerc"]),
        ("COVID-19 cases", ["covid", "covid19", "19", "case"], ["covid", "19", "case"]),
        ("2019-2020年", ["2019", "2020", "年"], ["2019", "2020", "年"]),  # no joined number
    ],
)
def test_hyphenated_words_are_their_parts_and_joined_only_when_indexed(
    text, index_terms, query_terms
):
    """Parts at positions of their own, as if spaced; the joined word shares the first part's
    position on the index side alone, so the spaced and joined spellings both match."""
    indexed = word_tokens(text)
    assert [t.term for t in indexed] == index_terms
    assert [t.term for t in word_tokens(text, joined=False)] == query_terms
    spaced = word_tokens(text.replace("-", " "), joined=False)
    assert [(t.term, t.pos) for t in spaced] == [
        (t.term, t.pos) for t in word_tokens(text, joined=False)
    ]
    joined = next((t for t in indexed if t.term not in query_terms), None)
    if joined is not None:
        assert joined.pos == indexed[0].pos and text[joined.start : joined.end].count("-") == 1


@pytest.mark.parametrize("with_chars", [True, False])
# No deadline: segmenting 70,000 padding characters takes ~50 ms alone, and several times that
# on a busy shared machine (a timing assertion, which tests here do not make).
@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), max_size=30), padding=st.sampled_from([0, 70_000]))
def test_word_field_postings_are_word_tokens_encoded_as_the_field_formats_do(
    with_chars, words, padding
):
    """Vectorised grouping and packing equal the plain analysis encoded term by term, for short
    texts and for offsets past two bytes (the four-byte packing)."""
    text = " " * padding + "".join(words)
    grouped: dict[str, list] = {}
    for token in word_tokens(text):
        grouped.setdefault(token.term, []).append(
            (token.pos, token.start, token.end) if with_chars else token.pos
        )
    fmt = PackedCharacters() if with_chars else PackedPositions()
    expected = {
        term.encode(): (len(found), float(len(found)), fmt.encode(found))
        for term, found in grouped.items()
    }
    found = list(build_schema()["body" if with_chars else "title"].index(text))
    assert {term: rest for term, *rest in found} == {k: list(v) for k, v in expected.items()}
    assert len(found) == len(expected)


# Words of one to seven characters, some beyond 16 bits (no key: looked up by their string);
# no hyphen (a hyphenated word's joined form is no slice of the text: never keyed).
KEYED_WORDS = [word for word in WORDS if "-" not in word] + [
    "𠀀",
    "中𠀁国",
    "社会主义",
    "中国共产党",
    "全过程人民民主",
    "a",
    "ÉTÉ",
]


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(KEYED_WORDS), max_size=20), max_size=6))
def test_words_found_by_packed_keys_get_the_term_ids_of_their_strings(texts):
    """Term ids from the hash table of packed keys (grown several times from a tiny one) are
    those the word strings are given, text after text."""
    table = wordkeys.WordKeyIds(wordpostings.TERM_IDS)
    table._FIRST_BITS = 2
    for words in texts:
        text = "".join(words)
        raw = segment(text)
        if not raw:
            continue
        starts, ends = (np.array([word[at] for word in raw]) for at in (1, 2))
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
        found = table.ids(raw, wordkeys.packed_word_keys(codes, starts, ends))
        assert found.tolist() == [wordpostings.TERM_IDS[word] for word, _, _ in raw]


def test_a_wide_character_after_a_word_leaves_the_words_key_alone():
    """A character beyond 16 bits right after a word ("①" before an emoji) once reached into
    the word's key, which then stood for another word ("②")."""
    text = "①👍a𠀀c😀"
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    starts = np.arange(len(text))
    keys = wordkeys.packed_word_keys(codes, starts, starts + 1).tolist()
    alone = [
        wordkeys.packed_word_keys(np.array([ord(char)], dtype="<u4"), starts[:1], starts[1:2])
        for char in text
    ]
    assert keys == [int(key[0]) for key in alone]
    assert keys[1] == keys[3] == keys[5] == 0  # no key: looked up by their strings


def test_lone_surrogates_and_controls_do_not_break_analysis():
    assert word_tokens("\ud800energy\x00") and bigram_tokens("新\udfff能") == [("新", 0), ("能", 2)]


SPAN_NUMBERS = st.integers(min_value=0, max_value=200_000)


@given(st.lists(st.tuples(SPAN_NUMBERS, SPAN_NUMBERS, st.integers(0, 70_000)), min_size=1))
def test_packed_spans_round_trip(raw):
    """Spans in index order (positions ascending; search-mode sub-words may start before the
    previous word ends), short and long numbers alike."""
    spans = sorted({(pos, start, start + length) for pos, start, length in raw})
    fmt = PackedCharacters()
    value = fmt.encode(spans)
    assert fmt.decode_characters(value) == decode_spans(value) == spans
    assert fmt.decode_positions(value) == [pos for pos, _, _ in spans]
    assert fmt.decode_frequency(value) == len(spans)


@given(st.lists(SPAN_NUMBERS, min_size=1, unique=True))
def test_packed_positions_round_trip(raw):
    positions = sorted(raw)
    fmt = PackedPositions()
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == float(len(positions))


POSITION_LISTS = st.lists(st.lists(SPAN_NUMBERS, min_size=1, max_size=6, unique=True), max_size=30)


@given(POSITION_LISTS, st.booleans())
def test_many_values_decode_at_once_as_one_at_a_time(lists, with_chars):
    """Short and long values mixed (a long one switches to the value-at-a-time path), empty."""
    fmt = PackedCharacters() if with_chars else PackedPositions()
    values = [
        fmt.encode([(p, 3 * p, 3 * p + 2) for p in sorted(raw)] if with_chars else sorted(raw))
        for raw in lists
    ]
    counts, positions = decode_many_positions(fmt, values)
    assert counts.tolist() == [len(raw) for raw in lists]
    assert positions.tolist() == [p for raw in lists for p in sorted(raw)]
    short = [value for value in values if value[0] == ord("H")]
    counts, positions = decode_many_positions(fmt, short)
    assert positions.tolist() == [p for value in short for p in fmt.decode_positions(value)]


@given(POSITION_LISTS)
def test_whooshs_own_positions_decode_at_once_too(lists):
    fmt = Positions()
    counts, positions = decode_many_positions(fmt, [fmt.encode(sorted(raw)) for raw in lists])
    assert counts.tolist() == [len(raw) for raw in lists]
    assert positions.tolist() == [p for raw in lists for p in sorted(raw)]


def test_one_short_occurrence_packs_into_nine_bytes():
    assert len(PackedCharacters().encode([(3, 120, 124)])) == 9
    assert len(PackedPositions().encode([3])) == 5


@pytest.mark.parametrize(
    ("texts", "literal"),
    [
        (("社会主义", "English and ２０２４年"), True),
        (("进\u2f00步",), False),  # a Kangxi radical, NFKC 一
        (("\ufa4c会",), False),  # a compatibility ideograph, NFKC 社
        (("第\u3280条",), False),  # a circled ideograph, NFKC 一
        (("", "新能源"), True),
    ],
)
def test_words_are_literal_unless_a_character_normalises_into_a_chinese_one(texts, literal):
    assert words_are_literal(*texts) is literal


def test_the_class_of_characters_becoming_chinese_is_exactly_them():
    import unicodedata

    from cppcc_search.cjk import CJK_CHAR
    from indexer.index.analysis import _becoming_chinese

    pattern = _becoming_chinese()
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        assert bool(pattern.match(char)) == bool(normal != char and CJK_CHAR.search(normal))
