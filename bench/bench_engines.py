"""Whoosh against SolrCloud on the same corpus and queries, through the product's search service
(prints figures; not a test: nothing here asserts a time).

Data: the 72 real reports of ../shared/corpus, split as bench/bench_index.py splits them and
replicated (new ids, same text) to ``--sections``, written as one documents.jsonl. Each engine
builds it with the product's command (``cppcc-search index --rebuild``, and ``--engine solr
--init`` into the local 2-node cluster: ZooKeeper and two Solr JVMs, 2 shards x 2 replicas).

Queries: 40 distinct queries of each kind, drawn from the corpus text with a fixed seed — a
term (a word of middling frequency), an AND of two common words, a phrase (a Chinese string of 5
to 8 characters from one clause) and a broad word (the commonest words) — each asked once, in a
new process per engine, through ``open_search_service(...).search(SearchRequest(query))``: one
page of ten hits with snippets and passage links, every facet, the query's translations. The
Whoosh service's memo is cleared before each query; Solr's caches are not warm for any query
(each is asked once). Five other queries warm each engine up first.

Memory: the peak resident memory of each build process (for Solr, the Python client that sends
the documents), of each query process, and the Solr JVMs' resident memory (peak while building,
and after the queries), read from /proc.

    .venv/bin/python bench/bench_engines.py --sections 100000 --workdir /tmp/engines100k
    .venv/bin/python bench/bench_engines.py --sections 1000000 --solr-budget 1200  # partial
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.bench_index import finer_sections, percentiles, replicated  # noqa: E402
from cppcc_search.cjk import CJK_RUN  # noqa: E402
from cppcc_search.models import Report, write_documents  # noqa: E402
from cppcc_search.settings import DataPaths  # noqa: E402
from tests.indexer.reports import corpus_reports  # noqa: E402

KINDS = ("term", "and", "phrase", "broad")
PER_KIND = 40
WARM_UP = ("人民", "政府工作", "改革 开放", "粮食", "社会主义")
SEED = 20
CLI = str(REPO_ROOT / ".venv" / "bin" / "cppcc-search")
_CLAUSE_BREAK = re.compile(r"[，。；：、！？（）《》“”\s]")


# -- queries --


def draw_queries(reports: list[Report], per_kind: int = PER_KIND) -> dict[str, list[str]]:
    """``per_kind`` distinct queries of each kind from the reports' text (a fixed seed)."""
    import rjieba

    rng = random.Random(SEED)
    words: Counter[str] = Counter()
    strings: list[str] = []
    for report in reports:
        for section in report.sections:
            found = {w for w in rjieba.cut(section.text) if CJK_RUN.fullmatch(w) and len(w) >= 2}
            words.update(sorted(found))  # document frequency: sections holding the word
            for clause in _CLAUSE_BREAK.split(section.text):
                if len(clause) >= 8 and CJK_RUN.fullmatch(clause):
                    strings.append(clause)
    # Ties by the word itself: the same queries in every process (sets' order is not).
    ranked = [w for w, _ in sorted(words.items(), key=lambda i: (-i[1], i[0])) if w not in WARM_UP]
    broad = ranked[:per_kind]
    common = ranked[per_kind : per_kind + 200]
    middle = ranked[len(ranked) // 20 : len(ranked) // 5]
    pairs: set[str] = set()
    while len(pairs) < per_kind:
        a, b = rng.sample(common, 2)
        pairs.add(f"{a} {b}")
    phrases: set[str] = set()
    while len(phrases) < per_kind:
        clause = rng.choice(strings)
        length = rng.randint(5, 8)
        start = rng.randint(0, len(clause) - length)
        phrases.add(f'"{clause[start : start + length]}"')
    return {
        "term": rng.sample(middle, per_kind),
        "and": sorted(pairs),
        "phrase": sorted(phrases),
        "broad": broad,
    }


# -- processes and memory --


def rss_mb(pid: int) -> float | None:
    """A process's resident memory now, in MB (None when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


class Sampler:
    """The peak resident memory of some processes (summed), sampled twice a second."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(rss_mb(p) or 0.0 for p in self.pids))
            self._stop.wait(0.5)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# Runs a command and reports its children's peak RSS: that of the command itself, or of the
# largest worker process it waited for (wait4 semantics), never of an earlier command; and
# their CPU time (user + system).
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print('peak_kb', used.ru_maxrss, file=sys.stderr)\n"
    "print('cpu_s', used.ru_utime + used.ru_stime, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_measured(argv: list[str], budget: float | None = None) -> dict[str, Any]:
    """Run a command: its wall time, exit code, output and peak RSS (MB). After ``budget``
    seconds it is sent SIGTERM (the product's commands stop cleanly on it)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stopped = False
    try:
        out, err = process.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        stopped = True
        for child in _children(process.pid):
            os.kill(child, signal.SIGTERM)
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = re.findall(r"^peak_kb (\d+)$", err, re.MULTILINE)
    cpu = re.findall(r"^cpu_s ([\d.]+)$", err, re.MULTILINE)
    return {
        "load_at_end": os.getloadavg(),  # 1, 5 and 15 minutes: what ran beside it
        "cpu_s": float(cpu[-1]) if cpu else None,
        "seconds": seconds,
        "returncode": process.returncode,
        "stopped": stopped,
        "stdout": out,
        "stderr": err,
        "peak_mb": int(peak[-1]) / 1024 if peak else None,
    }


def cpu_seconds(pid: int) -> float | None:
    """A running process's CPU time so far (user + system), from /proc (None when it is gone):
    on a shared machine the CPU a build costs says more than its wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


# -- one engine's queries, in a process of its own --


def query_process(args: argparse.Namespace) -> int:
    """Answer the queries file on one engine; print timings (ms) and this process's peak RSS."""
    import resource

    from cppcc_search.settings import EngineSettings
    from indexer.engines import open_search_service
    from indexer.search.types import SearchRequest

    queries = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))
    engine = EngineSettings(args.engine, args.engine_url) if args.engine == "solr" else None
    service = open_search_service(DataPaths(Path(args.data_dir)), engine)
    for query in WARM_UP:
        service.search(SearchRequest(query=query))
    requests = _count_requests(service)
    timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for kind in KINDS:
        for query in queries[kind]:
            service.clear_query_cache()
            started = time.perf_counter()
            response = service.search(SearchRequest(query=query))
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            totals.setdefault(kind, []).append(response.total)
    service.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = {"timings": timings, "totals": totals, "peak_mb": peak}
    if requests is not None:
        found["requests_per_search"] = requests["count"] / sum(map(len, timings.values()))
        found["ms_in_requests"] = requests["ms"] / sum(map(len, timings.values()))
    print(json.dumps(found))
    return 0


