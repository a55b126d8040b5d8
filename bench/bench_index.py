"""Benchmark the index and search service against SQLite FTS5 doing the same work (prints figures).

Data: the 72 real reports of ../shared/corpus (sections at "一、" and "（一）" headings), then
the same reports replicated (new ids, same text) up to ``--sections`` sections. For both Whoosh
(this project's indexer and SearchService) and FTS5 over the same jieba-segmented text it measures:
full build time and throughput, index size, cold start (new process to first answer) and query
latency p50/p95 for a term, a two-term AND, a phrase and a broad term, each with all facet counts,
ten snippets and a trend. Not a test: nothing here asserts a time.

    .venv/bin/python bench/bench_index.py                      # corpus + 10,000 sections
    .venv/bin/python bench/bench_index.py --sections 100000    # the issue's size (~10 min)
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import math
import multiprocessing
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import rjieba

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.models import Report, Section, write_documents  # noqa: E402
from cppcc_search.settings import DataPaths  # noqa: E402
from indexer.index.build import index_documents  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402
from indexer.search.types import SearchRequest  # noqa: E402
from tests.indexer.reports import corpus_reports  # noqa: E402

QUERIES = {
    "term": ("新能源", '"新能源"'),
    "and": ("农业 科技", '"农业" AND "科技"'),
    "phrase": ('"社会主义市场经济"', '"社会主义 市场经济"'),
    "broad": ("发展", '"发展"'),
}
FACET_COLUMNS = ("year", "section", "part_kind", "committee", "level", "doc_type", "language")
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


# -- data ---------------------------------------------------------------------------------------


def finer_sections(report: Report) -> Report:
    """Split each section again at "（一）" paragraphs (level-2 headings), as extraction would."""
    sections: list[Section] = []
    for section in report.sections:
        title, body = section.title, []
        level = section.level
        for paragraph in section.text.split("\n"):
            if _SUBHEADING.match(paragraph) and body:
                sections.append(
                    Section(len(sections), level, title, None, "other", None, "\n".join(body))
                )
                title, body, level = paragraph.split("。")[0][:60], [paragraph], 2
            else:
                body.append(paragraph)
        sections.append(Section(len(sections), level, title, None, "other", None, "\n".join(body)))
    return dataclasses.replace(report, sections=sections)


def replicated(reports: list[Report], target_sections: int) -> list[Report]:
    """Copies of the reports (new ids and URLs, same text) until about ``target_sections``."""
    per_copy = sum(len(r.sections) for r in reports)
    copies = max(1, math.ceil(target_sections / per_copy))
    out = []
    for copy in range(copies):
        for report in reports:
            suffix = f"-c{copy}" if copy else ""
            out.append(
                dataclasses.replace(
                    report,
                    id=report.id + suffix,
                    url=report.url + suffix,
                    urls=[report.url + suffix],
                )
            )
    return out


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# -- FTS5 baseline --------------------------------------------------------------------------------


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
    """What SearchService.search + trends do, in SQL: total, 7 facets, 10 snippets, a trend."""
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
    hits = dict(
        db.execute(
            "SELECT s.year, count(*) FROM temp.hits h JOIN sections s ON s.id = h.id "
            "GROUP BY s.year"
        ).fetchall()
    )
    totals = dict(db.execute("SELECT year, count(*) FROM sections GROUP BY year").fetchall())
    trend = {y: (hits.get(y, 0), n, hits.get(y, 0) * 1000 / n) for y, n in totals.items() if y}
    return {"total": total, "facets": facets, "top": top, "trend": trend}


# -- measuring ------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def timed(
    work: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    work()  # warm-up (first call loads column caches / page cache)
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()  # untimed
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


COLD_WHOOSH = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from cppcc_search.settings import DataPaths
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
service = SearchService.open(DataPaths(Path({data!r})))
print(service.search(SearchRequest(query={query!r})).total)
"""

COLD_FTS = """
import sqlite3, sys
sys.path.insert(0, {bench!r})
from bench_index import fts_work
print(fts_work(sqlite3.connect({db!r}), {match!r})["total"])
"""


