"""Translation quality floors on real reports: report-level recall and precision of translated
queries against substring truth, for a fixed sample of the term table in both directions
(bench/translation_quality.py measures the whole table and a held-out split)."""

from __future__ import annotations

import re

import pytest

from cppcc_search.lexicon.pairs import policy_pairs
from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest

pytestmark = pytest.mark.slow

SAMPLE_EVERY = 5  # every fifth term of the table, in table order


@pytest.fixture(scope="module")
def service(mixed_paths: DataPaths) -> SearchService:
    service = SearchService.open(mixed_paths)
    yield service
    service.close()


def found(service: SearchService, query: str, among: set[str]) -> set[str]:
    response = service.search(SearchRequest(query=query, per_page=1000))
    assert response.total <= 1000
    return {hit.report_id for hit in response.results} & among


def english_in(text: str, term: str) -> bool:
    folded = text.lower().replace("’", "'")
    return re.search(rf"\b{re.escape(term.lower())}(?:s|es)?\b", folded) is not None


def scores(
    service, terms: dict[str, set[str]], reports: list[Report], holds
) -> tuple[float, float]:
    """Mean recall and mean precision over the terms whose truth is not empty."""
    ids = {r.id for r in reports}
    recalls, precisions = [], []
    for term, renderings in terms.items():
        truth = {r.id for r in reports if any(holds(r.body_text(), x) for x in renderings)}
        if not truth:
            continue
        hits = found(service, term, ids)
        recalls.append(len(hits & truth) / len(truth))
        if hits:
            precisions.append(len(hits & truth) / len(hits))
    assert len(recalls) >= 20, "too few sampled terms occur in the reports to measure"
    return sum(recalls) / len(recalls), sum(precisions) / max(1, len(precisions))


def sampled(by: str) -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    for pair in policy_pairs()[::SAMPLE_EVERY]:
        source, target = (
            (pair.english, pair.chinese) if by == "en" else (pair.chinese, pair.english)
        )
        terms.setdefault(source, set()).add(target)
    return terms


def test_english_queries_over_chinese_reports(service, mixed_reports):
    chinese = [r for r in mixed_reports if r.language == "zh"]
    recall, precision = scores(service, sampled("en"), chinese, lambda text, t: t in text)
    assert recall >= 0.9 and precision >= 0.8, (recall, precision)


def test_chinese_queries_over_english_reports(service, mixed_reports):
    english = [r for r in mixed_reports if r.language == "en"]
    recall, precision = scores(service, sampled("zh"), english, english_in)
    assert recall >= 0.9 and precision >= 0.8, (recall, precision)
