"""Errors the crawler raises to its caller, and the kinds of failure it records per URL."""

from __future__ import annotations

from cppcc_search.errors import CppccSearchError


class CrawlError(CppccSearchError):
    """A user error (bad seed URL, bad option) reported as one clear line."""


class FetchError(Exception):
    """One fetch failed; ``kind`` names the failure (timeout, connection, too_large, ...).

    Recorded against its URL, never shown to the user as an error, so not a CppccSearchError.
    """

    def __init__(self, kind: str, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self._retryable = retryable

    @property
    def retryable(self) -> bool:
        """Transient failures (timeouts, network errors, 5xx, 429) are worth another try."""
        return self.kind in RETRYABLE_KINDS if self._retryable is None else self._retryable


RETRYABLE_KINDS = frozenset({"timeout", "connection"})
