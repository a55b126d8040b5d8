"""``python -m crawl URL... --data-dir D``: the crawl command on its own (tests run it as a real
process to kill and resume it; users run ``cppcc-search crawl``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cppcc_search.settings import DEFAULT_DATA_DIR, DataPaths
from crawl.cli import add_crawl_arguments, options_from_args
from crawl.crawler import run_crawl
from crawl.errors import CrawlError


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, crawl, print the summary; errors are one line on stderr. SIGTERM stops
    the crawl as Ctrl-C does (run_crawl handles it)."""
    parser = argparse.ArgumentParser(prog="python -m crawl", description="Crawl politely.")
    add_crawl_arguments(parser)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="data directory")
    args = parser.parse_args(argv)
    try:
        options = options_from_args(args)
        summary = run_crawl(DataPaths(args.data_dir).ensure(), options, progress=_progress)
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    print(summary.format())
    return 0


if __name__ == "__main__":
    sys.exit(main())
