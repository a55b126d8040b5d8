"""A hit's source page as the index knows it, for the links that land on the hit's passage.

The page shows the report's title, then the heading and paragraphs of every section in order,
and a text directive lands on its first match there: what counts is the text before the hit.
Reading every earlier section's stored text (zlib-compressed) for every hit would cost several
times the search itself, so a directive is first built on the title and the hit's own heading
and text, and the earlier sections are read only when their Chinese column texts (memory-mapped,
searched in place) say its start may occur there, and always for a start without Chinese.
"""

from __future__ import annotations

from typing import Any

from cppcc_search.cjk import CJK_RUN
from indexer.index.schema import KIND_SECTION
from indexer.search.budget import check
from indexer.search.facets import ColumnCache
from indexer.search.phrase import column_occurrences

Section = tuple[str | None, str]  # (heading, text)
# The bigram fields whose column texts hold a section's Chinese runs: its text and its heading.
_SECTION_COLUMNS = ("cjk", "stitle_cjk")


class SourcePages:
    """Passage links for the hits of one search call (each report's sections read once)."""

    def __init__(self, searcher: Any, cache: ColumnCache) -> None:
        self._searcher = searcher
        self._kinds = cache.columns["kind"]
        self._ordinals = cache.columns["ordinal"]
        self._reports: dict[str, list[int]] = {}
        self._read: dict[int, Section] = {}

    def earlier(self, docnum: int, stored: dict[str, Any]) -> EarlierSections:
        """The sections before a hit's (its document and stored fields) in its report."""
        return EarlierSections(self, self.earlier_docs(docnum, stored))

    def earlier_docs(self, docnum: int, stored: dict[str, Any]) -> list[int]:
        """The section documents before a section's in its report, in page order."""
        ordinal = int(stored.get("ordinal") or 0)
        # A report's documents are written together, its sections in order, so they are
        # usually the documents just before; the columns confirm it, else the index is asked.
        before = list(range(docnum - ordinal, docnum))
        if all(
            self._kinds[doc] == KIND_SECTION and self._ordinals[doc] == number
            for number, doc in enumerate(before)
        ):
            return before
        return [
            doc for doc in self._report_docs(stored["report_id"]) if self._ordinals[doc] < ordinal
        ]

    def _report_docs(self, report_id: str) -> list[int]:
        """The report's section documents in page order, from the index."""
        docs = self._reports.get(report_id)
        if docs is None:
            matching = self._searcher.document_numbers(report_id=report_id)
            docs = sorted(
                (doc for doc in matching if self._kinds[doc] == KIND_SECTION),
                key=self._ordinals.__getitem__,
            )
            self._reports[report_id] = docs
        return docs

    def section(self, doc: int) -> Section:
        """A section's heading and text (read once)."""
        section = self._read.get(doc)
        if section is None:
            check()
            stored = self._searcher.stored_fields(doc)
            section = (stored.get("section_title_text"), stored.get("text") or "")
            self._read[doc] = section
        return section

    def holding(self, runs: list[str], docs: list[int]) -> set[int]:
        """The docs whose text or heading holds every Chinese run (in either of them)."""
        left = set(docs)
        for run in sorted(set(runs), key=len, reverse=True):  # the longest cuts most
            needle = run.encode("utf-8")
            found: set[int] = set()
            for field in _SECTION_COLUMNS:
                found.update(column_occurrences(self._searcher, field, needle, left))
            left &= found
            if not left:
                break
        return left


class EarlierSections:
    """The sections of a report before one of its sections (what its page shows first)."""

    def __init__(self, pages: SourcePages, docs: list[int]) -> None:
        self._pages = pages
        self._docs = docs

    def may_contain(self, text: str) -> bool:
        """False only when no earlier section can hold ``text``: one of its Chinese runs is
        missing from each of them."""
        if not self._docs:
            return False
        runs = CJK_RUN.findall(text)
        return not runs or bool(self._pages.holding(runs, self._docs))

    def sections(self) -> list[Section]:
        """Their headings and texts, in page order."""
        return [self._pages.section(doc) for doc in self._docs]
