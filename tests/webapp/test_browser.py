"""The web app in a real browser: Playwright driving Debian's Chromium against waitress."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest

from tests.webapp.browser import shot
from tests.webapp.support import LiveServer
from webapp import create_app

pytestmark = pytest.mark.browser


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
    # Chinese hits and, through the query's translation, English ones ("new energy").
    assert page.locator("mark", has_text="新能源").count() > 0
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
    assert page.locator("figure.chart svg.wide").count() == 2  # and a narrow one each, hidden
    assert page.locator("figure.chart svg.narrow").first.is_hidden()
    bar = page.locator("figure.chart svg.wide a").first
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


def test_filters_survive_a_report_and_a_new_query_can_drop_them(page, live_server):
    page.goto(f"{live_server}/search?q=养老&language=zh")
    within = page.locator("form.searchbox .within")
    assert within.is_visible() and "语言 Language: 中文 Chinese" in within.inner_text()
    page.locator("li.group h3 a").first.click()
    page.wait_for_url("**/report/**")
    page.get_by_role("link", name="← 返回检索 Back to search").click()
    page.wait_for_url("**/search?*")
    assert "language=zh" in page.url and "q=%E5%85%BB%E8%80%81" in page.url
    # A new query, searched over everything in one click.
    page.get_by_label("检索词 Search terms").fill("energy")
    page.get_by_role("button", name="检索全部 Search everything").click()
    page.wait_for_url("**/search?q=energy")
    assert page.locator("form.searchbox .within").count() == 0
    assert page.locator("li.group").count() > 0
    assert page.console_errors == []


def copy_citation(tab, menu, style: str) -> tuple[str, str]:
    """Open a Cite menu, press one style's copy button: (the text shown, the clipboard's)."""
    menu.locator("summary").click()
    block = menu.locator(f'.cite-style[data-style="{style}"]')
    block.get_by_role("button", name="复制 Copy").click()
    # The button says so once the clipboard has taken the text (a promise settles first).
    block.get_by_role("button", name="已复制 Copied").wait_for()
    return block.locator("pre").inner_text(), tab.evaluate("navigator.clipboard.readText()")


def test_cite_copy_buttons_put_the_citation_on_the_clipboard(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    tab = context.new_page()
    try:
        # The report's own menu: its styles are in the page, each with a copy button.
        tab.goto(f"{live_server}/report/nat-2023-3")
        shown, copied = copy_citation(tab, tab.locator("details.cite").first, "gbt7714")
        assert copied == shown and "2023" in copied

        # A search result's passage: its menu loads the passage's citations when opened.
        tab.goto(f"{live_server}/search?q=新能源")
        shown, copied = copy_citation(tab, tab.locator("ul.hits details.cite").first, "bibtex")
        assert copied == shown
        assert "/report/" in copied and "#s" in copied and "/archive?url=" in copied
        shot(tab, "search-cite")
    finally:
        context.close()


@pytest.fixture(scope="module")
def spread_server(tmp_path_factory):
    from cppcc_search.settings import DataPaths
    from tests.indexer.reports import build_index
    from tests.webapp.support import spread_reports

    paths = DataPaths(tmp_path_factory.mktemp("spread") / "data").ensure()
    build_index(paths, spread_reports())
    app = create_app({"TESTING": True}, paths=paths)
    with LiveServer(app) as server:
        yield server.url
    app.extensions["cppcc_search"].close()


def chart_geometry(tab, selector: str) -> dict:
    """The drawn chart's bars (year, x) and axis labels, as the browser lays them out."""
    return tab.evaluate(
        """selector => {
          const figure = document.querySelector(selector);
          const bars = [...figure.querySelectorAll("rect.bar")].map(rect => ({
            year: Number(rect.querySelector("title").textContent.slice(0, 4)),
            x: Number(rect.getAttribute("x")),
          }));
          const labels = [...figure.querySelectorAll("text.axis")].map(text => ({
            text: text.textContent,
            height: text.getBoundingClientRect().height,
          }));
          const box = figure.getBoundingClientRect();
          return {bars, labels, right: box.right, visible: box.width > 0};
        }""",
        selector,
    )


