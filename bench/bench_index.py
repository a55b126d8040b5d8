"""Benchmark the index and search service against SQLite FTS5 doing the same work (prints figures).

Data: the 72 real reports of ../shared/corpus (sections at "一、" and "（一）" headings), then the
same reports replicated (new ids, same text) up to ``--sections`` sections. For this project's
index and for FTS5 over the same jieba-segmented text it measures, in one run:

- a full build: wall time, and the peak resident memory (psutil) of the building process and of
  each worker process it starts (FTS5's build includes its jieba segmentation);
- index size, and cold start (a new process that opens the index and answers one query);
- query latency over HTTP: ``--per-kind`` distinct queries of each kind drawn from the corpus
  (bench/querysets.py says how), each asked once "first time" and once more "repeated". Ours go
  to the real web app's ``/api/search`` served by waitress in a subprocess (bench/bench_web.py);
  FTS5's to a minimal waitress endpoint doing the same work (bench/fts_baseline.py). First time:
  the service's memo of matches and postings is emptied (an untimed request) before the query,
  so nothing it computed for an earlier query helps; repeated: the same query again at once
  (paging, another client). FTS5 keeps no results between queries, only SQLite's and the OS's
  page caches, which stay warm for both. Ours and FTS5 answer each query in turn, so noise from
  the shared machine falls on both.

Not a test: nothing here asserts a time.

    .venv/bin/python bench/bench_index.py                                   # corpus + 10,000
    .venv/bin/python bench/bench_index.py --sections 100000 --workdir /tmp/b100k
    .venv/bin/python bench/bench_index.py --sections 100000 --workdir /tmp/b100k --reuse --seed 7
    .venv/bin/python bench/bench_index.py --sections 1000000 --per-kind 40 --skip-corpus \
        --no-baseline --workdir /tmp/b1m      # ours only: FTS5 at 1M costs ~25 min CPU, ~15 GB
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import http.client
import io
import json
import math
import multiprocessing
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import start_process, start_server  # noqa: E402
from fts_baseline import build_fts  # noqa: E402
from querysets import KINDS, BenchQuery, draw_queries  # noqa: E402

from cppcc_search.models import Report, Section, write_documents  # noqa: E402
from cppcc_search.settings import DataPaths  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402
from indexer.search.types import SearchRequest  # noqa: E402
from tests.indexer.reports import corpus_reports  # noqa: E402

_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
SERVER_THREADS = 8
WARM_UP = ("新能源", '"新能源"')  # not drawn (its share is above the term band): opens both


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


# -- memory -------------------------------------------------------------------------------------


class PeakMemory:
    """Samples the resident memory of this process and its descendants (psutil, every 50 ms)
    while a ``with`` block runs; ``peaks`` maps each pid seen to its largest RSS in bytes and
    ``depths`` to its depth below this process (0: this one, 1: a child, 2: a grandchild)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self.depths: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                children = me.children()
                descendants = me.children(recursive=True)
            except psutil.Error:
                children, descendants = [], []
            direct = {child.pid for child in children}
            for process in [me, *descendants]:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                depth = 0 if process.pid == me.pid else 1 if process.pid in direct else 2
                self.depths[process.pid] = depth
                self.peaks[process.pid] = max(rss, self.peaks.get(process.pid, 0))
            self._stop.wait(self.interval)

    def summary(self, builder_depth: int = 0) -> dict[str, float]:
        """In MB: the building process's peak (at ``builder_depth``: 0 this process, 1 a child
        it runs) and the largest peak of any process below it (its workers)."""
        builder = [rss for pid, rss in self.peaks.items() if self.depths[pid] == builder_depth]
        workers = [rss for pid, rss in self.peaks.items() if self.depths[pid] > builder_depth]
        return {
            "parent_mb": max(builder, default=0) / 2**20,
            "worker_mb": max(workers, default=0) / 2**20,
        }


