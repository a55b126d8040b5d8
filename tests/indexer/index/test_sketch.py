"""Trigram sketches: never wrong about a string a text holds, rarely fooled by one it lacks."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cppcc_search.cjk import CJK_RUN
from indexer.index.sketch import sketches_may_hold, trigram_hashes, trigram_sketch
from tests.indexer.reports import corpus_reports


def may_hold(texts: list[str], run: str) -> list[bool]:
    """Whether each text's sketch, packed back to back as a column keeps them, may hold run."""
    sketches = [trigram_sketch(text) for text in texts]
    lengths = np.array([len(s) for s in sketches], dtype=np.int64)
    data = np.frombuffer(b"".join(sketches), dtype=np.uint8)
    return sketches_may_hold(data, np.cumsum(lengths) - lengths, lengths, run).tolist()


@pytest.fixture(scope="module")
def corpus_texts(shared_dir: Path) -> list[str]:
    return [s.text for report in corpus_reports(shared_dir) for s in report.sections if s.text]


def test_the_format_is_fixed_because_indexes_keep_it():
    # An index written by one version is read by the next: a changed hash would make the
    # sketches deny strings the sections hold. Change it only with indexer.index.manifest's format.
    assert trigram_sketch("中华人民共和国").hex() == "0880a18003"
    assert trigram_sketch("开发新能源，𠀀𠀁𠀂 abc 能源车").hex() == "0001924124"


def test_a_sketch_takes_a_byte_per_trigram_and_none_without_one():
    assert len(trigram_sketch("一二三四五")) == 3
    assert trigram_sketch("新能 源车 abc 中国。人民") == b""  # no run of three characters
    assert trigram_sketch("") == b""
    assert len(trigram_hashes("能源新能源")[0]) == 3  # repeats counted


def test_every_string_of_a_real_section_passes_its_sketch(corpus_texts):
    rng = random.Random(7)
    for text in corpus_texts:
        runs = [run for run in CJK_RUN.findall(text) if len(run) >= 3]
        for run in rng.sample(runs, min(len(runs), 20)):
            size = rng.randint(3, min(len(run), 12))
            start = rng.randrange(len(run) - size + 1)
            assert may_hold([text], run[start : start + size]) == [True]


def test_a_trigram_the_text_lacks_passes_rarely(corpus_texts):
    """One absent trigram passes with probability under 5% (two hashes, eight bits each)."""
    rng = random.Random(11)
    runs = CJK_RUN.findall(" ".join(corpus_texts))
    pool = [run[i : i + 3] for run in runs for i in range(len(run) - 2)]
    tried = passed = 0
    for text in rng.sample(corpus_texts, 60):
        for trigram in rng.sample(pool, 200):
            if trigram not in text:
                tried += 1
                passed += may_hold([text], trigram)[0]
    assert tried > 5000
    assert passed / tried < 0.06


def test_a_longer_string_is_let_through_far_more_rarely(corpus_texts):
    rng = random.Random(13)
    runs = [run for run in CJK_RUN.findall(" ".join(corpus_texts)) if len(run) >= 5]
    tried = passed = 0
    for text in rng.sample(corpus_texts, 60):
        for run in rng.sample(runs, 100):
            needle = run[:5]
            if needle not in text:
                tried += 1
                passed += may_hold([text], needle)[0]
    assert tried > 3000
    assert passed / tried < 0.01


def test_a_string_without_a_trigram_proves_nothing():
    assert may_hold(["新能源", "abc", ""], "能源") == [True, True, True]
    assert may_hold(["新能源", "abc", ""], "车") == [True, True, True]


def test_a_text_without_trigrams_holds_no_string_of_three():
    assert may_hold(["新能 源车", "", "新能源车"], "新能源") == [False, False, True]


def test_sketches_are_read_where_the_column_places_them():
    texts = ["新能源汽车", "甲乙丙丁", "", "汽车新能源", "新能源汽车"]
    assert may_hold(texts, "新能源汽车") == [True, False, False, False, True]
    assert may_hold(texts, "甲乙丙") == [False, True, False, False, False]


@given(
    text=st.text(alphabet="新能源汽车，a\n𠀀", max_size=60),
    start=st.integers(0, 60),
    size=st.integers(3, 8),
)
def test_no_string_the_text_holds_is_ever_denied(text, start, size):
    needle = text[start : start + size]
    if len(needle) >= 3 and CJK_RUN.fullmatch(needle):
        assert may_hold(["车能源", text, "a"], needle)[1]
