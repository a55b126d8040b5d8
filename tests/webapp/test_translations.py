"""The "also searched" line of the search and trends pages, and the report view marking a
query's renderings: the real app over the real sample index (Chinese and English reports)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup

NEW_ENERGY = "新能源"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def page_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return soup(response.get_data(as_text=True))


def total(doc) -> int:
    """The number of matching sections the page states."""
    return int(doc.select("p.count strong")[0].get_text().replace(",", ""))


def bar_links(doc, css: str) -> dict[str, str]:
    """Rendering → link, of one list of the translations line."""
    return {
        a.select("span[lang]")[0].get_text(): a.get("href")
        for a in doc.select(f".translations {css} a")
    }


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_also_searched_names_each_rendering_and_turns_it_off_keeping_the_state(web_client):
    doc = page_of(web_client, "/search?q=new energy&year=2019..2024&sort=newest&page=2&per_page=2")
    assert "同时检索 Also searched" in doc.select(".translations")[0].get_text()
    searched = bar_links(doc, "ul.chips:not(.off)")
    assert list(searched) == [NEW_ENERGY]
    off_link = searched[NEW_ENERGY]
    # The same search with the rendering turned off: every other value kept, back to page 1.
    assert params(off_link) == [
        ("q", "new energy"),
        ("year", "2019..2024"),
        ("off", NEW_ENERGY),
        ("sort", "newest"),
        ("per_page", "2"),
    ]
    both = total(doc)

    turned_off = page_of(web_client, off_link)
    assert total(turned_off) < both
    assert not turned_off.select(".translations ul.chips:not(.off)")
    listed_off = bar_links(turned_off, "ul.chips.off")
    assert list(listed_off) == [NEW_ENERGY]
    # The turned-off rendering is a translation setting, not a filter chip.
    assert not [c for c in turned_off.select(".within .chips a") if NEW_ENERGY in c.get_text()]
    assert all(NEW_ENERGY not in m.get_text() for m in turned_off.select("p.snippet mark"))

    back_on = page_of(web_client, listed_off[NEW_ENERGY])
    assert total(back_on) == both
    assert list(bar_links(back_on, "ul.chips:not(.off)")) == [NEW_ENERGY]


def test_only_as_typed_searches_one_language_and_can_be_undone(web_client):
    doc = page_of(web_client, "/search?q=new energy&language=en")
    toggle = doc.select(".translations a.toggle")[0]
    assert toggle.get_text() == "仅按输入检索 Only as typed"
    assert params(toggle.get("href")) == [("q", "new energy"), ("language", "en"), ("expand", "0")]

    typed = page_of(web_client, toggle.get("href"))
    bar = typed.select(".translations")[0]
    assert "仅按输入检索 Searched only as typed." in bar.get_text()
    # As typed, "new energy" is found in the English reports alone.
    unfiltered = page_of(web_client, "/search?q=new energy&expand=0")
    assert total(unfiltered) == total(typed) == total(doc)
    assert total(page_of(web_client, "/search?q=new energy")) > total(unfiltered)
    again = typed.select(".translations a.toggle")[0].get("href")
    assert params(again) == [("q", "new energy"), ("language", "en")]
    assert total(page_of(web_client, again)) == total(doc)


def test_chinese_query_names_its_english_rendering(web_client):
    doc = page_of(web_client, f"/search?q={NEW_ENERGY}")
    [(rendering, link)] = bar_links(doc, "ul.chips:not(.off)").items()
    assert rendering == "new energy"
    assert doc.select(".translations span[lang=en]")[0].get_text() == "new energy"
    assert ("off", "new energy") in params(link)
    english = [m.get_text().lower() for m in doc.select("p.snippet mark")]
    assert "new" in english and "energy" in english


def test_a_query_with_nothing_to_translate_has_no_line(web_client):
    doc = page_of(web_client, "/search?q=zzzzqqqq")
    assert not doc.select(".translations")
    assert not page_of(web_client, "/search").select(".translations")


def test_hostile_query_and_renderings_are_escaped(web_client):
    hostile = '"><img src=x onerror=alert(1)>'
    response = web_client.get(
        "/search", query_string={"q": f"new energy {hostile}", "off": f"<script>{hostile}"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x" not in html and '<script>"' not in html
    doc = soup(html)
    assert not doc.select("img[onerror]") and not doc.select("main script")
    off = bar_links(doc, "ul.chips.off")
    assert list(off) == [f"<script>{hostile}"]
    assert ("off", f"<script>{hostile}") not in params(off[f"<script>{hostile}"])


def test_bad_translation_settings_are_a_clear_400(web_client):
    for url in ("/search?q=new energy&expand=maybe", "/report/nat-2023-3?q=x&expand=maybe"):
        response = web_client.get(url)
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "expand must be 1 or 0" in text and "Traceback" not in text
    # The refused search's box keeps what parses, not the bad value.
    doc = soup(web_client.get("/search?q=x&expand=maybe").get_data(as_text=True))
    assert not doc.select("form.searchbox input[name=expand]")
    assert web_client.get("/api/search?q=x&expand=maybe").get_json() == {
        "error": "expand must be 1 or 0, not 'maybe'"
    }


def test_trends_show_what_each_term_was_also_counted_as(web_client):
    doc = page_of(web_client, "/trends?q=new energy, 养老&by_part=1&language=zh")
    searched = bar_links(doc, "ul.chips:not(.off)")
    assert list(searched) == [NEW_ENERGY, "elderly care"]
    assert params(searched[NEW_ENERGY]) == [
        ("q", "new energy, 养老"),
        ("language", "zh"),
        ("off", NEW_ENERGY),
        ("by_part", "1"),
    ]
    turned_off = page_of(web_client, searched[NEW_ENERGY])
    assert list(bar_links(turned_off, "ul.chips.off")) == [NEW_ENERGY]
    # Over Chinese reports only, "new energy" counts nothing once 新能源 is off.
    assert "无命中 no matches" in turned_off.select("ul.legend li")[0].get_text()
    assert "无命中" not in doc.select("ul.legend li")[0].get_text()


def test_report_opened_from_an_english_search_marks_its_chinese_rendering(web_client):
    results = page_of(web_client, "/search?q=new energy&language=zh")
    link = results.select("li.group h3 a")[0].get("href")
    assert ("q", "new energy") in params(link)
    report = page_of(web_client, link)
    marks = {m.get_text() for m in report.select("article.report mark")}
    assert marks == {NEW_ENERGY}
    # Turned off, or only as typed, the Chinese report has nothing to mark.
    for setting in ("&off=新能源", "&expand=0"):
        plain = page_of(web_client, f"{link}{setting}")
        assert not plain.select("article.report mark")


def test_report_opened_from_a_chinese_search_marks_its_english_rendering(web_client):
    report = page_of(web_client, f"/report/czen-2024-8?q={NEW_ENERGY}")
    marks = {m.get_text().lower() for m in report.select("article.report mark")}
    assert {"new", "energy"} <= marks
    typed = page_of(web_client, f"/report/czen-2024-8?q={NEW_ENERGY}&expand=0")
    assert not typed.select("article.report mark")
