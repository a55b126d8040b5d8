"""``python -m crawl URL... --data-dir D``: the crawl command on its own (tests run it as a real
process to kill and resume it; users run ``cppcc-search crawl``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cppcc_search.settings import DEFAULT_DATA_DIR, DataPaths
from crawl.cli import (
    add_crawl_arguments,
    command_line,
    failure_message,
    interrupted_message,
    options_from_args,
)
from crawl.crawler import run_crawl
from crawl.errors import CrawlError, CrawlInterrupted


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, crawl, print the summary; errors are one line on stderr, and a run that
    fetched nothing exits 1. SIGTERM stops the crawl as Ctrl-C does (run_crawl handles it)."""
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
    except CrawlInterrupted as stop:
        resume = command_line("python -m crawl", options, args.data_dir)
        print(interrupted_message(stop.summary, resume), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    print(summary.format())
    failure = failure_message(summary)
    if failure is not None:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
