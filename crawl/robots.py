"""robots.txt rules per origin, parsed by Protego.

Following RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be fetched
(5xx, 429 or network failure after retries) disallows everything on that origin for a while and
is then asked for again; rules are fetched again once they are a day old. Only the first 500 KiB
are read, as RFC 9309 allows and Google does: a 10 MB robots.txt parsed whole took 250 MB and
12 s, and then 265 ms for every URL checked against it. The rules are parsed once per origin and
kept by the crawler.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

from protego import Protego

MAX_AGE = 24 * 3600.0  # RFC 9309: do not use a cached robots.txt for more than a day
# RFC 9309 2.5: a crawler must read at least 500 KiB and may ignore the rest; Google reads 500 KiB.
MAX_ROBOTS_BYTES = 500 * 1024


def within_cap(body: bytes) -> bytes:
    """The part of a robots.txt body that is read: its first ``MAX_ROBOTS_BYTES``, ending at the
    last whole line (half a line could read as a shorter, wider rule: "Disallow: /" from
    "Disallow: /private/")."""
    if len(body) <= MAX_ROBOTS_BYTES:
        return body
    head = body[:MAX_ROBOTS_BYTES]
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: cut + 1] if cut >= 0 else b""


@dataclass
class RobotsRules:
    """What one origin's robots.txt says to our user agent."""

    origin: str
    status: int | None
    text: str
    _parsed: Protego | None = None
    disallow_all: bool = False
    fetched_at: float = field(default_factory=time.time)
    max_age: float = MAX_AGE

    def expired(self, now: float | None = None) -> bool:
        """Whether the rules are too old (a day; less if unreachable) and must be fetched again."""
        return (now if now is not None else time.time()) - self.fetched_at > self.max_age

    @property
    def unreachable(self) -> bool:
        """Whether these rules stand for a robots.txt that could not be fetched (disallow all)."""
        return self.disallow_all

    @classmethod
    def from_response(
        cls,
        origin: str,
        status: int | None,
        body: bytes,
        fetched_at: float | None = None,
        unreachable_max_age: float = MAX_AGE,
    ) -> RobotsRules:
        """Rules from a robots.txt fetch outcome (status None: it could not be fetched); the
        disallow-all of an unreachable robots.txt lasts ``unreachable_max_age`` seconds."""
        when = fetched_at if fetched_at is not None else time.time()
        if status is not None and 200 <= status < 300:
            text = within_cap(body).decode("utf-8", errors="replace").lstrip("\ufeff")
            return cls(origin, status, text, Protego.parse(text), fetched_at=when)
        if status is not None and 400 <= status < 500 and status != 429:
            return cls(origin, status, "", fetched_at=when)
        return cls(
            origin,
            status,
            "",
            disallow_all=True,
            fetched_at=when,
            max_age=min(unreachable_max_age, MAX_AGE),
        )

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether ``url`` may be fetched by ``user_agent``."""
        if self.disallow_all:
            return False
        if self._parsed is None:
            return True
        return bool(self._parsed.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """The Crawl-delay (or 1/Request-rate) for our agent, in seconds."""
        if self._parsed is None:
            return None
        delay = self._parsed.crawl_delay(user_agent)
        if delay is not None:
            return float(delay)
        rate = self._parsed.request_rate(user_agent)
        if rate is not None and rate.requests:
            return rate.seconds / rate.requests
        return None

    def sitemaps(self) -> list[str]:
        """Sitemap URLs listed in robots.txt, resolved against the robots.txt URL."""
        if self._parsed is None:
            return []
        base = f"{self.origin}/robots.txt"
        return [urljoin(base, url.strip()) for url in self._parsed.sitemaps if url.strip()]


def robots_url(origin: str) -> str:
    """The robots.txt URL of an origin."""
    return f"{origin}/robots.txt"
