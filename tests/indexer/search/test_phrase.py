"""Exact Chinese strings without positions: bigram postings, column texts, one-term BM25F.

The indexes here are written with Whoosh's own writer over the project's schema and documents, in
several commits without merging, so matching and scoring cross segment boundaries and skip
documents deleted inside a segment, over plain (memory-mapped) and compound column files alike.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.formats import Existence
from whoosh.scoring import BM25F

from cppcc_search.cjk import CJK_RUN
from cppcc_search.models import Report
from indexer.index.analysis import bigram_tokens
from indexer.index.schema import build_schema, cjk_column_text
from indexer.search.matching import query_docs
from indexer.search.phrase import CjkPhrase, phrase_matches
from indexer.search.postings import ColumnText, MappedColumnText, column_sketches, column_text
from indexer.search.ranking import FieldLengths, rank_scores
from tests.indexer.reports import chinese_report, segment_per_report

ALPHABET = "新能源车，a"


def random_text(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))


TEXTS = [random_text(seed) for seed in range(90)]
NEEDLES = ["新能源", "能源新", "源源源", "新新", "车车车车", "新能源车", "能源", "新能源新能源"]


def report(report_id: str, texts: list[str], titles: list[str | None] | None = None) -> Report:
    return dataclasses.replace(
        chinese_report(report_id, texts, titles, title=f"报告{report_id}"),
        date=None,
        committee=None,
        level=None,
    )


REPORTS = [report(f"r{n}", TEXTS[n * 30 : (n + 1) * 30]) for n in range(3)]
DELETED = "r1"  # deleted after all three are written, its documents left in their segment


def write_segments(directory: Path, compound: bool) -> None:
    """One segment per report, then a deletion; nothing merged."""
    ix = segment_per_report(directory, REPORTS, compound)
    writer = ix.writer(compound=compound)
    writer.delete_by_term("report_id", DELETED)
    writer.commit(merge=False)


@pytest.fixture(scope="module", params=[False, True], ids=["mapped", "compound"])
def searcher(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("segments")
    write_segments(directory, compound=request.param)
    ix = whoosh_index.open_dir(str(directory))
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        assert searcher.reader().has_deletions()
        yield searcher, request.param


def live_texts(searcher) -> dict[int, str]:
    """docnum → section text of every live section."""
    return {
        docnum: stored["text"]
        for docnum, stored in searcher.reader().iter_docs()
        if stored.get("kind") == "section"
    }


def bigram_postings(text: str) -> list[tuple[bytes, int, float, bytes]]:
    """What a bigram field hands Whoosh's writer for the text."""
    return list(build_schema()["cjk"].index(text))


def test_bigram_postings_are_bigram_tokens_counted():
    text = "开发新能源。新 abc 新能源新能源\udfff能，能能能𠀀𠀁"
    postings = bigram_postings(text)
    assert {gram.decode(): freq for gram, freq, _, _ in postings} == dict(
        Counter(gram for gram, _ in bigram_tokens(text))
    )
    assert all(weight == freq and value == b"" for _, freq, weight, value in postings)


@given(st.text(alphabet="新能源汽车，ab。\n", max_size=40))
def test_postings_and_column_text_agree_with_the_analyser(text):
    grams = Counter(gram for gram, _ in bigram_tokens(text))
    assert {g.decode(): f for g, f, _, _ in bigram_postings(text)} == dict(grams)
    runs = cjk_column_text(text).decode("utf-8").split("\n")
    assert [r for r in runs if r] == CJK_RUN.findall(text)


def test_bigram_fields_keep_frequencies_and_a_column_but_no_positions():
    schema = build_schema()
    for name in ("cjk", "stitle_cjk", "title_cjk"):
        field = schema[name]
        assert isinstance(field.format, Existence)
        assert field.column_type is not None
        assert field.to_column_value("新能源, new 能源。") == "新能源\n能源".encode()
    assert schema["body"].column_type is None  # the word fields are unchanged


