"""Ranking across languages: Chinese and English hits of a translated query, interleaved fairly."""

from __future__ import annotations

import pytest

from cppcc_search.settings import DataPaths
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import service_ranking, whoosh_ranking

pytestmark = pytest.mark.slow  # the 72 real reports and the real English Changzhou report


@pytest.fixture(scope="module")
def paths(mixed_paths: DataPaths) -> DataPaths:
    return mixed_paths


@pytest.fixture(scope="module")
def service(paths: DataPaths) -> SearchService:
    service = SearchService.open(paths)
    yield service
    service.close()


def ranked(service: SearchService, query: str, **options) -> list[tuple[str, str]]:
    response = service.search(SearchRequest(query=query, per_page=1000, **options))
    return [(hit.id, hit.language) for hit in response.results]


@pytest.mark.parametrize(
    ("english", "chinese"), [("new energy", "新能源"), ("private economy", "民营经济")]
)
def test_best_of_each_language_lead_and_both_fill_the_first_page(service, english, chinese):
    hits = ranked(service, english)
    assert {language for _, language in hits[:2]} == {"zh", "en"}
    first_page = [language for _, language in hits[:10]]
    available = [language for _, language in hits]
    for language in ("zh", "en"):
        assert first_page.count(language) >= min(3, available.count(language))


def test_each_language_keeps_its_own_order(service):
    """Within a language the translated query ranks as that language's own query does."""
    hits = ranked(service, "new energy")
    chinese_only = [doc for doc, _ in ranked(service, "新能源", expand=False)]
    english_only = [doc for doc, _ in ranked(service, "new energy", expand=False)]
    assert [doc for doc, language in hits if language == "zh"] == chinese_only
    assert [doc for doc, language in hits if language == "en"] == english_only


def test_scores_are_shares_of_each_language_best(service):
    scores = [score for _, score in service_ranking(service, "new energy")]
    assert scores[0] == scores[1] == pytest.approx(1.0)
    assert all(0.0 < score <= 1.0 for score in scores)


def test_queries_without_translations_keep_whoosh_scores(service, paths):
    response = service.search(SearchRequest(query="计划经济"))
    assert response.total and not any(t.renderings for t in response.translations)
    assert service_ranking(service, "计划经济") == whoosh_ranking(paths, "计划经济")
