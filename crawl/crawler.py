"""The crawl loop: a polite, resumable, archival crawl over the seeds' hosts, many hosts at once.

Worker threads (``crawl.pool``, ``--concurrency`` of them) make the requests and parse what comes
back; this loop, in the calling thread, decides what to fetch next and records every outcome, so
the state database and the WARC file have a single writer. Each host gets at most one request at
a time and rests after each (``crawl.hosts``): ``--delay``, a longer Crawl-delay (capped by
``--max-crawl-delay``) or a Retry-After. Hosts take turns, so a slow one never holds up the
others. robots.txt is the first request to every origin. Each outcome is archived (WARC) and
then committed (SQLite) as it arrives, so a killed crawl loses only the requests in flight and
resumes where it stopped.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Hashable

from captures.warc import utc_now
from cppcc_search.settings import DataPaths
from crawl import ledger
from crawl.errors import CrawlError, CrawlInterrupted, FetchError
from crawl.fetch import Fetcher, FetchSettings
from crawl.hosts import Hosts
from crawl.options import DEFAULT_USER_AGENT, CrawlOptions, validate_options
from crawl.pagestore import PageStore
from crawl.pool import Outcome, WorkerPool
from crawl.responses import PAGE, SITEMAP_KIND, Fetched, ResponseSteps, analyse
from crawl.robots import RobotsRules
from crawl.robotsteps import UNREACHABLE, HostDown, RobotsFetch, RobotsJob, RobotsSteps
from crawl.shutdown import Shutdown
from crawl.state import CrawlState, QueueItem, crawl_lock
from crawl.summary import FAILURES_NAMED, REFUSED_NAMED, CrawlSummary
from crawl.urls import Scope, host_of, origin_of

Progress = Callable[[str], None]
__all__ = ["DEFAULT_USER_AGENT", "CrawlOptions", "CrawlSummary", "run_crawl", "validate_options"]


def run_crawl(
    paths: DataPaths, options: CrawlOptions, progress: Progress | None = None
) -> CrawlSummary:
    """Crawl from the seeds (or resume the open run) and return what the run did.

    Ctrl-C stops the crawl with ``CrawlInterrupted`` (a KeyboardInterrupt carrying the summary
    of what was kept); in the main thread SIGTERM does the same, once the outcome being
    recorded is committed (``crawl.shutdown``). The open run resumes next time.
    """
    seeds = validate_options(options)
    paths.ensure()
    with Shutdown().installed() as shutdown, crawl_lock(paths.crawl_db):
        state = CrawlState(paths.crawl_db)
        try:
            crawler = Crawler(paths, options, seeds, state, progress, shutdown)
            try:
                return crawler.run()
            except KeyboardInterrupt as stop:
                crawler.close()
                raise CrawlInterrupted(crawler.conclude()) from stop
            finally:
                crawler.close()
        finally:
            state.close()


class Crawler(RobotsSteps, ResponseSteps):
    """One crawl invocation: scheduling, politeness, and what to do with each outcome."""

    def __init__(
        self,
        paths: DataPaths,
        options: CrawlOptions,
        seeds: tuple[str, ...],
        state: CrawlState,
        progress: Progress | None,
        shutdown: Shutdown,
    ) -> None:
        self.options = options
        self.seeds = seeds
        self.state = state
        self.progress = progress
        self.scope = Scope.build(seeds, options.allow_hosts, options.include, options.exclude)
        self.fetcher = Fetcher(
            FetchSettings(
                user_agent=options.user_agent,
                timeout=options.timeout,
                max_body_bytes=options.max_body_bytes,
                max_idle=max(32, 2 * options.concurrency),
            )
        )
        self.pool = WorkerPool(options.concurrency)
        self.summary = CrawlSummary(max_crawl_delay=options.max_crawl_delay)
        self.store = PageStore(paths, state, self.summary, shutdown, options.max_frontier)
        self.hosts = Hosts()
        self.flights: dict[Hashable, QueueItem | None] = {}  # URL or RobotsJob -> its item
        self.robots: dict[str, RobotsRules] = {}
        self.crawl_delays: dict[str, float] = {}
        self.robots_failures: dict[str, int] = {}
        self.hosts_down: dict[str, HostDown] = {}
        self.capped_noted: set[str] = set()
        self.page_budget_used = 0
        self.pages_in_flight = 0
        self.last_progress = 0.0
        self.closed = False

    def close(self) -> None:
        """Cut the requests in flight, stop the workers, release connections and files."""
        if self.closed:
            return
        self.closed = True
        self.fetcher.abort()
        self.pool.close()
        self.fetcher.close()
        self.store.close()

    def note(self, line: str) -> None:
        """Say something in the progress output."""
        if self.progress is not None:
            self.progress(line)

    # the run ----------------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        """Work through the frontier until it is empty or the page budget is spent."""
        self.begin_run()
        summary = self.summary
        while True:
            self.dispatch()
            if not self.flights:
                if self.budget_left() <= 0:
                    summary.stopped_reason = f"--max-pages {self.options.max_pages} reached"
                    break
                if self.state.queued == 0:
                    summary.finished = True
                    break
            outcome = self.pool.next_outcome(self.wait_time())
            if outcome is not None:
                self.settle(outcome)
            self.report_progress()
        if summary.finished:
            self.state.finish_run(summary.run_id, utc_now())
        return self.conclude()

    def begin_run(self) -> None:
        """Resume the open run, or start a new one that revalidates every known URL."""
        open_run = self.state.open_run()
        self.summary.resumed = open_run is not None
        run_id = open_run if open_run is not None else self.state.start_run(self.seeds, utc_now())
        self.summary.run_id = run_id
        self.store.run_id = run_id
        self.summary.counts = ledger.load_counts(self.state.conn, run_id)
        with self.state.transaction() as db:
            for seed in self.seeds:
                self.state.enqueue(db, run_id, seed, host_of(seed), 0, PAGE)
            if open_run is None:
                for url, depth, kind in self.state.known_urls():
                    if self.scope.allows(url) or url in self.seeds:
                        self.state.enqueue(db, run_id, url, host_of(url), depth, kind)
        self.state.take_new_hosts()
        self.hosts = Hosts(self.state.queued_hosts())
        verb = "resuming" if open_run is not None else "starting"
        self.note(
            f"crawl: {verb} run {run_id}, {self.state.queued} URLs queued, up to "
            f"{self.options.concurrency} hosts at a time"
        )

    def conclude(self) -> CrawlSummary:
        """The summary of the run so far, with the failing and refused URLs it names."""
        summary, conn = self.summary, self.state.conn
        summary.queued = self.state.queued
        summary.failure_count, summary.failures = ledger.failures(conn, FAILURES_NAMED)
        summary.refused_named = ledger.refused_sample(conn, REFUSED_NAMED)
        summary.capped_delays = ledger.asked_delays(
            conn, summary.run_id, self.options.max_crawl_delay
        )
        summary.elapsed = time.monotonic() - summary.started
        return summary

    def budget_left(self) -> float:
        """Pages that --max-pages still allows, counting those in flight."""
        if self.options.max_pages is None:
            return math.inf
        return self.options.max_pages - self.page_budget_used - self.pages_in_flight

    def count_page(self, item: QueueItem) -> None:
        """Spend one unit of --max-pages on a page whose outcome is settled."""
        if item.kind == PAGE:
            self.page_budget_used += 1

    def wait_time(self) -> float:
        """How long to wait for an outcome before looking for work again: until a resting
        host is ready, at most a second."""
        wakeup = self.hosts.next_wakeup()
        wait = 1.0 if wakeup is None else wakeup - time.monotonic()
        return min(max(wait, 0.002), 1.0)

    def report_progress(self) -> None:
        """Call the progress callback every ``progress_every`` seconds."""
        now = time.monotonic()
        if self.progress is None or now - self.last_progress < self.options.progress_every:
            return
        self.last_progress = now
        self.progress(self.summary.progress_line(self.state.queued, len(self.flights)))

    def host_delay(self, host: str) -> float:
        """Seconds a host rests after each response: --delay or its (capped) Crawl-delay."""
        return max(self.options.delay, self.crawl_delays.get(host, 0.0))

    # dispatching ------------------------------------------------------------------------
    def dispatch(self) -> None:
        """Start requests while workers are free: each ready host's oldest due URL, hosts in
        turn."""
        while len(self.flights) < self.options.concurrency and self.budget_left() > 0:
            for host in self.state.take_new_hosts():
                self.hosts.add_work(host)
            now = time.monotonic()
            for host in self.hosts.ready(now):
                item = self.state.next_for_host(host, time.time())
                if item is not None:
                    self.guarded(item, lambda item=item: self.begin(item))
                    break
                wakeup = self.state.host_wakeup(host)
                if wakeup is None:
                    self.hosts.drop_work(host)
                else:
                    self.hosts.idle_until(host, now + max(wakeup - time.time(), 0.0))
            else:
                return

    def begin(self, item: QueueItem) -> None:
        """Start fetching one queued URL (robots.txt first if its origin has none yet), or
        settle it at once when no request may be made."""
        origin = origin_of(item.url)
        down = self.host_down(origin)
        if down is not None:
            self.store.record_failure(item, UNREACHABLE, down.reason)
            return
        rules = self.rules_for(origin)
        if rules is None:
            self.flights[RobotsJob(origin, host_of(item.url))] = None
            self.start_robots(origin)
            return
        if rules.unreachable and item.attempts < self.options.retries:
            # RFC 9309: disallowed only while robots.txt is unreachable; ask again later.
            self.store.postpone(item, rules.fetched_at + rules.max_age + 0.001)
            return
        if not rules.allows(item.url, self.options.user_agent):
            self.store.record_robots_skip(item, "robots_unavailable" if rules.unreachable else None)
            return
        validators = self.state.validators(item.url) if item.kind == PAGE else None
        headers = []
        if validators and validators.etag:
            headers.append(("If-None-Match", validators.etag))
        if validators and validators.last_modified:
            headers.append(("If-Modified-Since", validators.last_modified))
        self.hosts.start(host_of(item.url))
        self.flights[item.url] = item
        if item.kind == PAGE:
            self.pages_in_flight += 1
        self.pool.submit(item.url, lambda: self.fetch_page(item, headers))

    def fetch_page(self, item: QueueItem, headers: list[tuple[str, str]]) -> Fetched:
        """Fetch a URL and analyse its body (runs in a worker thread)."""
        response = self.fetcher.get(item.url, headers)
        expect_sitemap = item.kind == SITEMAP_KIND
        options = self.options
        analysis = analyse(
            response, expect_sitemap, options.max_body_bytes, options.max_links_per_page
        )
        return Fetched(response, analysis)

    # settling ---------------------------------------------------------------------------
    def settle(self, outcome: Outcome) -> None:
        """Record what a worker brought back; its host rests from now."""
        key = outcome.key
        item = self.flights.pop(key)
        if isinstance(key, RobotsJob):
            fetched = outcome.value
            if outcome.error is not None:
                error = FetchError("internal", f"{type(outcome.error).__name__}: {outcome.error}")
                fetched = RobotsFetch(error=error)
            try:
                self.guarded(None, lambda: self.settle_robots(key, fetched))
            finally:  # after the rules are known, so the rest includes their Crawl-delay
                self.hosts.finish(key.host, self.host_delay(key.host))
            return
        assert item is not None
        if item.kind == PAGE:
            self.pages_in_flight -= 1
        host = host_of(item.url)
        self.hosts.finish(host, self.host_delay(host))
        self.store.count("requests")
        self.guarded(item, lambda: self.settle_page(item, outcome))

    def settle_page(self, item: QueueItem, outcome: Outcome) -> None:
        """A page fetch's outcome: a failure to retry or record, or a response."""
        if isinstance(outcome.error, FetchError):
            self.handle_failure(item, outcome.error)
        elif outcome.error is not None:
            raise outcome.error
        else:
            self.handle_response(item, outcome.value)

    def guarded(self, item: QueueItem | None, step: Callable[[], None]) -> None:
        """Run one step for a URL; an unexpected failure is recorded and the crawl goes on."""
        try:
            step()
        except (sqlite3.Error, OSError) as exc:
            # The state or the archive cannot be written (disk full, read-only, corrupt):
            # nothing more can be kept, so stop; the run stays open for a later resume.
            raise CrawlError(f"cannot write the crawl state or archive: {exc}") from exc
        except Exception as exc:
            if item is None:
                raise
            self.count_page(item)
            self.store.record_failure(item, "internal", f"{type(exc).__name__}: {exc}")
