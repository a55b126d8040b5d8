"""Command-line options of ``crawl`` (everything except ``--data-dir``, which the caller adds)."""

from __future__ import annotations

import argparse

from crawl.crawler import DEFAULT_USER_AGENT, CrawlOptions, validate_options

DEFAULTS = CrawlOptions(seeds=())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0: {text!r}")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the crawl command's arguments (URLs and options) to ``parser``."""
    parser.add_argument("urls", nargs="+", metavar="URL", help="seed URLs (http or https)")
    parser.add_argument(
        "--max-pages", type=_positive_int, metavar="N", help="stop after N pages in this invocation"
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=DEFAULTS.delay,
        metavar="SECONDS",
        help="seconds between requests to one host (default %(default)s; a longer "
        "robots.txt Crawl-delay wins)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also follow links to HOST (repeatable; '*.example.com' for subdomains)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="REGEX",
        help="follow only URLs matching REGEX (repeatable)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="REGEX",
        help="never follow URLs matching REGEX (repeatable)",
    )
    parser.add_argument(
        "--max-depth", type=_non_negative_int, metavar="N", help="follow links at most N steps"
    )
    parser.add_argument(
        "--max-pattern-chain",
        type=_non_negative_int,
        default=DEFAULTS.max_pattern_chain,
        metavar="N",
        help="follow at most N pages in a row of one URL pattern that bring nothing new "
        "(stops crawl traps such as endless calendars; default %(default)s)",
    )
    parser.add_argument(
        "--user-agent",
        default=DEFAULT_USER_AGENT,
        metavar="UA",
        help="User-Agent header; keep a contact URL in it (default %(default)r)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULTS.timeout,
        metavar="SECONDS",
        help="network inactivity timeout (default %(default)s)",
    )
    parser.add_argument(
        "--deadline",
        type=_positive_seconds,
        default=DEFAULTS.deadline,
        metavar="SECONDS",
        help="longest time for one whole response (default %(default)s)",
    )
    parser.add_argument(
        "--retries",
        type=_non_negative_int,
        default=DEFAULTS.retries,
        metavar="N",
        help="retries after a timeout, network error, 5xx or 429 (default %(default)s)",
    )
    parser.add_argument(
        "--retry-backoff",
        type=_seconds,
        default=DEFAULTS.retry_backoff,
        metavar="SECONDS",
        help="first wait before a retry, doubled each time (default %(default)s)",
    )
    parser.add_argument(
        "--robots-retry-wait",
        type=_seconds,
        default=DEFAULTS.robots_retry_wait,
        metavar="SECONDS",
        help="ask again for a robots.txt that could not be fetched after this long; its "
        "origin is disallowed meanwhile (default %(default)s)",
    )
    parser.add_argument(
        "--max-redirects",
        type=_non_negative_int,
        default=DEFAULTS.max_redirects,
        metavar="N",
        help="longest redirect chain followed (default %(default)s)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=DEFAULTS.max_body_bytes,
        metavar="N",
        help="largest body kept, counted after decompression (default %(default)s)",
    )
    parser.add_argument(
        "--no-sitemaps",
        action="store_true",
        help="do not read robots.txt Sitemap: lines or /sitemap.xml",
    )


def options_from_args(args: argparse.Namespace) -> CrawlOptions:
    """Build CrawlOptions from parsed arguments; raises CrawlError for bad values."""
    options = CrawlOptions(
        seeds=tuple(args.urls),
        max_pages=args.max_pages,
        delay=args.delay,
        user_agent=args.user_agent,
        allow_hosts=tuple(args.allow_host),
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        max_depth=args.max_depth,
        max_pattern_chain=args.max_pattern_chain,
        robots_retry_wait=args.robots_retry_wait,
        timeout=args.timeout,
        deadline=args.deadline,
        retries=args.retries,
        retry_backoff=args.retry_backoff,
        max_redirects=args.max_redirects,
        max_body_bytes=args.max_body_bytes,
        sitemaps=not args.no_sitemaps,
    )
    validate_options(options)
    return options
