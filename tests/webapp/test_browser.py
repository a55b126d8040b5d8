"""The web app in a real browser: Playwright driving Debian's Chromium against waitress."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.webapp.support import LiveServer
from webapp import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium, or a skip that says what is missing."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh page at a desktop size; console errors (e.g. CSP violations) are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    yield tab
    context.close()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_search_facet_page_report_and_trends(page, live_server):
    page.goto(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("政协报告全文检索")
    shot(page, "home")
    page.keyboard.press("Tab")  # the first stop is the skip link, and it is visible when focused
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    page.get_by_label("检索词 Search terms").fill("新能源")
    page.get_by_role("button", name="检索 Search").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("mark").first.inner_text() == "新能源"
    groups = page.locator("li.group").count()
    assert groups > 0
    shot(page, "search")

    # Choose a facet: the body sidebar link narrows the results and shows a chip.
    page.locator("#facet-box-committee a", has_text="全国委员会").first.click()
    page.wait_for_url("**committee=*")
    assert page.locator(".chips a", has_text="全国委员会").count() == 1
    titles = page.locator("li.group h3").all_inner_texts()
    assert titles and all("全国政协" in t for t in titles)

    # Page through results with a small page size.
    page.goto(f"{live_server}/search?q=新能源&per_page=2")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**page=2*")
    assert page.locator(".pagination a.current").inner_text() == "2"

    # Open a report from the results: the query's terms are highlighted there.
    # The sort menu submits itself when scripts run (and has a button when they don't).
    page.get_by_label("排序 Sort").select_option("oldest")
    page.wait_for_url("**sort=oldest*")
    years = page.locator("li.group time").all_inner_texts()
    assert years == sorted(years)

    page.locator("li.group h3 a").first.click()
    page.wait_for_url("**/report/**")
    assert page.locator("#toc-heading").is_visible()
    assert page.locator("article.report mark").count() > 0
    shot(page, "report")

    # Trends: two terms, SVG charts whose bars link to a year's search.
    page.goto(f"{live_server}/trends")
    page.get_by_label("词语（逗号分隔）Terms, comma-separated").fill("新能源, elderly")
    page.get_by_role("button", name="绘制 Chart").click()
    page.wait_for_url("**/trends?q=*")
    assert page.locator("figure.chart svg").count() == 2
    bar = page.locator("figure.chart a").first
    href = bar.get_attribute("href")
    assert href and "year=" in href
    shot(page, "trends")
    bar.click()
    page.wait_for_url("**/search?q=*year=*")
    assert page.locator(".chips a", has_text="Year").count() == 1
    assert page.console_errors == []


def test_a_long_facet_has_a_filter_box_and_a_keyboard_disclosure(page, web_paths):
    app = create_app({"TESTING": True, "FACET_VISIBLE": 2}, paths=web_paths)
    try:
        with LiveServer(app) as server:
            page.goto(f"{server.url}/search")
            facet = page.locator("#facet-box-section")
            values = facet.locator("ul.values > li")
            total = values.count()
            assert total > 2 and facet.locator("ul.values > li:visible").count() == 2
            # "Show all" is a disclosure reached and opened from the keyboard.
            summary = facet.locator("details.more summary")
            assert summary.inner_text().startswith("显示全部 Show all")
            summary.focus()
            page.keyboard.press("Enter")
            assert facet.locator("details.more").evaluate("d => d.open")
            assert facet.locator("ul.values > li:visible").count() == total
            page.keyboard.press("Enter")
            assert not facet.locator("details.more").evaluate("d => d.open")
            # The filter box keeps the values whose label holds what is typed, in either
            # language, and opens the list so every match is in view.
            box = page.get_by_label("筛选章节类别 Section kind Filter the values")
            assert box.is_visible()
            box.focus()
            page.keyboard.type("民生")
            assert facet.locator("details.more").evaluate("d => d.open")
            shown = facet.locator("ul.values > li:visible").all_inner_texts()
            assert shown and all("民生" in text for text in shown)
            assert facet.locator("[role=status]").inner_text().startswith(f"{len(shown)} ")
            box.fill("ECOLOGY")
            shown = facet.locator("ul.values > li:visible").all_inner_texts()
            assert shown and all("ecology" in text.lower() for text in shown)
            shot(page, "facet-filter")
            box.fill("")
            assert values.filter(has_text="").count() == total
            assert facet.locator("ul.values > li:visible").count() == total
            facet.locator("ul.values > li:visible a").last.click()
            page.wait_for_url("**section=*")
            assert page.locator(".chips a", has_text="章节类别 Section kind").count() == 1
            assert page.console_errors == []
    finally:
        app.extensions["cppcc_search"].close()


def test_narrow_screen_and_no_javascript(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server}/search?q=养老")
        tab.get_by_label("排序 Sort").select_option("newest")
        tab.get_by_role("button", name="检索 Search").click()  # works without JS
        tab.wait_for_url("**sort=newest*")
        assert tab.locator("li.group").count() > 0
        box = tab.locator("li.group").first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390  # no sideways scrolling
        # Without scripts a long facet's filter box stays hidden; "show all" still works.
        assert not tab.locator(".facet-filter").first.is_visible()
        shot(tab, "search-mobile")
    finally:
        context.close()


def test_archived_copy_cannot_run_scripts(page, live_server, hostile_archive):
    from tests.webapp.support import LiveServer

    response = page.goto(f"{live_server}/archive?url=http://127.0.0.1:9/none.html")
    assert response.status == 404  # an unknown capture is a friendly page
    assert "no archived copy" in page.content()

    paths, url = hostile_archive
    with LiveServer(create_app({"TESTING": True}, paths=paths)) as archive_server:
        page.goto(f"{archive_server.url}/archive?url={quote(url, safe='')}")
        assert page.get_by_text("存档副本 Archived capture").is_visible()
        assert page.get_by_role("heading", name="关于新能源的提案").is_visible()
        assert page.title() == "政协 archive"  # neither the script nor onload ran
        assert page.evaluate("self.origin") == "null"  # sandboxed: never our origin
        shot(page, "archive")


def test_source_passage_links_scroll_to_the_matching_text(page, tmp_path):
    from cppcc_search.sitehost import serve_directory
    from webapp.fragments import fragment_url, snippet_passage

    filler = "".join(f"<p>填充段落 filler paragraph {i}</p>" for i in range(200))
    target = "<p>围绕动力电池、光伏、储能和新能源汽车整车制造等产业链开展系列调研。</p>"
    (tmp_path / "p.html").write_text(
        f"<html><meta charset=utf-8><body>{filler}{target}{filler}</body></html>", encoding="utf-8"
    )
    snippet = "…围绕动力电池、光伏、储能和<mark>新能源</mark>汽车整车制造等产业链开展系列调研…"
    with serve_directory(tmp_path) as base:
        page.goto(fragment_url(f"{base}/p.html", snippet_passage(snippet)))
        page.wait_for_function("window.scrollY > 1000")  # the browser found the passage
        page.goto(f"{base}/p.html")
        assert page.evaluate("window.scrollY") == 0
