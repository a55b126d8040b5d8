"""Crawler overhead: pages per second and peak memory crawling the gov-zh mirror with delay 0,
beside a plain sequential fetch loop (urllib, no parsing, no archive, no state) over the same
URLs in the same run. Then a 10 MB robots.txt of wildcard rules: parse time, memory and time per
URL check, parsed whole (as before the 500 KiB cap) and as the crawler reads it now. Each side
runs in its own process so peak RSS is its own.

    .venv/bin/python bench/bench_crawl.py [--rounds 3]

Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SITE = REPO_ROOT.parent / "shared" / "sites" / "gov-zh" / "www"


def crawl_worker(base: str, data_dir: Path) -> dict:
    """Crawl the mirror once; returns requests, seconds, peak RSS and the URLs it requested."""
    import sqlite3

    from cppcc_search.settings import DataPaths
    from crawl.crawler import CrawlOptions, run_crawl

    paths = DataPaths(data_dir).ensure()
    started = time.perf_counter()
    summary = run_crawl(paths, CrawlOptions(seeds=(base + "/",), delay=0.0))
    seconds = time.perf_counter() - started
    conn = sqlite3.connect(paths.crawl_db)
    urls = [u for (u,) in conn.execute("SELECT url FROM captures ORDER BY id")]
    conn.close()
    return {
        "requests": summary.requests,
        "pages": summary.pages,
        "seconds": seconds,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "urls": urls,
    }


def plain_worker(urls: list[str]) -> dict:
    """Fetch every URL once, sequentially, and throw the bodies away."""
    started = time.perf_counter()
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
        except OSError:
            pass  # a 404 costs the same round trip as in the crawl
    seconds = time.perf_counter() - started
    return {
        "requests": len(urls),
        "seconds": seconds,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def huge_robots(size: int = 10 * 1024 * 1024) -> bytes:
    """``size`` bytes of robots.txt: one group of wildcard Disallow rules (the costliest kind to
    check: every URL is matched against each of them)."""
    lines = [b"User-agent: *\n"]
    total, number = len(lines[0]), 0
    while total < size:
        line = b"Disallow: /archive/%d/*.php\n" % number
        lines.append(line)
        total, number = total + len(line), number + 1
    return b"".join(lines)


def robots_worker(whole: bool) -> dict:
    """Parse the huge robots.txt whole (Protego on every byte) or as the crawler does now, and
    check 200 URLs against it."""
    import psutil
    from protego import Protego

    from crawl.options import DEFAULT_USER_AGENT
    from crawl.robots import RobotsRules

    body = huge_robots()
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    if whole:
        parser = Protego.parse(body.decode("utf-8"))
        allows = lambda url: parser.can_fetch(url, DEFAULT_USER_AGENT)  # noqa: E731
    else:
        rules = RobotsRules.from_response("http://x.cn", 200, body)
        allows = lambda url: rules.allows(url, DEFAULT_USER_AGENT)  # noqa: E731
    parse_seconds = time.perf_counter() - started
    urls = [f"http://x.cn/archive/zz{n}/page{n}.html" for n in range(200)]
    started = time.perf_counter()
    for url in urls:
        allows(url)
    check_seconds = (time.perf_counter() - started) / len(urls)
    return {
        "bytes": len(body),
        "parse_seconds": parse_seconds,
        "check_ms": check_seconds * 1000,
        "kept_mb": (process.memory_info().rss - before) / 1e6,  # the parsed rules, held
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def robots_figures() -> None:
    """Print the huge robots.txt's costs, whole and capped, each measured in its own process."""
    whole = run_worker("--worker", "robots-whole")
    capped = run_worker("--worker", "robots-capped")
    print(f"robots.txt of {whole['bytes'] / 1e6:.1f} MB, wildcard rules, 200 URL checks")
    for name, figures in (("parsed whole (before)", whole), ("500 KiB cap (now)", capped)):
        print(
            f"{name}: parse {figures['parse_seconds']:.2f}s, "
            f"{figures['check_ms']:.1f} ms per check, rules hold {figures['kept_mb']:.0f} MB, "
            f"process peak {figures['peak_mb']:.0f} MB"
        )
    print(f"ratio of check time (whole / capped): {whole['check_ms'] / capped['check_ms']:.0f}x")


def run_worker(*args: str) -> dict:
    """Run this script as a worker process and read its JSON answer."""
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds (default 3)")
    parser.add_argument(
        "--worker",
        choices=["crawl", "plain", "robots-whole", "robots-capped"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "crawl":
        print(json.dumps(crawl_worker(args.base, args.data_dir)))
        return 0
    if args.worker == "plain":
        print(json.dumps(plain_worker(json.loads(args.urls.read_text()))))
        return 0
    if args.worker in ("robots-whole", "robots-capped"):
        sys.path.insert(0, str(REPO_ROOT))
        print(json.dumps(robots_worker(whole=args.worker == "robots-whole")))
        return 0
    if not SITE.is_dir():
        print(f"skipped: {SITE} is absent", file=sys.stderr)
        return 0
    sys.path.insert(0, str(REPO_ROOT))
    from cppcc_search.sitehost import serve_directory

    crawls, plains = [], []
    with serve_directory(SITE) as base, tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            data_dir = Path(tmp) / f"round{round_no}"
            crawl = run_worker("--worker", "crawl", "--base", base, "--data-dir", str(data_dir))
            url_file = Path(tmp) / f"urls{round_no}.json"
            url_file.write_text(json.dumps(crawl["urls"]))
            plain = run_worker("--worker", "plain", "--urls", str(url_file))
            crawls.append(crawl)
            plains.append(plain)
    crawl = min(crawls, key=lambda r: r["seconds"])
    plain = min(plains, key=lambda r: r["seconds"])
    crawl_rate = crawl["requests"] / crawl["seconds"]
    plain_rate = plain["requests"] / plain["seconds"]
    print(f"gov-zh mirror, delay 0, best of {args.rounds} rounds")
    crawl_mb = crawl["peak_rss_kb"] / 1024
    print(
        f"crawler: {crawl['requests']} requests ({crawl['pages']} HTML pages) in "
        f"{crawl['seconds']:.2f}s = {crawl_rate:.0f} req/s; peak RSS {crawl_mb:.0f} MB"
    )
    print(
        f"plain loop: {plain['requests']} requests in {plain['seconds']:.2f}s = "
        f"{plain_rate:.0f} req/s; peak RSS {plain['peak_rss_kb'] / 1024:.0f} MB"
    )
    print(f"ratio (crawler time / plain loop time): {crawl['seconds'] / plain['seconds']:.2f}x")
    robots_figures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
