"""The crawler's robots.txt steps: robots.txt is the first request to every origin, fetched with
retries and up to five redirects, archived, remembered for the run, and its sitemaps queued."""

from __future__ import annotations

import time

from captures.urls import canonicalize
from crawl.errors import FetchError
from crawl.fetch import Response, header_text
from crawl.options import CrawlOptions
from crawl.pagestore import PageStore
from crawl.robots import RobotsRules, robots_url
from crawl.state import CrawlState
from crawl.summary import CrawlSummary
from crawl.traps import Link
from crawl.urls import Scope, host_of, origin_of

SITEMAP_KIND = "sitemap"
ROBOTS_REDIRECTS = 5


class RobotsSteps:
    """robots.txt handling, mixed into the Crawler (which provides the attributes below)."""

    options: CrawlOptions
    state: CrawlState
    store: PageStore
    summary: CrawlSummary
    scope: Scope
    robots: dict[str, RobotsRules]
    host_ready: dict[str, float]

    def fetch(self, url: str, headers: list[tuple[str, str]] | None = None) -> Response:
        raise NotImplementedError  # provided by the Crawler

    def host_delay(self, url: str) -> float:
        raise NotImplementedError  # provided by the Crawler

    def robots_for(self, url: str) -> RobotsRules | None:
        """The origin's rules; None if they had to be fetched just now (host must rest first)."""
        origin = origin_of(url)
        rules = self.robots.get(origin)
        if rules is not None and not rules.expired():
            return rules
        saved = self.state.robots_for(origin, self.summary.run_id)
        if saved is not None:
            rules = RobotsRules.from_response(origin, *saved, self.options.robots_retry_wait)
            if not rules.expired():
                self.robots[origin] = rules
                return rules
        status, body = self.fetch_robots(origin)
        rules = RobotsRules.from_response(
            origin, status, body, unreachable_max_age=self.options.robots_retry_wait
        )
        self.robots[origin] = rules
        host = host_of(url)  # the rest before the next request now includes any Crawl-delay
        self.host_ready[host] = max(
            self.host_ready.get(host, 0.0), time.monotonic() + self.host_delay(url)
        )
        sitemaps = rules.sitemaps() + ([f"{origin}/sitemap.xml"] if self.options.sitemaps else [])
        found = sitemaps if self.options.sitemaps and not rules.disallow_all else []
        self.store.save_robots(origin, status, body, self.scoped_sitemaps(found))
        return None

    def scoped_sitemaps(self, found: list[str]) -> list[Link]:
        """Sitemaps named by robots.txt (or /sitemap.xml) that are in scope, at depth 0."""
        urls = (canonicalize(link) for link in found)
        return [
            (url, 0, SITEMAP_KIND, 0) for url in urls if url is not None and self.scope.allows(url)
        ]

    def fetch_robots(self, origin: str) -> tuple[int | None, bytes]:
        """(status, body) of an origin's robots.txt; status None if it was unreachable."""
        url = robots_url(origin)
        for attempt in range(self.options.retries + 1):
            try:
                response = self.fetch_robots_once(url)
            except FetchError:
                response = None
            if response is not None and response.status < 500 and response.status != 429:
                return response.status, response.body if response.status < 300 else b""
            if attempt < self.options.retries:
                time.sleep(min(self.options.retry_backoff * (2**attempt), 30.0))
        return None, b""

    def fetch_robots_once(self, url: str) -> Response | None:
        """GET robots.txt with up to five redirects, archiving every response."""
        for _ in range(ROBOTS_REDIRECTS + 1):
            self.wait_for_host(url)
            response = self.fetch(url)
            self.store.archive_robots(response)
            location = response.header("Location")
            if not (300 <= response.status < 400 and location):
                return response
            target = canonicalize(header_text(location), base=url)
            if target is None:
                return None
            url = target
        return None

    def wait_for_host(self, url: str) -> None:
        """Sleep until the host may be contacted again."""
        wait = self.host_ready.get(host_of(url), 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
