"""Results grouped by report: reports in the order of their best section, paged by report.

The search page lists reports, each with its best few sections; a page of twenty sections could
be three reports. Grouped, a page holds ``per_page`` reports whatever their sections number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Ranked = tuple[int, float]  # (docnum, score)


@dataclass
class ReportOrder:
    """Every matching report in rank order, with its best sections and its match count."""

    keys: list[Any]
    best: dict[Any, list[Ranked]]
    matches: dict[Any, int]

    def memo_size(self) -> int:
        return 3 * len(self.keys) + 1

    def page(self, page: int, per_page: int) -> tuple[list[Ranked], dict[str, int]]:
        """The sections of one page's reports, and each of those reports' match count."""
        chosen = self.keys[(page - 1) * per_page : page * per_page]
        docs = [ranked for key in chosen for ranked in self.best[key]]
        return docs, {str(key): self.matches[key] for key in chosen}


def order_reports(
    ranked: Iterable[Ranked], report_of: Sequence[Any], per_report: int
) -> ReportOrder:
    """Group ranked sections by report (``report_of`` by docnum), keeping each report's first
    ``per_report``. A section without a report id (an index from before the column) stands
    alone."""
    best: dict[Any, list[Ranked]] = {}
    matches: dict[Any, int] = {}
    for doc, score in ranked:
        key = report_of[doc] or -doc - 1
        found = best.get(key)
        if found is None:
            best[key] = [(doc, score)]
            matches[key] = 1
            continue
        matches[key] += 1
        if len(found) < per_report:
            found.append((doc, score))
    return ReportOrder(list(best), best, matches)