def cold_start(code: str, repeat: int = 5) -> float:
    """Median wall time of a new Python process that opens the index and answers one query."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def whoosh_work(service: SearchService, query: str) -> None:
    response = service.search(SearchRequest(query=query, per_page=10))
    service.trends([query])
    assert response.facets["year"] is not None


def profile_broad(service: SearchService, query: str) -> str:
    profiler = cProfile.Profile()
    for _ in range(5):
        service.clear_query_cache()
        profiler.enable()
        whoosh_work(service, query)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(14)
    return out.getvalue()


def build_both(reports: list[Report], paths: DataPaths, db_path: Path, workers: int) -> dict:
    """Full Whoosh rebuild and FTS5 build, timed (figures saved so --reuse can skip this)."""
    sections = sum(len(r.sections) for r in reports)
    write_documents(paths.documents, reports)
    started = time.perf_counter()
    summary = index_documents(
        paths, rebuild=True, progress=lambda m: print("  whoosh:", m, flush=True)
    )
    whoosh_build = time.perf_counter() - started
    print(f"  {summary.format()}", flush=True)
    started = time.perf_counter()
    build_fts(db_path, reports, workers)
    fts_build = time.perf_counter() - started
    return {
        "build_s": {"whoosh": whoosh_build, "fts5": fts_build},
        "sections_per_s": {"whoosh": sections / whoosh_build, "fts5": sections / fts_build},
        "size_mb": {
            "whoosh": dir_size(paths.index_dir) / 2**20,
            "fts5": db_path.stat().st_size / 2**20,
        },
    }


def cold_starts(paths: DataPaths, db_path: Path) -> dict:
    bench_dir = str(Path(__file__).parent)
    whoosh_code = COLD_WHOOSH.format(repo=str(REPO_ROOT), data=str(paths.root), query="新能源")
    fts_code = COLD_FTS.format(bench=bench_dir, db=str(db_path), match='"新能源"')
    return {"whoosh": cold_start(whoosh_code), "fts5": cold_start(fts_code)}


def run_size(label: str, reports: list[Report], workdir: Path, args: argparse.Namespace) -> dict:
    """Build (or reuse) both indexes of one size and measure them."""
    sections = sum(len(r.sections) for r in reports)
    chars = sum(len(r.body_text()) for r in reports)
    print(f"\n=== {label}: {len(reports)} reports, {sections} sections, {chars / 1e6:.1f} M chars")
    paths = DataPaths(workdir / label / "data").ensure()
    db_path = workdir / label / "fts.sqlite3"
    saved = workdir / label / "build.json"
    if args.reuse and saved.is_file():
        built = json.loads(saved.read_text(encoding="utf-8"))
        print(f"  (reusing the indexes built earlier in {workdir / label})")
    else:
        built = build_both(reports, paths, db_path, args.workers)
        saved.write_text(json.dumps(built), encoding="utf-8")
    figures: dict = {"label": label, "reports": len(reports), "sections": sections, **built}
    figures["cold_ms"] = cold_starts(paths, db_path)
    figures["queries"] = {}
    service = SearchService.open(paths)
    db = sqlite3.connect(db_path)
    for name, (query, match) in QUERIES.items():
        total = service.search(SearchRequest(query=query)).total
        fts_total = fts_work(db, match)["total"]
        # First time: the service's memo of recent matches and postings is emptied before each
        # run, so only the search→trend sharing within a run counts. Repeat: the memo is kept
        # (a user paging, the web app's report view, the same query from another client).
        w50, w95 = percentiles(
            timed(lambda q=query: whoosh_work(service, q), args.repeat, service.clear_query_cache)
        )
        r50, r95 = percentiles(timed(lambda q=query: whoosh_work(service, q), args.repeat))
        f50, f95 = percentiles(timed(lambda m=match: fts_work(db, m), args.repeat))
        figures["queries"][name] = {
            "query": query,
            "matches": {"whoosh": total, "fts5": fts_total, "share": total / sections},
            "p50_ms": {"whoosh": w50, "fts5": f50, "whoosh_repeat": r50},
            "p95_ms": {"whoosh": w95, "fts5": f95, "whoosh_repeat": r95},
        }
    if args.profile:
        figures["profile_broad"] = profile_broad(service, QUERIES["broad"][0])
    service.close()
    db.close()
    report_figures(figures)
    return figures


def _line(name: str, unit: str, values: dict, fmt: str) -> str:
    ratio = values["whoosh"] / values["fts5"] if values["fts5"] else float("nan")
    return (
        f"  {name:12s} whoosh {values['whoosh']:{fmt}} {unit:10s} fts5 {values['fts5']:{fmt}} "
        f"{unit:10s} whoosh/fts5 {ratio:5.2f}x"
    )


def report_figures(f: dict) -> None:
    """Print one size's figures and the Whoosh/FTS5 ratios."""
    print(_line("full build", "s", f["build_s"], "8.1f"))
    print(_line("throughput", "sections/s", f["sections_per_s"], "8.0f"))
    print(_line("index size", "MB", f["size_mb"], "8.1f"))
    print(_line("cold start", "ms", f["cold_ms"], "8.0f"))
    print("  query: all facets, 10 snippets, a trend. matches whoosh/fts5 (share of sections);")
    print(
        "  p50 / p95 ms for whoosh first time | fts5 | p95 ratio whoosh/fts5"
        " | whoosh repeated query (memo kept)"
    )
    for name, q in f["queries"].items():
        m, p50, p95 = q["matches"], q["p50_ms"], q["p95_ms"]
        print(
            f"  {name:7s} {q['query']:12s} {m['whoosh']:6d}/{m['fts5']:6d} ({m['share']:4.0%})"
            f"  {p50['whoosh']:7.1f} / {p95['whoosh']:7.1f} | {p50['fts5']:7.1f} / "
            f"{p95['fts5']:7.1f} | {p95['whoosh'] / p95['fts5']:5.2f}x"
            f" | {p50.get('whoosh_repeat', math.nan):7.1f} / "
            f"{p95.get('whoosh_repeat', math.nan):7.1f}"
        )
    if "profile_broad" in f:
        print("  profile of 5 first-time broad queries (search + trend), by cumulative time:")
        print("\n".join("    " + line for line in f["profile_broad"].splitlines() if line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sections", type=int, default=10000, help="replicated set size (0: corpus only)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep indexes here (default: temp)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="profile the broad query")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse indexes built earlier in --workdir"
    )
    args = parser.parse_args()
    shared = REPO_ROOT.parent / "shared"
    if not (shared / "corpus").is_dir():
        print(f"skipped: {shared}/corpus is absent", file=sys.stderr)
        return 0
    corpus = [finer_sections(r) for r in corpus_reports(shared)]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    results = [run_size("corpus", corpus, workdir, args)]
    if args.sections:
        label = f"replicated-{args.sections}"
        print(f"\n(the {args.sections}-section set replicates the 72 real reports; text repeats)")
        results.append(run_size(label, replicated(corpus, args.sections), workdir, args))
    if args.json:
        args.json.write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
