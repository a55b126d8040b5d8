"""The SQLite FTS5 baseline of bench/bench_index.py: its build, its work per query, its endpoint.

FTS5 indexes the same sections as jieba-segmented text (words separated by spaces, split by its
unicode61 tokenizer) beside a plain table of the facet columns. Per query it does what
``/api/search`` does: the total, one GROUP BY per facet over the matches, and the ten best
sections by bm25 with snippets. Run as a script it serves that work over HTTP with waitress
(``GET /search?match=...`` → JSON), like the web app, so both are timed through the same kind
of server:

    python bench/fts_baseline.py DB_PATH THREADS    # prints the port, then serves
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs

import rjieba

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.models import Report  # noqa: E402

FACET_COLUMNS = ("year", "section", "part_kind", "committee", "level", "doc_type", "language")


def segment(text: str) -> str:
    """jieba's default segmentation, words separated by spaces (what FTS5's tokenizer splits on)."""
    return " ".join(word for word in rjieba.cut(text) if word.strip())


def _segment_report(report: Report) -> list[tuple]:
    rows = []
    for s in report.sections:
        rows.append(
            (
                report.id,
                report.year,
                report.date,
                s.kind,
                s.part_kind,
                report.committee,
                report.level,
                report.doc_type,
                report.language,
                report.url,
                report.title,
                s.title,
                s.text,
                segment(report.title),
                segment(s.title or ""),
                segment(s.text),
            )
        )
    return rows


def build_fts(db_path: Path, reports: list[Report], workers: int) -> None:
    """Segment in worker processes, then insert into one FTS5 table plus a facet table."""
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE TABLE sections (id INTEGER PRIMARY KEY, report_id, year, date, section, part_kind, "
        "committee, level, doc_type, language, url, title, section_title, text)"
    )
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, section_title, body, tokenize='unicode61')"
    )
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for rows in pool.imap(_segment_report, reports, chunksize=16):
            for row in rows:
                cursor = db.execute(
                    "INSERT INTO sections (report_id, year, date, section, part_kind, committee, "
                    "level, doc_type, language, url, title, section_title, text) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    row[:13],
                )
                db.execute(
                    "INSERT INTO fts (rowid, title, section_title, body) VALUES (?,?,?,?)",
                    (cursor.lastrowid, *row[13:]),
                )
    db.commit()
    db.close()


def fts_work(db: sqlite3.Connection, match: str) -> dict:
    """What /api/search does, in SQL: the total, 7 facet counts, 10 best sections with snippets."""
    db.execute("DROP TABLE IF EXISTS temp.hits")
    db.execute("CREATE TEMP TABLE hits AS SELECT rowid AS id FROM fts WHERE fts MATCH ?", (match,))
    total = db.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
    facets = {
        col: db.execute(
            f"SELECT s.{col}, count(*) FROM temp.hits h JOIN sections s ON s.id = h.id "
            f"GROUP BY s.{col} ORDER BY count(*) DESC"
        ).fetchall()
        for col in FACET_COLUMNS
    }
    top = db.execute(
        "SELECT s.id, s.title, s.section_title, s.year, s.url, "
        "snippet(fts, 2, '<mark>', '</mark>', '…', 40) "
        "FROM fts JOIN sections s ON s.id = fts.rowid "
        "WHERE fts MATCH ? ORDER BY bm25(fts, 1.0, 2.0, 1.0) LIMIT 10",
        (match,),
    ).fetchall()
    return {"total": total, "facets": facets, "top": top}


class FtsApp:
    """A WSGI app answering ``/search?match=`` with :func:`fts_work` as JSON (a connection per
    server thread: SQLite connections are not shared between threads)."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.local = threading.local()

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        db = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = sqlite3.connect(self.db_path)
        match = parse_qs(environ.get("QUERY_STRING", "")).get("match", [""])[0]
        body = json.dumps(fts_work(db, match), ensure_ascii=False).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]


def serve(db_path: str, threads: int) -> None:
    """Serve the FTS5 work on a free loopback port; print the port first."""
    from waitress.server import create_server

    server = create_server(FtsApp(db_path), host="127.0.0.1", port=0, threads=threads)
    print(server.effective_port, flush=True)
    server.run()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
