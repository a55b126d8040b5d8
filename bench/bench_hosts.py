"""Many slow hosts at once: N loopback sites whose every answer takes a while, crawled by
``cppcc-search crawl`` with its default concurrency and again with ``--concurrency 1`` (the
baseline, one request at a time as the crawler used to be); every gap between two requests to
one host is checked against ``--delay``. Then the hostile site (good reports beside a page that
hangs and one that drips) is crawled with the default timeout and retries.

    .venv/bin/python bench/bench_hosts.py [--hosts 12] [--pages 16] [--latency 0.6]
                                          [--delay 0.5] [--hostile-reports 20] [--no-hostile]

Prints figures, and exits 1 if a per-host gap is shorter than the delay, a page is missing, or
a crawl fails; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.crawl.servers import running  # noqa: E402
from tests.crawl.slow_sites import HostileSite, slow_sites  # noqa: E402

CRAWL = [str(Path(sys.executable).with_name("cppcc-search")), "crawl"]


def crawl(seeds: list[str], data_dir: Path, *options: str) -> tuple[float, str]:
    """Run the crawl command; returns its wall time and its summary. A failed crawl stops the
    benchmark."""
    started = time.perf_counter()
    done = subprocess.run(
        [*CRAWL, *seeds, "--data-dir", str(data_dir), *options],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"crawl failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, done.stdout


def slow_hosts(args: argparse.Namespace, tmp: Path, *options: str) -> tuple[float, bool, float]:
    """Crawl fresh slow sites; returns (seconds, every page fetched once, smallest gap)."""
    with slow_sites(args.hosts, args.pages, args.latency) as (sites, overlap):
        seeds = [site.base + "/" for site in sites]
        label = " ".join(options) or "default"
        seconds, _ = crawl(
            seeds, tmp / label.replace(" ", ""), "--delay", str(args.delay), *options
        )
        complete = all(
            site.log.counts()[path] == 1 for site in sites for path in ["/", *site.reports]
        )
        smallest = min(min(site.gaps()) for site in sites)
        print(
            f"  {label:<15} {seconds:6.1f} s, {sum(len(s.log.entries) for s in sites)} requests, "
            f"at most {overlap.max_in_flight} in flight, smallest per-host gap {smallest:.3f} s"
        )
    return seconds, complete, smallest


def hostile(args: argparse.Namespace, tmp: Path) -> bool:
    """Crawl the hostile site with the defaults; returns whether every good report came."""
    site = HostileSite(args.hostile_reports)
    with running(site):
        seconds, summary = crawl([site.base + "/"], tmp / "hostile")
        counts = site.log.counts()
    good = sum(1 for path in site.reports if counts[path] == 1)
    print(
        f"hostile site ({args.hostile_reports} good reports, /hang and /drip), defaults "
        f"(--timeout 30, --retries 2, --delay 1): {seconds:.1f} s; good reports fetched "
        f"{good}/{len(site.reports)}; /hang tried {counts['/hang']}x, /drip {counts['/drip']}x"
    )
    failed = [line.strip() for line in summary.splitlines() if "[timeout]" in line]
    print("  " + "\n  ".join(failed))
    return good == len(site.reports)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=12)
    parser.add_argument("--pages", type=int, default=16, help="pages per host, home included")
    parser.add_argument("--latency", type=float, default=0.6, help="seconds per answer")
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--hostile-reports", type=int, default=20)
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile site")
    args = parser.parse_args()
    print(
        f"{args.hosts} hosts x {args.pages} pages, {args.latency} s per answer "
        f"(robots.txt and 404s too), --delay {args.delay}"
    )
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        parallel, complete, gap = slow_hosts(args, Path(tmp))
        ok &= complete and gap >= args.delay
        serial, complete, gap = slow_hosts(args, Path(tmp), "--concurrency", "1")
        ok &= complete and gap >= args.delay
        print(f"  speed-up over one request at a time: {serial / parallel:.1f}x")
        if not args.no_hostile:
            ok &= hostile(args, Path(tmp))
    if not ok:
        print("FAILED: a page was missed, a gap was shorter than the delay, or a report is missing")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
