"""Link and sitemap discovery."""

from __future__ import annotations

import gzip

from crawl.links import extract_links, parse_sitemap


def test_navigational_links_only_resolved_against_base() -> None:
    html = """<html><head><base href="http://x.cn/dir/"><link href="/style.css" rel="stylesheet">
    <script src="/app.js"></script></head><body>
    <a href="a.html">a</a> <a href="/b.html#frag">b</a> <a href="javascript:void(0)">js</a>
    <a href="mailto:x@x.cn">m</a> <a href="#top">top</a> <a>none</a>
    <area href="c.html"><iframe src="/frame.html"></iframe><img src="/i.png"></body></html>"""
    links = extract_links(html, "http://x.cn/page.html").links
    assert links == [
        "http://x.cn/dir/a.html",
        "http://x.cn/b.html#frag",
        "http://x.cn/dir/c.html",
        "http://x.cn/frame.html",
    ]


def test_meta_refresh_is_a_link_and_meta_nofollow_is_obeyed() -> None:
    refresh = '<meta http-equiv="Refresh" content="0; URL=/new/home.html">'
    assert extract_links(refresh, "http://x.cn/").links == ["http://x.cn/new/home.html"]
    nofollow = '<meta name="robots" content="noindex, nofollow"><a href="/a">a</a>'
    result = extract_links(nofollow, "http://x.cn/")
    assert result.nofollow and result.links == []


def test_empty_and_broken_html_give_no_links_and_no_error() -> None:
    assert extract_links("", "http://x.cn/").links == []
    assert extract_links(
        "<?xml version='1.0' encoding='gbk'?><a href=x>", "http://x.cn/"
    ).links == ["http://x.cn/x"]
    assert extract_links("<a href='http://[::1'>bad</a>\x00<a href=ok>", "http://x.cn/").links == [
        "http://x.cn/ok"
    ]


def test_sitemap_relative_locations_resolve_against_the_sitemap_url() -> None:
    xml = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc> /a/1.html </loc></url><url><loc>http://x.cn/b.html</loc></url></urlset>"""
    found = parse_sitemap(xml, "http://x.cn:8080/maps/sitemap.xml")
    assert found.pages == ["http://x.cn:8080/a/1.html", "http://x.cn/b.html"]


def test_sitemap_index_gzip_and_text_sitemaps() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>part1.xml.gz</loc></sitemap></sitemapindex>"""
    found = parse_sitemap(gzip.compress(index), "http://x.cn/sitemap.xml")
    assert found.sitemaps == ["http://x.cn/part1.xml.gz"] and found.pages == []
    text = parse_sitemap(b"http://x.cn/a.html\n\n/b.html\n", "http://x.cn/sitemap.txt")
    assert text.pages == ["http://x.cn/a.html", "http://x.cn/b.html"]


def test_sitemap_entities_are_not_expanded() -> None:
    xml = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>
    <urlset><url><loc>http://x.cn/&e;</loc></url></urlset>"""
    pages = parse_sitemap(xml, "http://x.cn/sitemap.xml").pages
    assert not any("root:" in page for page in pages)
    assert parse_sitemap(b"<urlset><url><loc>", "http://x.cn/s.xml").pages == []


def test_trs_script_pager_stands_for_its_pages() -> None:
    html = """<div id="page"></div><script type="text/javascript">
    createPageHTML(3, 0, "index", "shtml");</script><script src="/pager.js"></script>"""
    links = extract_links(html, "http://x.gov.cn/zwgk/index.shtml").links
    assert links == [
        "http://x.gov.cn/zwgk/index.shtml",
        "http://x.gov.cn/zwgk/index_1.shtml",
        "http://x.gov.cn/zwgk/index_2.shtml",
    ]


def test_links_after_the_closing_html_tag_are_found() -> None:
    html = (
        '<html><body><a href="/a.html">a</a></body></html>\n<!-- print --><a href="/p.html">p</a>'
    )
    assert extract_links(html, "http://x.cn/").links == ["http://x.cn/a.html", "http://x.cn/p.html"]


def test_links_past_the_limit_are_counted_not_resolved() -> None:
    anchors = "".join(f'<a href="/l/{n}.html">{n}</a>' for n in range(50))
    html = (
        f'<a href="mailto:a@x.cn">m</a>{anchors}<a href="/l/3.html">again</a><a href="#top">t</a>'
    )
    found = extract_links(html, "http://x.cn/", limit=10)
    assert found.links == [f"http://x.cn/l/{n}.html" for n in range(10)]
    assert found.dropped == 40 and found.refused == ["mailto:a@x.cn"]
    assert found.anchors["http://x.cn/l/0.html"] == "0"
