"""Runs: a completed run is followed by a new one that revalidates with conditional GET; an
open run (stopped by --max-pages) is continued; politeness holds between requests."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

from captures.store import iter_captures, load_capture
from cppcc_search.settings import DataPaths
from crawl.crawler import CrawlOptions, run_crawl
from tests.crawl.servers import VersionedSite, page, running


def _site() -> VersionedSite:
    return VersionedSite(
        {
            "/": page("Home", links=("/a.html", "/b.html")),
            "/a.html": page("A", "unchanged"),
            "/b.html": page("B", "first version"),
        }
    )


def test_recrawl_skips_unchanged_recaptures_changed_and_follows_new_links(
    data_paths: DataPaths,
) -> None:
    site = _site()
    with running(site):
        options = CrawlOptions(seeds=(site.base + "/",), delay=0.0, sitemaps=False)
        first = run_crawl(data_paths, options)
        assert first.pages == 3
        site.pages["/b.html"] = page("B", "second version", links=("/c.html",))
        site.pages["/c.html"] = page("C", "new page")
        site.log.entries.clear()
        second = run_crawl(data_paths, options)
    assert second.not_modified == 2  # / and /a.html
    assert second.changed == 1 and second.pages == 2  # /b.html again, /c.html new
    conditional = [h for _, p, h in site.log.entries if p in ("/", "/a.html", "/b.html")]
    assert all("If-None-Match" in h for h in conditional)
    b = load_capture(data_paths, site.base + "/b.html")
    assert b is not None and b"second version" in b.body
    order = [c.url.removeprefix(site.base) for c in iter_captures(data_paths)]
    assert order == ["/", "/a.html", "/b.html", "/c.html"]  # crawl order of first fetch
    conn = sqlite3.connect(data_paths.crawl_db)
    history = conn.execute(
        "SELECT COUNT(*) FROM captures WHERE url=? AND status=200", (site.base + "/b.html",)
    ).fetchone()[0]
    conn.close()
    assert history == 2  # the old capture stays in the archive


def test_max_pages_leaves_the_run_open_and_the_next_crawl_continues(
    data_paths: DataPaths,
) -> None:
    site = _site()
    with running(site):
        options = CrawlOptions(seeds=(site.base + "/",), delay=0.0, sitemaps=False, max_pages=2)
        first = run_crawl(data_paths, options)
        assert first.pages == 2 and not first.finished and first.queued == 1
        assert "--max-pages 2" in first.format()
        second = run_crawl(data_paths, CrawlOptions(seeds=(site.base + "/",), delay=0.0))
    assert second.resumed and second.run_id == first.run_id and second.finished
    assert second.pages == 3 and second.invocation_requests == 1  # the whole run, then this
    assert "requests:           4 in the run; 1 in this invocation" in second.format()
    assert all(n == 1 for p, n in site.log.counts().items() if p.endswith(".html"))


def test_delay_and_crawl_delay_space_requests_to_one_host(data_paths: DataPaths) -> None:
    site = _site()
    site.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    with running(site):
        run_crawl(data_paths, CrawlOptions(seeds=(site.base + "/",), delay=0.1, sitemaps=False))
    times = site.log.times()
    assert len(times) == 4  # robots.txt and three pages
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.29  # Crawl-delay (0.3) is longer than --delay (0.1), so it wins
    assert all("cppcc-search" in h["User-Agent"] for _, _, h in site.log.entries)


def test_other_hosts_need_allow_host_and_get_their_own_robots_and_delay(
    data_paths: DataPaths, tmp_path: Path
) -> None:
    other = VersionedSite({"/b1.html": page("B1", links=("/b2.html",)), "/b2.html": page("B2")})
    other.robots = "User-agent: *\nDisallow: /private/\n"
    with running(other):
        home = VersionedSite(
            {
                "/": page("Home", links=("/a1.html", other.base + "/b1.html")),
                "/a1.html": page("A1", links=("/a2.html", other.base + "/private/x.html")),
                "/a2.html": page("A2"),
            }
        )
        with running(home):
            seeds = (home.base + "/",)
            alone = run_crawl(data_paths, CrawlOptions(seeds=seeds, delay=0.0, sitemaps=False))
            assert other.log.paths() == [] and alone.out_of_scope == 2
            wider = CrawlOptions(seeds=seeds, delay=0.2, sitemaps=False, allow_hosts=("127.0.0.1",))
            home.log.entries.clear()
            run_crawl(DataPaths(tmp_path / "wider").ensure(), wider)
    assert other.log.paths() == ["/robots.txt", "/b1.html", "/b2.html"]
    for site in (home, other):
        gaps = [later - earlier for earlier, later in itertools.pairwise(site.log.times())]
        assert min(gaps) >= 0.19
