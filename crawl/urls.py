"""Crawl scope and the units of politeness: which canonical URLs a crawl may follow, their host
and origin, and the URL pattern that crawl traps repeat."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from captures.urls import canonicalize

_DIGITS = re.compile(r"\d+")


def url_pattern(url: str) -> tuple[str, str, tuple[str, ...]]:
    """The template a canonical URL is built from: host, path with numbers blanked, and the
    names (not values) of its query parameters; pages of one calendar or pager share it."""
    parts = urlsplit(url)
    names = sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair})
    return parts.netloc, _DIGITS.sub("0", parts.path), tuple(names)


def host_of(url: str) -> str:
    """The ``host[:port]`` part of a canonical URL (the unit of politeness)."""
    return urlsplit(url).netloc


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a canonical URL (the unit robots.txt applies to)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_matches(host: str, pattern: str) -> bool:
    """Whether ``host`` (without port) matches ``example.com`` or ``*.example.com``."""
    pattern = pattern.lower().strip()
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) or host == pattern[2:]
    return host == pattern


@dataclass(frozen=True)
class Scope:
    """Which URLs a crawl may follow: the seeds' hosts (with their ports), hosts allowed by
    name (any port; ``*.example.com`` for subdomains), then include/exclude patterns."""

    seed_hosts: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def build(
        cls,
        seeds: Iterable[str],
        allow_hosts: Iterable[str] = (),
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ) -> Scope:
        """The seeds' hosts plus any allowed extra hosts, with compiled patterns."""
        canonical = (canonicalize(seed) for seed in seeds)
        return cls(
            seed_hosts=tuple(sorted({host_of(url) for url in canonical if url})),
            allowed=tuple(sorted({h.strip().lower() for h in allow_hosts if h.strip()})),
            include=tuple(re.compile(p) for p in include),
            exclude=tuple(re.compile(p) for p in exclude),
        )

    def allows_host(self, url: str) -> bool:
        """Whether the URL's host is one the crawl may visit."""
        if host_of(url) in self.seed_hosts:
            return True
        host = urlsplit(url).hostname or ""
        return any(host_matches(host, pattern) for pattern in self.allowed)

    def allows(self, url: str) -> bool:
        """Whether a canonical URL is inside the crawl's scope."""
        return self.refusal(url) is None

    def refusal(self, url: str) -> str | None:
        """Why a canonical URL is outside the scope (``host``, ``include``: it matches no
        --include, ``exclude``), or None when it is inside."""
        if not self.allows_host(url):
            return "host"
        if self.include and not any(p.search(url) for p in self.include):
            return "include"
        if any(p.search(url) for p in self.exclude):
            return "exclude"
        return None