# -- building -----------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended: on a
    shared machine a build's wall time depends on how many processes it runs against the
    others', its CPU time does not."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build_both(
    reports: list[Report], paths: DataPaths, db_path: Path, workers: int, baseline: bool = True
) -> dict:
    """Full rebuild of our index and (with ``baseline``) the FTS5 build, timed, with their peak
    memory. Without the baseline the figures hold "ours" only."""
    sections = sum(len(r.sections) for r in reports)
    write_documents(paths.documents, reports)
    # In a process of its own, as `cppcc-search index --rebuild` runs: a worker forked from this
    # one would count this process's copy of the reports as its own resident memory.
    command = [sys.executable, "-m", "indexer", str(paths.root), "--rebuild", "--force"]
    with PeakMemory() as ours:
        started, cpu = time.perf_counter(), cpu_seconds()
        with subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, bufsize=1
        ) as build:
            assert build.stdout is not None
            for line in build.stdout:
                print("  ours:", line.rstrip(), flush=True)
        if build.returncode:
            raise RuntimeError(f"the rebuild failed ({build.returncode}): {' '.join(command)}")
        our_build, our_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"  ours: built in {our_build:.0f} s wall, {our_cpu:.0f} s CPU", flush=True)
    if not baseline:
        return {
            "build_s": {"ours": our_build},
            "build_cpu_s": {"ours": our_cpu},
            "sections_per_s": {"ours": sections / our_build},
            "size_mb": {"ours": dir_size(paths.index_dir) / 2**20},
            "build_memory": {"ours": ours.summary(builder_depth=1)},
        }
    with PeakMemory() as fts:
        started, cpu = time.perf_counter(), cpu_seconds()
        build_fts(db_path, reports, workers)
        fts_build, fts_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {
        "build_s": {"ours": our_build, "fts5": fts_build},
        "build_cpu_s": {"ours": our_cpu, "fts5": fts_cpu},
        "sections_per_s": {"ours": sections / our_build, "fts5": sections / fts_build},
        "size_mb": {
            "ours": dir_size(paths.index_dir) / 2**20,
            "fts5": db_path.stat().st_size / 2**20,
        },
        "build_memory": {"ours": ours.summary(builder_depth=1), "fts5": fts.summary()},
    }


# -- cold start ---------------------------------------------------------------------------------

COLD_OURS = """
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
from fts_baseline import fts_work
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


def cold_starts(paths: DataPaths, db_path: Path, baseline: bool = True) -> dict:
    bench_dir = str(Path(__file__).parent)
    query, match = WARM_UP
    ours = COLD_OURS.format(repo=str(REPO_ROOT), data=str(paths.root), query=query)
    if not baseline:
        return {"ours": cold_start(ours)}
    fts = COLD_FTS.format(bench=bench_dir, db=str(db_path), match=match)
    return {"ours": cold_start(ours), "fts5": cold_start(fts)}


# -- queries over HTTP --------------------------------------------------------------------------


class Client:
    """Requests over one keep-alive connection to a loopback server, timed in ms."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, refusal: bool = False) -> tuple[float, bytes | None]:
        """The time and body of a request; with ``refusal``, a 400 that says the query is too
        broad for the service's time budget comes back as body None (timed like an answer)."""
        started = time.perf_counter()
        self.conn.request(method, path)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if refusal and response.status == 400 and b"too broad" in body:
            return elapsed, None
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}: {body[:200]!r}")
        return elapsed, body

    def close(self) -> None:
        self.conn.close()


def time_queries(
    paths: DataPaths, db_path: Path, queries: list[BenchQuery], baseline: bool = True
) -> dict:
    """Each query first time and repeated, ours and (with ``baseline``) FTS5 in turn; per kind:
    samples and totals."""
    ours_server, ours_port = start_server(paths.root, SERVER_THREADS, clear_route=True)
    servers, ours, fts = [ours_server], Client(ours_port), None
    if baseline:
        fts_server, fts_port = start_process(
            [str(Path(__file__).with_name("fts_baseline.py")), str(db_path), str(SERVER_THREADS)]
        )
        servers.append(fts_server)
        fts = Client(fts_port)
    samples: dict[str, dict[str, list]] = {kind: {} for kind in KINDS}
    try:
        for _ in range(3):  # open the index, load columns, warm both page caches
            ours.request("GET", "/api/search?" + urlencode({"q": WARM_UP[0]}))
            if fts:
                fts.request("GET", "/search?" + urlencode({"match": WARM_UP[1]}))
        for query in queries:
            figures = samples[query.kind]
            ours_path = "/api/search?" + urlencode({"q": query.ours})
            ours.request("POST", "/__bench/clear-memo")
            first, body = ours.request("GET", ours_path, refusal=True)
            again, _ = ours.request("GET", ours_path, refusal=True)
            values: list[tuple[str, object]] = [
                ("ours_first", first),
                ("ours_repeat", again),
                ("ours_total", json.loads(body)["total"] if body is not None else -1),
                ("query", query.ours),
            ]
            if fts:
                fts_path = "/search?" + urlencode({"match": query.fts})
                fts_first, fts_body = fts.request("GET", fts_path)
                fts_again, _ = fts.request("GET", fts_path)
                values += [
                    ("fts_first", fts_first),
                    ("fts_repeat", fts_again),
                    ("fts_total", json.loads(fts_body)["total"] if fts_body else -1),
                ]
            for name, value in values:
                figures.setdefault(name, []).append(value)
        serving_mb = {
            name: psutil.Process(server.pid).memory_info().rss / 2**20
            for name, server in zip(("ours", "fts5"), servers, strict=False)
        }
    finally:
        ours.close()
        if fts:
            fts.close()
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return {"kinds": samples, "serving_mb": serving_mb}


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


