"""The numpy paths against Whoosh's own: match sets, BM25F scores bit for bit, the bounded top k.

One index of random Chinese sections over a small vocabulary (so words, strings and headings
overlap and common terms span several posting blocks), written as this project writes it: a
rebuild in direct segments, then an update through Whoosh's writer that adds a segment and
deletes a report inside an old one. Queries are random too, compiled as the service compiles
them, and each is checked against Whoosh walking its matchers.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.matching import IntersectionMatcher, ListMatcher
from whoosh.util import make_weighted_tree

from cppcc_search.settings import DataPaths
from indexer.index.generations import read_pointer
from indexer.search.matching import match_docs
from indexer.search.phrase import CjkPhrase, literal_sections, phrase_matches
from indexer.search.postings import term_postings
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.ranking import FieldLengths, rank_scores, top_ranked, weighted_tree
from tests.indexer.reports import build_index, chinese_report

pytestmark = pytest.mark.slow  # one index of ~1,500 sections (~10 s)

WORDS = [
    "新能源", "汽车", "发展", "经济", "社会", "主义", "市场", "农民", "群众", "人民",
    "进一步", "建设", "改革", "开放", "科技", "农业", "的", "和", "在", "我们", "坚持",
    "社会主义", "市场经济", "现代化", "一步", "能源",
]  # fmt: skip
# Strings that are (or are made of) the words above, or only occur across them.
QUERIES = [
    "发展", "新能源", "农民群众", "社会主义市场经济", "进一步", "能源汽车", "科技 农业",
    "社会 发展", "人民群众 OR 农民群众", "经济 -改革", "现代化 建设", "的发展",
    "坚持改革开放", "群众 社会主义", "汽车 OR 农业", "section:改革", "主义市",
    # ANDs of three or more clauses: Whoosh's tree of intersections, rebuilt per segment
    "科技 农业 发展", "的 和 在 社会 经济", "新能源 汽车 发展 经济 社会 主义", "农民群众 社会 发展",
    "发展 经济 发展", "(汽车 OR 农业) 社会 发展", "经济 社会 发展 -改革", "的 在 和 的 在",
    # ORs of three or more: Whoosh's PreloadedOr in these small segments
    "汽车 OR 农业 OR 科技", "的 OR 和 OR 在 OR 我们", "(新能源 OR 市场 OR 农民群众) 发展",
]  # fmt: skip


def random_text(rng: random.Random, words: int) -> str:
    parts = [rng.choice(WORDS) for _ in range(words)]
    for i in range(5, len(parts), rng.randint(6, 40)):
        parts[i] += "。"
    return "".join(parts)


def reports(rng: random.Random, count: int, prefix: str) -> list:
    made = []
    for n in range(count):
        texts = [random_text(rng, rng.randint(3, 120)) for _ in range(rng.randint(1, 9))]
        titles = [rng.choice([None, "一、" + random_text(rng, 2)]) for _ in texts]
        made.append(chinese_report(f"{prefix}{n}", texts, titles))
    return made


# Sections whose words are not all strings of their text (a Kangxi radical, a compatibility
# ideograph), next to one that is: the first two must be verified by reading their text.
ODD = chinese_report("odd", ["进⼀步发展。进一。一步", "社会\ufa4c会主义。进一步", "进一步发展"])


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(18)
    paths = DataPaths(tmp_path_factory.mktemp("ranking") / "data").ensure()
    first = [*reports(rng, 300, "a"), ODD]
    build_index(paths, first)  # direct segments (protocol 4, blocks of 512)
    build_index(paths, first[1:] + reports(rng, 40, "b"))  # Whoosh's writer; "a0" deleted
    ix = whoosh_index.open_dir(str(paths.index_dir / read_pointer(paths.index_dir)))
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2 and searcher.reader().has_deletions()
        yield searcher


def whoosh_scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def in_order(scores: dict[int, float]) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


@pytest.mark.parametrize("query", QUERIES)
def test_matches_are_whoosh_matches(searcher, query):
    compiled = compile_query(parse_query(query))
    found = match_docs(searcher, compiled.query).tolist()
    expected = set(searcher.docs_for_query(compiled.positive))
    if compiled.negative is not None:
        expected -= set(searcher.docs_for_query(compiled.negative))
    assert found == sorted(expected)


@pytest.mark.parametrize("query", QUERIES)
def test_scores_and_top_k_are_whooshs_bit_for_bit(searcher, query):
    positive = compile_query(parse_query(query)).positive
    docs = match_docs(searcher, positive)
    expected = whoosh_scores(searcher, positive)
    assert sorted(expected) == docs.tolist()
    scores = rank_scores(searcher, FieldLengths(), None, positive, docs.tolist())
    assert scores is not None and scores == expected
    ordered = in_order(expected)
    for k in (1, 3, 10, 57, len(ordered) + 5):
        assert top_ranked(searcher, FieldLengths(), None, positive, docs, k) == ordered[:k]


@pytest.mark.parametrize("query", QUERIES[:8])
def test_top_k_of_a_filtered_subset(searcher, query):
    """Facet filters rank a subset of the matches: the same scores, the subset's best."""
    positive = compile_query(parse_query(query)).positive
    docs = match_docs(searcher, positive)
    subset = docs[np.random.default_rng(7).random(len(docs)) < 0.3]
    expected = in_order({d: s for d, s in whoosh_scores(searcher, positive).items() if d in subset})
    assert top_ranked(searcher, FieldLengths(), None, positive, subset, 10) == expected[:10]


