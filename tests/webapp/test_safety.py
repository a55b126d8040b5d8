"""Hostile input never runs and never breaks the app: escaping, bad parameters, archived pages."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import quote

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cppcc_search.settings import DataPaths
from webapp import create_app

HOSTILE_QUERY = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def active_markup(html: str) -> list[str]:
    """Scripts (other than our static file) and event-handler attributes in a parsed page."""
    found = []
    for element in lxml.html.document_fromstring(html or "<p></p>").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and element.get("src") != "/static/app.js":
            found.append(lxml.html.tostring(element, encoding="unicode"))
        found.extend(f"{element.tag}@{name}" for name in element.attrib if name.startswith("on"))
        if element.tag in ("iframe", "object", "embed"):
            found.append(element.tag)
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=生态",
        "/search?q=evil",
        "/search?q=alert",
        "/report/xss-1",
        "/report/xss-1?q=script",
        "/trends?q=alert",
        f"/search?q={HOSTILE_QUERY}",
        f"/search?committee={HOSTILE_QUERY}",
        f"/trends?q={HOSTILE_QUERY}",
        f"/report/xss-1?q={HOSTILE_QUERY}",
        f"/report/{HOSTILE_QUERY}",
    ],
)
def test_markup_from_documents_and_queries_is_escaped(web_client, path):
    response = web_client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 404)
    assert active_markup(html) == []


def test_hostile_report_fields_show_as_text(web_client):
    html = web_client.get("/report/xss-1?q=evil").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;政协工作报告" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>Evil</mark> &lt;img" in html
    results = web_client.get("/search?q=evil").get_data(as_text=True)
    assert "<mark>Evil</mark>" in results  # the service's snippet markup survives
    assert "&lt;img" in results


def test_hostile_csv_cells_cannot_become_formulas(web_app, web_paths):
    client = web_app.test_client()
    body = client.get("/search.csv?q=evil").get_data(as_text=True)
    assert "<script>" in body  # CSV is data, not HTML: kept verbatim, quoted by the writer
    assert not any(line.startswith(("=", "+", "@")) for line in body.splitlines())


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/search?page=abc", 400, "page must be a whole number"),
        ("/search?page=0", 400, "page must be between"),
        ("/search?per_page=101", 400, "per_page must be between 1 and 100"),
        ("/search?sort=random", 400, "unknown sort"),
        ("/search?year=20x9", 400, "not a year"),
        ("/search?part=future", 400, "unknown part"),
        ("/search?year_from=abc", 400, "year_from must be a year such as 2015"),
        ("/trends?q=" + ",".join("abcdefghij"), 400, "too many terms"),
        ("/report/nat-2023-3?q=" + "x" * 600, 400, "too long"),
        ("/archive", 400, "url is required"),
        ("/archive?url=javascript:alert(1)", 400, "http(s) URL"),
        ("/archive?url=http://127.0.0.1:9/none.html", 404, "no archived copy"),
        ("/no/such/page", 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_page_that_says_why(web_client, path, status, message):
    response = web_client.get(path)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "typed", "kept", "why"),
    [
        ("/search?q=AND+OR", "AND OR", [], "nothing to search for"),
        ("/search?q=title:&language=zh", "title:", [("language", "zh")], "needs a word"),
        ("/search?q=养老&year_from=abc", "养老", [], "year_from must be a year"),
        ("/search?q=养老&year=20x9&language=zh", "养老", [("language", "zh")], "not a year"),
        ("/search?q=养老&page=abc&sort=oldest", "养老", [("sort", "oldest")], "whole number"),
    ],
)
def test_a_refused_search_keeps_the_layout_and_an_editable_box(web_client, path, typed, kept, why):
    """The site's header and search box stay: the query as typed, editable, the filters that
    parse kept, and why it was refused in English and in Chinese."""
    response = web_client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<header class="site">' in html and 'role="search"' in html
    box = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"[^>]*>', html)
    assert box is not None and html_lib.unescape(box.group(1)) == typed
    assert 'aria-invalid="true"' in box.group(0)
    hidden = re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', html)
    assert hidden == kept
    message = re.search(r'<p class="message" id="query-error">(.*?)</p>', html).group(1)
    assert why in message and re.search(r"[\u4e00-\u9fff]", message)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/search?per_page=1001", "per_page must be between 1 and 1000"),
        ("/api/search?page=-1", "page must be between"),
        ("/api/search?language=fr", "unknown language"),
        ("/api/trends", "q is required"),
        ("/api/trends?q=a&year=x", "not a year"),
    ],
)
def test_api_errors_are_json_400s(web_client, path, message):
    response = web_client.get(path)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_wrong_method_is_405_not_500(web_client):
    assert web_client.post("/search").status_code == 405
    assert web_client.post("/api/search").get_json()["error"]


def test_an_unexpected_exception_is_a_clean_500(tmp_path):
    app = create_app({"TESTING": True}, paths=DataPaths(tmp_path))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in text and "Traceback" not in text
    assert "Something went wrong" in text


PARAMS = st.sampled_from(
    ["q", "year", "part", "section", "committee", "level", "doc_type", "language", "sort",
     "page", "per_page", "year_from", "year_to", "by_part"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["2019", "2019..2021", "..", "-1", "0", "1001", "99999999999", "plan", "zh",
                     '"', '"新能源', "OR", "-", "title:", "a OR", "生态 -", "\x00", "%", "&"]),
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/search", "/api/search", "/trends", "/api/trends", "/search.csv"]),
    pairs=st.lists(st.tuples(PARAMS, TEXT), max_size=5),
)
def test_no_parameters_ever_cause_a_server_error(web_client, path, pairs):
    response = web_client.get(path, query_string=pairs)
    assert response.status_code in (200, 303, 400), response.get_data(as_text=True)[:300]
    if path.startswith("/api/") and response.status_code == 400:
        assert response.get_json()["error"]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_query_text_is_escaped_on_the_results_page(web_client, query):
    response = web_client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    assert active_markup(response.get_data(as_text=True)) == []


def test_archived_copy_is_cleaned_sandboxed_and_bannered(hostile_archive):
    paths, url = hostile_archive
    base = url.rsplit("/", 1)[0]
    client = create_app({"TESTING": True}, paths=paths).test_client()
    response = client.get("/archive", query_string={"url": url})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "allow-scripts" not in csp
    assert "allow-same-origin" not in csp and "default-src 'none'" in csp
    assert "关于新能源的提案" in html  # decoded from GBK
    lowered = html.lower()
    for banned in ("<script", "onload", "onclick", "<iframe", "<form"):
        assert banned not in lowered
    assert "存档副本 Archived capture" in html and url in html
    assert f'href="{base}/page2.html"' in html


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(report_id=st.text(min_size=1, max_size=40))
def test_any_report_id_is_a_page_or_a_404(web_client, report_id):
    for prefix in ("/report/", "/api/report/"):
        response = web_client.get(prefix + quote(report_id, safe=""))
        if "//" in prefix + report_id:
            # The client decodes %2F, so the path has "//": Werkzeug redirects to the merged path.
            assert response.status_code in (200, 308, 404), response.status_code
            if response.status_code == 308:
                assert "//" not in response.headers["Location"].split("://", 1)[1]
        else:
            assert response.status_code in (200, 404), response.status_code