# -- profiling ----------------------------------------------------------------------------------


def profile_kinds(paths: DataPaths, queries: list[BenchQuery], top: int = 18) -> dict[str, str]:
    """cProfile of each kind's queries asked first time in this process (what the tail is)."""
    service = SearchService.open(paths)
    service.search(SearchRequest(query=WARM_UP[0]))
    out = {}
    for kind in KINDS:
        profiler = cProfile.Profile()
        for query in (q for q in queries if q.kind == kind):
            service.clear_query_cache()
            profiler.enable()
            service.search(SearchRequest(query=query.ours))
            profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
        out[kind] = text.getvalue()
    service.close()
    return out


# -- one size -----------------------------------------------------------------------------------


def run_size(
    label: str,
    reports: list[Report],
    queries: list[BenchQuery],
    workdir: Path,
    args: argparse.Namespace,
) -> dict:
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
        built = build_both(reports, paths, db_path, args.workers, args.baseline)
        saved.write_text(json.dumps(built), encoding="utf-8")
    figures: dict = {"label": label, "reports": len(reports), "sections": sections, **built}
    figures["cold_ms"] = cold_starts(paths, db_path, args.baseline)
    figures.update(time_queries(paths, db_path, queries, args.baseline))
    if args.profile:
        figures["profiles"] = profile_kinds(paths, queries)
    report_figures(figures, args.slowest)
    return figures


def _ratio_line(name: str, unit: str, values: dict, fmt: str) -> str:
    if "fts5" not in values:  # --no-baseline
        return f"  {name:14s} ours {values['ours']:{fmt}} {unit}"
    ratio = values["ours"] / values["fts5"] if values["fts5"] else float("nan")
    return (
        f"  {name:14s} ours {values['ours']:{fmt}} {unit:10s} fts5 {values['fts5']:{fmt}} "
        f"{unit:10s} ours/fts5 {ratio:5.2f}x"
    )


def report_figures(f: dict, slowest: int) -> None:
    """Print one size's figures and (with the baseline) our/FTS5 ratios."""
    print(_ratio_line("full build", "s", f["build_s"], "8.1f"))
    if "build_cpu_s" in f:
        print(_ratio_line("build CPU", "s", f["build_cpu_s"], "8.1f"))
    print(_ratio_line("throughput", "sections/s", f["sections_per_s"], "8.0f"))
    print(_ratio_line("index size", "MB", f["size_mb"], "8.1f"))
    print(_ratio_line("cold start", "ms", f["cold_ms"], "8.0f"))
    memory = f.get("build_memory")
    if memory:
        for name in memory:
            print(
                f"  build memory {name}: building process {memory[name]['parent_mb']:.0f} MB, "
                f"largest worker {memory[name]['worker_mb']:.0f} MB (peak RSS)"
            )
    served = f["serving_mb"]
    print(
        "  server RSS after the queries: "
        + ", ".join(f"{name} {mb:.0f} MB" for name, mb in served.items())
    )
    baseline = "fts5" in served
    if baseline:
        _ratio_table(f)
    else:  # --no-baseline: ours alone
        _ours_table(f)
    for kind, s in f["kinds"].items():
        refused = [q for q, total in zip(s["query"], s["ours_total"], strict=True) if total < 0]
        if refused:  # timed as answered above: the user waited that long for the refusal
            print(f"  {kind}: refused as too broad for the time budget: {', '.join(refused)}")
    if slowest:
        unit = "ms ours / fts5" if baseline else "ms"
        print(f"  the {slowest} slowest first-time queries of each kind ({unit}, matches):")
        for kind, s in f["kinds"].items():
            theirs = s["fts_first"] if baseline else [None] * len(s["ours_first"])
            rows = sorted(
                zip(s["ours_first"], theirs, s["query"], s["ours_total"], strict=True),
                key=lambda row: row[0],
                reverse=True,
            )[:slowest]
            for ours, fts, query, total in rows:
                fts_ms = f" / {fts:7.1f}" if fts is not None else ""
                print(f"    {kind:7s} {ours:7.1f}{fts_ms}  {total:7d}  {query}")
    for kind, text in f.get("profiles", {}).items():
        print(f"  profile of the {kind} queries asked first time, in-process (by own time):")
        print("\n".join("    " + line for line in text.splitlines() if line.strip()))


