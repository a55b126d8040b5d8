"""Capture lookup (no network): the latest good capture of every HTML page in crawl order, for
extraction, and of one URL, for showing an archived copy; and the pages that link a URL, with
the links' anchor texts (``referrers``), for what an attachment's announcement says of it.

The state database says which record holds each capture; the body comes from the WARC record
that holds the payload (the capture's own response record, or the original a revisit points to)
and is decompressed here exactly as the crawler did.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from warcio.exceptions import ArchiveLoadFailed

from captures.compression import decode_body
from captures.headers import HeaderList, header_value
from captures.urls import canonicalize
from captures.warc import RecordRef, read_response
from cppcc_search.settings import DataPaths

# Stored bodies were capped when fetched; this cap only guards against a corrupted archive.
READ_LIMIT = 1024 * 1024 * 1024
MAX_REDIRECT_HOPS = 20


@dataclass
class Capture:
    """One archived response with its decompressed body."""

    url: str
    final_url: str
    status: int
    headers: HeaderList
    body: bytes
    content_type: str
    fetched_at: str
    content_hash: str
    fetch_order: int
    warc_path: str
    warc_offset: int
    duplicate_of: str | None = None
    redirected_from: list[str] = field(default_factory=list)
    canonical_url: str | None = None  # the page's <link rel=canonical>, when another URL

    def header(self, name: str) -> str | None:
        """The first value of a response header, matched without regard to case."""
        return header_value(self.headers, name)


def _connect(paths: DataPaths) -> sqlite3.Connection | None:
    if not paths.crawl_db.is_file():
        return None
    uri = paths.crawl_db.resolve().as_uri() + "?mode=ro"  # as_uri escapes '?', '#', spaces
    conn = sqlite3.connect(uri, uri=True, timeout=30.0)
    conn.row_factory = sqlite3.Row
    return conn


_GOOD = "status BETWEEN 200 AND 299 AND payload_path IS NOT NULL"


def _read_capture(
    warc_dir: Path, url_row: sqlite3.Row, capture_row: sqlite3.Row, aliases: list[str]
) -> Capture:
    own = read_response(warc_dir, RecordRef(capture_row["warc_path"], capture_row["warc_offset"]))
    payload_ref = RecordRef(capture_row["payload_path"], capture_row["payload_offset"])
    own_ref = RecordRef(capture_row["warc_path"], capture_row["warc_offset"])
    payload = own if payload_ref == own_ref else read_response(warc_dir, payload_ref)
    encoding = header_value(payload.headers, "Content-Encoding")
    return Capture(
        url=url_row["url"],
        final_url=url_row["final_url"] or url_row["url"],
        status=int(capture_row["status"]),
        headers=own.headers,
        body=decode_body(payload.raw_body, encoding, READ_LIMIT),
        content_type=capture_row["content_type"] or "",
        fetched_at=capture_row["fetched_at"],
        content_hash=capture_row["content_hash"],
        fetch_order=int(url_row["fetch_order"] or 0),
        warc_path=capture_row["warc_path"],
        warc_offset=int(capture_row["warc_offset"]),
        duplicate_of=url_row["duplicate_of"],
        redirected_from=aliases,
        canonical_url=_optional(url_row, "canonical_url"),
    )


def _optional(row: sqlite3.Row, column: str) -> str | None:
    """A column added after the first release: absent from an older database read as it is."""
    names = row.keys()
    return row[column] if column in names else None


def _aliases(conn: sqlite3.Connection, url: str) -> list[str]:
    """URLs whose redirect led to ``url``."""
    rows = conn.execute(
        "SELECT url FROM urls WHERE final_url=? AND url<>? AND status BETWEEN 300 AND 399 "
        "ORDER BY rowid",
        (url, url),
    )
    return [r["url"] for r in rows]


def _latest_good(
    conn: sqlite3.Connection, warc_dir: Path, url_row: sqlite3.Row, kinds: tuple[str, ...]
) -> Capture | None:
    """The newest readable good capture of a URL (older ones stand in if a file is damaged)."""
    return _read_latest(conn, warc_dir, url_row, kinds)[0]


def _read_latest(
    conn: sqlite3.Connection, warc_dir: Path, url_row: sqlite3.Row, kinds: tuple[str, ...]
) -> tuple[Capture | None, str | None]:
    """The newest readable good capture of a URL, or None and why the last one failed (None
    when the URL has no good capture at all)."""
    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        f"SELECT * FROM captures WHERE url=? AND {_GOOD} AND doc_kind IN ({marks}) "
        "ORDER BY id DESC",
        (url_row["url"], *kinds),
    ).fetchall()
    aliases = _aliases(conn, url_row["url"])
    failure = None
    for row in rows:
        try:
            return _read_capture(warc_dir, url_row, row, aliases), None
        except (OSError, ValueError, EOFError, zlib.error, ArchiveLoadFailed) as error:
            # A damaged or missing archive file, or a corrupt body (BodyError is a ValueError):
            # fall back to an older capture.
            failure = f"{row['warc_path']}: {type(error).__name__}: {error}"
    return None, failure


Unreadable = Callable[[str, str], None]


def iter_captures(paths: DataPaths, unreadable: Unreadable | None = None) -> Iterator[Capture]:
    """The latest good capture of every URL fetched with a 2xx HTML answer, in crawl order.

    A URL whose every good capture fails to read (its WARC file gone or damaged) is skipped
    and reported to ``unreadable(url, reason)``.
    """
    conn = _connect(paths)
    if conn is None:
        return
    try:
        url_rows = conn.execute(
            "SELECT * FROM urls WHERE fetch_order IS NOT NULL ORDER BY fetch_order"
        ).fetchall()
        for url_row in url_rows:
            capture, failure = _read_latest(conn, paths.warc_dir, url_row, ("html",))
            if capture is not None:
                yield capture
            elif failure is not None and unreadable is not None:
                unreadable(url_row["url"], failure)
    finally:
        conn.close()


def load_capture(paths: DataPaths, url: str) -> Capture | None:
    """The latest good capture of ``url`` (canonical or final URL; redirects followed)."""
    conn = _connect(paths)
    if conn is None:
        return None
    try:
        candidates = [url, canonicalize(url) or url]
        row = None
        for candidate in dict.fromkeys(candidates):
            row = conn.execute("SELECT * FROM urls WHERE url=?", (candidate,)).fetchone()
            if row is not None:
                break
        if row is None:
            row = conn.execute(
                "SELECT * FROM urls WHERE final_url IN (?, ?) AND fetch_order IS NOT NULL "
                "ORDER BY fetch_order LIMIT 1",
                tuple(candidates),
            ).fetchone()
        for _ in range(MAX_REDIRECT_HOPS):
            if row is None:
                return None
            capture = _latest_good(conn, paths.warc_dir, row, ("html", "attachment"))
            if capture is not None:
                return capture
            target = row["final_url"]
            if not target or target == row["url"]:
                return None
            row = conn.execute("SELECT * FROM urls WHERE url=?", (target,)).fetchone()
        return None
    finally:
        conn.close()


class Referrer(NamedTuple):
    """A page that links a URL, and the text of that link (None when it has none: a sitemap,
    an image link)."""

    page_url: str
    anchor_text: str | None


def referrers(paths: DataPaths, url: str) -> list[Referrer]:
    """The pages that link ``url`` or a URL that redirected to it, with each link's anchor text,
    in the order the crawl found them (the crawler keeps the first five pages per URL). This is
    where an attachment was announced: a notice page's "附件：2019年政府工作报告"."""
    conn = _connect(paths)
    if conn is None:
        return []
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='referrers'"
        ).fetchone():
            return []  # a state written before the crawler kept them
        targets = [canonicalize(url) or url]
        for target in targets:  # grows with the URLs that redirected to one already listed
            if len(targets) > MAX_REDIRECT_HOPS:
                break
            targets.extend(a for a in _aliases(conn, target) if a not in targets)
        found: dict[str, Referrer] = {}
        for target in targets:
            rows = conn.execute(
                "SELECT source, anchor FROM referrers WHERE url=? ORDER BY rowid", (target,)
            )
            for row in rows:
                found.setdefault(row["source"], Referrer(row["source"], row["anchor"]))
        return list(found.values())
    finally:
        conn.close()
