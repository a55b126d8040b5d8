"""Who issued each document, over real crawls: the gov-zh mirror, the demo site, and a site of
fixture pages written for this (tests/sites/bodies: two terms of one city committee, its proposal
report and its English translation, the city government's reports in both languages, a
provincial committee, a district committee, and a page that names no issuer)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.demo import demo_site_root
from cppcc_search.models import Report, read_documents
from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from extraction.pipeline import extract_all
from tests.crawl.servers import MirrorServer, running

BODIES_SITE = Path(__file__).resolve().parents[1] / "sites" / "bodies"


def crawl_and_extract(site: Path, root: Path, seed: str = "/") -> tuple[dict[str, Report], str]:
    """The site crawled over loopback and extracted: documents by site path, and the summary."""
    paths = DataPaths(root / "data").ensure()
    server = MirrorServer(site)
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + seed,), delay=0.0))
    summary = extract_all(paths)
    reports = {
        url.removeprefix(server.base + "/"): report
        for report in read_documents(paths.documents)
        for url in report.urls
    }
    return reports, summary.format()


@pytest.fixture(scope="module")
def bodies_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, str]]:
    yield crawl_and_extract(BODIES_SITE, tmp_path_factory.mktemp("bodies"))


def test_no_gov_zh_report_is_filed_under_a_cppcc_body(crawled_gov_zh) -> None:
    paths, _ = crawled_gov_zh
    summary = extract_all(paths)
    reports = list(read_documents(paths.documents))
    assert len(reports) == 72
    assert not [r.title for r in reports if r.body_kind == "cppcc" or r.committee]
    filed = Counter((r.body_id, r.doc_type) for r in reports)
    assert filed == {
        ("government-national", "government work report"): 52,
        ("npc-national", "resolution"): 20,  # the congress adopts the resolution
    }
    assert all(r.level == "national" and r.region == [] for r in reports)
    assert "filed under 2 bodies; 0 documents with an issuer that could not be" in summary.format()


def test_the_demo_has_four_bodies_and_its_changzhou_translation_is_linked(tmp_path) -> None:
    reports, _ = crawl_and_extract(demo_site_root(), tmp_path)
    truth = json.loads((demo_site_root() / "truth.json").read_text(encoding="utf-8"))
    keys = {row["committee_key"]: set() for row in truth["documents"]}
    for row in truth["documents"]:
        keys[row["committee_key"]].add(reports[row["path"]].body_id)
    assert keys == {
        "national": {"cppcc-national"},
        "zhejiang": {"cppcc-330000"},
        "changzhou": {"cppcc-320400"},
        "luoyang": {"cppcc-410300"},
    }
    zh = reports["reports/2024/01/t20240120_0007.html"]
    en = reports["reports/2024/01/t20240122_0008.html"]
    assert (zh.versions, en.versions) == ([en.id], [zh.id])
    assert zh.series_id == en.series_id == "cppcc-320400/work-report"
    # Every titled section has a kind, and only those.
    for report in reports.values():
        assert all((s.kind is not None) == bool(s.title) for s in report.sections)


def test_two_terms_of_one_committee_are_one_body(bodies_site) -> None:
    reports, _ = bodies_site
    ninth = reports["zx/2021/01/t20210119_0101.html"]
    tenth = reports["zx/2023/01/t20230109_0102.html"]
    proposals = reports["zx/2023/01/t20230110_0103.html"]
    assert ninth.body_id == tenth.body_id == proposals.body_id == "cppcc-330400"
    assert (tenth.body_kind, tenth.level, tenth.region) == (
        "cppcc",
        "municipal",
        ["浙江省", "嘉兴市"],
    )
    assert ninth.series_id == tenth.series_id == "cppcc-330400/work-report"
    assert proposals.doc_type == "proposal work report"
    assert proposals.series_id == "cppcc-330400/proposal-work-report"
    assert ninth.committee == tenth.committee == "政协嘉兴市委员会"


def test_the_city_governments_reports_are_the_governments(bodies_site) -> None:
    reports, _ = bodies_site
    for path in (
        "zf/2023/01/t20230112_0201.html",  # titled 政府工作报告; its opening asks 市政协委员
        "zf/2024/01/t20240116_0202.html",  # 2024年嘉兴市人民政府工作报告, asks 全国政协委员 too
        "en/2023/01/jiaxing-government-work-report-2023.html",
    ):
        report = reports[path]
        assert (report.body_id, report.body_kind, report.doc_type, report.committee) == (
            "government-330400",
            "government",
            "government work report",
            None,
        ), path
    zh = reports["zf/2023/01/t20230112_0201.html"]
    en = reports["en/2023/01/jiaxing-government-work-report-2023.html"]
    assert (zh.versions, en.versions) == ([en.id], [zh.id])
    assert reports["zf/2024/01/t20240116_0202.html"].versions == []


def test_a_translation_is_the_same_body_and_a_version(bodies_site) -> None:
    reports, _ = bodies_site
    zh = reports["zx/2023/01/t20230109_0102.html"]
    en = reports["en/2023/01/jiaxing-cppcc-work-report-2023.html"]
    assert en.body_id == zh.body_id and en.committee == "10th Jiaxing Municipal Committee"
    assert (zh.versions, en.versions) == ([en.id], [zh.id])
    # The 2021 report of the same series has no translation, nor has the proposal report.
    assert reports["zx/2021/01/t20210119_0101.html"].versions == []
    assert reports["zx/2023/01/t20230110_0103.html"].versions == []


def test_provincial_and_district_committees(bodies_site) -> None:
    reports, _ = bodies_site
    sichuan = reports["sc/2022/01/t20220117_0301.html"]  # its opening names 全国政协
    assert (sichuan.body_id, sichuan.level, sichuan.region) == (
        "cppcc-510000",
        "provincial",
        ["四川省"],
    )
    assert sichuan.committee == "政协四川省委员会"
    nanhu = reports["nh/2023/01/t20230105_0401.html"]
    assert (nanhu.body_id, nanhu.level) == ("cppcc-330402", "county")
    assert nanhu.region == ["浙江省", "嘉兴市", "南湖区"]


def test_an_undetermined_issuer_is_counted_and_kept(bodies_site) -> None:
    reports, summary = bodies_site
    unknown = reports["misc/2023/12/t20231201_0501.html"]
    assert unknown.body_kind == "other" and unknown.body_id.startswith("other-")
    assert len({r.id for r in reports.values()}) == 10  # nothing dropped
    assert "filed under 5 bodies; 1 documents with an issuer that could not be determined" in (
        summary
    )
    assert "4 with a version in another language" in summary