def _count_requests(service: Any) -> dict[str, float] | None:
    """For Solr: count the HTTP requests of each search and the time spent waiting on them."""
    client = getattr(service, "client", None)
    if client is None:
        return None
    tally = {"count": 0.0, "ms": 0.0}

    def counted(method: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                tally["count"] += 1
                tally["ms"] += (time.perf_counter() - started) * 1000

        return call

    client.get, client.post_json, client.post_form = (
        counted(client.get),
        counted(client.post_json),
        counted(client.post_form),
    )
    return tally


def run_queries(engine: str, data_dir: Path, queries_file: Path, url: str | None) -> dict:
    argv = [
        sys.executable,
        __file__,
        "--query-process",
        "--engine",
        engine,
        "--data-dir",
        str(data_dir),
        "--queries-file",
        str(queries_file),
    ]
    if url:
        argv += ["--engine-url", url]
    run = run_measured(argv)
    if run["returncode"] != 0:
        raise SystemExit(f"{engine} queries failed:\n{run['stderr'][-3000:]}")
    return json.loads(run["stdout"].strip().splitlines()[-1])


# -- builds --


def build_whoosh(data_dir: Path) -> dict:
    run = run_measured([CLI, "index", "--rebuild", "--data-dir", str(data_dir)])
    if run["returncode"] != 0:
        raise SystemExit(f"Whoosh build failed:\n{run['stderr'][-3000:]}")
    return run


def build_solr(data_dir: Path, cluster: dict, budget: float | None) -> dict:
    """The Solr build, with the JVMs' peak RSS while it runs; stopped after ``budget`` seconds
    (then the documents the collection being built holds say how far it got)."""
    jvms = [node["pid"] for node in cluster["nodes"]]
    argv = [CLI, "index", "--engine", "solr", "--engine-url", cluster["url"], "--init"]
    argv += ["--rebuild", "--data-dir", str(data_dir)]
    before = [cpu_seconds(p) or 0.0 for p in jvms]
    with Sampler(jvms) as sampler:
        run = run_measured(argv, budget)
    run["jvm_cpu_s"] = sum((cpu_seconds(p) or 0.0) - b for p, b in zip(jvms, before, strict=True))
    run["jvm_peak_mb"] = sampler.peak
    run["jvm_after_mb"] = sum(rss_mb(p) or 0.0 for p in jvms)
    return run


def start_cluster(cluster_dir: Path, heap: str) -> dict:
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "cluster",
            f"CLUSTER_DIR={cluster_dir}",
            f"CLUSTER_HEAP={heap}",
        ],
        cwd=REPO_ROOT,
        check=True,
    )
    return json.loads((cluster_dir / "cluster.json").read_text(encoding="utf-8"))


