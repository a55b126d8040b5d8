"""Query translation over a real index in both languages: units, ranking, the query language."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from cppcc_search.lexicon.cedict import Cedict
from cppcc_search.lexicon.pairs import TermPair
from cppcc_search.settings import DataPaths
from indexer.errors import QueryError
from indexer.index.generations import read_pointer
from indexer.search.expansion import section_frequency
from indexer.search.lexicon import Lexicon, default_lexicon
from indexer.search.queries import compile_query
from indexer.search.querylang import Clause, parse_query
from indexer.search.translate import MAX_LOOKUPS, TranslatedQuery, translate_query_terms
from tests.indexer.reports import BILINGUAL_REPORTS, build_index


@pytest.fixture(scope="module")
def frequency(tmp_path_factory: pytest.TempPathFactory):
    """How many sections of the bilingual index hold a rendering (the index's own matching)."""
    paths = DataPaths(tmp_path_factory.mktemp("bilingual") / "data").ensure()
    build_index(paths, BILINGUAL_REPORTS)
    ix = whoosh_index.open_dir(str(paths.index_dir / read_pointer(paths.index_dir)))
    with ix.searcher() as searcher:
        yield section_frequency(searcher, None)


def translate(query: str, frequency, lexicon: Lexicon | None = None, **options) -> TranslatedQuery:
    return translate_query_terms(
        parse_query(query), lexicon or default_lexicon(), frequency, **options
    )


def renderings(translated: TranslatedQuery) -> dict[str, tuple[str, ...]]:
    return {t.term: t.renderings for t in translated.translations}


def sections_holding(text: str) -> int:
    """Substring truth: sections of the bilingual reports whose heading or text holds ``text``."""
    return sum(
        text.lower() in f"{section.title or ''} {section.text}".lower()
        for report in BILINGUAL_REPORTS
        for section in report.sections
    )


@pytest.mark.parametrize("text", ["新能源", "能源", "乡村振兴", "new energy", "energy", "氢能"])
def test_frequency_counts_sections_by_the_index(frequency, text):
    assert frequency(text) == sections_holding(text)


def test_frequency_of_words_is_a_phrase(frequency):
    assert frequency("energy new") == 0  # "new energy" in that order only


def test_phrases_translate_as_units_not_word_by_word(frequency):
    translated = translate("new energy vehicles", frequency)
    assert renderings(translated) == {"new energy vehicles": ("新能源汽车",)}
    [group] = translated.parsed.groups
    assert [c.text for c in group] == ["new energy vehicles", "新能源汽车"]
    assert renderings(translate("Rural Revitalization", frequency)) == {
        "Rural Revitalization": ("乡村振兴",)
    }


def test_inflections_find_entries(frequency):
    assert renderings(translate("energies", frequency))["energies"][0] == "能源"
    [translation] = translate("new-energy vehicle", frequency).translations
    assert translation.renderings == ("新能源汽车",)


def test_renderings_ranked_by_frequency_kept_only_when_they_occur(frequency):
    lexicon = Lexicon(
        [
            TermPair("power", "电力", "test"),  # absent from the archive
            TermPair("power", "能源", "test"),  # 6 sections
            TermPair("power", "新能源", "test"),  # 4 sections, but narrower than 能源
            TermPair("power", "风电", "test"),  # absent
            TermPair("power", "养老", "test"),  # 1 section
        ]
    )
    assert renderings(translate("power", frequency, lexicon)) == {"power": ("能源", "养老")}
    assert renderings(translate("power", frequency, lexicon, limit=1)) == {"power": ("能源",)}


def test_the_cap_bounds_renderings(frequency):
    lexicon = Lexicon([TermPair("x", z, "t") for z in ("能源", "养老", "提案", "民营经济")])
    assert len(renderings(translate("x", frequency, lexicon))["x"]) == 3


def test_chinese_terms_translate_to_english(frequency):
    translated = translate("新能源 养老", frequency)
    assert renderings(translated) == {"新能源": ("new energy",), "养老": ("elderly care",)}
    rendering = translated.parsed.groups[0][1]
    assert rendering == Clause(text="new energy", phrase=True)


def test_unknown_chinese_term_joins_its_pieces(frequency):
    # 新能源车 is in no lexicon: 新能源 (table) + 车 (dictionary) joined as an English phrase
    # that the archive holds.
    found = renderings(translate("新能源车", frequency))["新能源车"]
    assert found and all(r.startswith("new energy ") for r in found)
    assert "new energy vehicle" in found


def test_unknown_english_term_joins_its_words(frequency):
    lexicon = Lexicon([], Cedict)  # no table: digital economy is in no dictionary entry
    translated = translate("digital economy", frequency, lexicon)
    assert renderings(translated)["digital economy"] == ("数字经济",)
    assert len(translated.parsed.groups) == 1


def test_words_without_a_joined_form_stay_apart(frequency):
    translated = translate("energy care", frequency)
    terms = renderings(translated)
    assert set(terms) == {"energy"} or set(terms) == {"energy", "care"}
    assert len(translated.parsed.groups) == 2


def test_query_language_keeps_its_meaning(frequency):
    # A quoted phrase's rendering is one unit, scoped as the phrase was.
    translated = translate('section:"new energy vehicles"', frequency)
    assert translated.parsed.groups == [
        [
            Clause("new energy vehicles", phrase=True, scope="section"),
            Clause("新能源汽车", scope="section"),
        ]
    ]
    # An excluded term's renderings are excluded too.
    translated = translate('能源 -"new energy"', frequency)
    assert Clause("新能源", negated=True) in translated.parsed.excluded
    assert all(c.negated for c in translated.parsed.excluded)
    # An OR group gains each clause's renderings.
    translated = translate("新能源 OR 养老", frequency)
    assert [c.text for c in translated.parsed.groups[0]] == [
        "新能源",
        "new energy",
        "养老",
        "elderly care",
    ]
    # Year ranges stay.
    assert translate("新能源 2020..2022", frequency).parsed.years == parse_query("2020..2022").years


def test_renderings_turned_off(frequency):
    translated = translate("new energy", frequency, off=["新能源"])
    assert translated.translations[0].renderings == ()
    assert translated.translations[0].off == ("新能源",)
    assert [c.text for c in translated.parsed.groups[0]] == ["new energy"]


def test_a_single_chinese_character_is_searched_as_typed(frequency):
    # 能 has dozens of dictionary senses; none of them is what a one-character query means.
    assert translate("能", frequency).translations == []
    assert renderings(translate("能 新能源", frequency)) == {"新能源": ("new energy",)}


def test_a_query_of_many_terms_counts_a_bounded_number_of_renderings(frequency):
    asked: list[str] = []

    def counting(text: str) -> int:
        asked.append(text)
        return frequency(text)

    # 40 English terms of four renderings each: 160 lookups without a budget.
    terms = [f"term{chr(ord('a') + n // 26)}{chr(ord('a') + n % 26)}" for n in range(40)]
    pairs = [
        TermPair(term, chr(0x4E00 + n) + chr(0x5000 + k), "t")
        for n, term in enumerate(terms)
        for k in range(4)
    ] + [TermPair(terms[0], "能源", "t"), TermPair(terms[1], "养老", "t")]
    translated = translate(" OR ".join(["energy", *terms]), counting, Lexicon(pairs))
    assert len(set(asked)) == len(asked) == MAX_LOOKUPS  # the budget, not the query, stopped it
    assert [t.term for t in translated.translations][:2] == terms[:2]  # the first are translated


def test_nothing_to_translate(frequency):
    translated = translate("Changzhou 2021..2022", frequency)
    assert translated.translations == []
    assert translated.parsed.groups == parse_query("Changzhou").groups


WORDS = st.sampled_from(
    ["new", "energy", "vehicles", "新能源", "养老", "OR", "-", '"', "title:", "the", "x", "2021"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(WORDS, max_size=8).map(" ".join))
def test_any_query_translates_and_compiles(frequency, query):
    try:
        parsed = parse_query(query)
    except QueryError as refused:  # operators or a prefix alone: refused with the reason
        assert "nothing to search for" in str(refused) or "needs a word" in str(refused)
        return
    translated = translate_query_terms(parsed, default_lexicon(), frequency)
    assert len(translated.parsed.groups) <= len(parsed.groups)
    assert len(translated.parsed.excluded) >= len(parsed.excluded)
    originals = [c.text for g in parsed.groups for c in g if c.text.isascii()]
    kept = " ".join(c.text for g in translated.parsed.groups for c in g)
    assert all(word in kept for word in originals)
    if parsed.groups or parsed.excluded:
        try:
            compile_query(translated.parsed)
        except QueryError as error:  # only the "nothing searchable" error compile_query raises
            assert "nothing to search for" in str(error)


def test_stop_words_and_particles_stay_with_an_entry(frequency):
    lexicon = Lexicon([TermPair("opening up", "新能源", "t"), TermPair("reform", "养老", "t")])
    translated = translate("reform and opening up", frequency, lexicon)
    assert [[c.text for c in group] for group in translated.parsed.groups] == [
        ["reform", "养老"],
        ["and opening up", "新能源"],
    ]
    assert translate("the of", frequency, lexicon).translations == []
