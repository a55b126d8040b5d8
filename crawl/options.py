"""The options of one crawl, declared once with their defaults, and their validation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from captures.urls import canonicalize
from crawl.errors import CrawlError

DEFAULT_USER_AGENT = (
    "cppcc-search/0.1 (+https://github.com/cppcc-search/cppcc-search; research archive crawler)"
)


@dataclass(frozen=True)
class CrawlOptions:
    """Everything one crawl is told (the CLI builds it from its arguments)."""

    seeds: tuple[str, ...]
    max_pages: int | None = None
    delay: float = 1.0
    user_agent: str = DEFAULT_USER_AGENT
    allow_hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_depth: int | None = None
    # Pages of one URL pattern followed in a row while they bring nothing new: stops endless
    # calendars and pagers without cutting a real listing, whose pages each bring new links.
    max_pattern_chain: int | None = 30
    timeout: float = 30.0
    deadline: float = 120.0
    retries: int = 3
    retry_backoff: float = 2.0
    max_retry_wait: float = 600.0
    max_redirects: int = 10
    # RFC 9309: an unreachable robots.txt disallows everything only for a while; it is asked for
    # again after this many seconds, and each page of its origin waits up to --retries times.
    robots_retry_wait: float = 300.0
    max_body_bytes: int = 20 * 1024 * 1024
    sitemaps: bool = True
    progress_every: float = 5.0


def validate_options(options: CrawlOptions) -> tuple[str, ...]:
    """Check the options; returns the canonical seeds or raises CrawlError (one line)."""
    if not options.seeds:
        raise CrawlError("give at least one URL to crawl")
    seeds = []
    for seed in options.seeds:
        canonical = canonicalize(seed)
        if canonical is None:
            raise CrawlError(f"not an http(s) URL: {seed!r}")
        seeds.append(canonical)
    checks = [
        (options.max_pages is not None and options.max_pages < 1, "--max-pages must be at least 1"),
        (options.delay < 0, "--delay must not be negative"),
        (options.max_depth is not None and options.max_depth < 0, "--max-depth must be >= 0"),
        (
            options.max_pattern_chain is not None and options.max_pattern_chain < 0,
            "--max-pattern-chain must be >= 0",
        ),
        (options.robots_retry_wait < 0, "--robots-retry-wait must not be negative"),
        (options.timeout <= 0 or options.deadline <= 0, "--timeout must be positive"),
        (options.retries < 0, "--retries must not be negative"),
        (options.max_body_bytes < 1, "--max-body-bytes must be positive"),
        (not options.user_agent.strip(), "--user-agent must not be empty"),
    ]
    for failed, message in checks:
        if failed:
            raise CrawlError(message)
    for pattern in (*options.include, *options.exclude):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CrawlError(f"bad pattern {pattern!r}: {exc}") from None
    return tuple(dict.fromkeys(seeds))
