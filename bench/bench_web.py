"""Load on the web app: 8 clients over a mix of distinct searches, then the same under attack.

The app is served by waitress in a subprocess, with the settings it is served with, over an
existing data dir (index built): the demo data (``cppcc-search demo --build-only``) or the
replicated set ``bench/bench_index.py`` builds. The mix has at least 200 distinct searches drawn
from that data dir's own documents (words of middling frequency, pairs of words, quoted strings,
English words, with and without filters, sorts and pages, and browsing), each asked once, so the
figures are first-time costs, not the memo's.

The attack phase repeats the load while attacker threads send what issue 19 found starving the
server, and variants: many common single characters (ANDed and ORed, 16 to 64), exports of a
single character's result set, a flood of repeated parameters, trends of single characters.
It reports the attack requests' latencies and the normal searches' p95 during the attack.

    .venv/bin/python bench/bench_web.py --data-dir index_data [--clients 8] [--queries 240]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.cjk import CJK_RUN  # noqa: E402
from cppcc_search.models import read_documents  # noqa: E402

SERVER_CODE = """
import logging
import sys
from pathlib import Path
from webapp.serve import make_server  # as `cppcc-search serve` makes it
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
server = make_server(app, host="127.0.0.1", port=0, threads=int(sys.argv[2]))
print(server.effective_port, flush=True)
from webapp.serve import warm_up  # as `cppcc-search serve` does

warm_up()
server.run()
"""
HOSTILE_PARAMS = "&".join(["committee=c"] * 20_000)


def load_texts(data_dir: Path) -> list[tuple[str, str, int | None]]:
    """(Chinese text, English text, year) per section of the data dir's documents."""
    texts = []
    for report in read_documents(data_dir / "documents.jsonl"):
        for section in report.sections:
            chinese = "".join(CJK_RUN.findall(section.text))
            texts.append((chinese, section.text if report.language == "en" else "", report.year))
    return texts


def distinct_mix(data_dir: Path, count: int, seed: int = 19) -> list[str]:
    """``count`` distinct search paths drawn from the data dir's own text."""
    rng = random.Random(seed)
    texts = load_texts(data_dir)
    chinese = [t for t, _, _ in texts if len(t) > 40]
    english_words = Counter(
        w.lower() for _, e, _ in texts for w in e.split() if w.isalpha() and len(w) > 4
    )
    english = [w for w, n in english_words.most_common(400)[40:]] or ["energy", "care"]
    years = sorted({y for _, _, y in texts if y})
    paths: dict[str, None] = {}
    kinds = ("word", "pair", "phrase", "english", "browse")
    attempts = 0
    while len(paths) < count and attempts < count * 50:
        attempts += 1
        kind = kinds[len(paths) % len(kinds)]
        params: dict[str, str] = {}
        if kind == "browse":
            params["sort"] = rng.choice(("newest", "oldest"))
        elif kind == "english":
            params["q"] = rng.choice(english)
        else:
            source = rng.choice(chinese)
            start = rng.randrange(0, len(source) - 8)
            if kind == "word":
                params["q"] = source[start : start + 2]
            elif kind == "pair":
                other = rng.choice(chinese)
                at = rng.randrange(0, len(other) - 2)
                params["q"] = f"{source[start : start + 2]} {other[at : at + 2]}"
            else:
                params["q"] = f'"{source[start : start + rng.randint(3, 6)]}"'
        if rng.random() < 0.4 and years:
            low = rng.choice(years)
            params["year"] = f"{low}..{min(years[-1], low + rng.randint(0, 10))}"
        if rng.random() < 0.2:
            params["part"] = rng.choice(("review", "plan"))
        if rng.random() < 0.2:
            params["page"] = str(rng.randint(2, 4))
        paths[f"/search?{urlencode(params)}"] = None
    return list(paths)


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


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int | str, float]:
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        status: int | str = response.status
    except (OSError, http.client.HTTPException) as error:
        status = type(error).__name__
    return status, time.perf_counter() - started


