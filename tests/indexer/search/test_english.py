"""English analysis and the query language on a small real index of English reports."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cppcc_search.settings import DataPaths
from indexer.errors import QueryError
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import (
    ENERGY_REPORTS,
    build_index,
    english_report,
    service_ranking,
    whoosh_ranking,
)


@pytest.fixture(scope="module")
def english_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("english") / "data").ensure()
    build_index(paths, ENERGY_REPORTS)
    return paths


@pytest.fixture(scope="module")
def service(english_paths: DataPaths) -> SearchService:
    service = SearchService.open(english_paths)
    yield service
    service.close()


@pytest.mark.parametrize("query", ["energy", "new vehicles", "energy -vehicles", "title:committee"])
def test_ranking_is_whoosh_bm25f_exactly(service, english_paths, query):
    """The block-wise ranking gives Whoosh's own scores and order, ties included."""
    expected = whoosh_ranking(english_paths, query)
    assert expected, query
    assert service_ranking(service, query) == expected


def test_query_terms_parse_without_searching(service):
    terms = service.query_terms('Energies "new vehicles" -china 新能源 2015..2020')
    assert terms[:4] == ("energies", "new", "vehicles", "新能源")
    assert "energi" in terms  # the analysed form marks "energy" and "energies" alike
    assert "china" not in terms
    assert service.query_terms("the") == ()
    for hit in service.search(SearchRequest(query="energy")).results:
        assert "<mark>" in hit.snippet


def sections(service: SearchService, query: str, **filters: object) -> set[str]:
    response = service.search(SearchRequest(query=query, per_page=100, **filters))
    return {hit.id for hit in response.results}


def test_energy_finds_energies_and_energy(service):
    assert sections(service, "energy") == {"en-2023#0", "en-2023#1", "en-2022#0"}
    assert sections(service, "Energies") == sections(service, "energy")


def test_phrase_is_stricter_than_and(service):
    assert sections(service, "new vehicles") == {"en-2023#0", "en-2022#1"}
    assert sections(service, '"new energy vehicles"') == {"en-2023#0"}
    assert sections(service, '"vehicles new"') == set()


def test_phrase_over_a_stop_word(service):
    assert sections(service, '"care for the elderly"') == {"en-2023#1"}


def test_field_prefixes(service):
    assert sections(service, "section:tasks") == {"en-2023#1", "en-2022#1"}
    assert sections(service, "title:committee") == sections(service, "")
    assert sections(service, "title:energy") == set()


def test_or_exclusion_and_years(service):
    assert sections(service, "ecology OR tourism OR rivers") == {"en-2022#1"}
    assert sections(service, "energy -vehicles") == {"en-2023#1", "en-2022#0"}
    # the excluded word also occurs before the first match (Whoosh's AndNotMatcher misses this)
    assert sections(service, "elderly -energy") == {"en-2021#0"}
    assert service.search(SearchRequest(query="elderly -energy", sort="newest")).total == 1
    assert sections(service, "-energy") == {"en-2022#1", "en-2021#0"}
    assert sections(service, "energy 2023..2030") == {"en-2023#0", "en-2023#1"}
    assert sections(service, "energy year:2022") == {"en-2022#0"}


def test_part_facet_and_filter(service):
    response = service.search(SearchRequest(query="energy"))
    assert {v.value: v.count for v in response.facets["part"]} == {"review": 2, "plan": 1}
    assert sections(service, "energy", parts=("plan",)) == {"en-2023#1"}
    narrowed = service.search(SearchRequest(query="energy", parts=("plan",)))
    assert {v.value: (v.count, v.selected) for v in narrowed.facets["part"]} == {
        "review": (2, False),
        "plan": (1, True),
    }
    assert {v.value: v.count for v in narrowed.facets["year"]} == {2023: 1}


def test_snippet_is_escaped_and_marked(service):
    hit = service.search(SearchRequest(query="elderly services")).results[0]
    assert hit.id == "en-2021#0"
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>Elderly</mark>" in hit.snippet and "<mark>services</mark>" in hit.snippet
    assert hit.committee == "Changzhou CPPCC" and hit.part_kind == "review"


def test_did_you_mean_in_english(service):
    response = service.search(SearchRequest(query="enrgy"))
    assert response.total == 0 and response.suggestion == "energy"


def test_only_stop_words_is_a_clear_error(service):
    with pytest.raises(QueryError, match=r"nothing to search for.*没有可检索的词"):
        service.search(SearchRequest(query="the of and"))
    with pytest.raises(QueryError, match="nothing to search for"):
        service.search(SearchRequest(query="AND OR"))


QUERY_ALPHABET = st.sampled_from(
    list('abc energy 新能源乡村振兴"-:()*?~^\\/|ORAND..2015 2020 title:section:year:　“”\x00\ud800')
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.one_of(
        st.text(max_size=60),
        st.lists(QUERY_ALPHABET, max_size=30).map("".join),
    )
)
def test_hostile_queries_never_raise_anything_but_query_error(service, query):
    try:
        response = service.search(SearchRequest(query=query))
    except QueryError as error:
        assert "\n" not in str(error) and str(error)
    else:
        assert response.total >= 0
        assert response.to_dict()["query"] == query


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(term=st.one_of(st.text(max_size=30), st.lists(QUERY_ALPHABET, max_size=20).map("".join)))
def test_hostile_trend_terms_never_raise_anything_but_query_error(service, term):
    try:
        trends = service.trends([term], by_part=True)
    except QueryError as error:
        assert "\n" not in str(error) and str(error)
    else:
        assert [p.year for p in trends.series[0].points] == [2021, 2022, 2023]


def test_hyphenated_words_match_like_their_spaced_and_joined_forms(tmp_path):
    paths = DataPaths(tmp_path / "data").ensure()
    report = english_report(
        "hy",
        2021,
        [
            ("Review", "review", "We promoted new-energy vehicles and low-carbon travel."),
            ("Plan", "plan", "New energy storage and low carbon buildings."),
            ("Funds", "plan", "A newenergy fund for lowcarbon towns."),
            ("Other", "other", "New policies saved energy."),
        ],
    )
    build_index(paths, [report])
    with SearchService.open(paths) as hyphens:
        assert sections(hyphens, "new-energy") == sections(hyphens, "new energy")
        assert sections(hyphens, "new-energy") == {"hy#0", "hy#1", "hy#3"}
        assert sections(hyphens, '"new-energy"') == sections(hyphens, '"new energy"')
        assert sections(hyphens, '"low-carbon"') == {"hy#0", "hy#1"}
        assert sections(hyphens, '"low-carbon travel"') == {"hy#0"}
        assert sections(hyphens, "lowcarbon") == {"hy#0", "hy#2"}  # the joined spelling
        results = hyphens.search(SearchRequest(query="new-energy")).results
        hit = next(hit for hit in results if hit.id == "hy#0")
        assert "<mark>new</mark>-<mark>energy</mark>" in hit.snippet.lower()
