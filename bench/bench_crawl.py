"""Crawler overhead: pages per second and peak memory crawling the gov-zh mirror with delay 0,
beside a plain sequential fetch loop (urllib, no parsing, no archive, no state) over the same
URLs in the same run. Each side runs in its own process so peak RSS is its own.

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


def run_worker(*args: str) -> dict:
    """Run this script as a worker process and read its JSON answer."""
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds (default 3)")
    parser.add_argument("--worker", choices=["crawl", "plain"], help=argparse.SUPPRESS)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
