"""The crawler against a misbehaving server: every fault is recorded, none stops the crawl."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest
from warcio.archiveiterator import ArchiveIterator

from captures.encoding import decode_html
from captures.store import load_capture
from crawl.crawler import DEFAULT_USER_AGENT
from tests.crawl.fault_site import GBK_ONLY_TEXT, UNDECLARED_GBK_TEXT, FaultCrawl

pytestmark = pytest.mark.slow  # its crawl waits out timeouts, deadlines and a Retry-After by design


def test_robots_is_the_first_request_and_its_rules_hold(fault_crawl: FaultCrawl) -> None:
    paths = fault_crawl.log.paths()
    assert paths[0] == "/robots.txt"
    assert paths.count("/robots.txt") == 1
    for forbidden in ("/private/secret.html", "/script.php", "/page.html?sessionid=42"):
        assert forbidden not in paths
        assert fault_crawl.record(forbidden)["error_kind"] == "robots"
    assert "/private-ok/allowed.html" in paths  # Allow beats the wildcard Disallow
    assert "/script.php?x=1" in paths  # `$` anchors the end: a query string escapes it
    assert fault_crawl.summary.robots_skipped == 3


def test_sitemap_from_robots_with_relative_loc(fault_crawl: FaultCrawl) -> None:
    assert "/maps/sitemap.xml" in fault_crawl.log.paths()
    assert fault_crawl.record("/from-sitemap/relative.html")["status"] == 200
    assert fault_crawl.summary.sitemaps == 1


def test_nothing_external_or_unfollowable_is_requested(fault_crawl: FaultCrawl) -> None:
    conn = sqlite3.connect(fault_crawl.paths.crawl_db)
    urls = [u for (u,) in conn.execute("SELECT url FROM urls")]
    conn.close()
    assert all(u.startswith(fault_crawl.base) for u in urls)
    assert fault_crawl.summary.out_of_scope >= 2  # the page link and the sitemap entry


def test_redirect_chain_is_followed_to_its_end(fault_crawl: FaultCrawl) -> None:
    assert (
        fault_crawl.record("/redirect/start")["final_url"] == fault_crawl.base + "/redirect/middle"
    )
    assert fault_crawl.record("/redirect/end.html")["status"] == 200
    capture = load_capture(fault_crawl.paths, fault_crawl.base + "/redirect/start")
    assert capture is not None and capture.url == fault_crawl.base + "/redirect/end.html"


def test_redirect_without_location_and_with_utf8_location(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.record("/redirect/no-location")["error_kind"] == "http_302"
    target = "/%E4%B8%AD%E6%96%87/%E9%A1%B5%E9%9D%A2.html"
    assert fault_crawl.record("/redirect/utf8")["final_url"] == fault_crawl.base + target
    assert fault_crawl.record(target)["status"] == 200


def test_redirect_loop_is_detected(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.record("/loop/b")["error_kind"] == "redirect_loop"
    assert fault_crawl.log.counts()["/loop/a"] == 1
    assert fault_crawl.summary.errors["redirect_loop"] == 1


def test_redirect_chain_longer_than_the_limit_stops(fault_crawl: FaultCrawl) -> None:
    requested = [p for p in fault_crawl.log.paths() if p.startswith("/chain/")]
    assert requested == [f"/chain/{n}" for n in range(11)]  # the first hop and 10 redirects
    assert fault_crawl.record("/chain/10")["error_kind"] == "too_many_redirects"


def test_503_every_time_is_retried_then_recorded(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.log.counts()["/always-503"] == 2
    assert fault_crawl.record("/always-503")["error_kind"] == "http_503"


def test_warc_holds_request_and_response_records_with_headers(fault_crawl: FaultCrawl) -> None:
    kinds: Counter[str] = Counter()
    user_agents = set()
    for path in fault_crawl.paths.warc_dir.glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                kinds[record.rec_type] += 1
                if record.rec_type == "request":
                    user_agents.add(record.http_headers.get_header("User-Agent"))
                if record.rec_type == "response":
                    assert record.http_headers.get_statuscode()
    assert kinds["warcinfo"] == 1
    # Eight requests got no whole response to keep (three slow faults twice each, big, bomb).
    unanswered = 8
    archived = kinds["response"] + kinds["revisit"]
    assert kinds["request"] == archived == fault_crawl.summary.requests - unanswered
    assert kinds["revisit"] >= 1  # the duplicate body is stored once
    assert user_agents == {DEFAULT_USER_AGENT}


def test_500_then_200_is_retried(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.log.counts()["/flaky"] == 2
    assert fault_crawl.record("/flaky")["status"] == 200
    assert "/flaky" in fault_crawl.captures()


def test_429_waits_for_retry_after(fault_crawl: FaultCrawl) -> None:
    times = [when for when, path, _ in fault_crawl.log.entries if path == "/ratelimited"]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0  # Retry-After: 1
    assert fault_crawl.record("/ratelimited")["status"] == 200


def test_hang_and_drips_time_out_after_retries(fault_crawl: FaultCrawl) -> None:
    for path in ("/hang", "/slow-headers", "/drip"):
        assert fault_crawl.log.counts()[path] == 2  # one try, one retry
        assert fault_crawl.record(path)["error_kind"] == "timeout"


def test_oversized_body_and_compression_bomb_are_refused(fault_crawl: FaultCrawl) -> None:
    for path in ("/big", "/bomb"):
        assert fault_crawl.log.counts()[path] == 1  # not retried
        assert fault_crawl.record(path)["error_kind"] == "too_large"


def test_content_types(fault_crawl: FaultCrawl) -> None:
    captures = fault_crawl.captures()
    assert "/types/html-as-octet" in captures  # sniffed as HTML
    assert fault_crawl.record("/types/png-as-html")["error_kind"] == "content_type"
    pdf = fault_crawl.record("/types/report.pdf")
    assert pdf["content_type"] == "application/pdf" and pdf["content_hash"]
    assert "/types/report.pdf" not in captures  # attachments are kept, not extracted
    assert load_capture(fault_crawl.paths, fault_crawl.base + "/types/report.pdf") is not None
    assert "/types/data.json" not in captures
    assert fault_crawl.summary.attachments == 1
    assert fault_crawl.summary.skipped_content_type == 1


def test_chinese_encodings_decode_without_mojibake(fault_crawl: FaultCrawl) -> None:
    captures = fault_crawl.captures()
    text, encoding = decode_html(captures["/enc/gbk-undeclared.html"].body)
    assert UNDECLARED_GBK_TEXT in text and encoding == "gb18030"
    gb2312 = captures["/enc/gb2312-declared.html"]
    text, encoding = decode_html(gb2312.body, gb2312.headers)
    assert GBK_ONLY_TEXT in text and encoding == "gb18030"


def test_malformed_html_is_kept_and_its_links_followed(fault_crawl: FaultCrawl) -> None:
    assert "/malformed.html" in fault_crawl.captures()
    assert fault_crawl.record("/after-malformed.html")["status"] == 200


def test_transfer_and_content_encodings_round_trip(fault_crawl: FaultCrawl) -> None:
    captures = fault_crawl.captures()
    assert b"sent in chunks" in captures["/chunked.html"].body
    assert b"compressed" in captures["/gzip.html"].body
    assert captures["/gzip.html"].header("Content-Encoding") == "gzip"


def test_same_content_at_two_urls_is_one_duplicate(fault_crawl: FaultCrawl) -> None:
    two = fault_crawl.record("/copy/two.html")  # utm_source and the fragment were dropped
    assert two["duplicate_of"] == fault_crawl.base + "/copy/one.html"
    captures = fault_crawl.captures()
    assert captures["/copy/one.html"].body == captures["/copy/two.html"].body
    assert fault_crawl.summary.duplicates == 1


def test_every_page_requested_once_and_never_two_at_a_time(fault_crawl: FaultCrawl) -> None:
    retried = {"/flaky", "/ratelimited", "/hang", "/slow-headers", "/drip", "/always-503"}
    counts = fault_crawl.log.counts()
    assert all(n == 1 for path, n in counts.items() if path not in retried), counts
    assert fault_crawl.log.max_in_flight == 1


def test_404_recorded_and_summary_lists_errors_by_kind(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.record("/missing.html")["error_kind"] == "http_404"
    summary = fault_crawl.summary
    assert summary.finished and summary.queued == 0
    text = summary.format()
    for expected in (
        "not modified",
        "skipped (robots):   3",
        "timeout 3",
        "too_large 2",
        "http_404",
    ):
        assert expected in text
    assert any("queued" in line and "requests/s" in line for line in fault_crawl.progress)
