"""Searches and trends translated by the service over a real bilingual index."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cppcc_search.settings import DataPaths
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import BILINGUAL_REPORTS, build_index


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    paths = DataPaths(tmp_path_factory.mktemp("bilingual") / "data").ensure()
    build_index(paths, BILINGUAL_REPORTS)
    service = SearchService.open(paths)
    yield service
    service.close()


def truth(test) -> set[str]:
    """Substring truth: ids of the sections whose heading and text pass ``test``."""
    return {
        f"{report.id}#{section.ordinal}"
        for report in BILINGUAL_REPORTS
        for section in report.sections
        if test(f"{section.title or ''} {section.text}")
    }


def has_words(*words: str):
    return lambda text: all(re.search(rf"\b{w}", text, re.IGNORECASE) for w in words)


def found(service: SearchService, query: str, **options) -> set[str]:
    response = service.search(SearchRequest(query=query, per_page=100, **options))
    return {hit.id for hit in response.results}


def test_english_query_also_searches_chinese(service):
    response = service.search(SearchRequest(query="new energy", per_page=100))
    expected = truth(lambda t: "新能源" in t) | truth(has_words("new", "energy"))
    assert {hit.id for hit in response.results} == expected
    assert {hit.language for hit in response.results} == {"zh", "en"}
    assert response.to_dict()["translations"] == [
        {"term": "new energy", "language": "zh", "renderings": ["新能源"], "off": []}
    ]
    languages = {f.value: f.count for f in response.facets["language"]}
    assert languages == Counter(hit.language for hit in response.results)
    assert any("<mark>新能源</mark>" in hit.snippet for hit in response.results)


def test_chinese_query_also_searches_english(service):
    expected = truth(lambda t: "养老" in t) | truth(lambda t: "elderly care" in t.lower())
    assert found(service, "养老") == expected
    assert found(service, "乡村振兴") == truth(lambda t: "乡村振兴" in t) | truth(
        lambda t: "rural revitalization" in t.lower()
    )


def test_one_language_only(service):
    assert found(service, "new energy", expand=False) == truth(has_words("new", "energy"))
    response = service.search(SearchRequest(query="新能源", expand=False))
    assert response.translations == []
    assert {hit.language for hit in response.results} == {"zh"}


def test_a_rendering_turned_off(service):
    response = service.search(
        SearchRequest(query="new energy", per_page=100, renderings_off=("新能源",))
    )
    assert {hit.id for hit in response.results} == truth(has_words("new", "energy"))
    [translation] = response.translations
    assert translation.renderings == () and translation.off == ("新能源",)


def test_excluded_renderings_are_excluded(service):
    expected = truth(lambda t: "能源" in t and "新能源" not in t) | truth(
        lambda t: has_words("energy")(t) and "new energy" not in t.lower()
    )
    assert found(service, '能源 -"new energy"') == expected


def test_trends_count_across_languages(service):
    series = service.trends(["new energy"]).series[0]
    assert series.translations[0].renderings == ("新能源",)
    matching = truth(lambda t: "新能源" in t) | truth(has_words("new", "energy"))
    years = {r.id: r.year for r in BILINGUAL_REPORTS}
    expected = Counter(years[doc.split("#")[0]] for doc in matching)
    assert {p.year: p.hits for p in series.points if p.hits} == dict(expected)
    one_language = service.trends(["new energy"], request=SearchRequest(expand=False)).series[0]
    assert sum(p.hits for p in one_language.points) < sum(p.hits for p in series.points)
    assert one_language.to_dict()["translations"] == []


def test_hyphenated_words_in_phrases_and_renderings(service):
    expected = truth(lambda t: "high-quality development" in t)
    assert expected and found(service, '"high-quality development"', expand=False) == expected
    assert found(service, "高质量发展") == expected | truth(lambda t: "高质量发展" in t)


def test_highlight_terms_add_the_renderings_the_search_searched(service):
    """What a report opened from a search marks: the query's terms and its renderings, as the
    search chose them (turned off and one-language searches mark the query alone)."""
    assert set(service.highlight_terms(SearchRequest(query="new energy"))) == {
        "new",
        "energy",
        "energi",
        "新能源",
    }
    off = SearchRequest(query="new energy", renderings_off=("新能源",))
    assert "新能源" not in service.highlight_terms(off)
    typed = SearchRequest(query="new energy", expand=False)
    assert service.highlight_terms(typed) == service.query_terms("new energy")
    assert {"elderly", "care"} <= set(service.highlight_terms(SearchRequest(query="养老")))
    assert service.highlight_terms(SearchRequest(query="title:")) == ()