@pytest.mark.parametrize(
    ("width", "shown", "hidden"), [(1280, "wide", "narrow"), (390, "narrow", "wide")]
)
def test_spread_chart_on_a_true_time_axis_readable_on_a_phone(
    browser, spread_server, width, shown, hidden
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    try:
        tab.goto(f"{spread_server}/spread?q=氢能")
        assert not tab.locator(f".spread-{hidden} figure").is_visible()
        chart = chart_geometry(tab, f".spread-{shown} figure")
        assert chart["visible"] and chart["right"] <= width  # no sideways scrolling
        # Every year from 2016 to 2025 has its slot: x grows by one slot a year, gaps included.
        xs = {}
        for bar in chart["bars"]:
            xs.setdefault(bar["year"], bar["x"])
        assert sorted(xs) == [2016, 2019, 2022, 2024]
        slot = (xs[2024] - xs[2016]) / 8
        assert abs((xs[2019] - xs[2016]) - 3 * slot) < 0.01
        assert abs((xs[2022] - xs[2016]) - 6 * slot) < 0.01
        counts = [label["text"] for label in chart["labels"] if not label["text"].startswith("20")]
        assert counts and all(text.isdigit() for text in counts)  # whole-number ticks
        assert min(label["height"] for label in chart["labels"]) >= 10  # readable lettering
        rows = tab.locator(".data-table tbody tr")
        assert rows.count() == 10 and "2017" in (rows.nth(1).text_content() or "")
        assert tab.get_by_role("link", name="常州市政协常务委员会工作报告（2022年）").count() == 1
        shot(tab, f"spread-{width}")
    finally:
        context.close()


def test_a_refused_query_can_be_corrected_in_place(page, live_server):
    response = page.goto(f"{live_server}/search?q=title%3A&language=zh")
    assert response.status == 400
    assert "needs a word right after it" in page.get_by_role("alert").inner_text()
    box = page.get_by_label("检索词 Search terms")
    assert box.input_value() == "title:" and box.get_attribute("aria-invalid") == "true"
    box.fill("title:政协")
    page.get_by_role("button", name="检索 Search", exact=True).click()
    page.wait_for_url("**/search?q=title*")
    assert "language=zh" in page.url and page.locator("li.group").count() > 0


def test_trends_chart_is_readable_on_a_phone(browser, live_server):
    """At 390 px the narrow chart shows: its year and count labels are at least 9 px high and
    none overlaps another."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tab = context.new_page()
    try:
        tab.goto(f"{live_server}/trends?q=新能源,养老,elderly")
        chart = tab.locator("figure.chart svg.narrow").first
        assert chart.is_visible() and tab.locator("figure.chart svg.wide").first.is_hidden()
        shot(tab, "trends-mobile")
        for axis in ("x", "y"):
            boxes = [text.bounding_box() for text in chart.locator(f"text.axis.{axis}").all()]
            assert len(boxes) >= 2 and all(box["height"] >= 9 for box in boxes)
            for a, b in itertools.combinations(boxes, 2):
                apart = (
                    a["x"] + a["width"] <= b["x"]
                    or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"]
                    or b["y"] + b["height"] <= a["y"]
                )
                assert apart, (a, b)
            assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes)
        ticks = [int(label) for label in chart.locator("text.axis.y").all_text_contents()]
        assert ticks == sorted(ticks) and ticks[0] == 0  # whole numbers from 0
    finally:
        context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_also_searched_renderings_turn_off_and_back_on(browser, live_server, scripts):
    """An English query is also searched in Chinese; the page names the rendering, and its
    plain links turn it off and back on, with scripts or without."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=scripts
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    count = tab.locator("p.count strong")
    try:
        tab.goto(f"{live_server}/")
        tab.get_by_label("检索词 Search terms").fill("new energy")
        tab.get_by_role("button", name="检索 Search").click()
        tab.wait_for_url("**/search?q=new+energy*")
        also = tab.locator(".translations")
        assert "同时检索 Also searched:" in also.inner_text()
        both = int(count.inner_text())
        assert tab.locator("p.snippet mark", has_text="新能源").count() > 0
        shot(tab, f"also-searched-{'js' if scripts else 'nojs'}")

        tab.get_by_role("link", name="不再检索 Stop searching 新能源").click()
        tab.wait_for_url("**off=*")
        assert int(count.inner_text()) < both
        assert tab.locator("p.snippet mark", has_text="新能源").count() == 0
        listed = tab.get_by_role("list", name="已关闭 Turned off:")
        assert listed.get_by_role("link").all_inner_texts() == ["新能源 +"]
        assert tab.get_by_role("link", name="不再检索 Stop searching 新能源").count() == 0

        tab.get_by_role("link", name="恢复检索 Search again 新能源").click()
        tab.wait_for_url(lambda url: "off=" not in url)
        assert int(count.inner_text()) == both
        assert tab.get_by_role("link", name="不再检索 Stop searching 新能源").count() == 1

        tab.get_by_role("link", name="仅按输入检索 Only as typed").click()
        tab.wait_for_url("**expand=0*")
        assert int(count.inner_text()) < both
        assert "仅按输入检索 Searched only as typed." in also.inner_text()
        assert errors == []
    finally:
        context.close()