def test_segments_are_read_in_place_or_through_whoosh(searcher):
    searcher, compound = searcher
    kinds = {type(column_text(sub.reader(), "cjk")) for sub, _ in searcher.leaf_searchers()}
    assert kinds == {ColumnText if compound else MappedColumnText}


def test_every_segment_keeps_sketches_that_never_deny_a_string_held(searcher):
    """Read from the mapped file, or through Whoosh from a compound one."""
    searcher, _ = searcher
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        sketches = column_sketches(reader, "cjk")
        assert sketches is not None
        assert column_sketches(reader, "stitle_cjk") is None  # headings are read, not sketched
        docs = list(range(reader.doc_count_all()))
        texts = [reader.stored_fields(doc).get("text") or "" for doc in docs]
        for needle in (n for n in NEEDLES if len(n) >= 3):
            may = sketches.may_hold(needle, docs)
            assert all(may[doc] for doc in docs if needle in texts[doc])
            assert not all(may)


@pytest.mark.parametrize("needle", NEEDLES)
def test_matches_and_frequencies_are_substring_truth_across_segments(searcher, needle):
    searcher, _ = searcher
    texts = live_texts(searcher)
    matches = phrase_matches(searcher, CjkPhrase("cjk", needle))
    truth = {doc: text.count(needle) for doc, text in texts.items() if needle in text}
    assert matches.frequencies(searcher) == truth
    assert matches.docs.tolist() == sorted(truth)
    assert all(matches.upper >= [truth[doc] for doc in matches.docs.tolist()])
    assert query_docs(searcher, CjkPhrase("cjk", needle)) == sorted(truth)


@pytest.mark.parametrize("needle", NEEDLES)
def test_whoosh_matcher_path_scores_like_the_ranker(searcher, needle):
    """Whoosh's per-segment matchers and the block-wise ranker give the same floats."""
    searcher, _ = searcher
    q = wq.Or([CjkPhrase("cjk", needle), CjkPhrase("stitle_cjk", needle, boost=2.0)])
    docs = set(query_docs(searcher, q))
    ranked = rank_scores(searcher, FieldLengths(), None, q, docs)
    assert ranked is not None
    whoosh = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    assert whoosh == ranked
    # the top-k path prunes by block quality and must keep the same best documents
    order = sorted(ranked, key=lambda d: (-ranked[d], d))
    top = searcher.search(q, limit=3)
    assert [hit.docnum for hit in top] == order[:3]


def test_phrase_scores_as_one_term_of_its_field(searcher):
    """BM25F with tf = occurrences, idf = log(N / (df + 1)) + 1, the field's length norm."""
    searcher, _ = searcher
    needle = "新能源"
    matches = phrase_matches(searcher, CjkPhrase("cjk", needle))
    ranked = rank_scores(searcher, FieldLengths(), None, CjkPhrase("cjk", needle), matches.docs)
    assert ranked is not None and list(ranked) == matches.docs.tolist()
    weighting = BM25F()
    idf = math.log(searcher.doc_count_all() / (len(matches.docs) + 1)) + 1
    avgfl = searcher.avg_field_length("cjk")
    for doc, tf in matches.frequencies(searcher).items():
        fl = searcher.doc_field_length(doc, "cjk")
        norm = weighting.K1 * ((1 - weighting.B) + weighting.B * fl / avgfl)
        assert ranked[doc] == pytest.approx(idf * (tf * (weighting.K1 + 1)) / (tf + norm))


def test_documents_deleted_inside_a_segment_never_match(searcher):
    searcher, _ = searcher
    reader = searcher.reader()
    deleted = {d for d in range(reader.doc_count_all()) if reader.is_deleted(d)}
    assert deleted
    for needle in NEEDLES:
        q = CjkPhrase("cjk", needle)
        assert not set(phrase_matches(searcher, q).docs.tolist()) & deleted
        assert not {hit.docnum for hit in searcher.search(q, limit=None)} & deleted
