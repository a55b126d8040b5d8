"""Merge pages with the same content (same bytes, or the same extracted text) into one report."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cppcc_search.models import Report
from extraction.identity import body_fingerprint, report_id


@dataclass
class PageInput:
    """One fetched page: where it was found (first URL first) and its bytes."""

    url: str
    body: bytes
    urls: tuple[str, ...] = ()
    content_hash: str | None = None

    def all_urls(self) -> list[str]:
        """The page's URLs, the main one first, without repeats."""
        return list(dict.fromkeys((self.url, *self.urls)))

    def digest(self) -> str:
        """The content hash given by the crawler, or one computed from the bytes."""
        return self.content_hash or hashlib.sha256(self.body).hexdigest()


def _add_urls(report: Report, urls: list[str]) -> None:
    for url in urls:
        if url not in report.urls:
            report.urls.append(url)


def group_pages(
    results: Iterable[tuple[PageInput, object]],
) -> tuple[list[Report], list[tuple[str, str]]]:
    """Reports (one per distinct content, in first-seen order) and (url, reason) failures.

    ``results`` pairs each page with its ``PageResult``, in crawl order.
    """
    reports: list[Report] = []
    failures: list[tuple[str, str]] = []
    by_hash: dict[str, Report | str] = {}
    by_body: dict[str, Report] = {}
    for page, result in results:
        urls = page.all_urls()
        digest = page.digest()
        known = by_hash.get(digest)
        if isinstance(known, Report):
            _add_urls(known, urls)
            continue
        if isinstance(known, str) or result.report is None:
            reason = known if isinstance(known, str) else result.failure or "no document"
            by_hash[digest] = reason
            failures.extend((url, reason) for url in urls)
            continue
        report = result.report
        fingerprint = body_fingerprint(report)
        if fingerprint in by_body:
            _add_urls(by_body[fingerprint], urls)
            by_hash[digest] = by_body[fingerprint]
            continue
        report.url, report.urls, report.id = urls[0], urls, report_id(urls[0])
        reports.append(report)
        by_hash[digest] = report
        by_body[fingerprint] = report
    return reports, failures
