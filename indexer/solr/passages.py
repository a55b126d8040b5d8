"""A page of hits' source pages on Solr, for the links that land on each hit's passage: the
sections before a hit's in its report (indexer.search.passages' EarlierText), as
indexer.search.sources gives them on Whoosh.

A link is first built on the report's title and the hit's own section, which says where the
link's text starts; the page's earlier sections matter only where that start might repeat in
them. For a whole page at once: one request counts, for every hit whose start holds Chinese, the
earlier sections holding its Chinese runs (as Whoosh reads its Chinese columns), one request
reads the earlier sections of the hits where it might (and of hits whose start has no Chinese),
and only those hits' links are built again on their whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cppcc_search.cjk import CJK_RUN
from indexer.solr.query import SECTIONS, JsonQuery, term_in

if TYPE_CHECKING:
    from indexer.solr.service import SolrSearchService

Section = tuple[str | None, str]  # (heading, text)
MAX_SECTIONS = 100_000


@dataclass
class _Check:
    """One hit whose link's start may repeat earlier on its page."""

    report_id: str
    ordinal: int
    start: str | None = None  # the link's start, once asked

    def before(self) -> JsonQuery:
        """This hit's report's sections before it."""
        ordinal_range = f"ordinal:[* TO {int(self.ordinal) - 1}]"
        return {"bool": {"must": [term_in("report_id", [self.report_id]), ordinal_range]}}


@dataclass
class _Recorder:
    """The first pass: notes the link's start and says nothing repeats it."""

    check: _Check

    def may_contain(self, text: str) -> bool:
        self.check.start = text
        return False

    def sections(self) -> list[Section]:
        return []


@dataclass
class _Known:
    """The second pass: the earlier sections, read."""

    found: list[Section] = field(default_factory=list)

    def may_contain(self, text: str) -> bool:
        return True

    def sections(self) -> list[Section]:
        return self.found


def passage_hits(
    service: SolrSearchService, docs: list[dict[str, Any]], make: Callable[[Any, Any], Any]
) -> list[Any]:
    """Each document's hit, ``make(doc, earlier)``, its link checked against its page."""
    checks = [_Check(doc.get("report_id", ""), int(doc.get("ordinal") or 0)) for doc in docs]
    hits = [
        make(doc, _Recorder(check) if check.ordinal > 0 else None)
        for doc, check in zip(docs, checks, strict=True)
    ]
    wanted = [i for i, check in enumerate(checks) if check.start is not None]
    if not wanted:
        return hits
    wanted = _may_repeat(service, [checks[i] for i in wanted], wanted)
    earlier = _earlier_sections(service, [checks[i] for i in wanted])
    for i, sections in zip(wanted, earlier, strict=True):
        hits[i] = make(docs[i], _Known(sections))
    return hits


def _may_repeat(service: SolrSearchService, checks: list[_Check], indexes: list[int]) -> list[int]:
    """The indexes of the checks whose start may occur in an earlier section: it has no Chinese
    (the text is read), or some earlier section holds every one of its Chinese runs."""
    queries: dict[str, Any] = {}
    for index, check in zip(indexes, checks, strict=True):
        runs = sorted(set(CJK_RUN.findall(check.start or "")))
        if runs:
            holding = [_in_text_or_heading(run) for run in runs]
            queries[f"c{index}"] = {"bool": {"must": [check.before(), *holding]}}
    if not queries:
        return indexes
    answer = service.query(
        {
            "query": "*:*",
            "filter": [SECTIONS],
            "limit": 0,
            "queries": queries,
            "facet": {
                name: {"type": "query", "q": "*:*", "domain": {"filter": {"param": name}}}
                for name in queries
            },
        }
    )
    counts = answer.get("facets", {})
    return [
        index
        for index in indexes
        if f"c{index}" not in queries or counts.get(f"c{index}", {}).get("count", 0) > 0
    ]


def _earlier_sections(service: SolrSearchService, checks: list[_Check]) -> list[list[Section]]:
    """Each check's earlier sections, in page order, read in one request."""
    if not checks:
        return []
    docs = service.query(
        {
            "query": {"bool": {"should": [check.before() for check in checks]}},
            "filter": [SECTIONS],
            "fields": "report_id,ordinal,section_title_text,body",
            "limit": MAX_SECTIONS,
        }
    )["response"]["docs"]
    by_report: dict[str, list[tuple[int, Section]]] = {}
    for doc in docs:
        section = (doc.get("section_title_text"), doc.get("body") or "")
        by_report.setdefault(doc["report_id"], []).append((int(doc.get("ordinal") or 0), section))
    return [
        [
            s
            for ordinal, s in sorted(by_report.get(c.report_id, []), key=_first)
            if ordinal < c.ordinal
        ]
        for c in checks
    ]


def _first(pair: tuple[int, Section]) -> int:
    return pair[0]


def _in_text_or_heading(run: str) -> JsonQuery:
    fields = [{"field": {"f": name, "query": run}} for name in ("cjk", "stitle_cjk")]
    return {"bool": {"should": fields}}
