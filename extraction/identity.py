"""Stable report ids and the body fingerprint used to merge copies of one report."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from cppcc_search.models import Report

ID_LENGTH = 16


def canonical_url(url: str) -> str:
    """The URL with a lower-case scheme and host and no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def report_id(url: str) -> str:
    """A short id derived from the report's first URL, so re-runs give the same id."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:ID_LENGTH]


def body_fingerprint(report: Report) -> str:
    """A digest of a report's title and body: equal for the same text published twice."""
    text = report.title + "\n" + report.body_text()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
