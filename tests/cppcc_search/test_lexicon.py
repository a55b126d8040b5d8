"""The lexicon's data: the policy term table (its sources checked against the texts they name)
and CC-CEDICT read from its package."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from cppcc_search.cjk import CJK_RUN
from cppcc_search.errors import CppccSearchError, LexiconError
from cppcc_search.lexicon.cedict import Cedict, glosses
from cppcc_search.lexicon.pairs import TermPair, parse_pairs, policy_pairs
from extraction.pipeline import extract_page
from tests.indexer.reports import corpus_reports

SOURCES = {
    "parallel:demo-changzhou-2024",
    "parallel:changzhou-2024-en",
    "parallel:demo-en",
    "cc-cedict",
    "hand-compiled",
}
DEMO = Path(__file__).resolve().parents[2] / "demo" / "site" / "reports"


def demo_text(name: str) -> str:
    path = next(DEMO.glob(f"*/*/{name}.html"))
    report = extract_page(path.read_bytes(), f"http://demo.test/{name}.html").report
    assert report is not None
    return report.body_text()


@pytest.fixture(scope="module")
def table() -> list[TermPair]:
    return policy_pairs()


def test_table_has_at_least_100_pairs_with_known_sources(table):
    assert len(table) >= 100
    assert {pair.source for pair in table} <= SOURCES
    assert all(CJK_RUN.fullmatch(pair.chinese) and len(pair.chinese) >= 2 for pair in table)
    duplicates = Counter((p.english.lower(), p.chinese) for p in table)
    assert max(duplicates.values()) == 1
    # CPPCC work, economy and policy are all there.
    chinese = {pair.chinese for pair in table}
    assert {"提案", "民主监督", "统一战线", "民营经济", "新能源汽车", "乡村振兴", "养老"} <= chinese


def test_parallel_pairs_occur_in_the_twin_reports(table):
    """A pair said to come from the twin demo reports has each side in its twin."""
    chinese_twin = demo_text("t20240120_0007")
    english_twin = demo_text("t20240122_0008").lower()
    parallel = [p for p in table if p.source == "parallel:demo-changzhou-2024"]
    assert len(parallel) >= 20
    for pair in parallel:
        assert pair.chinese in chinese_twin, pair
        assert pair.english.lower() in english_twin, pair


def test_changzhou_pairs_quote_the_real_translation(table, shared_dir):
    text = (shared_dir / "corpus" / "changzhou_cppcc_2024_work_report_en.txt").read_text()
    text = text.lower().replace("’", "'")
    quoted = [p for p in table if p.source == "parallel:changzhou-2024-en"]
    assert len(quoted) >= 20
    assert all(p.english.lower() in text for p in quoted)


def test_cedict_pairs_are_dictionary_entries(table):
    headwords = Cedict().headwords()
    for pair in (p for p in table if p.source == "cc-cedict"):
        definitions = "/".join(headwords[pair.chinese]).lower()
        assert pair.english.lower().removeprefix("the ") in definitions, pair


def test_hand_compiled_pairs_occur_in_the_archive(table, shared_dir):
    """Every hand-compiled pair's Chinese side is in the gov-zh corpus or the demo reports."""
    texts = [report.body_text() for report in corpus_reports(shared_dir)]
    texts += [demo_text(path.stem) for path in DEMO.glob("*/*/t2*.html")]
    missing = [
        p.chinese
        for p in table
        if p.source == "hand-compiled" and not any(p.chinese in t for t in texts)
    ]
    assert missing == []


def test_malformed_table_is_one_clear_error():
    assert parse_pairs("# comment\nnew energy\t新能源\thand-compiled\n") == [
        TermPair("new energy", "新能源", "hand-compiled")
    ]
    with pytest.raises(LexiconError, match="line 2") as caught:
        parse_pairs("a\t甲\tx\nbroken line without tabs\n")
    assert isinstance(caught.value, CppccSearchError)


def test_glosses_become_search_terms():
    assert glosses("to reform/reform; overhaul/CL:個|个[ge4]/see 改革|改革[gai3 ge2]") == [
        "reform",
        "overhaul",
    ]
    assert glosses(
        "variant of 能|能[neng2]/Kangxi radical 1/a description far too long to be a term"
    ) == ["Kangxi radical 1"]


def test_cedict_is_read_from_its_package_by_word_and_by_headword():
    dictionary = Cedict()
    assert "energy" in {p.english for p in dictionary.for_chinese("能源")}
    energy = {p.chinese for p in dictionary.mentioning("energ")}
    assert {"能源", "能量"} <= energy
    # Only glosses holding a word that starts so: "synergy" does not start with "energ".
    assert all(
        any(w.startswith("energ") for w in re.findall("[a-z0-9]+", p.english.lower()))
        for p in dictionary.mentioning("energ")
    )
    assert dictionary.for_chinese("不是词的词") == []


def test_cedict_of_a_given_text():
    text = "能源 能源 [neng2 yuan2] /energy/power source/CL:個|个[ge4]/\n"
    dictionary = Cedict(text)
    assert [(p.english, p.sense) for p in dictionary.for_chinese("能源")] == [
        ("energy", 0),
        ("power source", 1),
    ]
    assert [p.chinese for p in dictionary.mentioning("power")] == ["能源"]
