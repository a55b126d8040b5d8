"""Golden pages: the project's own (tests/extraction/golden), the shared real pages and the demo
site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cppcc_search.demo import demo_site_root
from extraction.dates import date_from_url
from extraction.pipeline import extract_page
from tests.extraction.support import CHANGZHOU_URL, changzhou_checks, render_changzhou_page

GOLDEN_DIR = Path(__file__).with_name("golden")
GOLDEN_CASES = sorted(GOLDEN_DIR.glob("*.expected.json"))
DEMO_SITE = demo_site_root()
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
    # A charset sent only in the HTTP header reaches the extractor as the crawl would pass it.
    headers = [tuple(pair) for pair in expected.get("headers", [])] or None
    result = extract_page(_golden_bytes(expected_path, expected), expected["url"], headers)
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
    assert body.startswith(expected.get("body_first", "")), "first paragraph"
    assert body.endswith(expected.get("body_last", "")), "last paragraph"
    for snippet in expected["body_contains"]:
        assert snippet in body
    for snippet in expected["body_excludes"]:
        assert snippet not in body, snippet


def test_golden_cases_exist() -> None:
    assert len(GOLDEN_CASES) >= 52  # 12 from issue 4, 41 in CMS families' styles (issue 14)


def test_golden_cases_cover_unseen_templates() -> None:
    """Pages of templates the extractor was not tuned on, documents and non-documents alike."""
    cases = [json.loads(path.read_text(encoding="utf-8")) for path in GOLDEN_CASES]
    failures = [case for case in cases if "failure_contains" in case]
    documents = [case for case in cases if "failure_contains" not in case]
    assert len(cases) >= 12 and len(failures) >= 4
    assert {case["language"] for case in documents} == {"zh", "en"}
    levels = {c.get("level") for c in documents}
    assert {"national", "provincial", "municipal", "county"} <= levels
    assert any(case.get("headers") for case in documents)


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
    return json.loads((DEMO_SITE / "truth.json").read_text(encoding="utf-8"))


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


# Rules for templates no golden page was tuned on, each shown on the smallest page that needs it.
_REPORT_TEXT = "<p>" + "委员们围绕乡村振兴深入调研，提出了一批有分量的意见建议。" * 8 + "</p>"
_SIDE_BOX = (
    "<div class='col-b'><div class='hd'>政协概况</div><div class='bd'>"
    + "<p>"
    + "市政协是多党合作和政治协商的重要机构，现为第十届委员会。" * 6
    + "</p>" * 3
    + "</div></div>"
)


def _page(body: str, head: str = "<title>市政协召开常委会议 - 某市政协</title>") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_empty_article_next_to_a_side_box_is_a_failure_not_the_box() -> None:
    article = (
        "<div class='col-a'><h1>市政协召开常委会议</h1><div class='info'>2024-06-18</div>"
        "<div class='txt'><p><img src='a.jpg'></p></div></div>"
    )
    after = extract_page(_page(f"<div class='wrap'>{article}{_SIDE_BOX}</div>"), "http://x/a.html")
    before = extract_page(_page(f"<div class='wrap'>{_SIDE_BOX}{article}</div>"), "http://x/a.html")
    assert after.report is None and after.failure.startswith("no body"), after.failure
    assert before.report is None and before.failure.startswith("no body"), before.failure


def test_an_article_beside_a_side_box_is_still_read() -> None:
    article = (
        "<div class='col-a'><h1>市政协召开常委会议</h1><div class='info'>2024-06-18</div>"
        f"<div class='txt'>{_REPORT_TEXT * 3}</div></div>"
    )
    result = extract_page(_page(f"<div class='wrap'>{article}{_SIDE_BOX}</div>"), "http://x/a.html")
    assert result.report is not None, result.failure
    assert "乡村振兴" in result.report.body_text() and "政协概况" not in result.report.body_text()


def test_empty_article_over_a_site_footer_is_a_failure() -> None:
    footer = (
        "<div class='page-bottom'><p>主办：某市政协办公室　地址：某市人民路1号　邮编：000000</p>"
        "<p>本网站所有内容版权归某市政协所有，未经书面许可不得转载、摘编或利用其他方式使用。</p></div>"
    )
    page = _page(f"<h1>市政协召开常委会议</h1><p>2024-06-18</p><div class='t'></div>{footer}")
    result = extract_page(page, "http://x/a.html")
    assert result.report is None and result.failure.startswith("no body"), result.failure


def test_a_bare_site_name_in_title_gives_way_to_the_bold_line_above_the_body() -> None:
    body = (
        "<table><tr><td align='center'><b>政协某市委员会常务委员会工作报告</b></td></tr>"
        f"<tr><td>发布日期：2024-01-09</td></tr><tr><td>{_REPORT_TEXT}</td></tr></table>"
    )
    report = extract_page(_page(body, "<title>某市政协</title>"), "http://x/a.asp").report
    assert report is not None
    assert (report.title, report.doc_type) == ("政协某市委员会常务委员会工作报告", "work report")
    # The site's name in its own footer line does not make it the article's title.
    footer = "<table><tr><td>版权所有：某市政协　地址：某市人民路1号</td></tr></table>"
    signed = extract_page(_page(body + footer, "<title>某市政协</title>"), "http://x/a.asp")
    assert signed.report is not None and signed.report.title == "政协某市委员会常务委员会工作报告"


def test_listings_and_search_pages_are_rejected_even_when_dated() -> None:
    item = (
        "<div class='item'><h3><a href='/a/{n}.html'>政协某市委员会常务委员会工作报告{n}</a></h3>"
        "<p>过去一年，市政协常委会紧扣中心任务建言献策。</p><span>2024-01-1{n}</span></div>"
    )
    listing = _page(
        "".join(item.format(n=n) for n in range(6)),
        "<title>工作报告</title><meta name='PubDate' content='2024-01-20'>",
    )
    assert "list of links" in (extract_page(listing, "http://x/list/").failure or "")
    hits = "<p>共找到 238 条结果</p>" + _REPORT_TEXT * 4
    search = _page(hits, "<title>检索 - 某市政协</title><meta name='PubDate' content='2024-01-20'>")
    assert extract_page(search, "http://x/s?q=1").failure == "not an article: search results"


def test_a_time_element_dates_a_post_but_not_a_comment() -> None:
    body = (
        "<h1>Full text: Ningbo advisors' report</h1><div class='meta'>Posted <time "
        "datetime='2024-01-25T09:12:00+08:00'>2 weeks ago</time></div><div class='post-body'>"
        + "<p>Members visited 150 private firms and passed on their concerns.</p>" * 8
        + "</div>"
    )
    comment = "<div id='comments'><time datetime='2024-02-01T10:00:00Z'>Feb 1</time></div>"
    head = "<title>Full text: Ningbo advisors' report</title>"
    report = extract_page(_page(body + comment, head), "http://x/post/").report
    assert report is not None and report.date == "2024-01-25"
    undated = extract_page(_page(comment + body.replace("2024-01-25", "soon"), head), "http://x/")
    assert undated.report is None or undated.report.date != "2024-02-01"


def test_a_committee_about_page_is_not_a_document_however_long() -> None:
    text = "中国人民政治协商会议南湖市委员会是多党合作和政治协商的重要机构。" * 60
    page = _page(
        f"<h1>政协概况</h1><div class='txt'><p>{text}</p></div>",
        "<title>政协概况 - 南湖市政协</title><meta name='PubDate' content='2024-06-18'>",
    )
    assert extract_page(page, "http://x/about/").failure == "not an article: a site page (政协概况)"


def test_a_deck_line_above_the_text_is_not_taken_for_a_side_box_heading() -> None:
    article = (
        "<h1>市政协召开常委会议</h1><div class='article'><div class='sub'>——记某某委员</div>"
        f"<div class='text'>{_REPORT_TEXT * 3}</div></div>"
    )
    page = _page(
        f"<div class='main'>{article}{_SIDE_BOX}</div>",
        "<title>市政协召开常委会议</title><meta name='PubDate' content='2024-01-01'>",
    )
    result = extract_page(page, "http://x/a.html")
    assert result.report is not None, result.failure
    assert "乡村振兴" in result.report.body_text()


_TOOL_LINES = (
    "【打印】【关闭】",
    "[ 打印 ] [ 关闭 ]",
    "[Print] [Close]",
    "Print | Close",
    "Font size: A A A",
    "Share to:",
    "分享：",
    "手机扫码阅读",
    "Previous: Advisors meet in Beijing",
    "Next article",
    "作者：王明",
    "Photo: Xinhua",
    "Source: Xinhua | Editor: Wang Lei",
    "返回首页",
)


def test_toolbar_credit_and_pager_lines_are_dropped_but_text_about_them_is_kept() -> None:
    text = "The committee held consultations on elderly care and rural development. " * 10
    kept = (
        "来源：委员们反映，群众扫码即可提交意见，"
        "打印和关闭窗口的按钮也应放在显眼位置，方便老年人使用。"
    )
    page = (
        "<html><head><title>Advisors hold session</title><meta name='PubDate' "
        "content='2024-01-02'></head><body><h1>Advisors hold session</h1><div class='content'>"
        f"<p>{text}</p><p>{kept}</p>" + "".join(f"<p>{line}</p>" for line in _TOOL_LINES)
    ) + "</div></body></html>"
    report = extract_page(page.encode(), "http://x.test/a.html").report
    assert report is not None
    lines = report.body_text().split("\n")
    assert [line for line in _TOOL_LINES if line in lines] == []
    assert kept in lines


def test_a_header_clock_that_starts_with_a_date_is_not_the_page_date() -> None:
    page = (
        "<html><head><title>市政协开展调研</title></head><body>"
        "<div class='date-bar'>2024年11月27日 星期三</div><div class='tit'>市政协开展调研</div>"
        + _REPORT_TEXT
        + "</body></html>"
    )
    assert _report_date(page, "http://x.test/art/2024/1/12/art_1_1.html") == "2024-01-12"
    assert date_from_url("http://x.test/art/2024/1/9/art_2.html") == "2024-01-09"


def _report_date(page: str, url: str) -> str | None:
    report = extract_page(page.encode("utf-8"), url).report
    assert report is not None
    return report.date


def test_pinyin_named_boilerplate_blocks_are_removed() -> None:
    boxes = (
        "<div class='fenxiang'>分享给朋友：微信 微博 QQ空间</div>"
        "<div class='xgxw'>相关新闻：市政协召开主席会议　县政协开展视察活动</div>"
        "<div class='dibu'>南湖市政协办公室　联系我们　网站地图</div>"
    )
    page = _page(
        f"<h1>市政协召开常委会议</h1><div class='nr'>{_REPORT_TEXT * 3}{boxes}</div>",
        "<title>市政协召开常委会议</title><meta name='PubDate' content='2024-01-01'>",
    )
    report = extract_page(page, "http://x/a.html").report
    assert report is not None
    body = report.body_text()
    assert "乡村振兴" in body
    assert not [word for word in ("分享给朋友", "相关新闻", "网站地图") if word in body]


@pytest.mark.parametrize(
    "count_line",
    [
        "About 238 results for “work report”",
        "Showing 1-10 of 238 results",
        "搜索到相关结果约1,230个",
    ],
)
def test_search_pages_are_recognised_by_their_hit_count(count_line: str) -> None:
    head = "<title>Search - Provincial CPPCC</title><meta name='PubDate' content='2024-01-20'>"
    page = _page(f"<div class='r'><p>{count_line}</p>{_REPORT_TEXT * 4}</div>", head)
    assert extract_page(page, "http://x/s?q=1").failure == "not an article: search results"


def test_a_notice_with_a_run_of_attachment_links_is_still_an_article() -> None:
    links = "".join(
        f"<p><a href='/f{n}.doc'>附件{n}：政协委员提案办理情况汇总表（第{n}批）</a></p>"
        for n in range(5)
    )
    text = "<p>" + "各专门委员会：现将提案办理情况汇总表印发给你们，请认真研究。" * 6 + "</p>"
    page = _page(
        f"<h1>关于印发提案办理情况汇总表的通知</h1><div class='c'>{text}{links}</div>",
        "<title>关于印发提案办理情况汇总表的通知</title><meta name='PubDate' content='2024-01-20'>",
    )
    result = extract_page(page, "http://x/a.html")
    assert result.report is not None, result.failure
