"""What a crawl did: counters kept while it runs, a progress line and the end-of-run summary."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class CrawlSummary:
    """Counts for one ``crawl`` invocation (a resumed run counts only what this one did)."""

    run_id: int = 0
    resumed: bool = False
    pages: int = 0
    attachments: int = 0
    sitemaps: int = 0
    not_modified: int = 0
    changed: int = 0
    robots_skipped: int = 0
    out_of_scope: int = 0
    pattern_capped: int = 0
    duplicates: int = 0
    redirects: int = 0
    retries: int = 0
    skipped_content_type: int = 0
    requests: int = 0
    queued: int = 0
    finished: bool = False
    stopped_reason: str | None = None
    errors: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0

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
        """URLs whose outcome is settled in this invocation."""
        return self.fetched + self.not_modified + self.redirects + self.error_count

    def rate(self) -> float:
        """Settled URLs per second so far."""
        seconds = max(time.monotonic() - self.started, 1e-6)
        return self.done / seconds

    def progress_line(self, queued: int) -> str:
        """One line for the progress callback."""
        return (
            f"crawl: {self.done} done, {queued} queued, {self.error_count} errors, "
            f"{self.rate():.1f} pages/s"
        )

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
            f"  trap links dropped: {self.pattern_capped}",
            f"  other content type: {self.skipped_content_type}",
            f"  retries:            {self.retries}",
            f"  errors:             {self.error_count}"
            + (
                " (" + ", ".join(f"{k} {n}" for k, n in sorted(self.errors.items())) + ")"
                if self.errors
                else ""
            ),
            f"  still queued:       {self.queued}",
            f"  requests:           {self.requests} in {self.elapsed:.1f}s",
        ]
        return "\n".join(lines)
