"""What each fetch outcome means: a retry, a redirect, a failure, or content whose links are
followed within the crawl's scope and caps.

``analyse`` runs in a worker thread next to the fetch (classifying and parsing a body needs no
state); the steps that decide and record run in the crawl loop's thread.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from captures.encoding import decode_html
from captures.urls import canonicalize
from crawl.content import ATTACHMENT, HTML, MISLABELLED, SITEMAP, classify
from crawl.errors import FetchError
from crawl.fetch import Response, header_text
from crawl.hosts import Hosts
from crawl.links import MAX_REFUSED_CHARS, PageLinks, SitemapLinks, extract_links, parse_sitemap
from crawl.options import CrawlOptions
from crawl.pagestore import PageStore
from crawl.state import CrawlState, QueueItem
from crawl.traps import ChainedLinks, Link, chain_links
from crawl.urls import Scope, host_of

PAGE = "page"
SITEMAP_KIND = "sitemap"
# The sitemap protocol's own limit for one file; --max-links-per-page is for HTML pages.
MAX_SITEMAP_LINKS = 50_000


@dataclass
class Analysis:
    """What a 2xx body is and what it links to, worked out beside the fetch."""

    kind: str
    digest: str | None = None
    links: PageLinks | None = None
    sitemap: SitemapLinks | None = None


@dataclass
class Fetched:
    """A page fetch's response and its analysis."""

    response: Response
    analysis: Analysis


def analyse(response: Response, expect_sitemap: bool, limit: int, max_links: int) -> Analysis:
    """Classify a 2xx body; parse an HTML page's links (the first ``max_links``, the others
    counted) or a sitemap's entries."""
    if not 200 <= response.status < 300:
        return Analysis("none")
    kind = classify(response.mime_type, response.body, response.url, expect_sitemap)
    if kind == SITEMAP:
        return Analysis(kind, sitemap=parse_sitemap(response.body, response.url, limit))
    if kind not in (HTML, ATTACHMENT):
        return Analysis(kind)
    digest = hashlib.sha256(response.body).hexdigest()
    if kind == ATTACHMENT:
        return Analysis(kind, digest)
    text, _encoding = decode_html(response.body, response.headers)
    return Analysis(kind, digest, extract_links(text, response.url, max_links))


def first_of_each(links: list[str]) -> list[str]:
    """The links in page order, each once."""
    return list(dict.fromkeys(links))


class ResponseSteps:
    """Outcome handling, mixed into the Crawler (which provides the attributes below)."""

    options: CrawlOptions
    state: CrawlState
    store: PageStore
    scope: Scope
    hosts: Hosts
    count_page: Callable[[QueueItem], None]

    def handle_failure(
        self, item: QueueItem, exc: FetchError, retry_after: float | None = None
    ) -> None:
        """Retry a transient failure later (with backoff), or record it for good."""
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
                self.hosts.rest_until(host_of(item.url), time.monotonic() + wait)
            self.store.postpone(item, time.time() + wait, retry=True)
            return
        self.count_page(item)
        self.store.record_failure(item, exc.kind, exc.message)

    def handle_response(self, item: QueueItem, fetched: Fetched) -> None:
        """Decide what a response means: redirect, not modified, retry, failure or content."""
        response = fetched.response
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
            guessed = item.kind == SITEMAP_KIND and urlsplit(item.url).path == "/sitemap.xml"
            absent = guessed and status in (404, 410)
            self.store.record_http_error(item, response, failure=not absent)
        else:
            self.handle_content(item, response, fetched.analysis)

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
        refusal = self.scope.refusal(target)
        if refusal is not None:
            self.store.refuse(target, refusal, item.url)
            self.store.record_redirect(item, response, target, None, None)
            return
        self.store.record_redirect(item, response, target, None, None, follow=True)

    def handle_content(self, item: QueueItem, response: Response, analysis: Analysis) -> None:
        """Archive a 2xx body and follow what it links to, within the caps."""
        kind = analysis.kind
        if kind == SITEMAP and analysis.sitemap is not None:
            found = analysis.sitemap
            listed = [(url, PAGE) for url in found.pages] + [
                (url, SITEMAP_KIND) for url in found.sitemaps
            ]
            capped = max(len(listed) - MAX_SITEMAP_LINKS, 0)
            self.store.count("links_capped", capped)
            links = self.scoped(item, listed[:MAX_SITEMAP_LINKS])
            self.store.record_content(item, response, SITEMAP, links, capped=capped)
            return
        self.count_page(item)
        if kind == MISLABELLED:
            self.store.record_mislabelled(item, response)
            return
        if kind not in (HTML, ATTACHMENT):
            self.store.record_content(item, response, kind, [])
            return
        links: list[Link] = []
        canonical = chain_digest = None
        anchors: dict[str, str] = {}
        capped = 0
        found = analysis.links
        if found is not None and self.state.first_url_with_hash(analysis.digest, item.url) is None:
            canonical = canonicalize(found.canonical) if found.canonical else None
            # A canonical URL is one more way to reach the page's preferred address.
            targets = first_of_each(found.links + ([canonical] if canonical else []))
            cap = self.options.max_links_per_page
            capped = found.dropped + max(len(targets) - cap, 0)
            self.store.count("links_capped", capped)
            for href in found.refused:
                self.store.refuse(href, "scheme", item.url)
            scoped = self.scoped(item, [(u, PAGE) for u in targets[:cap]], found.anchors, anchors)
            chained = self.capped_by_pattern(item, scoped)
            links, chain_digest = chained.links, chained.digest
        self.store.record_content(
            item,
            response,
            kind,
            links,
            analysis.digest,
            canonical,
            chain_digest=chain_digest,
            anchors=anchors,
            capped=capped,
        )

    def scoped(
        self,
        item: QueueItem,
        links: list[tuple[str, str]],
        anchors: dict[str, str] | None = None,
        kept_anchors: dict[str, str] | None = None,
    ) -> list[Link]:
        """Canonical in-scope links within the depth limit, as (url, depth, kind, chain 0);
        the others are refused with their reason. ``kept_anchors`` receives the anchor text
        (from ``anchors``, by raw link) of each link kept, under its canonical URL."""
        depth = item.depth + 1
        too_deep = self.options.max_depth is not None and depth > self.options.max_depth
        result = []
        for link, kind in links:
            url = canonicalize(link)
            if url is None:
                scheme = urlsplit(link).scheme.lower() if "://" in link else ""
                reason = "scheme" if scheme not in ("", "http", "https") else "malformed"
                self.store.refuse(link[:MAX_REFUSED_CHARS], reason, item.url)
                continue
            refusal = self.scope.refusal(url)
            if refusal is None and too_deep and not self.state.in_frontier(url):
                refusal = "depth"
            if refusal is not None:
                self.store.refuse(url, refusal, item.url)
                continue
            if too_deep:
                continue  # known already: nothing to refuse, nothing to queue
            result.append((url, depth if kind == PAGE else item.depth, kind, 0))
            if anchors and kept_anchors is not None and link in anchors:
                kept_anchors.setdefault(url, anchors[link])
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
        self.store.count("trap_links", chained.dropped)
        return chained
