"""What an attacker or a careless operator tried (issue 19): parameter floods, url_for keywords,
a forged Host header, control characters in feeds, javascript: source URLs, broad queries."""

from __future__ import annotations

import dataclasses
import os
import threading
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import lxml.html
import pytest

from cppcc_search.models import write_documents
from cppcc_search.settings import DataPaths
from indexer.index.build import index_documents
from tests.webapp.support import section, zh_report
from webapp import create_app
from webapp.serve import make_server

CONTROL = "".join(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r")


@pytest.fixture(scope="module")
def odd_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """Reports whose source URLs are not web addresses, and whose text holds control characters."""
    paths = DataPaths(tmp_path_factory.mktemp("odd") / "data").ensure()
    base = zh_report("js-2023-1", "政协测试市委员会", "municipal", 2023, "work report", "新能源")
    reports = [
        dataclasses.replace(base, id=f"odd-{n}", url=url, urls=[url])
        for n, url in enumerate(
            [
                "javascript:alert(document.cookie)",
                "data:text/html,<script>x</script>",
                "file:///etc",
            ]
        )
    ]
    reports.append(
        dataclasses.replace(
            base,
            id="ctl-1",
            title=f"控制字符{CONTROL}报告",
            sections=[section(0, f"标题{CONTROL}", f"新能源{CONTROL}正文\ufffe\uffff")],
        )
    )
    write_documents(paths.documents, reports)
    index_documents(paths, workers=0)
    return paths


@pytest.fixture(scope="module")
def odd_client(odd_paths: DataPaths):
    app = create_app({"TESTING": True, "BASE_URL": "https://archive.example.org/"}, paths=odd_paths)
    yield app.test_client()
    app.extensions["cppcc_search"].close()


def hrefs(html: str) -> list[str]:
    return [a.get("href", "") for a in lxml.html.document_fromstring(html).iter("a")]


@pytest.mark.parametrize("path", ["/search?q=新能源", "/report/odd-0", "/report/odd-1"])
def test_only_web_addresses_become_links(odd_client, path):
    page = odd_client.get(path)
    assert page.status_code == 200
    links = hrefs(page.get_data(as_text=True))
    assert not [h for h in links if h.lower().startswith(("javascript:", "data:", "file:"))]
    if path.startswith("/report"):
        assert "javascript:alert" in page.get_data(as_text=True) or "data:text" in page.get_data(
            as_text=True
        )  # still shown, as text


def test_a_feed_is_valid_xml_whatever_the_query_and_the_text(odd_client):
    feed = odd_client.get("/search.atom?q=新能源" + "%01%02%1B%7F")
    assert feed.status_code == 200
    root = ElementTree.fromstring(feed.get_data())
    titles = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("控制字符报告" in t for t in titles)
    related = [
        link.get("href")
        for link in root.iter("{http://www.w3.org/2005/Atom}link")
        if link.get("rel") == "related"
    ]
    assert related and all(href.startswith("http") for href in related)


@pytest.mark.parametrize("path", ["/search.atom?q=新能源", "/opensearch.xml"])
def test_absolute_urls_come_from_the_base_url_never_the_host_header(odd_client, path):
    body = odd_client.get(path, headers={"Host": "evil.example.com"}).get_data(as_text=True)
    assert "evil.example.com" not in body
    assert "https://archive.example.org/" in body


@pytest.mark.parametrize(
    "query", ["_anchor=x", "_method=POST", "endpoint=x", "_external=1", "_scheme=javascript"]
)
def test_url_for_keywords_in_the_query_string_are_just_ignored(odd_client, query):
    home = odd_client.get(f"/?{query}&q=新能源")
    assert home.status_code == 302
    assert home.headers["Location"] == "/search?q=%E6%96%B0%E8%83%BD%E6%BA%90"


def test_a_flood_of_repeated_parameters_is_refused_at_once(odd_client):
    flood = "&".join(["committee=c"] * 20_000)
    page = odd_client.get(f"/search?q=x&{flood}")
    assert page.status_code == 400 and len(page.get_data()) < 20_000
    assert "too many parameters" in page.get_data(as_text=True)
    api = odd_client.get(f"/api/search?q=x&{'&'.join(['sort=newest'] * 10_000)}")
    assert api.status_code == 400 and "too many parameters" in api.get_json()["error"]


def test_repeated_values_within_the_bound_make_each_link_once(odd_client):
    page = odd_client.get(
        "/search?q=新能源&" + "&".join(["level=municipal"] * 40 + ["sort=newest"] * 40)
    )
    assert page.status_code == 200
    for href in hrefs(page.get_data(as_text=True)):
        assert href.count("level=municipal") <= 1 and href.count("sort=") <= 1


def test_a_broad_query_past_the_budget_is_a_clear_400(odd_paths: Path):
    settings = {"TESTING": True, "SEARCH_TIME_BUDGET": 0.0, "SEARCH_EXPENSIVE_WORK": 0}
    app = create_app(settings, paths=odd_paths)
    client = app.test_client()
    api = client.get("/api/search?q=新")
    assert api.status_code == 400 and "too broad" in api.get_json()["error"]
    page = client.get("/search?q=新")
    assert page.status_code == 400 and "查询范围过大" in page.get_data(as_text=True)
    app.extensions["cppcc_search"].close()


def test_a_cheap_query_past_the_budget_finds_the_server_busy(odd_paths: Path):
    """Estimated cheap, it ran out of time because the server was busy: 503, not 'too broad'."""
    app = create_app({"TESTING": True, "SEARCH_TIME_BUDGET": 0.0}, paths=odd_paths)
    api = app.test_client().get("/api/search?q=新")
    assert api.status_code == 503 and "busy" in api.get_json()["error"]
    app.extensions["cppcc_search"].close()


def test_a_query_over_the_postings_limit_is_a_clear_400(odd_paths: Path):
    app = create_app({"TESTING": True, "SEARCH_MAX_POSTINGS": 1}, paths=odd_paths)
    client = app.test_client()
    api = client.get("/api/search?q=新 能")
    assert api.status_code == 400 and "its terms occur in" in api.get_json()["error"]
    assert client.get("/search.csv?q=新 能").status_code == 400
    assert "查询范围过大" in client.get("/trends?q=新").get_data(as_text=True)
    app.extensions["cppcc_search"].close()


def test_the_server_answers_with_more_than_1024_files_open(odd_paths, tmp_path):
    """A large index keeps many files open: the server's sockets then get descriptors above
    1,024, where select() (waitress's default) fails and the server died."""
    app = create_app(paths=odd_paths)
    server = make_server(app, host="127.0.0.1", port=0, threads=2)
    held = []
    try:
        while len(held) < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}/search?q=energy"
        with urllib.request.urlopen(url, timeout=30) as page:  # its socket is above 1,024 too
            assert page.status == 200
        assert thread.is_alive()
    finally:
        server.close()
        for descriptor in held:
            os.close(descriptor)
