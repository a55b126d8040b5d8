"""Many hosts at once: each host stays polite (one request at a time, the delay between its
requests) while the others proceed, and a hanging or drip-fed page is abandoned at the deadline
without holding up anyone else."""

from __future__ import annotations

import itertools

import pytest

from cppcc_search.settings import DataPaths
from crawl.crawler import CrawlOptions, run_crawl
from crawl.hosts import Hosts
from tests.bench_support import run_bench
from tests.crawl.servers import running
from tests.crawl.slow_sites import HostileSite, slow_sites

pytestmark = pytest.mark.slow  # slow servers, by design


def test_hosts_are_fetched_at_once_and_each_stays_polite(data_paths: DataPaths) -> None:
    with slow_sites(count=4, pages=5, latency=0.2) as (sites, overlap):
        seeds = tuple(site.base + "/" for site in sites)
        summary = run_crawl(data_paths, CrawlOptions(seeds=seeds, delay=0.3, concurrency=4))
    assert summary.finished and summary.pages == 4 * 5 and summary.error_count == 0
    for site in sites:
        assert site.log.max_in_flight == 1  # one request at a time per host
        assert min(site.gaps()) >= 0.3  # the delay between its requests, robots.txt included
        assert all(site.log.counts()[path] == 1 for path in site.reports)
    assert overlap.max_in_flight >= 2  # several hosts were being fetched at the same moment


def test_concurrency_one_is_one_request_at_a_time_overall(data_paths: DataPaths) -> None:
    with slow_sites(count=2, pages=3, latency=0.05) as (sites, overlap):
        seeds = tuple(site.base + "/" for site in sites)
        run_crawl(data_paths, CrawlOptions(seeds=seeds, delay=0.0, concurrency=1))
    assert overlap.max_in_flight == 1
    assert all(site.log.counts()[path] == 1 for site in sites for path in site.reports)


def test_a_hanging_and_a_dripping_page_are_abandoned_while_other_hosts_go_on(
    data_paths: DataPaths,
) -> None:
    timeout, backoff = 1.0, 0.2
    hostile = HostileSite(reports=3)
    with running(hostile), slow_sites(count=1, pages=6, latency=0.05) as (sites, _):
        polite = sites[0]
        options = CrawlOptions(
            seeds=(hostile.base + "/", polite.base + "/"),
            delay=0.0,
            timeout=timeout,
            retry_backoff=backoff,
            sitemaps=False,
        )
        summary = run_crawl(data_paths, options)
    counts = hostile.log.counts()
    assert all(counts[path] == 1 for path in hostile.reports)  # all the good reports
    for path in ("/hang", "/drip"):
        assert counts[path] == 3  # tried, then retried twice (the default)
        times = [when for when, p, _ in hostile.log.entries if p == path]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        # each try is abandoned at the deadline (not before, not long after) plus the backoff
        assert all(timeout <= gap <= 3 * timeout + 4 * backoff for gap in gaps), gaps
    failed = {entry.url.removeprefix(hostile.base): entry for entry in summary.failures}
    assert failed["/hang"].reason == failed["/drip"].reason == "timeout"
    assert "no complete response after 1s (reading the body)" in failed["/drip"].detail
    # The polite host was done before the hostile one gave up its first hanging try.
    first_hang = next(when for when, p, _ in hostile.log.entries if p == "/hang")
    assert max(polite.log.times()) < first_hang + timeout
    assert polite.log.counts()["/"] == 1 and summary.pages == 1 + 3 + 6


def test_hosts_take_turns_and_rest() -> None:
    hosts = Hosts(["a", "b", "c"])
    assert hosts.ready(now=0.0) == ["a", "b", "c"]
    hosts.start("a")
    assert hosts.ready(now=0.0) == ["b", "c"]  # busy
    hosts.finish("a", rest=1.0, now=0.0)
    assert hosts.ready(now=0.5) == ["b", "c"]  # resting
    assert hosts.ready(now=1.0) == ["b", "c", "a"]  # its turn went to the back
    hosts.rest_until("b", 5.0)
    hosts.idle_until("c", 3.0)
    assert hosts.next_wakeup() == 1.0
    hosts.add_work("c")  # a new URL is due at once, whatever was postponed
    assert hosts.ready(now=2.0) == ["c", "a"]
    hosts.drop_work("a")
    assert hosts.ready(now=9.0) == ["b", "c"]


def test_the_benchmark_runs_and_checks_the_gaps() -> None:
    done = run_bench(
        "bench_hosts.py", "--hosts", "3", "--pages", "3", "--latency", "0.05", "--delay", "0.1",
        "--no-hostile", timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 hosts x 3 pages" in done.stdout
    assert "speed-up over one request at a time" in done.stdout