def _ratio_table(f: dict) -> None:
    """The latency table of ours beside FTS5's."""
    print("  latency ms over HTTP, p50 / p95; matches: median share of sections, ours / fts5")
    print(
        f"  {'kind':7s} {'n':>3s} {'matches':>13s} | {'ours first':>15s} | {'fts5 first':>15s} |"
        f" {'p95 ratio':>9s} | {'ours repeated':>15s} | {'fts5 repeated':>15s}"
    )
    for kind, s in f["kinds"].items():
        o50, o95 = percentiles(s["ours_first"])
        f50, f95 = percentiles(s["fts_first"])
        r50, r95 = percentiles(s["ours_repeat"])
        g50, g95 = percentiles(s["fts_repeat"])
        ours_share = statistics.median(t for t in s["ours_total"] if t >= 0) / f["sections"]
        fts_share = statistics.median(s["fts_total"]) / f["sections"]
        print(
            f"  {kind:7s} {len(s['ours_first']):3d} {ours_share:6.1%}/{fts_share:6.1%} |"
            f" {o50:6.1f} / {o95:6.1f} | {f50:6.1f} / {f95:6.1f} | {o95 / f95:8.2f}x |"
            f" {r50:6.1f} / {r95:6.1f} | {g50:6.1f} / {g95:6.1f}"
        )


def _ours_table(f: dict) -> None:
    """The latency table of a run without the FTS5 baseline."""
    print("  latency ms over HTTP, p50 / p95; matches: median share of sections")
    print(f"  {'kind':7s} {'n':>3s} {'matches':>7s} | {'first':>15s} | {'repeated':>15s}")
    for kind, s in f["kinds"].items():
        o50, o95 = percentiles(s["ours_first"])
        r50, r95 = percentiles(s["ours_repeat"])
        answered = [t for t in s["ours_total"] if t >= 0]
        share = statistics.median(answered) / f["sections"] if answered else math.nan
        print(
            f"  {kind:7s} {len(s['ours_first']):3d} {share:6.1%} | {o50:6.1f} / {o95:6.1f} |"
            f" {r50:6.1f} / {r95:6.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sections", type=int, default=10000, help="replicated set size (0: corpus only)"
    )
    parser.add_argument("--per-kind", type=int, default=60, help="distinct queries of each kind")
    parser.add_argument("--seed", type=int, default=18, help="seed of the query draw")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep indexes here (default: temp)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="profile each kind in-process")
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest per kind")
    parser.add_argument("--skip-corpus", action="store_true", help="measure the large set only")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse indexes built earlier in --workdir"
    )
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="measure ours only: no FTS5 build or queries (at 1M it costs ~25 min CPU, ~15 GB)",
    )
    args = parser.parse_args()
    shared = REPO_ROOT.parent / "shared"
    if not (shared / "corpus").is_dir():
        print(f"skipped: {shared}/corpus is absent", file=sys.stderr)
        return 0
    corpus = [finer_sections(r) for r in corpus_reports(shared)]
    queries = draw_queries(corpus, args.per_kind, args.seed)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    results = []
    if not args.skip_corpus:
        results.append(run_size("corpus", corpus, queries, workdir, args))
    if args.sections:
        label = f"replicated-{args.sections}"
        print(f"\n(the {args.sections}-section set replicates the 72 real reports; text repeats)")
        results.append(run_size(label, replicated(corpus, args.sections), queries, workdir, args))
    if args.json:
        args.json.write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
