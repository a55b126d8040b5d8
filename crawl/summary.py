"""What a crawl run did: counters kept while it runs (the run's own, stored with each outcome, so
a resumed run counts from its start), a progress line, and the end-of-run summary that names the
failing and the refused URLs."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from crawl.ledger import Listed

ERROR = "error:"
REFUSED = "refused:"
OUT_OF_SCOPE = ("host", "include", "exclude")
FAILURES_NAMED = 10
REFUSED_NAMED = 5


def _counted(name: str, doc: str) -> property:
    """A read-only attribute backed by the counter ``name``."""
    return property(lambda self: self.counts[name], doc=doc)


@dataclass
class CrawlSummary:
    """The counts of one crawl run (all its invocations so far) and what this invocation did."""

    run_id: int = 0
    resumed: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    queued: int = 0
    finished: bool = False
    stopped_reason: str | None = None
    failure_count: int = 0
    failures: list[Listed] = field(default_factory=list)  # the first FAILURES_NAMED
    refused_named: list[Listed] = field(default_factory=list)  # the first REFUSED_NAMED
    # Crawl-delays asked by robots.txt beyond --max-crawl-delay: origin -> seconds asked.
    capped_delays: dict[str, float] = field(default_factory=dict)
    max_crawl_delay: float = 0.0
    invocation_requests: int = 0
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0

    pages = _counted("pages", "HTML pages fetched with a 2xx answer")
    attachments = _counted("attachments", "PDF, Word and other attachments fetched")
    sitemaps = _counted("sitemaps", "sitemaps read")
    not_modified = _counted("not_modified", "304 answers to conditional requests")
    changed = _counted("changed", "pages whose body changed since the last run")
    duplicates = _counted("duplicates", "bodies already fetched at another URL")
    redirects = _counted("redirects", "redirects followed")
    retries = _counted("retries", "fetches tried again later")
    skipped_content_type = _counted("other_content", "bodies of a type the crawl does not use")
    requests = _counted("requests", "HTTP requests made")
    pattern_capped = _counted("trap_links", "links dropped as a crawl trap")
    links_capped = _counted("links_capped", "links past --max-links-per-page")
    frontier_full = _counted("frontier_full", "new links dropped while the frontier was full")

    def add(self, counts: Counter[str]) -> None:
        """Count what one committed recording did."""
        self.counts.update(counts)
        self.invocation_requests += counts["requests"]

    def _prefixed(self, prefix: str) -> Counter[str]:
        return Counter(
            {k.removeprefix(prefix): n for k, n in self.counts.items() if k.startswith(prefix)}
        )

    @property
    def errors(self) -> Counter[str]:
        """Failures by kind."""
        return self._prefixed(ERROR)

    @property
    def refused(self) -> Counter[str]:
        """URLs not fetched on purpose, by reason (robots, host, include, exclude, depth,
        scheme, malformed)."""
        return self._prefixed(REFUSED)

    @property
    def robots_skipped(self) -> int:
        """URLs robots.txt disallows."""
        return self.counts[REFUSED + "robots"]

    @property
    def out_of_scope(self) -> int:
        """URLs outside the crawl's hosts or patterns."""
        return sum(self.counts[REFUSED + reason] for reason in OUT_OF_SCOPE)

    @property
    def fetched(self) -> int:
        """Pages and attachments downloaded with a 2xx answer."""
        return self.pages + self.attachments

    @property
    def error_count(self) -> int:
        """Failures of every kind."""
        return sum(self.errors.values())

    @property
    def done(self) -> int:
        """URLs whose outcome is settled in this run."""
        return self.fetched + self.not_modified + self.redirects + self.error_count

    @property
    def nothing_fetched(self) -> bool:
        """Whether the run got no page, attachment or confirmation that one is unchanged."""
        return self.fetched + self.not_modified + self.sitemaps == 0

    def rate(self) -> float:
        """Requests per second in this invocation."""
        seconds = max(time.monotonic() - self.started, 1e-6)
        return self.invocation_requests / seconds

    def progress_line(self, queued: int, in_flight: int = 0) -> str:
        """One line for the progress callback."""
        return (
            f"crawl: {self.done} done, {queued} queued, {in_flight} in flight, "
            f"{self.error_count} errors, {self.rate():.1f} requests/s"
        )

    def first_failure(self) -> str:
        """The first failing URL and why, for a one-line error."""
        if not self.failures:
            return "no URL was fetched"
        first = self.failures[0]
        return f"{first.url}: {first.detail or first.reason}"

    def format(self) -> str:
        """The end-of-run summary, several lines of plain text."""
        state = "complete" if self.finished else "open (run `crawl` again to continue)"
        if self.stopped_reason:
            state += f"; stopped: {self.stopped_reason}"
        lines = [
            f"Crawl run {self.run_id}{' (resumed)' if self.resumed else ''}: {state}",
            f"  fetched:            {self.fetched} ({self.pages} pages, "
            f"{self.attachments} attachments)",
            f"  not modified:       {self.not_modified}",
            f"  changed:            {self.changed}",
            f"  duplicates:         {self.duplicates}",
            f"  redirects:          {self.redirects}",
            f"  sitemaps read:      {self.sitemaps}",
            f"  skipped (robots):   {self.robots_skipped}",
            f"  out of scope:       {self.out_of_scope}",
            f"  refused:            {sum(self.refused.values())}{_by_kind(self.refused)}",
            f"  trap links dropped: {self.pattern_capped}",
            f"  links dropped:      {self.links_capped + self.frontier_full} "
            f"({self.links_capped} past the per-page cap, {self.frontier_full} frontier full)",
            f"  other content type: {self.skipped_content_type}",
            f"  retries:            {self.retries}",
            f"  errors:             {self.error_count}{_by_kind(self.errors)}",
            f"  still queued:       {self.queued}",
            f"  requests:           {self.requests} in the run; {self.invocation_requests} "
            f"in this invocation, {self.elapsed:.1f}s",
        ]
        for origin, asked in self.capped_delays.items():
            lines.append(
                f"  Crawl-delay capped: {origin} asks {asked:g}s; "
                f"waited {self.max_crawl_delay:g}s (--max-crawl-delay)"
            )
        lines.extend(_named("failed", self.failure_count, self.failures))
        lines.extend(_named("refused", sum(self.refused.values()), self.refused_named))
        return "\n".join(lines)


def _by_kind(counts: Counter[str]) -> str:
    return " (" + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) + ")" if counts else ""


def _named(title: str, total: int, listed: list[Listed]) -> list[str]:
    """Lines naming the first listed URLs with their reason (and the error, or the page that
    linked a refused URL)."""
    if not listed:
        return []
    more = f", the first {len(listed)}" if total > len(listed) else ""
    lines = [f"  {title} URLs ({total}{more}):"]
    for entry in listed:
        if entry.detail is None:
            tail = ""
        elif title == "refused":
            tail = f" (linked from {entry.detail})"
        else:
            tail = f": {entry.detail}"
        lines.append(f"    {entry.url} [{entry.reason}]{tail}")
    return lines
