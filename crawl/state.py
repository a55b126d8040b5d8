"""Crawl state in SQLite (``crawl.sqlite3``, tables in ``crawl.schema``), one transaction per
fetched page so a crawl killed at any moment loses nothing it had committed; only the crawl
loop's thread writes.

``crawl.lock`` beside the database is held (flock) while a crawl runs.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawl.errors import CrawlError
from crawl.schema import connect

if sys.platform != "win32":
    import fcntl


@dataclass
class QueueItem:
    """One URL waiting in the frontier."""

    url: str
    host: str
    depth: int
    kind: str
    attempts: int
    hops: int
    via: str | None
    chain: int = 0
    chain_digest: str | None = None


@dataclass
class Validators:
    """What a conditional GET needs from the last good fetch of a URL."""

    etag: str | None
    last_modified: str | None


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive lock so two crawls never share one data directory's frontier."""
    lock_path = db_path.with_suffix(".lock")
    with lock_path.open("a+b") as handle:
        if sys.platform != "win32":
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CrawlError(f"another crawl is running on {db_path.parent}") from None
        yield


class CrawlState:
    """Typed access to the state database; every write happens inside ``transaction()``."""

    def __init__(self, db_path: Path) -> None:
        self.conn = connect(db_path)
        # Kept in step with the frontier by this, its only writer: the scheduler asks for them
        # after every outcome, which a COUNT over a large frontier would make slow.
        self.queued = self._count_queued()
        self.new_hosts: set[str] = set()  # hosts given a URL since the scheduler last asked

    def close(self) -> None:
        """Close the database."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work (committed on exit, rolled back on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.queued = self._count_queued()
            raise
        self.conn.execute("COMMIT")

    # runs
    def open_run(self) -> int | None:
        """The id of an unfinished run, if any."""
        row = self.conn.execute(
            "SELECT id FROM runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return int(row["id"]) if row else None

    def start_run(self, seeds: Iterable[str], now: str) -> int:
        """Begin a new run with an empty frontier (and an empty list of refused URLs)."""
        with self.transaction() as db:
            db.execute("DELETE FROM frontier")
            db.execute("DELETE FROM refused")
            self.queued = 0
            cur = db.execute(
                "INSERT INTO runs(started_at, seeds) VALUES (?, ?)", (now, json.dumps(list(seeds)))
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, now: str) -> None:
        """Mark a run complete: the next crawl starts a new one."""
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished_at=? WHERE id=?", (now, run_id))

    # frontier
    def enqueue(
        self,
        db: sqlite3.Connection,
        run_id: int,
        url: str,
        host: str,
        depth: int,
        kind: str,
        *,
        discovered_from: str | None = None,
        hops: int = 0,
        via: str | None = None,
        chain: int = 0,
        chain_digest: str | None = None,
    ) -> bool:
        """Queue a URL unless this run has seen it already; True if newly queued."""
        db.execute(
            "INSERT OR IGNORE INTO urls(url, kind, depth, discovered_from, first_run) "
            "VALUES (?, ?, ?, ?, ?)",
            (url, kind, depth, discovered_from, run_id),
        )
        cur = db.execute(
            "INSERT OR IGNORE INTO frontier(url, run_id, seq, host, depth, kind, hops, via, "
            "chain, chain_digest) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM frontier), "
            "?, ?, ?, ?, ?, ?, ?)",
            (url, run_id, host, depth, kind, hops, via, chain, chain_digest),
        )
        if cur.rowcount <= 0:
            return False
        self.queued += 1
        self.new_hosts.add(host)
        return True

    def take_new_hosts(self) -> set[str]:
        """Hosts that were given a URL since the last call."""
        hosts, self.new_hosts = self.new_hosts, set()
        return hosts

    def in_frontier(self, url: str) -> bool:
        """Whether this run has queued (or done) ``url``."""
        return (
            self.conn.execute("SELECT 1 FROM frontier WHERE url=?", (url,)).fetchone() is not None
        )

    def next_for_host(self, host: str, now: float) -> QueueItem | None:
        """The host's oldest queued URL that is due (``not_before`` at or before ``now``)."""
        row = self.conn.execute(
            "SELECT url, host, depth, kind, attempts, hops, via, chain, chain_digest "
            "FROM frontier WHERE host=? AND state='queued' AND not_before <= ? "
            "ORDER BY seq LIMIT 1",
            (host, now),
        ).fetchone()
        return QueueItem(**dict(row)) if row else None

    def host_wakeup(self, host: str) -> float | None:
        """When the host's earliest postponed URL is due (None: nothing queued for it)."""
        row = self.conn.execute(
            "SELECT MIN(not_before) AS t FROM frontier WHERE host=? AND state='queued'", (host,)
        ).fetchone()
        return row["t"] if row and row["t"] is not None else None

    def queued_hosts(self) -> list[str]:
        """Hosts that still have URLs waiting, in the order their first one was queued."""
        rows = self.conn.execute(
            "SELECT host, MIN(seq) AS first FROM frontier WHERE state='queued' "
            "GROUP BY host ORDER BY first"
        )
        return [r["host"] for r in rows]

    def _count_queued(self) -> int:
        row = self.conn.execute("SELECT COUNT(*) AS n FROM frontier WHERE state='queued'")
        return int(row.fetchone()["n"])

    def count_queued(self) -> int:
        """How many URLs are still waiting."""
        return self.queued

    def mark_done(self, db: sqlite3.Connection, url: str, outcome: str) -> None:
        """Take a URL off the queue, noting what happened."""
        cur = db.execute(
            "UPDATE frontier SET state='done', outcome=? WHERE url=? AND state='queued'",
            (outcome, url),
        )
        self.queued -= max(cur.rowcount, 0)

    def queued_urls_of(self, origin: str) -> list[str]:
        """The URLs of one origin (``scheme://host``) still waiting, in queue order."""
        host = origin.partition("://")[2]
        rows = self.conn.execute(
            "SELECT url FROM frontier WHERE host=? AND state='queued' ORDER BY seq", (host,)
        )
        return [r["url"] for r in rows if r["url"].startswith(origin + "/")]

    def postpone(self, db: sqlite3.Connection, url: str, not_before: float) -> None:
        """Retry a URL later."""
        db.execute(
            "UPDATE frontier SET attempts=attempts+1, not_before=? WHERE url=?", (not_before, url)
        )

    def redirect_chain(self, url: str) -> list[str]:
        """URLs that redirected, one to the next, to ``url`` in this run."""
        chain: list[str] = []
        current: str | None = url
        while current is not None and current not in chain and len(chain) < 100:
            chain.append(current)
            row = self.conn.execute("SELECT via FROM frontier WHERE url=?", (current,)).fetchone()
            current = row["via"] if row else None
        return chain

    # urls
    def validators(self, url: str) -> Validators | None:
        """ETag/Last-Modified of the URL's last good fetch, if any."""
        row = self.conn.execute(
            "SELECT etag, last_modified FROM urls WHERE url=? AND content_hash IS NOT NULL", (url,)
        ).fetchone()
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        return Validators(row["etag"], row["last_modified"])

    def known_urls(self) -> list[tuple[str, int, str]]:
        """(url, depth, kind) of every URL ever queued, oldest first, for a new run."""
        rows = self.conn.execute(
            "SELECT url, depth, kind FROM urls ORDER BY COALESCE(fetch_order, 1e18), rowid"
        )
        return [(r["url"], r["depth"], r["kind"]) for r in rows]

    def first_url_with_hash(self, content_hash: str, url: str) -> str | None:
        """The first URL (crawl order) other than ``url`` whose latest body has this hash."""
        row = self.conn.execute(
            "SELECT url FROM urls WHERE content_hash=? AND url<>? AND fetch_order IS NOT NULL "
            "ORDER BY fetch_order LIMIT 1",
            (content_hash, url),
        ).fetchone()
        return row["url"] if row else None

    def archived_payload(self, content_hash: str) -> tuple[str, str, str, int] | None:
        """(uri, date, path, offset) of a record already holding a body with this hash."""
        row = self.conn.execute(
            "SELECT url, fetched_at, payload_path, payload_offset FROM captures "
            "WHERE content_hash=? AND payload_path IS NOT NULL ORDER BY id LIMIT 1",
            (content_hash,),
        ).fetchone()
        if row is None:
            return None
        return row["url"], row["fetched_at"], row["payload_path"], int(row["payload_offset"])

    def next_fetch_order(self, db: sqlite3.Connection) -> int:
        """The next number in crawl order."""
        row = db.execute("SELECT COALESCE(MAX(fetch_order), 0) + 1 AS n FROM urls").fetchone()
        return int(row["n"])

    # robots
    def robots_for(self, origin: str, run_id: int) -> tuple[int | None, bytes, float] | None:
        """(status, body, fetched at as epoch seconds) of ``origin``'s robots.txt in this run."""
        row = self.conn.execute(
            "SELECT status, body, fetched_at FROM robots WHERE origin=? AND run_id=?",
            (origin, run_id),
        ).fetchone()
        if row is None:
            return None
        fetched = datetime.fromisoformat(row["fetched_at"]).timestamp()
        return row["status"], bytes(row["body"] or b""), fetched

    def save_robots(
        self,
        db: sqlite3.Connection,
        origin: str,
        run_id: int,
        status: int | None,
        body: bytes,
        now: str,
        crawl_delay: float | None = None,
    ) -> None:
        """Remember an origin's robots.txt (and the Crawl-delay it asks) for the rest of the
        run."""
        db.execute(
            "INSERT OR REPLACE INTO robots(origin, run_id, status, body, fetched_at, crawl_delay) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (origin, run_id, status, body, now, crawl_delay),
        )
