"""Errors the crawler raises to its caller, and the kinds of failure it records per URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cppcc_search.errors import CppccSearchError

if TYPE_CHECKING:
    from crawl.summary import CrawlSummary


class CrawlError(CppccSearchError):
    """A user error (bad seed URL, bad option) reported as one clear line."""


class CrawlInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a crawl; ``summary`` counts what the run has kept so far."""

    def __init__(self, summary: CrawlSummary) -> None:
        super().__init__("crawl interrupted")
        self.summary = summary


class FetchError(Exception):
    """One fetch failed; ``kind`` names the failure (timeout, connection, too_large, ...);
    ``unreachable`` says no connection to the host could be made at all (its name, a refused
    connection, TLS).

    Recorded against its URL, never shown to the user as an error, so not a CppccSearchError.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.unreachable = unreachable
        self._retryable = retryable

    @property
    def retryable(self) -> bool:
        """Transient failures (timeouts, network errors, 5xx, 429) are worth another try."""
        return self.kind in RETRYABLE_KINDS if self._retryable is None else self._retryable


RETRYABLE_KINDS = frozenset({"timeout", "connection"})
