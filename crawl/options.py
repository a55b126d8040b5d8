"""The options of one crawl, each declared once: its default, its command-line flag and help, and
the rule its values follow (the flag's parser and the library's check both come from it).

A field is either a flag (``flag(...)``) or deliberately internal (``internal(...)``, with the
reason); ``crawl.cli`` builds the argument parser from these declarations alone.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any

from captures.urls import canonicalize
from crawl.errors import CrawlError

DEFAULT_USER_AGENT = (
    "cppcc-search/0.1 (+https://github.com/cppcc-search/cppcc-search; research archive crawler)"
)
FLAG = "flag"
INTERNAL = "internal"


class Rule:
    """What values an option takes. ``parse`` reads one from the command line (raising
    ``argparse.ArgumentTypeError``); ``problem`` says what is wrong with a value however it was
    made, or None."""

    def parse(self, text: str) -> Any:
        """The value of a command-line word (the word itself unless a rule says otherwise)."""
        return text

    def problem(self, flag: str, value: Any) -> str | None:
        """A one-line message if ``value`` breaks the rule, else None."""
        return None


@dataclass(frozen=True)
class Number(Rule):
    """A whole number or a number of seconds, at least (or, if ``above``, more than) ``low``."""

    kind: type[int] | type[float]
    low: float
    above: bool = False

    @property
    def says(self) -> str:
        """The bound, in words."""
        if self.above:
            return f"must be more than {self.low:g}"
        return "must not be negative" if self.low == 0 else f"must be at least {self.low:g}"

    def accepts(self, value: float) -> bool:
        """Whether ``value`` is finite and within the bound."""
        if not math.isfinite(value):
            return False
        return value > self.low if self.above else value >= self.low

    def parse(self, text: str) -> Any:
        noun = "whole number" if self.kind is int else "number of seconds"
        try:
            value = self.kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {noun}: {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"not a finite {noun}: {text!r}")
        if not self.accepts(value):
            raise argparse.ArgumentTypeError(f"{self.says}: {text!r}")
        return value

    def problem(self, flag: str, value: Any) -> str | None:
        if value is None or self.accepts(value):  # None: no limit
            return None
        return f"{flag} {self.says}" if math.isfinite(value) else f"{flag} must be finite"


class Text(Rule):
    """Text with something in it besides spaces."""

    def problem(self, flag: str, value: Any) -> str | None:
        return None if value.strip() else f"{flag} must not be empty"


class Url(Rule):
    """An http(s) URL."""

    def problem(self, flag: str, value: Any) -> str | None:
        return None if canonicalize(value) else f"not an http(s) URL: {value!r}"


class Pattern(Rule):
    """A Python regular expression."""

    def problem(self, flag: str, value: Any) -> str | None:
        try:
            re.compile(value)
        except re.error as exc:
            return f"bad pattern {value!r}: {exc}"
        return None


ANYTHING = Rule()
WHOLE = Number(int, 0)
COUNT = Number(int, 1)
SECONDS = Number(float, 0)
POSITIVE_SECONDS = Number(float, 0, above=True)


@dataclass(frozen=True)
class Flag:
    """How an option appears on the command line. A name without a leading dash is the
    positional argument (the seed URLs); ``repeatable`` options give a tuple; a ``negated``
    flag (``--no-...``) sets a true-by-default option to False."""

    name: str
    help: str
    metavar: str | None = None
    rule: Rule = ANYTHING
    repeatable: bool = False
    negated: bool = False

    @property
    def positional(self) -> bool:
        """Whether this is the positional argument (the seed URLs)."""
        return not self.name.startswith("-")


def flag(default: Any, name: str, help: str, **how: Any) -> Any:
    """A field set from the command line by flag ``name`` (see ``Flag``); MISSING: required."""
    return field(default=default, metadata={FLAG: Flag(name, help, **how)})


def internal(default: Any, why: str) -> Any:
    """A field with no flag, on purpose; ``why`` says why."""
    return field(default=default, metadata={INTERNAL: why})


@dataclass(frozen=True)
class CrawlOptions:
    """Everything one crawl is told (the CLI builds it from its arguments)."""

    seeds: tuple[str, ...] = flag(
        MISSING, "URL", "seed URLs (http or https)", rule=Url(), repeatable=True
    )
    max_pages: int | None = flag(
        None, "--max-pages", "stop after N pages in this invocation", metavar="N", rule=COUNT
    )
    delay: float = flag(
        1.0,
        "--delay",
        "seconds a host rests after each response before it gets the next request (default "
        "%(default)s; a longer robots.txt Crawl-delay wins)",
        metavar="SECONDS",
        rule=SECONDS,
    )
    # A Crawl-delay of an hour would take a thousand-page site six weeks; at 60 s a host still
    # gives 1,440 pages a day, and the crawl says that it capped the delay.
    max_crawl_delay: float = flag(
        60.0,
        "--max-crawl-delay",
        "longest robots.txt Crawl-delay obeyed; a longer one is capped and reported "
        "(default %(default)s)",
        metavar="SECONDS",
        rule=SECONDS,
    )
    allow_hosts: tuple[str, ...] = flag(
        (),
        "--allow-host",
        "also follow links to HOST (repeatable; '*.example.com' for subdomains)",
        metavar="HOST",
        repeatable=True,
    )
    include: tuple[str, ...] = flag(
        (),
        "--include",
        "follow only URLs matching REGEX (repeatable)",
        metavar="REGEX",
        rule=Pattern(),
        repeatable=True,
    )
    exclude: tuple[str, ...] = flag(
        (),
        "--exclude",
        "never follow URLs matching REGEX (repeatable)",
        metavar="REGEX",
        rule=Pattern(),
        repeatable=True,
    )
    max_depth: int | None = flag(
        None, "--max-depth", "follow links at most N steps", metavar="N", rule=WHOLE
    )
    # Pages of one URL pattern followed in a row while they bring nothing new: stops endless
    # calendars and pagers without cutting a real listing, whose pages each bring new links.
    max_pattern_chain: int | None = flag(
        30,
        "--max-pattern-chain",
        "follow at most N pages in a row of one URL pattern that bring nothing new "
        "(stops crawl traps such as endless calendars; default %(default)s)",
        metavar="N",
        rule=WHOLE,
    )
    # A listing page links tens or hundreds of pages; thousands are a generated page or a trap.
    max_links_per_page: int = flag(
        5000,
        "--max-links-per-page",
        "follow at most the first N distinct links of a page; the rest are counted as "
        "dropped (default %(default)s)",
        metavar="N",
        rule=COUNT,
    )
    max_frontier: int | None = flag(
        500_000,
        "--max-frontier",
        "queue at most N URLs at a time; new links found meanwhile are counted as dropped "
        "(default %(default)s)",
        metavar="N",
        rule=COUNT,
    )
    user_agent: str = flag(
        DEFAULT_USER_AGENT,
        "--user-agent",
        "User-Agent header; keep a contact URL in it (default %(default)r)",
        metavar="UA",
        rule=Text(),
    )
    # Hosts fetched at once. Threads mostly wait on the network, so 16 cost little (Scrapy's
    # default too); each host still sees one request at a time.
    concurrency: int = flag(
        16,
        "--concurrency",
        "requests in flight at once, each to a different host (default %(default)s)",
        metavar="N",
        rule=COUNT,
    )
    timeout: float = flag(
        30.0,
        "--timeout",
        "longest time for one whole response: connecting, headers and body; a slower one is "
        "abandoned and retried later (default %(default)s)",
        metavar="SECONDS",
        rule=POSITIVE_SECONDS,
    )
    retries: int = flag(
        2,
        "--retries",
        "retries after a timeout, network error, 5xx or 429, with a growing wait "
        "(default %(default)s)",
        metavar="N",
        rule=WHOLE,
    )
    retry_backoff: float = flag(
        2.0,
        "--retry-backoff",
        "first wait before a retry, doubled each time (default %(default)s)",
        metavar="SECONDS",
        rule=SECONDS,
    )
    max_retry_wait: float = internal(
        600.0, "a safety bound, not a tuning knob: a longer Retry-After is recorded as a failure"
    )
    # RFC 9309: an unreachable robots.txt disallows everything only for a while; it is asked for
    # again after this many seconds, and each page of its origin waits up to --retries times.
    robots_retry_wait: float = flag(
        300.0,
        "--robots-retry-wait",
        "ask again for a robots.txt that could not be fetched after this long; its "
        "origin is disallowed meanwhile (default %(default)s)",
        metavar="SECONDS",
        rule=SECONDS,
    )
    max_redirects: int = flag(
        10,
        "--max-redirects",
        "longest redirect chain followed (default %(default)s)",
        metavar="N",
        rule=WHOLE,
    )
    max_body_bytes: int = flag(
        20 * 1024 * 1024,
        "--max-body-bytes",
        "largest body kept, counted after decompression (default %(default)s)",
        metavar="N",
        rule=COUNT,
    )
    sitemaps: bool = flag(
        True,
        "--no-sitemaps",
        "do not read robots.txt Sitemap: lines or /sitemap.xml",
        negated=True,
    )
    progress_every: float = internal(
        5.0,
        "how often progress is reported: the calling program's choice (tests ask for every page)",
    )


def option_fields() -> list[tuple[Field[Any], Flag]]:
    """The fields of CrawlOptions that are command-line options, with their flags, in order."""
    return [(f, f.metadata[FLAG]) for f in fields(CrawlOptions) if FLAG in f.metadata]


def validate_options(options: CrawlOptions) -> tuple[str, ...]:
    """Check the options; returns the canonical seeds or raises CrawlError (one line)."""
    if not options.seeds:
        raise CrawlError("give at least one URL to crawl")
    for spec, how in option_fields():
        value = getattr(options, spec.name)
        for item in value if how.repeatable else (value,):
            message = how.rule.problem(how.name, item)
            if message:
                raise CrawlError(message)
    seeds = (canonicalize(seed) for seed in options.seeds)
    return tuple(dict.fromkeys(seed for seed in seeds if seed))
