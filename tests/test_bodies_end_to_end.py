"""Bodies through the command line: the fixture site (tests/sites/bodies) crawled, extracted,
indexed and searched by body names, and its bodies listed with their parents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from indexer.index.generations import read_pointer
from indexer.index.manifest import read_manifest
from indexer.search.service import SearchService
from tests.test_end_to_end import build_archive, cli

pytestmark = pytest.mark.slow
SITE = Path(__file__).resolve().parent / "sites" / "bodies"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The data dir and what ``extract`` printed."""
    data_dir = tmp_path_factory.mktemp("bodies-e2e") / "data"
    yield data_dir, build_archive(SITE, data_dir)


def test_extract_says_how_many_issuers_it_could_not_determine(archive) -> None:
    _, printed = archive
    assert "extracted 10 documents" in printed
    assert "filed under 5 bodies; 1 documents with an issuer that could not be determined" in (
        printed
    )


def test_bodies_are_listed_once_with_their_parents(archive) -> None:
    data_dir, _ = archive
    with SearchService.open(DataPaths(data_dir)) as service:
        bodies = {body["id"]: body for body in service.bodies()}
    assert set(bodies) - {b for b in bodies if b.startswith("other-")} == {
        "cppcc-330400", "cppcc-330402", "cppcc-510000", "government-330400",
    }  # fmt: skip
    assert bodies["cppcc-330400"]["reports"] == 4  # two terms, a proposal report, a translation
    assert bodies["cppcc-330402"]["parent"] == "cppcc-330400"  # the district's city committee
    assert bodies["cppcc-330400"]["parent"] is None  # Zhejiang's committee is not in the archive
    assert bodies["government-330400"]["parent"] is None
    assert bodies["cppcc-330402"]["name_en"] == "CPPCC Jiaxing Nanhu District Committee"
    gen_dir = data_dir / "index" / read_pointer(data_dir / "index")
    assert "bodies.json" in read_manifest(gen_dir)["files"]
    check = cli("index", "--check", "--data-dir", str(data_dir))
    assert check.returncode == 0 and "healthy" in check.stdout


@pytest.mark.parametrize(
    "name",
    ["10th Jiaxing Municipal Committee", "政协第九届嘉兴市委员会", "嘉兴市政协", "cppcc-330400"],
)
def test_a_committee_is_searched_by_any_of_its_names(archive, name) -> None:
    data_dir, _ = archive
    result = cli("search", "", "--committee", name, "--json", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["total"] > 0
    assert {hit["body_id"] for hit in answer["results"]} == {"cppcc-330400"}
    if name != "cppcc-330400":
        assert f"committee {name!r} → cppcc-330400 (政协嘉兴市委员会 CPPCC Jiaxing" in result.stderr


def test_a_region_holds_everything_under_it(archive) -> None:
    data_dir, _ = archive
    zhejiang = cli("search", "", "--region", "浙江", "--json", "--per-page", "1000",
                   "--data-dir", str(data_dir))  # fmt: skip
    answer = json.loads(zhejiang.stdout)
    assert {hit["body_id"] for hit in answer["results"]} == {
        "cppcc-330400", "cppcc-330402", "government-330400",
    }  # fmt: skip
    assert "region '浙江' → 330000 (浙江省" in zhejiang.stderr
    cities = [f["value"] for f in answer["facets"]["region"]]
    assert cities[0] == "330000" and "330400" in cities[1:]


def test_a_section_filter_in_words_says_which_kind_it_means(archive) -> None:
    data_dir, _ = archive
    result = cli("search", "", "--section", "工作回顾", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "section '工作回顾' → overview (总体情况 Overview)" in result.stderr
    unknown = cli("search", "", "--section", "xyzzy", "--data-dir", str(data_dir))
    assert unknown.returncode == 1 and "unknown section kind 'xyzzy'" in unknown.stderr
