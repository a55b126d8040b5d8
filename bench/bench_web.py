"""Benchmark /search under 8 concurrent clients on loopback: requests/s, p50/p95 latency, errors.

The app is served by waitress in a subprocess over an existing data dir (index built), e.g. the demo
data (``cppcc-search demo --build-only`` writes ./index_data) or the ~100k-section set that
``bench/bench_index.py`` builds. Usage:

    .venv/bin/python bench/bench_web.py --data-dir index_data [--clients 8] [--requests 400]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlencode

# The index benchmark's query kinds (bench/bench_index.py): a term, two terms (AND), a phrase and
# a broad term, each bare and with facets; plus English, a demo-site topic and a browse.
QUERY_MIX: tuple[dict[str, str | list[str]], ...] = (
    {"q": "新能源"},
    {"q": "新能源", "language": "zh", "part": "plan"},
    {"q": "农业 科技"},
    {"q": "农业 科技", "year": "2000..2024"},
    {"q": '"社会主义市场经济"'},
    {"q": '"社会主义市场经济"', "sort": "newest"},
    {"q": "发展"},
    {"q": "发展", "level": ["national", "municipal"], "part": "review", "page": "3"},
    {"q": "养老 服务"},
    {"q": "energy"},
    {"q": '"elderly care"', "language": "en"},
    {},
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVER_CODE = """
import logging
import sys
from pathlib import Path
from waitress.server import create_server
from cppcc_search.settings import DataPaths
from webapp import create_app
logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" notes are expected
app = create_app(paths=DataPaths(Path(sys.argv[1])))
if "--clear-route" in sys.argv[3:]:
    # Benchmarks only: forget the service's memo, so the next query is timed as a first one.
    from webapp.services import search_service

    def clear_memo():
        search_service().clear_query_cache()
        return "", 204

    app.add_url_rule("/__bench/clear-memo", "bench_clear_memo", clear_memo, methods=["POST"])
server = create_server(app, host="127.0.0.1", port=0, threads=int(sys.argv[2]))
print(server.effective_port, flush=True)
server.run()
"""


def query_paths() -> list[str]:
    """The request paths of the mix."""
    return [f"/search?{urlencode(params, doseq=True)}" for params in QUERY_MIX]


def start_server(
    data_dir: Path, threads: int, clear_route: bool = False
) -> tuple[subprocess.Popen, int]:
    """Serve the app with waitress in a subprocess; returns it and its port.

    With ``clear_route``, ``POST /__bench/clear-memo`` empties the service's query memo.
    """
    extra = ["--clear-route"] if clear_route else []
    return start_process(["-c", SERVER_CODE, str(data_dir), str(threads), *extra])


def start_process(arguments: list[str]) -> tuple[subprocess.Popen, int]:
    """Start ``python ARGUMENTS``, a server that prints its port first; returns it and the port."""
    process = subprocess.Popen(
        [sys.executable, *arguments],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    line = process.stdout.readline() if process.stdout else ""
    if not line.strip().isdigit():
        process.kill()
        raise SystemExit(f"server did not start (got {line!r})")
    return process, int(line)


def client_loop(port: int, paths: list[str], count: int, offset: int, out: list, errors: list):
    """One client: ``count`` requests over a keep-alive connection, cycling through the mix."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(count):
        path = paths[(offset + i) % len(paths)]
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((path, time.perf_counter() - started))
        if status != 200:
            errors.append((path, status))
    conn.close()


def run_load(port: int, clients: int, total: int) -> tuple[float, list[tuple[str, float]], list]:
    """Run ``total`` requests from ``clients`` threads; returns wall time, latencies, errors."""
    paths = query_paths()
    latencies: list[tuple[str, float]] = []
    errors: list = []
    per_client = max(1, total // clients)
    threads = [
        threading.Thread(
            target=client_loop, args=(port, paths, per_client, i * 3, latencies, errors)
        )
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("index_data"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    args = parser.parse_args(argv)
    if not (args.data_dir / "index").exists():
        print(f"no index in {args.data_dir}: build one first (cppcc-search index)", file=sys.stderr)
        return 1
    process, port = start_server(args.data_dir, args.threads)
    try:
        run_load(port, 2, len(QUERY_MIX) * 2)  # warm-up: open the index, fill caches
        wall, timed, errors = run_load(port, args.clients, args.requests)
    finally:
        process.terminate()
        process.wait(timeout=10)
    latencies = [seconds for _, seconds in timed]
    print(f"data dir: {args.data_dir}  clients: {args.clients}  requests: {len(latencies)}")
    print(f"requests/s: {len(latencies) / wall:.1f}")
    print(
        f"latency ms: p50 {statistics.median(latencies) * 1000:.1f}  "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f}  max {max(latencies) * 1000:.1f}"
    )
    for path in query_paths():
        mine = [seconds for p, seconds in timed if p == path]
        if mine:
            print(f"  p95 {percentile(mine, 0.95) * 1000:7.1f} ms  {unquote(path)}")
    print(f"errors: {len(errors)}")
    for path, status in errors[:5]:
        print(f"  {status} {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