def run_clients(port: int, paths: list[str], clients: int) -> tuple[float, list, list]:
    """Each path asked once, spread over ``clients`` keep-alive connections."""
    timed: list[tuple[str, float]] = []
    errors: list[tuple[str, int | str]] = []

    def client(share: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for path in share:
            status, seconds = fetch(conn, path)
            timed.append((path, seconds))
            if status != 200:
                errors.append((path, status))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=client, args=(paths[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, timed, errors


def common_characters(data_dir: Path, count: int = 96) -> str:
    """The data dir's most frequent Chinese characters, most frequent first."""
    counts = Counter(char for chinese, _, _ in load_texts(data_dir) for char in chinese)
    return "".join(char for char, _ in counts.most_common(count))


def attack_paths(characters: str) -> dict[str, str]:
    """What issue 19 found starving the server, and variants, by a short name."""

    def joined(chars: str, joint: str = " ") -> str:
        return quote(joint.join(chars))

    return {
        "64 characters AND": f"/api/search?q={joined(characters[:64])}",
        "32 characters AND": f"/api/search?q={joined(characters[16:48])}",
        "16 characters AND": f"/api/search?q={joined(characters[64:80])}",
        "16 characters OR": f"/api/search?q={joined(characters[64:80], ' OR ')}",
        "16 characters, HTML page": f"/search?q={joined(characters[48:64])}",
        "CSV of one character": f"/search.csv?q={quote(characters[0])}",
        "CSV, a later chunk": f"/search.csv?q={quote(characters[1])}&page=7",
        "RIS of one character": f"/search.ris?q={quote(characters[2])}",
        "repeated parameters": f"/search?q=x&{HOSTILE_PARAMS}",
        "trends of 8 characters": f"/trends?q={joined(characters[80:88], ',')}",
    }


def run_attackers(
    port: int, stop: threading.Event, attackers: int, paths: list[str]
) -> tuple[list[tuple[str, int | str, float]], list[threading.Thread]]:
    """Hostile requests in a loop until ``stop``: the (path, status, seconds) seen, the threads."""
    seen: list[tuple[str, int | str, float]] = []

    def attacker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        step = offset
        while not stop.is_set():
            path = paths[step % len(paths)]
            status, seconds = fetch(conn, path)
            seen.append((path, status, seconds))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            step += 1

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(attackers)]
    for thread in threads:
        thread.start()
    return seen, threads


def each_attack_alone(port: int, attacks: dict[str, str], probe: str) -> list[dict]:
    """Each hostile request on its own, with one normal search sent while it runs: the two
    latencies the issue's check bounds (2 s for the attack, 1 s for the normal search)."""
    rows = []
    for name, path in attacks.items():
        result: dict = {}

        def attack(path: str = path, result: dict = result) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            result["status"], result["attack_s"] = fetch(conn, path)
            conn.close()

        thread = threading.Thread(target=attack)
        thread.start()
        time.sleep(0.05)  # the attack is under way
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        _, result["normal_s"] = fetch(conn, probe)
        conn.close()
        thread.join()
        rows.append({"attack": name, **result})
    return rows


def per_attack(
    seen: list[tuple[str, int | str, float]], attacks: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Attack latencies grouped by attack."""
    names = {path: name for name, path in attacks.items()}
    grouped: dict[str, list[tuple[str, float]]] = {}
    for path, _, seconds in seen:
        grouped.setdefault(names[path], []).append((path, seconds))
    return {name: figures(timed) for name, timed in grouped.items()}


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def figures(timed: list[tuple[str, float]]) -> dict[str, float]:
    latencies = [seconds * 1000 for _, seconds in timed]
    return {
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures (JSON last)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("index_data"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=240, help="distinct searches per phase")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--attackers", type=int, default=8)
    args = parser.parse_args(argv)
    if not (args.data_dir / "index").exists():
        print(f"no index in {args.data_dir}: build one first (cppcc-search index)", file=sys.stderr)
        return 1
    mix = distinct_mix(args.data_dir, args.queries * 2)
    calm, stormy = mix[: args.queries], mix[args.queries :]
    process, port = start_server(args.data_dir, args.threads)
    try:
        run_clients(port, ["/search?q=warmup"], 1)  # open the index
        wall, timed, errors = run_clients(port, calm, args.clients)
        stop = threading.Event()
        attacks = attack_paths(common_characters(args.data_dir))
        alone = each_attack_alone(port, attacks, stormy[-1])
        seen, attackers = run_attackers(port, stop, args.attackers, list(attacks.values()))
        time.sleep(2)  # let the attack fill the server first
        _, under_attack, attack_errors = run_clients(port, stormy, args.clients)
        stop.set()
        for thread in attackers:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=10)
    hostile = [seconds * 1000 for _, _, seconds in seen]
    statuses = Counter(str(status) for _, status, _ in seen)
    result = {
        "data_dir": str(args.data_dir),
        "clients": args.clients,
        "distinct_searches": len(timed),
        "requests_per_s": round(len(timed) / wall, 1),
        "normal": figures(timed),
        "errors": len(errors),
        "under_attack": figures(under_attack) if under_attack else None,
        "errors_under_attack": len(attack_errors),
        "attack_requests": len(seen),
        "attack_p95_ms": round(percentile(hostile, 0.95), 1) if hostile else None,
        "attack_max_ms": round(max(hostile), 1) if hostile else None,
        "attack_statuses": dict(statuses),
        "attack_by_request": per_attack(seen, attacks),
        "each_attack_alone": alone,
    }
    print(f"{len(timed)} distinct searches from {args.clients} clients on {args.data_dir}")
    print(f"  normal:       {result['normal']}  errors {len(errors)}")
    print(f"  under attack: {result['under_attack']}  errors {len(attack_errors)}")
    print(f"  attack: {len(seen)} requests, p95 {result['attack_p95_ms']} ms, max "
          f"{result['attack_max_ms']} ms, statuses {dict(statuses)}")  # fmt: skip
    for name, timing in result["attack_by_request"].items():
        print(f"    {name:28}  p95 {timing['p95_ms']:8.1f} ms  max {timing['max_ms']:8.1f} ms")
    print("  each attack alone (attack s / a normal search meanwhile s):")
    for row in alone:
        seconds = f"{row['attack_s']:.2f} / {row['normal_s']:.2f}"
        print(f"    {row['attack']:28}  {row['status']}  {seconds}")
    for path, status in (errors + attack_errors)[:5]:
        print(f"  {status} {path[:100]}")
    print(json.dumps(result))
    return 1 if errors or attack_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
