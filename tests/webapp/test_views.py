"""The web app over a real index: every page and API route, with real answers."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from cppcc_search.models import PART_KINDS
from cppcc_search.settings import DataPaths
from webapp import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def links(html: str) -> list[str]:
    """Every href on a page, unescaped."""
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


def test_factory_layers_test_config_over_defaults(tmp_path):
    app = create_app({"HTML_PER_PAGE": 7}, paths=DataPaths(tmp_path))
    assert app.config["HTML_PER_PAGE"] == 7
    assert app.config["EXPORT_ROWS"] == 500
    assert app.debug is False
    assert not app.testing


def test_app_without_an_index_starts_and_says_how_to_build_one(tmp_path):
    client = create_app({"TESTING": True}, paths=DataPaths(tmp_path)).test_client()
    page = client.get("/search?q=x")
    assert page.status_code == 503
    assert "run cppcc-search index" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503
    assert "no index yet" in api.get_json()["error"]
    assert client.get("/help").status_code == 200  # pages that need no index still work


def test_search_page_groups_sections_by_report_with_snippets(web_client):
    page = web_client.get("/search?q=养老")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>养老</mark>" in html
    assert "全国政协常务委员会工作报告（2021年）" in html
    # Two sections of one report match (its heading mentions 养老 too): shown under one title.
    assert html.count("全国政协常务委员会工作报告（2021年）</a></h3>") == 1
    assert "Content-Security-Policy" in page.headers
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_a_match_in_a_hit_heading_is_marked(web_client):
    html = web_client.get("/search?q=高质量发展").get_data(as_text=True)
    assert "（一）聚焦<mark>高质量发展</mark>建言资政</a>" in html


def test_the_hit_count_names_the_query_quoted_once(web_client):
    html = web_client.get("/search?q=养老").get_data(as_text=True)
    assert "sections match <q>养老</q>" in html
    html = web_client.get('/search?q="elderly care" 养老').get_data(as_text=True)
    assert 'sections match <span class="query">&#34;elderly care&#34; 养老</span>' in html


def test_search_shows_the_hit_count_facets_and_exports(web_client):
    api = web_client.get("/api/search?q=elderly").get_json()
    html = web_client.get("/search?q=elderly").get_data(as_text=True)
    assert api["total"] > 0
    assert f"<strong>{api['total']}</strong>" in html
    for label in (
        "年份 Year",
        "部分 Part",
        "发布机构 Issuing body",
        "地区 Region",
        "语言 Language",
    ):
        assert label in html
    hrefs = links(html)
    assert any(h.startswith("/search.csv?q=elderly") for h in hrefs)
    assert any(h.startswith("/search.atom?q=elderly") for h in hrefs)


def test_facet_links_toggle_a_filter_and_chips_remove_it(web_client):
    html = web_client.get("/search").get_data(as_text=True)
    assert "/search?language=en" in links(html)  # the language facet's toggle link
    toggle = "/search?language=en"
    filtered = web_client.get(toggle).get_data(as_text=True)
    api = web_client.get(toggle.replace("/search?", "/api/search?")).get_json()
    assert api["total"] == 18  # three English reports of six sections
    assert all(r["report_id"].startswith(("czen", "wx")) for r in api["results"])
    assert "语言 Language: 英文 English" in filtered  # the chip
    chip = re.search(r'<a href="([^"]*)" aria-label="移除 Remove 语言 Language', filtered)
    assert chip is not None
    assert "language=" not in chip.group(1).replace("&amp;", "&")


def test_language_filter_narrows_results(web_client):
    zh = web_client.get("/api/search?q=energy&language=en").get_json()
    assert zh["total"] > 0
    assert {r["report_id"] for r in zh["results"]} <= {"czen-2024-8", "czen-2023-9", "wx-2022-1"}


def test_year_range_boxes_redirect_to_a_permalink(web_client):
    response = web_client.get("/search?q=新能源&year_from=2020&year_to=2023&page=2")
    assert response.status_code == 303
    target = response.headers["Location"]
    assert parse_qs(urlsplit(target).query) == {"q": ["新能源"], "year": ["2020..2023"]}
    page = web_client.get(target)
    assert page.status_code == 200
    assert "年份 Year: 2020..2023" in page.get_data(as_text=True)


def test_pagination_links_move_through_results(web_client):
    first = web_client.get("/search?per_page=2").get_data(as_text=True)
    assert 'rel="next"' in first
    next_url = re.search(r'rel="next" href="([^"]*)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_url
    second = web_client.get(next_url).get_data(as_text=True)
    assert 'aria-current="page" class="current">2<' in second


def test_a_page_of_results_counts_reports_not_sections(web_client):
    api = web_client.get("/api/search?q=新能源&per_page=1000").get_json()
    reports = list(dict.fromkeys(r["report_id"] for r in api["results"]))
    assert len(api["results"]) > len(reports) > 4  # reports with several matching sections
    first = web_client.get("/search?q=新能源&per_page=4").get_data(as_text=True)
    second = web_client.get("/search?q=新能源&per_page=4&page=2").get_data(as_text=True)
    on_first = re.findall(r'<h3 id="r-\d+"><a href="/report/([^"?#]+)', first)
    on_second = re.findall(r'<h3 id="r-\d+"><a href="/report/([^"?#]+)', second)
    assert on_first == reports[:4] and on_second == reports[4:8]
    assert f"{len(reports)} 份报告 reports" in first
    assert f"page 1 of {-(-len(reports) // 4)}" in first


def test_report_links_carry_the_search_and_back_to_search_returns_to_it(web_client):
    search = "/search?q=新能源&year=2019..2024&language=zh&page=1"
    html = web_client.get(search).get_data(as_text=True)
    report_href = next(h for h in links(html) if h.startswith("/report/nat-"))
    carried = parse_qs(urlsplit(report_href).query)
    assert carried == {"q": ["新能源"], "year": ["2019..2024"], "language": ["zh"], "page": ["1"]}
    report = web_client.get(report_href).get_data(as_text=True)
    back = re.search(r'<a href="([^"]*)">← 返回检索 Back to search', report).group(1)
    assert parse_qs(urlsplit(back.replace("&amp;", "&")).query) == carried
    aside = report.split('<aside class="report-side">')[1]
    others = [h for h in links(aside) if h.startswith("/report/")]
    assert others and all("year=2019..2024" in h for h in others)  # the series and nearby years
    assert "<mark>新能源</mark>" in report


def test_active_filters_show_beside_the_box_and_search_everything_drops_them(web_client):
    html = web_client.get("/search?q=养老&language=zh&committee=全国政协").get_data(as_text=True)
    form = html.split('<form class="searchbox"')[1].split("</form>")[0]
    assert "Searching within" in form and "语言 Language: 中文 Chinese" in form
    assert 'name="scope" value="all"' in form  # one click: the typed query, no filters
    everything = web_client.get("/search?q=老年&language=zh&committee=全国政协&scope=all")
    assert everything.status_code == 303
    assert parse_qs(urlsplit(everything.headers["Location"]).query) == {"q": ["老年"]}
    assert "Searching within" not in web_client.get("/search?q=养老").get_data(as_text=True)


def test_empty_results_help_the_user(web_client):
    html = web_client.get("/search?q=zzzzqqqq&language=en").get_data(as_text=True)
    assert "没有找到结果 No matches" in html
    assert "Try removing a filter" in html


def test_did_you_mean_links_to_the_suggestion(web_client):
    data = web_client.get("/api/search?q=elderlu").get_json()
    html = web_client.get("/search?q=elderlu").get_data(as_text=True)
    assert data["suggestion"] == "elderly"
    assert 'Did you mean: <a href="/search?q=elderly">elderly</a>' in html
    assert "Did you mean" not in web_client.get("/search?q=elderly").get_data(as_text=True)


def test_results_link_to_source_fragment_archive_and_report(web_client):
    html = web_client.get("/search?q=nursing").get_data(as_text=True)
    hrefs = links(html)
    sources = [h for h in hrefs if h.startswith("http://127.0.0.1:9/en/")]
    assert "http://127.0.0.1:9/en/czen-2024-8.html" in sources  # the report's source page
    passage = next(h for h in sources if "#:~:text=" in h)
    assert "nursing" in passage
    assert any(h.startswith("/archive?url=http") for h in hrefs)
    assert any(h.startswith("/report/czen-") and "q=nursing" in h for h in hrefs)


def test_report_view_has_metadata_toc_highlights_and_neighbours(web_client):
    page = web_client.get("/report/nat-2023-3?q=新能源")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "全国政协常务委员会工作报告（2023年）" in html
    assert 'href="#s2"' in html and 'id="s2"' in html  # table of contents → section
    assert "<mark>新能源</mark>" in html
    assert "工作回顾 Review" in html and "工作部署 Plan" in html
    # The national committee's work reports over the years, this one marked.
    timeline = html.split('class="timeline"')[1].split("</ol>")[0]
    for other in ("nat-2019-1", "nat-2021-2", "nat-2024-4"):
        assert f"/report/{other}" in timeline
    assert '<span aria-current="page"' in timeline and "/report/nat-2023-3" not in timeline
    assert html.count('href="#s1"') == 1  # a part's own heading is listed once, as the part
    assert "/archive?url=" in html and "http://127.0.0.1:9/nat-2023-3.html" in html


def test_report_view_for_unknown_id_is_404(web_client):
    page = web_client.get("/report/nope")
    assert page.status_code == 404
    assert "no report with id" in page.get_data(as_text=True)
    api = web_client.get("/api/report/nope")
    assert api.status_code == 404 and "error" in api.get_json()


def test_api_search_matches_the_contract(web_client):
    data = web_client.get("/api/search?q=新能源&per_page=3&sort=newest&language=zh").get_json()
    assert set(data) == {
        "query", "total", "page", "per_page", "results", "facets", "suggestion", "filters",
        "translations",
    }  # fmt: skip
    assert (data["query"], data["page"], data["per_page"]) == ("新能源", 1, 3)
    assert data["translations"] == [
        {"term": "新能源", "language": "en", "renderings": ["new energy"], "off": []}
    ]
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == {
        "id", "report_id", "title", "section_title", "section_kind", "body_id", "versions",
        "year", "date", "url", "passage_url", "snippet", "snippet_text", "part_kind",
        "committee", "language",
    }  # fmt: skip
    for result in data["results"]:
        assert result["passage_url"].startswith(result["url"] + "#:~:text=")
        plain = html_lib.unescape(re.sub("</?mark>", "", result["snippet"]))
        assert result["snippet_text"] == plain
        assert result["part_kind"] in PART_KINDS and result["language"] == "zh"
        assert result["committee"]
    years = [r["year"] for r in data["results"]]
    assert years == sorted(years, reverse=True)
    assert set(data["facets"]) == {
        "year", "section", "part", "committee", "region", "level", "doc_type", "language",
    }  # fmt: skip
    # The language facet is multi-select: the selected value counts the total, the other
    # language still shows what selecting it would add.
    languages = {v["value"]: v["count"] for v in data["facets"]["language"]}
    assert languages["zh"] == data["total"] and languages.get("en", 0) > 0
    assert {v["value"] for v in data["facets"]["part"]} <= {"review", "plan", "other"}


def test_api_search_accepts_repeated_filters_and_year_ranges(web_client):
    both = web_client.get("/api/search?q=新能源&year=2019..2020&year=2024").get_json()
    assert both["total"] > 0
    assert {r["year"] for r in both["results"]} <= {2019, 2020, 2024}
    assert web_client.get("/api/search?per_page=1000").status_code == 200


def test_api_trends_returns_points_per_year(web_client):
    data = web_client.get("/api/trends?q=新能源&q=elderly").get_json()
    assert data["query"] == ["新能源", "elderly"]
    terms = [s["term"] for s in data["series"]]
    assert terms == ["新能源", "elderly"]
    point = data["series"][0]["points"][0]
    assert set(point) >= {"year", "hits", "total", "per_1000"}
    assert sum(p["hits"] for p in data["series"][0]["points"]) > 0


def test_api_report_is_the_document(web_client, web_paths):
    data = web_client.get("/api/report/czen-2024-8").get_json()
    line = next(
        line for line in web_paths.documents.read_text(encoding="utf-8").splitlines()
        if '"id": "czen-2024-8"' in line
    )  # fmt: skip
    import json

    assert data == json.loads(line)


def test_trends_page_draws_linked_svg_charts(web_client):
    html = web_client.get("/trends?q=新能源, elderly care&by_part=1").get_data(as_text=True)
    assert html.count('<svg class="wide" viewBox="0 0 760 260"') == 2
    assert html.count('<svg class="narrow" viewBox="0 0 360 240"') == 2
    bar_links = [h for h in links(html) if h.startswith("/search?q=") and "year=" in h]
    assert bar_links, "every bar links to the search for its year"
    assert any("part=review" in h for h in bar_links)
    assert "首次出现 first appears" in html
    assert "/api/trends?q=" in html


def test_year_histogram_keeps_a_slot_for_every_year_in_range(web_client):
    """Hits in 2022 and 2024 only: 2023 stays an empty, unlinked slot between them."""
    html = web_client.get("/search?q=Solar OR Hydrogen").get_data(as_text=True)
    histogram = html.split('<ul class="histogram"')[1].split("</ul>")[0]
    slots = re.findall(r'<li(?: class="(gap)")?[^>]*>.*?(20\d\d): (\d+)', histogram)
    assert [(year, count, bool(gap)) for gap, year, count in slots] == [
        ("2022", "1", False),
        ("2023", "0", True),
        ("2024", "1", False),
    ]
    assert "year=2023" not in histogram


def test_trends_page_without_terms_shows_examples(web_client):
    html = web_client.get("/trends").get_data(as_text=True)
    assert "Enter one or more terms" in html


def test_csv_export_has_a_header_and_one_row_per_section(web_client):
    response = web_client.get("/search.csv?q=新能源")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    total = web_client.get("/api/search?q=新能源").get_json()["total"]
    assert rows[0][:3] == ["report_id", "section_id", "title"]
    assert len(rows) == total + 1
    assert all("<mark>" not in cell for row in rows for cell in row)


def test_atom_feed_lists_newest_matches(web_client):
    response = web_client.get("/search.atom?q=新能源")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_opensearch_description_is_linked_from_every_page(web_client):
    response = web_client.get("/opensearch.xml")
    doc = ET.fromstring(response.data)
    template = doc.find("{http://a9.com/-/spec/opensearch/1.1/}Url").get("template")
    assert template.endswith("/search?q={searchTerms}&page={startPage?}")
    assert 'rel="search" type="application/opensearchdescription+xml"' in web_client.get(
        "/help"
    ).get_data(as_text=True)


def test_home_page_browses_everything_and_redirects_queries(web_client):
    home = web_client.get("/")
    assert home.status_code == 200
    assert 'role="search"' in home.get_data(as_text=True)
    assert web_client.get("/?q=养老").headers["Location"].startswith("/search?q=")


def test_static_files_and_skip_link(web_client):
    html = web_client.get("/help").get_data(as_text=True)
    assert 'class="skip" href="#main"' in html and '<main id="main"' in html
    for name in ("style.css", "app.js"):
        response = web_client.get(f"/static/{name}")
        response.close()  # static files are streamed from an open file
        assert response.status_code == 200


def test_browsing_shows_newest_reports_first_with_a_few_sections_each(web_client):
    html = web_client.get("/search").get_data(as_text=True)
    titles = re.findall(r'<h3 id="r-\d+"><a [^>]*>([^<]*)</a>', html)
    assert "2024" in titles[0]
    assert "5 more matching sections in this report" in html  # six sections, one shown
    searched = web_client.get("/search?q=year OR members OR energy").get_data(as_text=True)
    assert "more matching section" in searched  # a search shows up to three sections each
    assert "政协报告全文检索" in html and "12 份报告 reports" in html
    assert "5 个发布机构 issuing bodies" in html


def test_app_picks_up_an_index_built_or_rebuilt_after_it_started(tmp_path):
    from cppcc_search.models import write_documents
    from indexer.index.build import index_documents
    from tests.webapp.support import sample_reports

    paths = DataPaths(tmp_path / "data").ensure()
    client = create_app({"TESTING": True}, paths=paths).test_client()
    assert client.get("/api/search?q=energy").status_code == 503  # started before any index

    reports = sample_reports()
    write_documents(paths.documents, reports[:3])
    index_documents(paths)
    first = client.get("/api/search").get_json()["total"]
    assert first == 18

    write_documents(paths.documents, reports)
    index_documents(paths, rebuild=True)
    assert client.get("/api/search").get_json()["total"] == 67
    client.application.extensions["cppcc_search"].close()


def test_exports_come_in_chunks_linked_to_the_next(web_paths):
    """A chunk holds EXPORT_ROWS sections; its Link header names the next one until the result
    set is exhausted, and the chunks together are the result set, each section once."""
    app = create_app({"TESTING": True, "EXPORT_ROWS": 5}, paths=web_paths)
    client = app.test_client()
    total = client.get("/api/search?q=发展").get_json()["total"]
    assert 10 < total < 200
    url, seen, chunks = "/search.csv?q=发展", [], 0
    while url:
        response = client.get(url)
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert response.headers["X-Total-Count"] == str(total) and len(rows) <= 6
        seen += [row[1] for row in rows[1:]]
        chunks += 1
        link = response.headers.get("Link")
        if link is None:
            break
        target, rel = link.split(";")
        assert rel.strip() == 'rel="next"' and target.startswith("<http")
        parts = urlsplit(target.strip("<> "))
        assert parts.path == "/search.csv"
        url = f"{parts.path}?{parts.query}"
    assert chunks == -(-total // 5) and len(seen) == len(set(seen)) == total
    ris = client.get("/search.ris?q=发展&page=2")
    assert ris.headers["X-Total-Count"] == str(total) and "page=3" in ris.headers["Link"]
    app.extensions["cppcc_search"].close()


def test_api_index_lists_the_endpoints(web_client):
    data = web_client.get("/api/").get_json()
    assert set(data["endpoints"]) >= {"/api/search", "/api/trends", "/api/report/<report_id>"}
    assert web_client.get(data["example"]).status_code == 200


def test_long_facets_are_listed_up_to_a_limit(web_paths):
    app = create_app({"TESTING": True, "FACET_VISIBLE": 2, "FACET_MAX": 3}, paths=web_paths)
    html = app.test_client().get("/search").get_data(as_text=True)
    committees = html.split('id="facet-committee"')[1].split("</section>")[0]
    assert committees.count('class="count"') == 3  # two shown, one behind "more"
    assert "显示全部 Show all (3)" in committees
    assert "另有 2 项 2 more values" in committees  # five bodies in the sample
    assert 'id="facet-filter-committee"' in committees  # a long facet gets a filter box
    app.extensions["cppcc_search"].close()