def test_postings_within_a_subset_are_the_full_postings_there(searcher):
    rng = np.random.default_rng(3)
    for text in ("发展", "社会", "能源", "群众"):
        postings = term_postings(searcher, "cjk", text)
        assert postings.count > 1024  # several blocks in each segment
        for share in (0.001, 0.05, 0.5):
            within = np.flatnonzero(rng.random(searcher.doc_count_all()) < share)
            fresh = term_postings(searcher, "cjk", text)  # nothing decoded yet
            docs, weights = fresh.arrays(searcher, within)
            all_docs, all_weights = postings.arrays(searcher)
            keep = np.isin(all_docs, within)
            assert docs.tolist() == all_docs[keep].tolist()
            assert weights.tolist() == all_weights[keep].tolist()
        reference = [hit.docnum for hit in searcher.search(wq_term("cjk", text), limit=None)]
        assert sorted(reference) == postings.arrays(searcher)[0].tolist()


def wq_term(fieldname: str, text: str):
    from whoosh import query as wq

    return wq.Term(fieldname, text)


@pytest.mark.parametrize("needle", ["农民群众", "进一步", "社会主义市场经济", "的发展", "主义市"])
def test_exact_strings_and_their_bounds(searcher, needle):
    texts = {
        doc: stored["text"]
        for doc, stored in searcher.reader().iter_docs()
        if stored.get("kind") == "section"
    }
    matches = phrase_matches(searcher, CjkPhrase("cjk", needle))
    truth = {doc: text.count(needle) for doc, text in texts.items() if needle in text}
    assert matches.docs.tolist() == sorted(truth)
    assert (matches.upper >= [truth[d] for d in matches.docs.tolist()]).all()
    # counted in any order, any number of times
    at = np.random.default_rng(1).permutation(len(matches.docs))[: len(matches.docs) // 2]
    assert matches.counts(searcher, at).tolist() == [truth[d] for d in matches.docs[at].tolist()]
    assert matches.frequencies(searcher) == truth


def test_only_sections_whose_words_are_their_own_strings_are_literal(searcher):
    docs = {
        stored["doc_id"]: doc
        for doc, stored in searcher.reader().iter_docs()
        if stored["report_id"] == "odd" and stored["kind"] == "section"
    }
    literal = literal_sections(searcher)
    assert [bool(literal[docs[f"odd#{n}"]]) for n in range(3)] == [False, False, True]
    assert sum(literal) > 1500  # the random sections are plain
    held = phrase_matches(searcher, CjkPhrase("cjk", "进一步")).docs.tolist()
    assert docs["odd#0"] not in held and {docs["odd#1"], docs["odd#2"]} <= set(held)


def whooshs_grouping(matcher, leaves: list) -> object:
    if isinstance(matcher, IntersectionMatcher):
        return (whooshs_grouping(matcher.a, leaves), whooshs_grouping(matcher.b, leaves))
    return next(i for i, leaf in enumerate(leaves) if leaf is matcher)


@pytest.mark.parametrize("seed", range(40))
def test_the_grouping_of_an_and_is_whooshs(seed):
    """Whoosh's own tree builder over real matchers (ties included: matchers compare equal, and
    a join ties with what is left only when the weights are 0, clauses absent from a segment)."""
    rng = random.Random(seed)
    sizes = [0] if seed % 4 == 0 else [0, 3, 3, 7, 12, 12, 12, 40]
    weights = [-rng.choice(sizes) for _ in range(rng.randint(3, 20))]
    leaves = [ListMatcher([1, 2]) for _ in weights]
    built = make_weighted_tree(IntersectionMatcher, list(zip(weights, leaves, strict=True)))
    assert weighted_tree(weights) == whooshs_grouping(built, leaves)


@pytest.fixture(scope="module")
def large_segment_searcher(tmp_path_factory: pytest.TempPathFactory):
    """One segment of more than 5,000 sections: there Whoosh joins an OR's clauses as a tree
    (DefaultOr), where the small segments above add them in order (PreloadedOr)."""
    rng = random.Random(5000)
    paths = DataPaths(tmp_path_factory.mktemp("large") / "data").ensure()
    made = [
        chinese_report(f"l{n}", [random_text(rng, rng.randint(2, 12)) for _ in range(8)])
        for n in range(660)
    ]
    build_index(paths, made)
    ix = whoosh_index.open_dir(str(paths.index_dir / read_pointer(paths.index_dir)))
    with ix.searcher() as searcher:
        assert max(sub.doc_count_all() for sub, _ in searcher.leaf_searchers()) > 5000
        yield searcher


@pytest.mark.parametrize(
    "query",
    ["汽车 OR 农业 OR 科技", "的 OR 和 OR 在 OR 我们 OR 人民", "(新能源 OR 市场 OR 群众) 发展",
     "科技 农业 发展", "的 和 在 社会 经济 主义"],
)  # fmt: skip
def test_scores_in_large_segments_are_whooshs_bit_for_bit(large_segment_searcher, query):
    searcher = large_segment_searcher
    positive = compile_query(parse_query(query)).positive
    docs = match_docs(searcher, positive)
    expected = whoosh_scores(searcher, positive)
    assert rank_scores(searcher, FieldLengths(), None, positive, docs.tolist()) == expected
    ordered = in_order(expected)
    assert top_ranked(searcher, FieldLengths(), None, positive, docs, 10) == ordered[:10]
