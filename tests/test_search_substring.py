"""Chinese strings match exactly the sections that contain them (property test on a real index)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cppcc_search.models import Report, Section
from cppcc_search.settings import DataPaths
from indexer.cjkphrase import covering_bigrams
from indexer.service import SearchService
from indexer.types import SearchRequest
from tests.index_support import build_index, service_ranking, whoosh_ranking

ALPHABET = "新能源汽车，"  # few characters, so every string has many near misses
TEXTS = [
    "".join(random.Random(seed).choice(ALPHABET) for _ in range(random.Random(seed).randint(1, 40)))
    for seed in range(60)
]


@pytest.fixture(scope="module")
def substring_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("substring") / "data").ensure()
    report = Report(
        id="r",
        url="http://example.org/r",
        urls=["http://example.org/r"],
        title="报告",
        date=None,
        year=2020,
        language="zh",
        doc_type="other",
        committee=None,
        level=None,
        speaker=None,
        meeting_date=None,
        encoding=None,
        sections=[Section(i, 1, None, None, "other", None, text) for i, text in enumerate(TEXTS)],
    )
    build_index(paths, [report])
    return paths


@pytest.fixture(scope="module")
def service(substring_paths: DataPaths) -> SearchService:
    service = SearchService.open(substring_paths)
    yield service
    service.close()


@pytest.mark.parametrize(
    "query",
    ["新新", "新新新", "源源源源源", "能能能 OR 车车", "新新 -车车", "新新 新新新新", "新"],
)
def test_ranking_is_whoosh_bm25f_exactly(service, substring_paths, query):
    """The block-wise ranking gives Whoosh's own scores and order, ties included."""
    expected = whoosh_ranking(substring_paths, query)
    assert expected, query
    assert service_ranking(service, query) == expected


def test_covering_bigrams():
    assert covering_bigrams("新能") == (["新能"], [0])
    assert covering_bigrams("新能源") == (["新能", "能源"], [0, 1])
    assert covering_bigrams("开发新能源") == (["开发", "新能", "能源"], [0, 2, 3])
    assert covering_bigrams("社会主义市场经济") == (["社会", "主义", "市场", "经济"], [0, 2, 4, 6])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(needle=st.text(alphabet="新能源汽车", min_size=1, max_size=7))
def test_a_chinese_string_finds_exactly_the_sections_containing_it(service, needle):
    response = service.search(SearchRequest(query=needle, per_page=100))
    found = {int(hit.id.split("#")[1]) for hit in response.results}
    assert found == {i for i, text in enumerate(TEXTS) if needle in text}
    assert response.total == len(found)
