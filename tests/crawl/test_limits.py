"""The crawler's limits against misbehaving servers: a huge robots.txt is read to its first
500 KiB and parsed once, a huge Crawl-delay is capped and said, a page with 200,000 links fills
neither the frontier nor the disk, and refused URLs are listed with their reason and source."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

import crawl.ledger
from cppcc_search.settings import DataPaths
from crawl.crawler import CrawlOptions, run_crawl
from crawl.robots import MAX_ROBOTS_BYTES, RobotsRules
from tests.crawl.fault_site import FaultServer
from tests.crawl.servers import page, running

pytestmark = pytest.mark.slow  # megabytes of robots.txt and links, by design


def _site(robots: str | bytes, routes: dict[str, str]) -> FaultServer:
    """A site with this robots.txt and these HTML pages (anything else is a 404)."""
    server = FaultServer()
    body = robots if isinstance(robots, bytes) else robots.encode()
    server.routes = {"/robots.txt": lambda h: h.send(200, body, "text/plain")}
    for path, html in routes.items():
        server.routes[path] = lambda h, html=html: h.html(html)
    return server


def _rows(paths: DataPaths, sql: str, *args: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(paths.crawl_db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(sql, args).fetchall()
    conn.close()
    return rows


def _huge_robots() -> bytes:
    """10 MB of wildcard rules (the costliest kind to check), a rule before the 500 KiB cap
    and one after it, and the cap falling inside "Disallow: /private/", whose first part
    alone ("Disallow: /") would forbid everything."""
    head = b"User-agent: *\nDisallow: /early/\n"
    filler = b"".join(b"Disallow: /archive/%d/*.php\n" % n for n in range(20_000))
    starts = MAX_ROBOTS_BYTES - len(b"Disallow: /")  # where the cut line begins
    body = (head + filler)[: starts - 100]
    body = body[: body.rfind(b"\n") + 1]
    body += b"#" * (starts - len(body) - 1) + b"\n" + b"Disallow: /private/\n"
    assert body[:MAX_ROBOTS_BYTES].endswith(b"\nDisallow: /")
    body += b"Disallow: /late/\n" + filler * 16
    assert len(body) > 10_000_000
    return body


def test_a_10_mb_robots_txt_is_read_to_500_kib_and_parsed_once(data_paths: DataPaths) -> None:
    links = ("/early/a.html", "/late/b.html", "/ok.html", "/private/c.html", "/more.html")
    server = _site(_huge_robots(), {"/": page("Home", links=links)})
    server.routes["/more.html"] = lambda h: h.html(page("More", links=("/early/d.html",)))
    parsed = []
    original = RobotsRules.from_response.__func__  # type: ignore[attr-defined]

    def counting(cls: type[RobotsRules], *args: object, **kwargs: object) -> RobotsRules:
        parsed.append(args[0])
        return original(cls, *args, **kwargs)

    with running(server), pytest.MonkeyPatch.context() as patch:
        patch.setattr(RobotsRules, "from_response", classmethod(counting))
        options = CrawlOptions(seeds=(server.base + "/",), delay=0.0, sitemaps=False)
        summary = run_crawl(data_paths, options)
    counts = server.log.counts()
    assert counts["/robots.txt"] == 1 and parsed == [server.base]  # fetched and parsed once
    assert counts["/late/b.html"] == counts["/ok.html"] == counts["/private/c.html"] == 1
    assert "/early/a.html" not in counts and "/early/d.html" not in counts
    assert summary.robots_skipped == 2
    (robots,) = _rows(data_paths, "SELECT body FROM robots")
    assert MAX_ROBOTS_BYTES < len(robots["body"]) <= MAX_ROBOTS_BYTES + 1  # what was read
    truncated = []
    for warc in data_paths.warc_dir.glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and uri.endswith("/robots.txt"):
                    truncated.append(record.rec_headers.get_header("WARC-Truncated"))
    assert truncated == ["length"]  # the archive says the record holds only the start


def test_a_crawl_delay_of_an_hour_is_capped_said_and_other_hosts_go_on(
    data_paths: DataPaths,
) -> None:
    cap = 0.4
    slow = _site(
        "User-agent: *\nCrawl-delay: 3600\n",
        {"/": page("Slow", links=("/a.html", "/b.html")), "/a.html": page("A")},
    )
    slow.routes["/b.html"] = lambda h: h.html(page("B"))
    other = _site("User-agent: *\nDisallow:\n", {"/": page("Other", links=("/x.html",))})
    other.routes["/x.html"] = lambda h: h.html(page("X"))
    progress: list[str] = []
    with running(slow), running(other):
        options = CrawlOptions(
            seeds=(slow.base + "/", other.base + "/"),
            delay=0.0,
            max_crawl_delay=cap,
            sitemaps=False,
        )
        summary = run_crawl(data_paths, options, progress=progress.append)
    times = slow.log.times()
    assert len(times) == 4 and summary.finished
    assert min(b - a for a, b in itertools.pairwise(times)) >= cap  # capped, still obeyed
    assert max(other.log.times()) < times[-1]  # the other host did not wait for it
    said = [line for line in progress if "Crawl-delay 3600s" in line]
    assert len(said) == 1 and f"waiting {cap:g}s" in said[0], progress
    assert f"Crawl-delay capped: {slow.base} asks 3600s; waited {cap:g}s" in summary.format()
    (robots,) = _rows(data_paths, "SELECT crawl_delay FROM robots WHERE origin=?", slow.base)
    assert robots["crawl_delay"] == 3600


def test_a_page_with_200000_links_is_capped_and_the_frontier_bounded(
    data_paths: DataPaths,
) -> None:
    anchors = "".join(f'<a href="/l/{n}.html">{n}</a>' for n in range(200_000))
    home = f"<html><body>{anchors}</body></html>"
    server = _site("User-agent: *\nDisallow:\n", {"/": home})
    with running(server):
        options = CrawlOptions(
            seeds=(server.base + "/",),
            delay=0.0,
            sitemaps=False,
            max_pages=2,  # the home page and one link: the caps act on the first page
            max_frontier=1000,
        )
        summary = run_crawl(data_paths, options)
    assert summary.links_capped == 200_000 - 5000  # --max-links-per-page's default
    assert summary.frontier_full == 5000 - 999  # the home page itself was still queued
    assert summary.queued <= 1000
    (queued,) = _rows(data_paths, "SELECT COUNT(*) AS n FROM frontier")
    assert queued["n"] == 1000
    (row,) = _rows(data_paths, "SELECT links_dropped FROM urls WHERE url=?", server.base + "/")
    assert row["links_dropped"] == summary.links_capped + summary.frontier_full
    assert "links dropped:      199001 (195000 past the per-page cap, 4001 frontier full)" in (
        summary.format()
    )


def test_refused_urls_are_listed_with_reason_and_source(
    data_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = (
        "/ok.html",
        "/private/x.html",
        "mailto:office@x.gov.cn",
        "javascript:void(0)",
        "ftp://files.x.gov.cn/a.pdf",
        "weixin://dl/chat",
        "http://elsewhere.invalid/p.html",
        "/skip/me.html",
        "/deep.html",
    )
    server = _site("User-agent: *\nDisallow: /private/\n", {"/": page("Home", links=links)})
    server.routes["/deep.html"] = lambda h: h.html(page("Deep", links=("/deeper.html",)))
    with running(server):
        options = CrawlOptions(
            seeds=(server.base + "/",),
            delay=0.0,
            sitemaps=False,
            exclude=(r"/skip/",),
            max_depth=1,
        )
        summary = run_crawl(data_paths, options)
    base, home = server.base, server.base + "/"
    listed = {
        r["url"]: (r["reason"], r["source"]) for r in _rows(data_paths, "SELECT * FROM refused")
    }
    assert listed == {
        base + "/private/x.html": ("robots", home),
        "mailto:office@x.gov.cn": ("scheme", home),
        "javascript:void(0)": ("scheme", home),
        "ftp://files.x.gov.cn/a.pdf": ("scheme", home),
        "weixin://dl/chat": ("scheme", home),
        "http://elsewhere.invalid/p.html": ("host", home),
        base + "/skip/me.html": ("exclude", home),
        base + "/deeper.html": ("depth", base + "/deep.html"),
    }
    assert summary.refused == {"robots": 1, "scheme": 4, "host": 1, "exclude": 1, "depth": 1}
    assert summary.robots_skipped == 1 and summary.out_of_scope == 2
    text = summary.format()
    assert "refused URLs (8, the first 5):" in text
    assert "    mailto:office@x.gov.cn [scheme] (linked from " + home + ")" in text
    assert summary.error_count == 0 and "failed URLs" not in text

    # The listing is bounded; past the bound refused URLs are still counted.
    monkeypatch.setattr(crawl.ledger, "MAX_REFUSED_LISTED", 3)
    again = DataPaths(Path(data_paths.root.parent / "bounded")).ensure()
    with running(_site("User-agent: *\nDisallow: /private/\n", {"/": page("H", links=links)})) as s:
        bounded = run_crawl(again, CrawlOptions(seeds=(s.base + "/",), delay=0.0, sitemaps=False))
    assert len(_rows(again, "SELECT * FROM refused")) == 3
    assert sum(bounded.refused.values()) == 6  # no depth limit this time, nothing excluded
