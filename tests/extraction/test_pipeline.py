"""extract_all over real crawls (gov-zh mirror, demo site); extract_page on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cppcc_search.demo import demo_site_root
from cppcc_search.models import read_documents
from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from extraction.grouping import PageInput, group_pages
from extraction.pipeline import extract_all, extract_page
from tests.crawl.servers import MirrorServer, running

PRINT_COPY = "/zfgzbg/print/2570794.html"
NEWEST = "/zfgzbg/202503/t20250311_2570794.html"


def test_extract_all_gives_one_document_per_report(crawled_gov_zh, shared_dir: Path) -> None:
    paths, base = crawled_gov_zh
    summary = extract_all(paths)
    reports = list(read_documents(paths.documents))
    truth = (shared_dir / "sites" / "gov-zh" / "truth.jsonl").read_text("utf-8").splitlines()
    assert summary.documents == len(reports) == len(truth) == 72
    by_url = {url.removeprefix(base): report for report in reports for url in report.urls}
    newest = by_url[NEWEST]
    assert newest.url == base + NEWEST  # first in crawl order
    assert base + PRINT_COPY in newest.urls
    assert summary.duplicates >= 1
    assert len({report.id for report in reports}) == 72
    assert "extracted 72 documents" in summary.format()


def test_extract_all_records_every_page_without_a_document(crawled_gov_zh) -> None:
    paths, base = crawled_gov_zh
    summary = extract_all(paths)
    failures = [json.loads(line) for line in paths.extract_failures.read_text().splitlines()]
    assert all(set(row) == {"url", "reason"} for row in failures) and failures
    failed = {row["url"].removeprefix(base): row["reason"] for row in failures}
    assert failed["/index.html"].startswith("not an article")
    assert failed["/zfgzbg/index.html"].startswith("not an article")
    assert "/about.html" in failed
    assert summary.failures == len(failed)
    documents = {url for r in read_documents(paths.documents) for url in r.urls}
    assert not documents & {base + path for path in failed}


@pytest.mark.slow
def test_extract_all_is_deterministic(crawled_gov_zh) -> None:
    paths, _ = crawled_gov_zh
    extract_all(paths)
    first = (paths.documents.read_bytes(), paths.extract_failures.read_bytes())
    extract_all(paths)
    assert (paths.documents.read_bytes(), paths.extract_failures.read_bytes()) == first


def test_extract_all_on_the_crawled_demo_site(tmp_path: Path) -> None:
    site = demo_site_root()
    truth = json.loads((site / "truth.json").read_text(encoding="utf-8"))
    paths = DataPaths(tmp_path / "data").ensure()
    server = MirrorServer(site)
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + "/",), delay=0.0))
    summary = extract_all(paths)
    reports = list(read_documents(paths.documents))
    assert summary.documents == len(truth["documents"])
    found = {url.removeprefix(server.base + "/"): r for r in reports for url in r.urls}
    for row in truth["documents"]:
        assert found[row["path"]].title == row["title"]
        assert len(found[row["path"]].sections) == len(row["sections"])


def test_extract_all_with_no_captures_writes_empty_files(data_paths: DataPaths) -> None:
    summary = extract_all(data_paths)
    assert summary.documents == summary.pages == 0
    assert data_paths.documents.read_text() == ""
    assert data_paths.extract_failures.read_text() == ""


def test_same_text_at_two_urls_is_one_document(shared_dir: Path) -> None:
    page = shared_dir / "sites" / "gov-zh" / "www" / "zfgzbg" / "202403" / "t20240305_5314131.html"
    body = page.read_bytes()
    # Different bytes (a comment), same extracted report: merged by the body fingerprint.
    variant = body.replace(b"</body>", b"<!-- served by node 2 --></body>")
    pages = [PageInput("http://a.test/1.html", body), PageInput("http://b.test/1.html", variant)]
    reports, failures = group_pages((p, extract_page(p.body, p.url)) for p in pages)
    assert failures == []
    assert len(reports) == 1
    assert reports[0].urls == ["http://a.test/1.html", "http://b.test/1.html"]
    assert reports[0].url == "http://a.test/1.html"


def test_report_id_is_stable_and_depends_on_the_url(shared_dir: Path) -> None:
    body = (shared_dir / "sites" / "gov-zh" / "www" / "zfgzbg" / "202403").glob("t*.html")
    data = next(iter(sorted(body))).read_bytes()
    first = extract_page(data, "http://a.test/x.html").report
    again = extract_page(data, "HTTP://A.TEST/x.html#top").report
    other = extract_page(data, "http://a.test/y.html").report
    assert first.id == again.id != other.id
    assert len(first.id) == 16


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"", None, "empty response body"),
        (b"   \n\t ", None, "empty response body"),
        (b"%PDF-1.7\n%binary", None, "unreadable PDF"),
        (b'{"a": 1}', [("Content-Type", "application/json")], "not an HTML page"),
        (b"<html><body></body></html>", None, "no body"),
        (b"<html><body><p>hi</p>", None, "no body"),
        (b"<?xml version='1.0' encoding='utf-8'?><html></html>", None, "no body"),
    ],
)
def test_bad_pages_give_a_reason(body: bytes, headers, reason: str) -> None:
    result = extract_page(body, "http://x.test/p.html", headers)
    assert result.report is None
    assert result.failure.startswith(reason)


def test_login_form_is_not_an_article() -> None:
    body = (
        "<html><head><title>登录</title><meta name='PubDate' content='2024-01-01'></head><body>"
        "<div class='main'><p>请输入用户名和密码登录管理后台，"
        "忘记密码请联系网站管理员处理相关事宜。</p>"
        "<form><input name='u'><input type='password' name='p'></form></div></body></html>"
    ).encode()
    assert extract_page(body, "http://x.test/login.html").failure.startswith("not an article")


def test_gbk_page_declared_gb2312_decodes_through_the_crawl_decoder(shared_dir: Path) -> None:
    page = shared_dir / "sites" / "gov-zh" / "www" / "zfgzbg" / "201403" / "t20140305_4296932.html"
    text = page.read_bytes().decode("gb18030")
    declared = text.replace("<head>", '<head><meta charset="gb2312">', 1).encode("gb18030")
    report = extract_page(declared, "http://x.test/a.html").report
    assert report is not None and report.title == "2014年中华人民共和国国务院政府工作报告"
    assert report.encoding == "gb2312"
    assert "\ufffd" not in report.body_text()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_a_report_or_a_reason(body: bytes) -> None:
    result = extract_page(body, "http://x.test/fuzz.html")
    assert (result.report is None) != (result.failure is None)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="<>/ap divbr\"'=一、（）1.。\n", max_size=400))
def test_broken_markup_gives_a_report_or_a_reason(markup: str) -> None:
    result = extract_page(markup.encode("utf-8"), "http://x.test/broken.html")
    assert (result.report is None) != (result.failure is None)


@pytest.mark.parametrize("depth", [500, 30000])
def test_deeply_nested_pages_give_a_report_or_a_reason(depth: int) -> None:
    head = "<html><head><title>深层嵌套的页面</title><meta name='PubDate' content='2024-01-02'>"
    text = "<p>" + "政协委员围绕养老服务提出建议。" * 20 + "</p>"
    page = head + "</head><body>" + "<div>" * depth + text + "</div>" * depth + "</body></html>"
    result = extract_page(page.encode("utf-8"), "http://x.test/deep.html")
    if depth <= 2000:  # libxml2 keeps up to 2048 levels with huge_tree
        assert result.report is not None and "养老服务" in result.report.body_text()
    else:
        assert (result.report is None) != (result.failure is None)
