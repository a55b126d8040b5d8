"""Recording outcomes: each response goes to the WARC archive first, then its state change is
committed to SQLite in one transaction (capture row, URL record, new links, frontier), and the
run's counters are updated.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from captures.warc import RecordRef, WarcWriter, utc_now
from cppcc_search.settings import DataPaths
from crawl.content import ATTACHMENT, HTML, SITEMAP
from crawl.fetch import Response
from crawl.shutdown import Shutdown
from crawl.state import CrawlState, QueueItem
from crawl.summary import CrawlSummary
from crawl.traps import Link
from crawl.urls import host_of


class PageStore:
    """Writes every outcome to the archive and the state database."""

    def __init__(
        self, paths: DataPaths, state: CrawlState, summary: CrawlSummary, shutdown: Shutdown
    ) -> None:
        self.paths = paths
        self.state = state
        self.summary = summary
        self.shutdown = shutdown
        self.run_id = 0
        self._warc: WarcWriter | None = None

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
        """One outcome's archive records and state changes, committed together; a SIGTERM that
        arrives meanwhile stops the crawl once they are committed."""
        with self.shutdown.recording(), self.state.transaction() as db:
            yield db

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
    ) -> None:
        for url, depth, kind, chain in links:
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
    ) -> None:
        """A 2xx response: archive it, update the URL record (with the canonical URL it declares
        when that is another URL), queue its links."""
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
                    self.summary.changed += 1
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
            self._enqueue_all(db, links, item.url, chain_digest)
            self.state.mark_done(db, item.url, kind)
        self._count_content(kind, duplicate_of)

    def _count_content(self, kind: str, duplicate_of: str | None) -> None:
        if kind == HTML:
            self.summary.pages += 1
        elif kind == ATTACHMENT:
            self.summary.attachments += 1
        elif kind != SITEMAP:
            self.summary.skipped_content_type += 1
        if duplicate_of is not None:
            self.summary.duplicates += 1

    def record_not_modified(self, item: QueueItem, response: Response) -> None:
        """A 304: the stored capture is still current."""
        with self._recording() as db:
            self._archive(db, response, "not_modified")
            fields: dict[str, object] = {"status": 304, "fetched_at": response.fetched_at}
            if response.header("ETag"):
                fields["etag"] = response.header("ETag")
            self._set_url(db, item.url, error_kind=None, error=None, **fields)
            self.state.mark_done(db, item.url, "not_modified")
        self.summary.not_modified += 1

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
        if error_kind:
            self.summary.errors[error_kind] += 1
        else:
            self.summary.redirects += 1

    def record_http_error(self, item: QueueItem, response: Response) -> None:
        """A final 4xx (or other non-success) answer."""
        kind = f"http_{response.status}"
        with self._recording() as db:
            self._archive(db, response, "error")
            self._set_url(
                db,
                item.url,
                status=response.status,
                fetched_at=response.fetched_at,
                error_kind=kind,
                error=f"HTTP {response.status} {response.reason}".strip(),
            )
            self.state.mark_done(db, item.url, kind)
        self.summary.errors[kind] += 1

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
        self.summary.errors["content_type"] += 1

    def archive_failed_response(self, item: QueueItem, response: Response) -> None:
        """Keep a 5xx/429 answer in the archive (the retry decision is recorded separately)."""
        with self._recording() as db:
            self._archive(db, response, "error")
            self._set_url(db, item.url, status=response.status, fetched_at=response.fetched_at)

    def record_failure(self, item: QueueItem, kind: str, message: str) -> None:
        """A final failure without a usable response (timeout, too large, ...)."""
        with self._recording() as db:
            self._set_url(db, item.url, error_kind=kind, error=message)
            self.state.mark_done(db, item.url, kind)
        self.summary.errors[kind] += 1

    def postpone(self, item: QueueItem, not_before: float) -> None:
        """Try the URL again later."""
        with self._recording() as db:
            self.state.postpone(db, item.url, not_before)

    def record_robots_skip(self, item: QueueItem, error_kind: str | None) -> None:
        """robots.txt forbids the URL (or could not be fetched): no request is made."""
        kind = error_kind or "robots"
        message = "robots.txt could not be fetched" if error_kind else "disallowed by robots.txt"
        with self._recording() as db:
            self._set_url(db, item.url, error_kind=kind, error=message)
            self.state.mark_done(db, item.url, kind)
        if error_kind:
            self.summary.errors[error_kind] += 1
        else:
            self.summary.robots_skipped += 1

    def archive_robots(self, response: Response) -> None:
        """Keep a robots.txt response in the archive."""
        with self._recording() as db:
            self._archive(db, response, "robots")

    def save_robots(
        self, origin: str, status: int | None, body: bytes, sitemaps: list[Link]
    ) -> None:
        """Remember the origin's robots.txt for this run and queue the sitemaps it names."""
        with self._recording() as db:
            self.state.save_robots(db, origin, self.run_id, status, body, utc_now())
            self._enqueue_all(db, sitemaps, f"{origin}/robots.txt")
