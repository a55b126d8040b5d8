"""The crawler's robots.txt steps: robots.txt is the first request to every origin, fetched in a
worker (up to five redirects, its first 500 KiB), archived, parsed once and remembered for the
run, its sitemaps queued; a failed fetch is tried again after a backoff while other hosts go on.

A host that cannot be reached at all (its name does not resolve, the connection is refused, TLS
fails) after those tries is given up at once: its queued URLs fail with the reason, and URLs of
it found later fail without a request until ``--robots-retry-wait`` has passed. A robots.txt
that answers 5xx or 429 follows RFC 9309 instead: its origin is disallowed for a while and asked
again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from captures.urls import canonicalize
from crawl.errors import FetchError
from crawl.fetch import Fetcher, Response, header_text
from crawl.hosts import Hosts
from crawl.options import CrawlOptions
from crawl.pagestore import PageStore
from crawl.pool import WorkerPool
from crawl.responses import SITEMAP_KIND
from crawl.robots import MAX_ROBOTS_BYTES, RobotsRules, robots_url
from crawl.state import CrawlState
from crawl.summary import CrawlSummary
from crawl.traps import Link
from crawl.urls import Scope, host_of

ROBOTS_REDIRECTS = 5
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class RobotsJob:
    """The key of a robots.txt fetch in the worker pool."""

    origin: str
    host: str


@dataclass
class RobotsFetch:
    """What fetching robots.txt gave: every response (redirects too, all archived), the final
    one if the chain ended in an answer, or the error that ended it."""

    responses: list[Response] = field(default_factory=list)
    final: Response | None = None
    error: FetchError | None = None

    @property
    def requests(self) -> int:
        """Requests made, answered or not."""
        return len(self.responses) + (self.error is not None)


@dataclass(frozen=True)
class HostDown:
    """An origin given up as unreachable, and until when."""

    reason: str
    until: float


class RobotsSteps:
    """robots.txt handling, mixed into the Crawler (which provides the attributes below)."""

    options: CrawlOptions
    state: CrawlState
    store: PageStore
    summary: CrawlSummary
    scope: Scope
    hosts: Hosts
    pool: WorkerPool
    fetcher: Fetcher
    note: Callable[[str], None]
    robots: dict[str, RobotsRules]
    crawl_delays: dict[str, float]
    robots_failures: dict[str, int]
    hosts_down: dict[str, HostDown]
    capped_noted: set[str]

    def rules_for(self, origin: str) -> RobotsRules | None:
        """The origin's rules, parsed once (kept, or saved earlier in this run); None when
        robots.txt must be fetched first."""
        rules = self.robots.get(origin)
        if rules is not None and not rules.expired():
            return rules
        saved = self.state.robots_for(origin, self.summary.run_id)
        if saved is not None:
            rules = RobotsRules.from_response(origin, *saved, self.options.robots_retry_wait)
            if not rules.expired():
                self.adopt_rules(rules)
                return rules
        return None

    def adopt_rules(self, rules: RobotsRules) -> float | None:
        """Keep an origin's rules and its Crawl-delay, capped at --max-crawl-delay (said once
        in the progress output); returns the Crawl-delay asked."""
        self.robots[rules.origin] = rules
        asked = rules.crawl_delay(self.options.user_agent)
        host = host_of(rules.origin + "/")
        cap = self.options.max_crawl_delay
        self.crawl_delays[host] = min(asked or 0.0, cap)
        if asked is not None and asked > cap and host not in self.capped_noted:
            self.capped_noted.add(host)
            self.note(
                f"crawl: {rules.origin} asks for Crawl-delay {asked:g}s; waiting {cap:g}s "
                "between its requests instead (--max-crawl-delay), other hosts go on meanwhile"
            )
        return asked

    def start_robots(self, origin: str) -> None:
        """Fetch the origin's robots.txt in a worker; its host is busy meanwhile."""
        host = host_of(origin + "/")
        self.hosts.start(host)
        self.pool.submit(RobotsJob(origin, host), lambda: self.fetch_robots(origin))

    def fetch_robots(self, origin: str) -> RobotsFetch:
        """GET robots.txt with up to five redirects (runs in a worker thread). Its first 500
        KiB and a byte are read, so ``within_cap`` can tell a cut line from a whole one."""
        url = robots_url(origin)
        fetched = RobotsFetch()
        for hop in range(ROBOTS_REDIRECTS + 1):
            if hop:
                time.sleep(self.options.delay)  # the next hop usually goes to the same host
            try:
                response = self.fetcher.get(url, limit=MAX_ROBOTS_BYTES + 1, truncate=True)
            except FetchError as exc:
                fetched.error = exc
                return fetched
            fetched.responses.append(response)
            location = response.header("Location")
            if not (300 <= response.status < 400 and location):
                fetched.final = response
                return fetched
            target = canonicalize(header_text(location), base=url)
            if target is None:
                return fetched
            url = target
        return fetched

    def settle_robots(self, job: RobotsJob, fetched: RobotsFetch) -> None:
        """Record a robots.txt fetch: rules and sitemaps, a retry later, or the host given up."""
        for response in fetched.responses:
            self.store.archive_robots(response)
        self.store.count("requests", fetched.requests)
        final = fetched.final
        if final is not None and final.status < 500 and final.status != 429:
            self.robots_failures.pop(job.origin, None)
            self.save_rules(job.origin, final.status, final.body if final.status < 300 else b"")
            return
        failures = self.robots_failures.get(job.origin, 0)
        error = fetched.error
        if failures < self.options.retries:
            self.robots_failures[job.origin] = failures + 1
            self.store.count("retries")
            wait = self.options.retry_backoff * (2**failures)
            self.hosts.rest_until(job.host, time.monotonic() + wait)
            if error is not None and error.unreachable:
                self.note(
                    f"crawl: cannot reach {job.origin} ({error.message}); trying again in "
                    f"{wait:g}s ({failures + 1} of {self.options.retries} retries)"
                )
            self.store.flush()
            return
        self.robots_failures.pop(job.origin, None)
        if error is not None and error.unreachable:
            self.give_up(job.origin, error)
            return
        reason = error.message if error is not None else _answer(final)
        self.note(
            f"crawl: {job.origin}/robots.txt could not be fetched ({reason}); its URLs wait "
            f"{self.options.robots_retry_wait:g}s for it to be asked again (RFC 9309)"
        )
        self.save_rules(job.origin, None, b"")

    def save_rules(self, origin: str, status: int | None, body: bytes) -> None:
        """Adopt and save the rules of a robots.txt outcome; queue the sitemaps it names."""
        rules = RobotsRules.from_response(
            origin, status, body, unreachable_max_age=self.options.robots_retry_wait
        )
        asked = self.adopt_rules(rules)
        found = [*rules.sitemaps(), f"{origin}/sitemap.xml"]
        sitemaps = found if self.options.sitemaps and not rules.disallow_all else []
        self.store.save_robots(origin, status, body, self.scoped_sitemaps(sitemaps), asked)

    def scoped_sitemaps(self, found: list[str]) -> list[Link]:
        """Sitemaps named by robots.txt (or /sitemap.xml) that are in scope, at depth 0."""
        urls = (canonicalize(link) for link in found)
        return [
            (url, 0, SITEMAP_KIND, 0) for url in urls if url is not None and self.scope.allows(url)
        ]

    def give_up(self, origin: str, error: FetchError) -> None:
        """The origin cannot be reached: fail its queued URLs now, with the reason."""
        reason = f"host unreachable: {error.message}"
        until = time.monotonic() + self.options.robots_retry_wait
        self.hosts_down[origin] = HostDown(reason, until)
        urls = self.state.queued_urls_of(origin)
        self.store.fail_urls(urls, UNREACHABLE, reason)
        self.note(f"crawl: {origin} is unreachable ({error.message}); {len(urls)} URL(s) failed")

    def host_down(self, origin: str) -> HostDown | None:
        """Why the origin was given up, while that still holds."""
        down = self.hosts_down.get(origin)
        if down is not None and down.until <= time.monotonic():
            del self.hosts_down[origin]
            return None
        return down


def _answer(response: Response | None) -> str:
    """What a robots.txt request ended with, when it was not an answer to use."""
    if response is None:
        return "too many or unusable redirects"
    return f"HTTP {response.status} {response.reason}".strip()
