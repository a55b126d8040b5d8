"""The run's ledger in the state database (tables in ``crawl.schema``): its counters, the URLs it
refused, the pages that link each URL, and the failures the summary names.

Writes happen inside the transaction that records an outcome, so the ledger always agrees with
the frontier, however the crawl was stopped.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from crawl.schema import MAX_REFERRERS, MAX_REFUSED_LISTED

# Outcomes of a URL that the crawl chose not to fetch rather than failed to fetch.
REFUSAL_KINDS = ("robots",)


@dataclass(frozen=True)
class Listed:
    """One URL named in the summary: why, and where it came from or what went wrong."""

    url: str
    reason: str
    detail: str | None


def add_counts(db: sqlite3.Connection, run_id: int, counts: Counter[str]) -> None:
    """Add to the run's counters."""
    db.executemany(
        "INSERT INTO run_counts(run_id, name, n) VALUES (?, ?, ?) "
        "ON CONFLICT(run_id, name) DO UPDATE SET n = n + excluded.n",
        [(run_id, name, n) for name, n in counts.items() if n],
    )


def load_counts(conn: sqlite3.Connection, run_id: int) -> Counter[str]:
    """The run's counters so far (every invocation of it)."""
    rows = conn.execute("SELECT name, n FROM run_counts WHERE run_id=?", (run_id,))
    return Counter({row["name"]: int(row["n"]) for row in rows})


def add_refused(
    db: sqlite3.Connection, run_id: int, url: str, reason: str, source: str | None, listed: int
) -> bool:
    """List a refused URL while fewer than ``MAX_REFUSED_LISTED`` are (``listed`` says how many
    are); True unless it was listed already, so a URL counts once."""
    if db.execute("SELECT 1 FROM refused WHERE url=?", (url,)).fetchone() is not None:
        return False
    if listed < MAX_REFUSED_LISTED:
        db.execute(
            "INSERT INTO refused(url, run_id, reason, source) VALUES (?, ?, ?, ?)",
            (url, run_id, reason, source),
        )
    return True


def count_refused(conn: sqlite3.Connection) -> int:
    """How many refused URLs the open run lists."""
    return int(conn.execute("SELECT COUNT(*) AS n FROM refused").fetchone()["n"])


def add_referrer(db: sqlite3.Connection, url: str, source: str, anchor: str | None) -> None:
    """Remember that ``source`` links ``url`` with ``anchor`` (the first few pages per URL)."""
    db.execute(
        "INSERT OR IGNORE INTO referrers(url, source, anchor) SELECT ?, ?, ? "
        "WHERE (SELECT COUNT(*) FROM referrers WHERE url=?) < ?",
        (url, source, anchor, url, MAX_REFERRERS),
    )


def refused_sample(conn: sqlite3.Connection, limit: int) -> list[Listed]:
    """The first refused URLs of the open run, with the page that linked each."""
    rows = conn.execute(
        "SELECT url, reason, source FROM refused ORDER BY rowid LIMIT ?", (limit,)
    ).fetchall()
    return [Listed(r["url"], r["reason"], r["source"]) for r in rows]


def failures(conn: sqlite3.Connection, limit: int) -> tuple[int, list[Listed]]:
    """How many URLs of the open run failed for good, and the first ``limit`` of them (queue
    order) with their error."""
    marks = ",".join("?" * len(REFUSAL_KINDS))
    where = (
        "FROM frontier f JOIN urls u ON u.url = f.url WHERE f.state='done' "
        f"AND u.error_kind IS NOT NULL AND u.error_kind NOT IN ({marks})"
    )
    total = conn.execute(f"SELECT COUNT(*) AS n {where}", REFUSAL_KINDS).fetchone()["n"]
    rows = conn.execute(
        f"SELECT f.url, u.error_kind, u.error {where} ORDER BY f.seq LIMIT ?",
        (*REFUSAL_KINDS, limit),
    ).fetchall()
    return int(total), [Listed(r["url"], r["error_kind"], r["error"]) for r in rows]


def asked_delays(conn: sqlite3.Connection, run_id: int, above: float) -> dict[str, float]:
    """Origins whose robots.txt asked for a Crawl-delay longer than ``above`` in this run."""
    rows = conn.execute(
        "SELECT origin, crawl_delay FROM robots WHERE run_id=? AND crawl_delay > ? ORDER BY origin",
        (run_id, above),
    )
    return {row["origin"]: float(row["crawl_delay"]) for row in rows}
