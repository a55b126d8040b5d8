"""Chinese strings match exactly the sections that contain them (property test on a real index).

Strings of three or more characters are checked against each section's Chinese text, not bigram
positions (indexer.search.matching); they rank as one term of their field (indexer.search.phrase).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import build_index, chinese_report, service_ranking, whoosh_ranking

ALPHABET = "新能源汽车，"  # few characters, so every string has many near misses


def random_text(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))


TEXTS = [random_text(seed) for seed in range(60)]


def found_ids(service: SearchService, query: str) -> list[str]:
    """Section ids in the service's relevance order."""
    return [hit.id for hit in service.search(SearchRequest(query=query, per_page=100)).results]


@pytest.fixture(scope="module")
def substring_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("substring") / "data").ensure()
    build_index(paths, [chinese_report("r", TEXTS)])
    return paths


@pytest.fixture(scope="module")
def service(substring_paths: DataPaths) -> SearchService:
    service = SearchService.open(substring_paths)
    yield service
    service.close()


@pytest.mark.parametrize(
    "query",
    [
        "新新",
        "新新新",
        "新能源",
        "源源源 OR 车车车",
        "能能能 OR 车车",
        "新能 -汽车车",
        "新能 新能源",
        "新新 能源 新能源",  # three clauses: Whoosh's own matchers rank it in the service too
        "新",
    ],
)
def test_ranking_is_whoosh_bm25f_exactly(service, substring_paths, query):
    """The block-wise ranking gives Whoosh's own scores and order, ties included."""
    expected = whoosh_ranking(substring_paths, query)
    assert expected, query
    assert service_ranking(service, query) == expected


# Hand-made sections: (heading, text)
CASES = [
    (None, "源新能能源"),  # 新能 and 能源 both present, never as 新能源
    (None, "新能，能源。新能 能源"),  # the same across punctuation and a space
    (None, "新能源新能源新能源"),  # three times ...
    (None, "新能源汽车汽车汽车"),  # ... and once, in a field of the same length (9 bigrams)
    ("一、发展新能源汽车产业", "推进产业升级"),  # the string only in the heading
    (None, "发展新能源汽车产业"),  # the string only in the text
]


@pytest.fixture(scope="module")
def cases_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("cases") / "data").ensure()
    headings, texts = zip(*CASES, strict=True)
    build_index(paths, [chinese_report("c", list(texts), list(headings))])
    return paths


@pytest.fixture(scope="module")
def cases(cases_paths: DataPaths) -> SearchService:
    service = SearchService.open(cases_paths)
    yield service
    service.close()


def test_bigrams_present_but_not_contiguous_do_not_match(cases):
    assert {"c#0", "c#1"} <= set(found_ids(cases, "新能")) & set(found_ids(cases, "能源"))
    assert not {"c#0", "c#1"} & set(found_ids(cases, "新能源"))
    assert found_ids(cases, "能能源") == ["c#0"]
    assert found_ids(cases, "源新能能源") == ["c#0"]


def test_a_string_found_three_times_outranks_one_found_once(cases):
    response = cases.search(SearchRequest(query="新能源", per_page=100))
    scores = {hit.id: hit.score for hit in response.results}
    assert scores["c#2"] > scores["c#3"]
    assert [hit.id for hit in response.results].index("c#2") == 0


@pytest.mark.parametrize(
    "query",
    ["新能源", "新能源汽车", "汽车汽车", "新能源 汽车汽车", "新能源 OR 能能源", "新能源 -产业"],
)
def test_ranking_with_headings_is_whoosh_bm25f_exactly(cases, cases_paths, query):
    expected = whoosh_ranking(cases_paths, query)
    assert expected, query
    assert service_ranking(cases, query) == expected


def test_section_prefix_finds_the_string_in_the_heading_only(cases):
    assert found_ids(cases, "section:新能源汽车") == ["c#4"]
    assert found_ids(cases, "章节:新能源汽车产业") == ["c#4"]
    assert set(found_ids(cases, "新能源汽车产业")) == {"c#4", "c#5"}
    assert found_ids(cases, "section:新能源汽车产业发展") == []


def test_title_prefix_matches_the_report_title(cases):
    assert len(found_ids(cases, "title:报告")) == len(CASES)
    assert found_ids(cases, "title:新能源汽车") == []


def test_a_section_deleted_by_an_incremental_update_is_not_returned(data_paths):
    # Every report has a heading, a date, a committee and a level, so each segment has every
    # facet column: ColumnCache.load misaligns a column that one segment lacks (another issue).
    def headed(report_id: str, texts: list[str]) -> Report:
        return chinese_report(report_id, texts, ["一、工作回顾"] + [None] * (len(texts) - 1))

    build_index(data_paths, [headed("a", ["甲乙丙丁戊", "其他"]), headed("b", ["戊甲乙丙丁"])])
    with SearchService.open(data_paths) as service:
        assert set(found_ids(service, "甲乙丙丁")) == {"a#0", "b#0"}
        # a changes (its section with the string goes), b vanishes, c is new
        build_index(data_paths, [headed("a", ["其他"]), headed("c", ["乙丙丁甲乙丙丁"])])
        assert found_ids(service, "甲乙丙丁") == ["c#0"]
        assert found_ids(service, "乙丙丁") == ["c#0"]
        assert service.search(SearchRequest(query="乙丙丁")).total == 1
        assert service_ranking(service, "乙丙丁 OR 丙丁甲") == whoosh_ranking(
            data_paths, "乙丙丁 OR 丙丁甲"
        )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(needle=st.text(alphabet="新能源汽车", min_size=1, max_size=7))
def test_a_chinese_string_finds_exactly_the_sections_containing_it(service, needle):
    response = service.search(SearchRequest(query=needle, per_page=100))
    found = {int(hit.id.split("#")[1]) for hit in response.results}
    assert found == {i for i, text in enumerate(TEXTS) if needle in text}
    assert response.total == len(found)
