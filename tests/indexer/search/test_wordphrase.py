"""Phrases of words matched and ranked with numpy against Whoosh's own span matcher.

English sections over a small vocabulary (stop words, digits, words that repeat), written as
the project writes an index: a rebuild in direct segments, then an update through Whoosh's
writer that adds a segment and deletes a report inside an old one; and one segment of more
than 5,000 sections. Each phrase is compiled as the service compiles a quoted query (the body
and the boosted heading), and its matches, scores and top k are compared with Whoosh's.
"""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from cppcc_search.settings import DataPaths
from indexer.index.generations import read_pointer
from indexer.search.cost import query_cost
from indexer.search.matching import match_docs
from indexer.search.postings import doc_frequency
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.ranking import FieldLengths, rank_scores, top_ranked
from indexer.search.snippets import stored_word_spans
from indexer.search.wordphrase import word_phrase_docs
from tests.indexer.reports import build_index, english_report

pytestmark = pytest.mark.slow  # two indexes of ~1,700 and ~5,300 sections

WORDS = [
    "economic", "development", "economy", "of", "the", "and", "for", "6", "5", "new", "energy",
    "vehicles", "reform", "growth", "rural", "people", "care", "6", "5", "development",
]  # fmt: skip
# Opens and closes every section of three words or more: they co-occur, never side by side.
FIRST, LAST = "alpha", "omega"

PHRASES = [
    '"economic development"', '"6 5"', '"5 6"', '"new energy vehicles"', '"growth growth"',
    '"6 6 6"', '"development of the economy"', '"care for the people"', '"the economic of reform"',
    '"new energy vehicles reform growth"', '"rural people and economic development"',
    '"alpha omega"', '"omega alpha"', '"economic zebra"', '"6 5" growth', '"6 5" OR rural',
    'reform "economic development" people', '"6 5" "new energy" -growth', "section:\"new energy\"",
]  # fmt: skip


def random_text(rng: random.Random, words: int) -> str:
    """Words apart (punctuation would take no position), the first and the last fixed."""
    return " ".join([FIRST, *rng.choices(WORDS, k=words), LAST]) if words else ""


def reports(rng: random.Random, count: int, prefix: str, most: int = 150) -> list:
    made = []
    for n in range(count):
        sections = [
            (random_text(rng, rng.randint(0, 4)).capitalize(), "other", random_text(rng, size))
            for size in [rng.randint(0, most) for _ in range(rng.randint(1, 9))]
        ]
        made.append(english_report(f"{prefix}{n}", 2020, sections))
    return made


def open_searcher(paths: DataPaths):
    return whoosh_index.open_dir(str(paths.index_dir / read_pointer(paths.index_dir))).searcher()


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(6)
    paths = DataPaths(tmp_path_factory.mktemp("wordphrase") / "data").ensure()
    first = reports(rng, 300, "a")
    build_index(paths, first)  # direct segments
    build_index(paths, first[1:] + reports(rng, 40, "b"))  # Whoosh's writer; "a0" deleted
    with open_searcher(paths) as searcher:
        assert len(searcher.leaf_searchers()) == 2 and searcher.reader().has_deletions()
        yield searcher


