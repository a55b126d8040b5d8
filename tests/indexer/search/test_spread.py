"""First appearance and spread over a real index: each body's first report that uses a term,
the bodies using it in every year from the first use on (empty years at 0), by level."""

from __future__ import annotations

import pytest
from whoosh.reading import MultiReader, SegmentReader

from cppcc_search.settings import DataPaths
from indexer.errors import QueryError
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import build_index
from tests.webapp.support import spread_reports


@pytest.fixture(scope="module")
def spread_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("spread") / "data").ensure()
    build_index(paths, spread_reports())
    return paths


@pytest.fixture(scope="module")
def service(spread_paths: DataPaths):
    with SearchService.open(spread_paths) as opened:
        yield opened


def test_first_use_of_each_body_in_order(service) -> None:
    found = service.spread("氢能")
    assert [(f.body_id, f.year, f.level) for f in found.first] == [
        ("cppcc-national", 2016, "national"),
        ("cppcc-320000", 2019, "provincial"),
        ("cppcc-320400", 2022, "municipal"),
    ]
    assert found.first[2].report_id == "cz-2022-4"
    assert found.first[0].name == {
        "zh": "中国人民政治协商会议全国委员会",
        "en": "National Committee of the CPPCC",
    }
    assert "常务委员会工作报告" in found.first[0].title


def test_every_year_from_the_first_use_to_the_archives_last_is_on_the_axis(service) -> None:
    years = service.spread("氢能").years
    assert [y.year for y in years] == list(range(2016, 2026))  # 2025: the archive's last year
    counts = {y.year: (y.bodies, y.by_level) for y in years}
    assert counts[2017] == (0, {"national": 0, "provincial": 0, "municipal": 0, "county": 0})
    assert counts[2019] == (2, {"national": 1, "provincial": 1, "municipal": 0, "county": 0})
    assert counts[2024][0] == 1 and counts[2025][0] == 0


def test_filters_narrow_the_bodies_and_the_axis(service) -> None:
    found = service.spread("氢能", SearchRequest(levels=("municipal",)))
    assert [f.body_id for f in found.first] == ["cppcc-320400"]
    assert [y.year for y in found.years] == list(range(2022, 2026))
    assert service.spread("没有这个词").first == [] and service.spread("没有这个词").years == []


def test_json_contract(service) -> None:
    data = service.spread("氢能").to_dict()
    assert set(data) == {"query", "first", "years"}
    assert set(data["first"][0]) == {"body_id", "name", "level", "year", "report_id", "title"}
    assert set(data["years"][0]) == {"year", "bodies", "by_level"}


def test_stored_fields_are_read_for_each_bodys_first_report_only(spread_paths, monkeypatch):
    reads: list[int] = []
    for reader in (SegmentReader, MultiReader):
        original = reader.stored_fields

        def counting(self, docnum, original=original):
            reads.append(docnum)
            return original(self, docnum)

        monkeypatch.setattr(reader, "stored_fields", counting)
    # A searcher takes its reader's methods when it is made: open a service after the patch.
    with SearchService.open(spread_paths) as fresh:
        found = fresh.spread("常委会")  # the opening of every report matches
    assert len(found.first) == 4 and len(reads) == 4


def test_nothing_to_search_for_is_a_query_error(service) -> None:
    with pytest.raises(QueryError):
        service.spread("  ")
    with pytest.raises(QueryError):
        service.spread("the")
