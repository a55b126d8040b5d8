"""The crawl state's schema (``crawl.sqlite3``, WAL mode) and how a database is opened: tables
added in later releases are created and missing columns added, so an older state keeps working.

Tables:
- ``runs(id, started_at, finished_at, seeds)`` — one row per ``crawl`` run; ``finished_at`` is
  NULL while the run is open (running or interrupted), so the next ``crawl`` resumes it.
- ``urls(url, kind, depth, discovered_from, first_run, last_run, status, final_url, content_type,
  etag, last_modified, content_hash, duplicate_of, fetched_at, fetch_order, error_kind, error,
  canonical_url, links_dropped)`` — one record per canonical URL ever queued; ``kind`` is page or
  sitemap;
  ``fetch_order`` numbers URLs by their first good (2xx) fetch; ``duplicate_of`` names the first
  URL with the same body; ``canonical_url`` the page's ``<link rel=canonical>`` when it names
  another URL; ``links_dropped`` how many of its links the caps left out (links per page, the
  frontier's size).
- ``frontier(url, run_id, seq, host, depth, kind, state, attempts, not_before, hops, via,
  outcome, chain, chain_digest)`` — the open run's queue (``state`` queued or done);
  ``hops``/``via`` follow a redirect chain for the redirect limit and loop detection;
  ``not_before`` delays a retry;
  ``chain`` counts pages of one URL pattern in a row that brought nothing new (crawl traps) and
  ``chain_digest`` is the link digest of the page that queued the URL (see ``crawl.traps``).
- ``captures(id, url, run_id, status, fetched_at, doc_kind, content_type, content_hash,
  warc_path, warc_offset, payload_path, payload_offset)`` — every archived response; ``doc_kind``
  is html, attachment, sitemap, robots or other; ``payload_*`` locate the record holding the body
  (the same record, or the original a revisit refers to).
- ``robots(origin, run_id, status, body, fetched_at, crawl_delay)`` — robots.txt per origin (its
  first 500 KiB), fetched once a run; ``crawl_delay`` is the Crawl-delay it asks of us, if any.
- ``run_counts(run_id, name, n)`` — the run's counters (pages, requests, ``error:<kind>``,
  ``refused:<reason>``, ...), updated in the transaction that records each outcome, so the summary
  of a resumed run counts the whole run.
- ``refused(url, run_id, reason, source)`` — URLs the open run would not fetch (robots, host,
  include, exclude, depth, scheme, malformed) with the page that linked them; the first 10,000.
- ``referrers(url, source, anchor)`` — the pages that link a URL, with the anchor text (the first
  five pages per URL): where an attachment was announced and what the link called it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seeds TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    depth INTEGER NOT NULL,
    discovered_from TEXT,
    first_run INTEGER NOT NULL,
    last_run INTEGER,
    status INTEGER,
    final_url TEXT,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    duplicate_of TEXT,
    fetched_at TEXT,
    fetch_order INTEGER,
    error_kind TEXT,
    error TEXT,
    canonical_url TEXT,
    links_dropped INTEGER
);
CREATE INDEX IF NOT EXISTS urls_hash ON urls(content_hash);
CREATE INDEX IF NOT EXISTS urls_order ON urls(fetch_order);
CREATE INDEX IF NOT EXISTS urls_final ON urls(final_url);
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    host TEXT NOT NULL,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    hops INTEGER NOT NULL DEFAULT 0,
    via TEXT,
    outcome TEXT,
    chain INTEGER NOT NULL DEFAULT 0,
    chain_digest TEXT
);
CREATE INDEX IF NOT EXISTS frontier_queue ON frontier(state, seq);
CREATE INDEX IF NOT EXISTS frontier_seq ON frontier(seq);
CREATE INDEX IF NOT EXISTS frontier_host ON frontier(host, state, seq);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    doc_kind TEXT NOT NULL,
    content_type TEXT,
    content_hash TEXT,
    warc_path TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    payload_path TEXT,
    payload_offset INTEGER
);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url, id);
CREATE INDEX IF NOT EXISTS captures_hash ON captures(content_hash);
CREATE TABLE IF NOT EXISTS robots (
    origin TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,
    status INTEGER,
    body BLOB,
    fetched_at TEXT NOT NULL,
    crawl_delay REAL
);
CREATE TABLE IF NOT EXISTS run_counts (
    run_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE IF NOT EXISTS refused (
    url TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    source TEXT
);
CREATE TABLE IF NOT EXISTS referrers (
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    anchor TEXT,
    PRIMARY KEY (url, source)
);
"""
MAX_REFUSED_LISTED = 10_000  # a listing to read, not a second frontier
MAX_REFERRERS = 5  # the first pages that link a URL: a site's menu would link it from every page


def connect(db_path: Path) -> sqlite3.Connection:
    """Open (and create) the state database with WAL journaling."""
    conn = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    _add_missing_columns(conn)
    return conn


# Columns added after the first release: a database written by an older crawler gains them.
_LATER_COLUMNS = (
    ("urls", "canonical_url", "TEXT"),
    ("urls", "links_dropped", "INTEGER"),
    ("frontier", "chain", "INTEGER NOT NULL DEFAULT 0"),
    ("frontier", "chain_digest", "TEXT"),
    ("robots", "crawl_delay", "REAL"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, declaration in _LATER_COLUMNS:
        present = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
