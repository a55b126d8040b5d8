"""The crawl loop: a polite, resumable, archival crawl over the seeds' hosts.

One thread, one request at a time: the next URL is the oldest queued one whose host may be
contacted now (its delay since the last request has passed and any retry wait is over), so
several hosts interleave while each sees at most one request per ``delay`` seconds. robots.txt is
the first request to every origin. Each outcome is archived (WARC) and then committed (SQLite)
before the next request, so a killed crawl resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable

from captures.encoding import decode_html
from captures.urls import canonicalize
from captures.warc import utc_now
from cppcc_search.settings import DataPaths
from crawl.content import ATTACHMENT, HTML, MISLABELLED, SITEMAP, classify
from crawl.errors import CrawlError, FetchError
from crawl.fetch import Fetcher, FetchSettings, Response, header_text
from crawl.links import extract_links, parse_sitemap
from crawl.options import DEFAULT_USER_AGENT, CrawlOptions, validate_options
from crawl.pagestore import PageStore
from crawl.robots import RobotsRules
from crawl.robotsteps import SITEMAP_KIND, RobotsSteps
from crawl.shutdown import Shutdown
from crawl.state import CrawlState, QueueItem, crawl_lock
from crawl.summary import CrawlSummary
from crawl.traps import ChainedLinks, Link, chain_links
from crawl.urls import Scope, host_of, origin_of

PAGE = "page"

Progress = Callable[[str], None]
__all__ = ["DEFAULT_USER_AGENT", "CrawlOptions", "CrawlSummary", "run_crawl", "validate_options"]


def run_crawl(
    paths: DataPaths, options: CrawlOptions, progress: Progress | None = None
) -> CrawlSummary:
    """Crawl from the seeds (or resume the open run) and return what happened.

    In the main thread, SIGTERM stops the crawl as Ctrl-C does (KeyboardInterrupt) once the
    outcome being recorded is committed; the open run resumes next time (``crawl.shutdown``).
    """
    seeds = validate_options(options)
    paths.ensure()
    with Shutdown().installed() as shutdown, crawl_lock(paths.crawl_db):
        state = CrawlState(paths.crawl_db)
        try:
            crawler = Crawler(paths, options, seeds, state, progress, shutdown)
            try:
                return crawler.run()
            finally:
                crawler.close()
        finally:
            state.close()


class Crawler(RobotsSteps):
    """One crawl invocation: scheduling, politeness, and what to do with each response."""

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
                deadline=options.deadline,
                max_body_bytes=options.max_body_bytes,
            )
        )
        self.summary = CrawlSummary()
        self.store = PageStore(paths, state, self.summary, shutdown)
        self.robots: dict[str, RobotsRules] = {}
        self.host_ready: dict[str, float] = {}
        self.seen_outside: set[str] = set()
        self.page_budget_used = 0
        self.last_progress = 0.0

    def close(self) -> None:
        """Release connections and files."""
        self.fetcher.close()
        self.store.close()

    # the run ----------------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        """Work through the frontier until it is empty or the page budget is spent."""
        self.begin_run()
        summary = self.summary
        while True:
            if (
                self.options.max_pages is not None
                and self.page_budget_used >= self.options.max_pages
            ):
                summary.stopped_reason = f"--max-pages {self.options.max_pages} reached"
                break
            item = self.state.next_item(time.time(), self.busy_hosts())
            if item is None:
                if self.state.count_queued() == 0:
                    summary.finished = True
                    break
                self.wait_for_work()
                continue
            self.process_safely(item)
            self.report_progress()
        summary.queued = self.state.count_queued()
        if summary.finished:
            self.state.finish_run(summary.run_id, utc_now())
        summary.elapsed = time.monotonic() - summary.started
        return summary

    def begin_run(self) -> None:
        """Resume the open run, or start a new one that revalidates every known URL."""
        open_run = self.state.open_run()
        self.summary.resumed = open_run is not None
        run_id = open_run if open_run is not None else self.state.start_run(self.seeds, utc_now())
        self.summary.run_id = run_id
        self.store.run_id = run_id
        with self.state.transaction() as db:
            for seed in self.seeds:
                self.state.enqueue(db, run_id, seed, host_of(seed), 0, PAGE)
            if open_run is None:
                for url, depth, kind in self.state.known_urls():
                    if self.scope.allows(url) or url in self.seeds:
                        self.state.enqueue(db, run_id, url, host_of(url), depth, kind)
        if self.progress:
            verb = "resuming" if open_run is not None else "starting"
            self.progress(f"crawl: {verb} run {run_id}, {self.state.count_queued()} URLs queued")

    def busy_hosts(self) -> list[str]:
        """Hosts that must not be contacted yet (politeness delay still running)."""
        now = time.monotonic()
        return [host for host, ready in self.host_ready.items() if ready > now]

    def wait_for_work(self) -> None:
        """Sleep until a host becomes free or a postponed retry is due (at most a second)."""
        now = time.monotonic()
        waits = [ready - now for ready in self.host_ready.values() if ready > now]
        wakeup = self.state.next_wakeup()
        if wakeup is not None:
            waits.append(wakeup - time.time())
        time.sleep(min(max(min(waits, default=0.05), 0.005), 1.0))

    def report_progress(self) -> None:
        """Call the progress callback every ``progress_every`` seconds."""
        now = time.monotonic()
        if self.progress is None or now - self.last_progress < self.options.progress_every:
            return
        self.last_progress = now
        self.progress(self.summary.progress_line(self.state.count_queued()))

    def host_delay(self, url: str) -> float:
        """Seconds between two requests to this URL's host: --delay or Crawl-delay if longer."""
        rules = self.robots.get(origin_of(url))
        crawl_delay = rules.crawl_delay(self.options.user_agent) if rules else None
        return max(self.options.delay, crawl_delay or 0.0)

    def fetch(self, url: str, headers: list[tuple[str, str]] | None = None) -> Response:
        """One request, then the host rests for its delay (whatever the outcome)."""
        self.summary.requests += 1
        try:
            return self.fetcher.get(url, headers)
        finally:
            self.host_ready[host_of(url)] = time.monotonic() + self.host_delay(url)

    # one URL ----------------------------------------------------------------------------
    def process_safely(self, item: QueueItem) -> None:
        """Process one URL; an unexpected failure is recorded and the crawl goes on."""
        try:
            self.process(item)
        except (sqlite3.Error, OSError) as exc:
            # The state or the archive cannot be written (disk full, read-only, corrupt):
            # nothing more can be kept, so stop; the run stays open for a later resume.
            raise CrawlError(f"cannot write the crawl state or archive: {exc}") from exc
        except Exception as exc:
            self.store.record_failure(item, "internal", f"{type(exc).__name__}: {exc}")

    def process(self, item: QueueItem) -> None:
        """Fetch one queued URL (robots.txt first if its origin has none yet) and record it."""
        rules = self.robots_for(item.url)
        if rules is None:
            return  # robots.txt was just fetched; the host rests before the page itself
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
        try:
            response = self.fetch(item.url, headers)
        except FetchError as exc:
            self.handle_failure(item, exc)
            return
        self.handle_response(item, response)

    def count_page(self, item: QueueItem) -> None:
        """Spend one unit of --max-pages on a page whose outcome is settled."""
        if item.kind == PAGE:
            self.page_budget_used += 1

    def handle_failure(
        self, item: QueueItem, exc: FetchError, retry_after: float | None = None
    ) -> None:
        """Retry a transient failure later, or record it for good."""
        if exc.retryable and item.attempts < self.options.retries:
            wait = self.options.retry_backoff * (2**item.attempts)
            if retry_after is not None:
                if retry_after > self.options.max_retry_wait:
                    self.count_page(item)
                    self.store.record_failure(
                        item, exc.kind, f"{exc.message}; Retry-After too long"
                    )
                    return
                wait = max(wait, retry_after)
                host = host_of(item.url)
                self.host_ready[host] = max(self.host_ready.get(host, 0.0), time.monotonic() + wait)
            self.summary.retries += 1
            self.store.postpone(item, time.time() + wait)
            return
        self.count_page(item)
        self.store.record_failure(item, exc.kind, exc.message)

    def handle_response(self, item: QueueItem, response: Response) -> None:
        """Decide what a response means: redirect, not modified, retry, failure or content."""
        status = response.status
        if 300 <= status < 400 and status != 304 and response.header("Location"):
            self.count_page(item)
            self.handle_redirect(item, response)
        elif status == 304:
            self.count_page(item)
            self.store.record_not_modified(item, response)
        elif status == 429 or status >= 500:
            kind = f"http_{status}"
            self.store.archive_failed_response(item, response)
            error = FetchError(kind, f"HTTP {status} {response.reason}".strip(), retryable=True)
            retry_after = response.retry_after if status in (429, 503) else None
            if status == 429 and retry_after is None:
                retry_after = self.options.retry_backoff * (2**item.attempts)
            self.handle_failure(item, error, retry_after)
        elif not 200 <= status < 300:  # 4xx, 1xx, or a 3xx without a Location
            self.count_page(item)
            self.store.record_http_error(item, response)
        else:
            self.handle_content(item, response)

    def handle_redirect(self, item: QueueItem, response: Response) -> None:
        """Queue a redirect's target (same depth), refusing loops and over-long chains."""
        target = canonicalize(header_text(response.header("Location")), base=item.url)
        if target is None:
            self.store.record_redirect(item, response, None, "bad_redirect", "unusable Location")
            return
        if target in self.state.redirect_chain(item.url):
            self.store.record_redirect(
                item, response, target, "redirect_loop", f"loops to {target}"
            )
            return
        if item.hops + 1 > self.options.max_redirects:
            message = f"more than {self.options.max_redirects} redirects"
            self.store.record_redirect(item, response, target, "too_many_redirects", message)
            return
        if not self.scope.allows(target):
            self.note_outside(target)
            self.store.record_redirect(item, response, target, None, None)
            return
        self.store.record_redirect(item, response, target, None, None, follow=True)

    def handle_content(self, item: QueueItem, response: Response) -> None:
        """Archive a 2xx body and follow what it links to."""
        kind = classify(response.mime_type, response.body, item.url, item.kind == SITEMAP_KIND)
        if kind == SITEMAP:
            found = parse_sitemap(response.body, item.url, self.options.max_body_bytes)
            self.summary.sitemaps += 1
            listed = [(url, PAGE) for url in found.pages] + [
                (u, SITEMAP_KIND) for u in found.sitemaps
            ]
            self.store.record_content(item, response, SITEMAP, self.scoped(item, listed))
            return
        self.count_page(item)
        if kind == MISLABELLED:
            self.store.record_mislabelled(item, response)
            return
        if kind not in (HTML, ATTACHMENT):
            self.store.record_content(item, response, kind, [])
            return
        digest = hashlib.sha256(response.body).hexdigest()
        links: list[Link] = []
        canonical = chain_digest = None
        if kind == HTML and self.state.first_url_with_hash(digest, item.url) is None:
            text, _encoding = decode_html(response.body, response.headers)
            found = extract_links(text, response.url)
            canonical = canonicalize(found.canonical) if found.canonical else None
            # A canonical URL is one more way to reach the page's preferred address.
            targets = found.links + ([canonical] if canonical else [])
            chained = self.capped_by_pattern(item, self.scoped(item, [(u, PAGE) for u in targets]))
            links, chain_digest = chained.links, chained.digest
        self.store.record_content(
            item, response, kind, links, digest, canonical, chain_digest=chain_digest
        )

    def scoped(self, item: QueueItem, links: list[tuple[str, str]]) -> list[Link]:
        """Canonical in-scope links within the depth limit, as (url, depth, kind, chain 0)."""
        depth = item.depth + 1
        if self.options.max_depth is not None and depth > self.options.max_depth:
            return []
        result = []
        for link, kind in links:
            url = canonicalize(link)
            if url is None:
                continue
            if not self.scope.allows(url):
                self.note_outside(url)
                continue
            result.append((url, depth if kind == PAGE else item.depth, kind, 0))
        return result

    def capped_by_pattern(self, item: QueueItem, links: list[Link]) -> ChainedLinks:
        """Links with their pattern chain, minus those past ``max_pattern_chain`` (traps)."""
        chained = chain_links(
            item.url,
            item.chain,
            item.chain_digest,
            links,
            self.state.in_frontier,
            self.options.max_pattern_chain,
        )
        self.summary.pattern_capped += chained.dropped
        return chained

    def note_outside(self, url: str) -> None:
        """Count an out-of-scope URL once per invocation."""
        if url not in self.seen_outside:
            self.seen_outside.add(url)
            self.summary.out_of_scope += 1
