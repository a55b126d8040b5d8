"""Golden pages: the project's own (tests/golden), the shared real pages and the demo site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction.pipeline import extract_page
from tests.extract_support import CHANGZHOU_URL, changzhou_checks, render_changzhou_page

GOLDEN_DIR = Path(__file__).with_name("golden")
GOLDEN_CASES = sorted(GOLDEN_DIR.glob("*.expected.json"))
REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_SITE = REPO_ROOT / "demo" / "site"
REPORT_FIELDS = (
    "title",
    "date",
    "year",
    "language",
    "doc_type",
    "committee",
    "level",
    "speaker",
    "meeting_date",
    "encoding",
)


def _golden_bytes(expected_path: Path, expected: dict) -> bytes:
    html = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
    text = html.read_text(encoding="utf-8")
    # Pages declared as GB are kept readable as UTF-8 here and encoded as the site would serve them.
    return text.encode(expected.get("encode", "utf-8"))


@pytest.mark.parametrize("expected_path", GOLDEN_CASES, ids=lambda p: p.name.split(".")[0])
def test_golden_page(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    result = extract_page(_golden_bytes(expected_path, expected), expected["url"])
    if "failure_contains" in expected:
        assert result.report is None
        assert expected["failure_contains"] in (result.failure or "")
        return
    assert result.failure is None and result.report is not None
    report = result.report
    for name in REPORT_FIELDS:
        if name in expected:
            assert getattr(report, name) == expected[name], name
    got = [[s.level, s.title, s.part, s.part_kind, s.period_year] for s in report.sections]
    assert got == expected["sections"]
    body = report.body_text()
    for snippet in expected["body_contains"]:
        assert snippet in body
    for snippet in expected["body_excludes"]:
        assert snippet not in body, snippet


def test_golden_cases_exist() -> None:
    assert len(GOLDEN_CASES) >= 3


def _real_rows(shared_dir: Path) -> list[dict]:
    return json.loads((shared_dir / "fixtures" / "real-html" / "truth.json").read_text("utf-8"))


def test_real_pages_titles_dates_and_empty_body(shared_dir: Path) -> None:
    fixtures = shared_dir / "fixtures" / "real-html"
    for row in _real_rows(shared_dir):
        result = extract_page((fixtures / row["file"]).read_bytes(), "http://" + row["file"])
        if not row["has_body"]:
            assert result.report is None and result.failure.startswith("no body"), row["file"]
            continue
        report = result.report
        assert report is not None, (row["file"], result.failure)
        assert (report.title, report.date) == (row["title"], row["date"]), row["file"]
        body = report.body_text()
        assert not [s for s in row["must_not_contain"] if s in body], row["file"]


def test_real_page_chapter_headings_and_table_of_contents(shared_dir: Path) -> None:
    page = shared_dir / "fixtures" / "real-html" / "www.theorychina.org.cn" / "1499615.shtml"
    report = extract_page(
        page.read_bytes(), "https://www.theorychina.org.cn/c/1499615.shtml"
    ).report
    assert report is not None
    chapters = [s.title for s in report.sections if s.title and s.title.startswith("第")]
    assert chapters[:2] == ["第一章 中国式现代化的发展历程", "第二章 中国式现代化的实践路径"]
    assert len(chapters) == len(set(chapters))  # the contents list gave no sections
    levels = {s.title: s.level for s in report.sections if s.title}
    assert levels["第一章 中国式现代化的发展历程"] == 1
    assert levels["一、百年征程铸就时代新辉煌"] == 2
    assert levels["（一）1921-1949年：新民主主义革命时期的现代化初探"] == 3


def test_real_page_run_in_chinese_headings(shared_dir: Path) -> None:
    page = shared_dir / "fixtures" / "real-html" / "news.china.com.cn" / "content_117184963.shtml"
    report = extract_page(page.read_bytes(), "http://news.china.com.cn/content_117184963.shtml")
    assert report.report is not None
    titles = [s.title for s in report.report.sections if s.level == 1]
    assert titles[0] == "一、降低家庭育儿成本" and titles[-1] == "十二、扩展普惠性托育服务供给渠道"
    assert len(titles) == 12


@pytest.mark.parametrize("marked", [True, False], ids=["marked", "plain"])
def test_changzhou_page_meets_every_expectation(shared_dir: Path, marked: bool) -> None:
    result = extract_page(render_changzhou_page(shared_dir, marked), CHANGZHOU_URL)
    checks = changzhou_checks(result.report)
    assert all(checks.values()), [name for name, ok in checks.items() if not ok]


def _demo_truth() -> dict:
    path = DEMO_SITE / "truth.json"
    if not path.is_file():
        pytest.skip("demo/site/truth.json is not there yet")
    return json.loads(path.read_text(encoding="utf-8"))


def test_demo_site_documents_match_truth() -> None:
    truth = _demo_truth()
    for row in truth["documents"]:
        result = extract_page((DEMO_SITE / row["path"]).read_bytes(), "http://demo/" + row["path"])
        report = result.report
        assert report is not None, (row["path"], result.failure)
        fields = REPORT_FIELDS
        assert {f: getattr(report, f) for f in fields} == {f: row[f] for f in fields}, row["path"]
        keys = ("level", "title", "part", "part_kind", "period_year", "text")
        got = [tuple(getattr(s, k) for k in keys) for s in report.sections]
        assert got == [tuple(s[k] for k in keys) for s in row["sections"]], row["path"]


def test_demo_site_other_pages_give_no_document() -> None:
    truth = _demo_truth()
    for path in truth["not_documents"]:
        result = extract_page((DEMO_SITE / path).read_bytes(), "http://demo/" + path)
        assert result.report is None and result.failure, path