@pytest.fixture(scope="module")
def large_segment_searcher(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(5000)
    paths = DataPaths(tmp_path_factory.mktemp("wordphrase-large") / "data").ensure()
    build_index(paths, reports(rng, 1200, "l", most=12))
    with open_searcher(paths) as searcher:
        assert max(sub.doc_count_all() for sub, _ in searcher.leaf_searchers()) > 5000
        yield searcher


def whoosh_scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def in_order(scores: dict[int, float]) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def assert_whooshs(searcher, query: str) -> list[int]:
    """Matches, every score and the top k as Whoosh's; the matches, for more checks."""
    compiled = compile_query(parse_query(query))
    expected_docs = set(searcher.docs_for_query(compiled.positive))
    if compiled.negative is not None:
        expected_docs -= set(searcher.docs_for_query(compiled.negative))
    found = match_docs(searcher, compiled.query)
    assert found.tolist() == sorted(expected_docs)
    positive = compiled.positive
    expected = whoosh_scores(searcher, positive)
    matches = match_docs(searcher, positive)
    assert matches.tolist() == sorted(expected)
    assert rank_scores(searcher, FieldLengths(), None, positive, matches) == expected
    ordered = in_order(expected)
    for k in (1, 10, len(ordered) + 3):
        assert top_ranked(searcher, FieldLengths(), None, positive, matches, k) == ordered[:k]
    return found.tolist()


@pytest.mark.parametrize("query", PHRASES)
def test_phrases_match_and_score_as_whooshs(searcher, query):
    assert_whooshs(searcher, query)


@pytest.mark.parametrize("query", PHRASES[:12])
def test_phrases_in_a_large_segment(large_segment_searcher, query):
    assert_whooshs(large_segment_searcher, query)


def test_the_phrases_find_what_they_should(searcher):
    """Not vacuous: most phrases match many sections, some none, stop-word gaps widen."""
    counts = {query: len(assert_whooshs(searcher, query)) for query in PHRASES[:14]}
    assert counts['"alpha omega"'] == counts['"omega alpha"'] == counts['"economic zebra"'] == 0
    assert all(counts[q] > 50 for q in ['"economic development"', '"6 5"', '"growth growth"'])
    assert counts['"new energy vehicles"'] > 0 and counts['"6 6 6"'] > 0
    exact = len(match_docs(searcher, wq.Phrase("body", ["develop", "economi"])))
    assert counts['"development of the economy"'] > exact  # up to three positions apart


def test_random_windows_of_sections_are_found_where_whoosh_finds_them(searcher):
    rng = random.Random(11)
    texts = [
        stored["text"]
        for _, stored in searcher.reader().iter_docs()
        if stored.get("kind") == "section" and len(stored.get("text") or "") > 40
    ]
    for _ in range(25):
        words = rng.choice(texts).split()
        start = rng.randrange(len(words) - 5)
        phrase = " ".join(words[start : start + rng.randint(2, 5)])
        assert assert_whooshs(searcher, f'"{phrase}"')  # the section it came from, at least


def test_within_keeps_only_the_given_documents(searcher):
    q = wq.Phrase("body", ["6", "5"])
    every = word_phrase_docs(searcher, q)
    within = every[::3]
    assert word_phrase_docs(searcher, q, within=within).tolist() == within.tolist()
    assert len(word_phrase_docs(searcher, q, within=every[:0])) == 0


def test_a_word_phrase_costs_about_its_postings(searcher):
    """Matched block-wise, a phrase weighs a few times its words' postings, not 30 times."""
    q = wq.Phrase("body", ["6", "5"])
    postings, work = query_cost(searcher, q)
    assert postings == sum(searcher.doc_frequency("body", word) for word in q.words) > 0
    assert postings < work <= 6 * postings


def test_document_frequencies_are_kept_per_index_version(tmp_path):
    """Kept frequencies are the searcher's own, and a new version's reader sees its own."""
    paths = DataPaths(tmp_path / "data").ensure()
    rng = random.Random(3)
    first = reports(rng, 3, "v", most=30)
    build_index(paths, first)
    with open_searcher(paths) as old:
        before = {word: doc_frequency(old, "body", word) for word in [*WORDS, "zebra"]}
        assert before == {word: old.doc_frequency("body", word) for word in before}
        assert before["zebra"] == 0 and before["growth"] > 0
        build_index(paths, [*first, *reports(rng, 3, "w", most=30)])
        with open_searcher(paths) as new:
            after = {word: doc_frequency(new, "body", word) for word in before}
            assert after == {word: new.doc_frequency("body", word) for word in before}
            assert after["growth"] > before["growth"]
        assert doc_frequency(old, "body", "growth") == before["growth"]


def whooshs_spans(searcher, docnum: int, term: str) -> list[tuple[int, int, str]]:
    """The term's character spans in a document through Whoosh's own top-level postings."""
    if searcher.doc_frequency("body", term) == 0:
        return []
    matcher = searcher.postings("body", term)
    if matcher.id() < docnum:
        matcher.skip_to(docnum)
    if not matcher.is_active() or matcher.id() != docnum:
        return []
    return [(start, end, term) for _, start, end in matcher.value_as("characters")]


def test_highlighted_words_are_read_from_the_documents_own_segment(searcher):
    """Snippets' word spans in both segments (one with deletions) are Whoosh's own."""
    terms = ["econom", "develop", "6", "5", "growth", "zebra"]
    rng = random.Random(2)
    docs = rng.sample(range(searcher.doc_count_all()), 300)
    second = searcher.leaf_searchers()[1][1]
    assert min(docs) < second <= max(docs)
    found = 0
    for docnum in docs:
        if searcher.reader().is_deleted(docnum):
            continue
        expected = [span for term in terms for span in whooshs_spans(searcher, docnum, term)]
        spans = stored_word_spans(searcher, docnum, terms)
        assert spans == expected
        found += len(spans)
    assert found > 100
