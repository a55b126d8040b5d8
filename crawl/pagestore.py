"""Recording outcomes: each response goes to the WARC archive first, then its state change is
committed to SQLite in one transaction (capture row, URL record, new links, frontier, the run's
counters and refused URLs), and then counted in the summary. Only the crawl loop's thread
records, so the database has one writer.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from captures.warc import RecordRef, WarcWriter, utc_now
from cppcc_search.settings import DataPaths
from crawl import ledger
from crawl.content import ATTACHMENT, HTML, SITEMAP
from crawl.fetch import Response
from crawl.shutdown import Shutdown
from crawl.state import CrawlState, QueueItem
from crawl.summary import ERROR, REFUSED, CrawlSummary
from crawl.traps import Link
from crawl.urls import host_of


@dataclass(frozen=True)
class Refusal:
    """A URL the crawl will not fetch, why, and the page that linked it."""

    url: str
    reason: str
    source: str | None


class PageStore:
    """Writes every outcome to the archive and the state database. ``max_queued`` bounds the
    frontier: new links found while that many URLs wait are dropped (and counted)."""

    def __init__(
        self,
        paths: DataPaths,
        state: CrawlState,
        summary: CrawlSummary,
        shutdown: Shutdown,
        max_queued: int | None = None,
    ) -> None:
        self.paths = paths
        self.state = state
        self.summary = summary
        self.shutdown = shutdown
        self.max_queued = max_queued
        self.run_id = 0
        self._warc: WarcWriter | None = None
        self._pending: Counter[str] = Counter()  # counted by the next recording
        self._refusals: list[Refusal] = []  # listed by the next recording
        self._refused_seen: set[str] = set()  # this invocation's, so each counts once
        self._refused_listed = ledger.count_refused(state.conn)

    def close(self) -> None:
        """Close the WARC file, if one was opened."""
        if self._warc is not None:
            self._warc.close()
            self._warc = None

    @property
    def warc(self) -> WarcWriter:
        """This process's WARC file, opened on first use."""
        if self._warc is None:
            self._warc = WarcWriter(self.paths.warc_dir, self.run_id)
        return self._warc

    @contextmanager
    def _recording(self) -> Iterator[sqlite3.Connection]:
        """One outcome's archive records and state changes, committed together with the run's
        counters; a SIGTERM that arrives meanwhile stops the crawl once they are committed."""
        with self.shutdown.recording():
            try:
                with self.state.transaction() as db:
                    yield db
                    self._list_refusals(db)
                    ledger.add_counts(db, self.run_id, self._pending)
            except BaseException:
                self._pending.clear()
                self._refusals.clear()
                raise
            self.summary.add(self._pending)
            self._pending = Counter()

    def flush(self) -> None:
        """Commit what was counted with no outcome to record (a request that will be tried
        again)."""
        with self._recording():
            pass

    def count(self, name: str, n: int = 1) -> None:
        """Add to a run counter with the next recording."""
        self._pending[name] += n

    def refuse(self, url: str, reason: str, source: str | None) -> None:
        """Note a URL the crawl will not fetch (listed and counted with the next recording,
        once per URL)."""
        if url not in self._refused_seen:
            self._refused_seen.add(url)
            self._refusals.append(Refusal(url, reason, source))

    def _list_refusals(self, db: sqlite3.Connection) -> None:
        for refusal in self._refusals:
            new = ledger.add_refused(
                db, self.run_id, refusal.url, refusal.reason, refusal.source, self._refused_listed
            )
            if new:
                self._refused_listed += 1
                self.count(REFUSED + refusal.reason)
        self._refusals = []

    # archive helpers -----------------------------------------------------------------------
    def _archive(
        self, db: sqlite3.Connection, response: Response, doc_kind: str, digest: str | None = None
    ) -> None:
        """Archive a response (a revisit if its body is stored already); add its capture row."""
        original = self.state.archived_payload(digest) if digest else None
        if original is not None:
            ref = self.warc.write_exchange(response, original=(original[0], original[1]))
            payload: RecordRef | None = RecordRef(original[2], original[3])
        else:
            ref = self.warc.write_exchange(response)
            payload = ref if digest else None
        db.execute(
            "INSERT INTO captures(url, run_id, status, fetched_at, doc_kind, content_type, "
            "content_hash, warc_path, warc_offset, payload_path, payload_offset) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                response.url,
                self.run_id,
                response.status,
                response.fetched_at,
                doc_kind,
                response.mime_type,
                digest,
                ref.path,
                ref.offset,
                payload.path if payload else None,
                payload.offset if payload else None,
            ),
        )

    def _set_url(self, db: sqlite3.Connection, url: str, **fields: object) -> None:
        fields["last_run"] = self.run_id
        assignments = ", ".join(f"{name}=?" for name in fields)
        db.execute(f"UPDATE urls SET {assignments} WHERE url=?", (*fields.values(), url))

    def _enqueue_all(
        self,
        db: sqlite3.Connection,
        links: Iterable[Link],
        source: str,
        chain_digest: str | None = None,
        anchors: Mapping[str, str] | None = None,
    ) -> int:
        """Queue links found on ``source`` and remember it as their referrer; returns how many
        new ones the full frontier dropped."""
        dropped = 0
        for url, depth, kind, chain in links:
            full = self.max_queued is not None and self.state.queued >= self.max_queued
            if full and not self.state.in_frontier(url):
                dropped += 1
                continue
            self.state.enqueue(
                db,
                self.run_id,
                url,
                host_of(url),
                depth,
                kind,
                discovered_from=source,
                chain=chain,
                chain_digest=chain_digest,
            )
            ledger.add_referrer(db, url, source, (anchors or {}).get(url))
        self.count("frontier_full", dropped)
        return dropped

    # outcomes ------------------------------------------------------------------------------
    def record_content(
        self,
        item: QueueItem,
        response: Response,
        kind: str,
        links: list[Link],
        digest: str | None = None,
        canonical: str | None = None,
        *,
        chain_digest: str | None = None,
        anchors: Mapping[str, str] | None = None,
        capped: int = 0,
    ) -> None:
        """A 2xx response: archive it, update the URL record (with the canonical URL it declares
        when that is another URL), queue its links (``anchors``: their anchor texts) and note
        how many the caps dropped (``capped`` by the per-page cap, more if the frontier is
        full)."""
        keeps_body = kind in (HTML, ATTACHMENT)
        if keeps_body and digest is None:
            digest = hashlib.sha256(response.body).hexdigest()
        duplicate_of = self.state.first_url_with_hash(digest, item.url) if digest else None
        with self._recording() as db:
            self._archive(db, response, kind, digest if keeps_body else None)
            common = {
                "status": response.status,
                "final_url": item.url,
                "content_type": response.mime_type,
                "fetched_at": response.fetched_at,
                "error_kind": None,
                "error": None,
            }
            if keeps_body:
                previous = db.execute(
                    "SELECT content_hash, fetch_order FROM urls WHERE url=?", (item.url,)
                ).fetchone()
                if previous["content_hash"] and previous["content_hash"] != digest:
                    self.count("changed")
                order = previous["fetch_order"] or self.state.next_fetch_order(db)
                self._set_url(
                    db,
                    item.url,
                    **common,
                    etag=response.header("ETag"),
                    last_modified=response.header("Last-Modified"),
                    content_hash=digest,
                    duplicate_of=duplicate_of,
                    fetch_order=order,
                    canonical_url=canonical if canonical != item.url else None,
                )
            else:
                self._set_url(db, item.url, **common)
            dropped = capped + self._enqueue_all(db, links, item.url, chain_digest, anchors)
            if dropped:
                self._set_url(db, item.url, links_dropped=dropped)
            self.state.mark_done(db, item.url, kind)
            self._count_content(kind, duplicate_of)

    def _count_content(self, kind: str, duplicate_of: str | None) -> None:
        if kind == HTML:
            self.count("pages")
        elif kind == ATTACHMENT:
            self.count("attachments")
        elif kind == SITEMAP:
            self.count("sitemaps")
        else:
            self.count("other_content")
        if duplicate_of is not None:
            self.count("duplicates")

    def record_not_modified(self, item: QueueItem, response: Response) -> None:
        """A 304: the stored capture is still current."""
        with self._recording() as db:
            self._archive(db, response, "not_modified")
            fields: dict[str, object] = {"status": 304, "fetched_at": response.fetched_at}
            if response.header("ETag"):
                fields["etag"] = response.header("ETag")
            self._set_url(db, item.url, error_kind=None, error=None, **fields)
            self.state.mark_done(db, item.url, "not_modified")
            self.count("not_modified")

    def record_redirect(
        self,
        item: QueueItem,
        response: Response,
        target: str | None,
        error_kind: str | None,
        message: str | None,
        *,
        follow: bool = False,
    ) -> None:
        """A 3xx: note where it points and queue the target, or record why not."""
        with self._recording() as db:
            self._archive(db, response, "redirect")
            self._set_url(
                db,
                item.url,
                status=response.status,
                final_url=target,
                fetched_at=response.fetched_at,
                error_kind=error_kind,
                error=message,
            )
            if follow and target is not None:
                self.state.enqueue(
                    db,
                    self.run_id,
                    target,
                    host_of(target),
                    item.depth,
                    item.kind,
                    discovered_from=item.url,
                    hops=item.hops + 1,
                    via=item.url,
                    chain=item.chain,
                    chain_digest=item.chain_digest,
                )
            self.state.mark_done(db, item.url, error_kind or "redirect")
            self.count(ERROR + error_kind if error_kind else "redirects")

    def record_http_error(
        self, item: QueueItem, response: Response, *, failure: bool = True
    ) -> None:
        """A final 4xx (or other non-success) answer; not a ``failure`` when the URL was only a
        guess (a site's /sitemap.xml that is not there)."""
        kind = f"http_{response.status}"
        with self._recording() as db:
            self._archive(db, response, "error")
            self._set_url(
                db,
                item.url,
                status=response.status,
                fetched_at=response.fetched_at,
                error_kind=kind if failure else None,
                error=f"HTTP {response.status} {response.reason}".strip() if failure else None,
            )
            self.state.mark_done(db, item.url, kind if failure else "absent")
            self.count(ERROR + kind if failure else "sitemaps_absent")

    def record_mislabelled(self, item: QueueItem, response: Response) -> None:
        """Declared as HTML but binary: archived, not parsed, recorded as a failure."""
        message = f"declared {response.mime_type or 'no type'} but the body is binary"
        with self._recording() as db:
            self._archive(db, response, "other")
            self._set_url(
                db,
                item.url,
                status=response.status,
                fetched_at=response.fetched_at,
                error_kind="content_type",
                error=message,
            )
            self.state.mark_done(db, item.url, "content_type")
            self.count(ERROR + "content_type")

    def archive_failed_response(self, item: QueueItem, response: Response) -> None:
        """Keep a 5xx/429 answer in the archive (the retry decision is recorded separately)."""
        with self._recording() as db:
            self._archive(db, response, "error")
            self._set_url(db, item.url, status=response.status, fetched_at=response.fetched_at)

    def record_failure(self, item: QueueItem, kind: str, message: str) -> None:
        """A final failure without a usable response (timeout, too large, ...)."""
        self.fail_urls([item.url], kind, message)

    def fail_urls(self, urls: list[str], kind: str, message: str) -> None:
        """Record the same final failure for several URLs (a host that cannot be reached)."""
        with self._recording() as db:
            for url in urls:
                self._set_url(db, url, error_kind=kind, error=message)
                self.state.mark_done(db, url, kind)
            self.count(ERROR + kind, len(urls))

    def postpone(self, item: QueueItem, not_before: float, *, retry: bool = False) -> None:
        """Try the URL again later (``retry``: after a failed attempt, which is counted)."""
        with self._recording() as db:
            self.state.postpone(db, item.url, not_before)
            if retry:
                self.count("retries")

    def record_robots_skip(self, item: QueueItem, error_kind: str | None) -> None:
        """robots.txt forbids the URL (or could not be fetched): no request is made."""
        kind = error_kind or "robots"
        message = "robots.txt could not be fetched" if error_kind else "disallowed by robots.txt"
        with self._recording() as db:
            self._set_url(db, item.url, error_kind=kind, error=message)
            self.state.mark_done(db, item.url, kind)
            if error_kind:
                self.count(ERROR + error_kind)
            else:
                self.refuse(item.url, "robots", self._discovered_from(db, item.url))

    def _discovered_from(self, db: sqlite3.Connection, url: str) -> str | None:
        row = db.execute("SELECT discovered_from FROM urls WHERE url=?", (url,)).fetchone()
        return row["discovered_from"] if row else None

    def archive_robots(self, response: Response) -> None:
        """Keep a robots.txt response in the archive."""
        with self._recording() as db:
            self._archive(db, response, "robots")

    def save_robots(
        self,
        origin: str,
        status: int | None,
        body: bytes,
        sitemaps: list[Link],
        crawl_delay: float | None = None,
    ) -> None:
        """Remember the origin's robots.txt for this run and queue the sitemaps it names."""
        with self._recording() as db:
            self.state.save_robots(db, origin, self.run_id, status, body, utc_now(), crawl_delay)
            self._enqueue_all(db, sitemaps, f"{origin}/robots.txt")