def stop_cluster(cluster_dir: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "cluster-down", f"CLUSTER_DIR={cluster_dir}"],
        cwd=REPO_ROOT,
        check=False,
    )


# -- figures --


def table(results: dict[str, dict], queries: dict[str, list[str]]) -> str:
    lines = [
        "| kind (40 queries each) | Whoosh p50 / p95 ms | Solr p50 / p95 ms | "
        "median matches Whoosh / Solr |",
        "| --- | --- | --- | --- |",
    ]
    for kind in KINDS:
        cells = []
        for engine in ("whoosh", "solr"):
            found = results.get(engine)
            if not found:
                cells.append("not measured")
                continue
            p50, p95 = percentiles(found["timings"][kind])
            cells.append(f"{p50:.1f} / {p95:.1f}")
        matches = " / ".join(
            f"{statistics.median(results[e]['totals'][kind]):,.0f}" if e in results else "-"
            for e in ("whoosh", "solr")
        )
        lines.append(f"| {kind} (e.g. {queries[kind][0]}) | {cells[0]} | {cells[1]} | {matches} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-engines"))
    parser.add_argument("--engines", default="whoosh,solr")
    parser.add_argument("--cluster-heap", default="768m")
    parser.add_argument(
        "--solr-budget", type=float, default=None, help="stop the Solr build after N seconds"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the documents and the Whoosh index (the cluster is always started fresh)",
    )
    parser.add_argument("--query-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--engine-url", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.query_process:
        return query_process(args)
    engines = args.engines.split(",")
    shared = REPO_ROOT.parent / "shared"
    if not (shared / "corpus").is_dir():
        shared = Path("/work/shared")
    data_dir = args.workdir / "data"
    paths = DataPaths(data_dir).ensure()
    corpus = [finer_sections(r) for r in corpus_reports(shared)]
    reports = replicated(corpus, args.sections)
    sections = sum(len(r.sections) for r in reports)
    chars = sum(len(s.text) for r in reports for s in r.sections)
    queries_file = args.workdir / "queries.json"
    queries = draw_queries(corpus)
    queries_file.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.reuse:
        write_documents(paths.documents, reports)
    del reports
    print(f"{sections:,} sections ({chars / 1e6:.0f} M characters); queries in {queries_file}")
    builds: dict[str, dict] = {}
    results: dict[str, dict] = {}
    if "whoosh" in engines:
        run_whoosh(data_dir, queries_file, args.reuse, builds, results)
    if "solr" in engines:
        run_solr(args, data_dir, queries_file, builds, results)
    print_figures(sections, builds, results, queries)
    (args.workdir / "results.json").write_text(
        json.dumps({"builds": _plain(builds), "results": results}, indent=1), encoding="utf-8"
    )
    return 0


def run_whoosh(
    data_dir: Path, queries_file: Path, reuse: bool, builds: dict, results: dict
) -> None:
    """Build the Whoosh index (unless reused), then time the queries on it."""
    if not reuse:
        builds["whoosh"] = build_whoosh(data_dir)
        print(f"Whoosh build: {builds['whoosh']['seconds']:.1f} s", flush=True)
    results["whoosh"] = run_queries("whoosh", data_dir, queries_file, None)


def run_solr(
    args: argparse.Namespace, data_dir: Path, queries_file: Path, builds: dict, results: dict
) -> None:
    """Start a fresh cluster, build the collection, time the queries (unless the build was
    stopped), and stop the cluster whatever happens."""
    cluster_dir = args.workdir / "cluster"
    cluster = start_cluster(cluster_dir, args.cluster_heap)
    try:
        build = builds["solr"] = build_solr(data_dir, cluster, args.solr_budget)
        print(f"Solr build: {build['seconds']:.1f} s (exit {build['returncode']})", flush=True)
        if not build["stopped"]:
            results["solr"] = run_queries("solr", data_dir, queries_file, cluster["url"])
            results["solr"]["jvm_mb"] = sum(rss_mb(node["pid"]) or 0.0 for node in cluster["nodes"])
    finally:
        stop_cluster(cluster_dir)


def documents_sent(stderr: str) -> int:
    """How many documents a Solr build had sent (and Solr indexed) by its last progress line."""
    sent = re.findall(r"^(\d+) documents sent$", stderr, re.MULTILINE)
    return int(sent[-1]) if sent else 0


def _plain(builds: dict[str, dict]) -> dict:
    return {k: {n: v for n, v in b.items() if n not in ("stdout",)} for k, b in builds.items()}


def print_figures(sections: int, builds: dict, results: dict, queries: dict) -> None:
    print()
    for engine, build in builds.items():
        rate = sections / build["seconds"] if build["returncode"] == 0 else 0
        line = (
            f"{engine} build: {build['seconds']:.1f} s ({rate:,.0f} sections/s), exit "
            f"{build['returncode']}, CPU {build.get('cpu_s') or 0:,.0f} s, peak RSS of the "
            f"build's largest process {build['peak_mb'] or 0:,.0f} MB"
        )
        line += ", load average at its end {:.1f} / {:.1f} / {:.1f}".format(*build["load_at_end"])
        if "jvm_cpu_s" in build:
            line += f"; Solr JVMs' CPU while building {build['jvm_cpu_s']:,.0f} s"
        if "jvm_peak_mb" in build:
            line += f"; Solr JVMs (2 nodes) peak RSS while building {build['jvm_peak_mb']:,.0f} MB"
        if build.get("stopped"):
            sent = documents_sent(build["stderr"])
            line += (
                f"; STOPPED after {build['seconds']:.0f} s: {sent:,} documents sent "
                f"({sent / build['seconds']:,.0f} documents/s)"
            )
        print(line)
    for engine, found in results.items():
        line = f"{engine} query process peak RSS {found['peak_mb']:,.0f} MB"
        if "requests_per_search" in found:
            line += (
                f"; {found['requests_per_search']:.1f} HTTP requests a search, "
                f"{found['ms_in_requests']:.1f} ms of it waiting on them"
            )
        if "jvm_mb" in found:
            line += f"; Solr JVMs (2 nodes) RSS after the queries {found['jvm_mb']:,.0f} MB"
        print(line)
    print()
    print(table(results, queries))


if __name__ == "__main__":
    sys.exit(main())
