"""What the search service takes and gives back.

The JSON forms (``to_dict``) are contracts (docs/contracts.md): the CLI's ``search --json`` and the
web app's ``/api/search`` and ``/api/trends`` print exactly these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.errors import QueryError

MAX_PER_PAGE = 1000
SORTS = ("relevance", "newest", "oldest")
FACET_FIELDS = ("year", "section", "part", "committee", "region", "level", "doc_type", "language")


@dataclass(frozen=True)
class YearRange:
    """An inclusive range of years; a single year has start == end."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> YearRange:
        """Parse ``2019`` or ``2015..2020`` (raises QueryError)."""
        text = text.strip()
        start_text, sep, end_text = text.partition("..")
        try:
            start = int(start_text) if start_text else 0
            end = int(end_text) if sep and end_text else (9999 if sep else start)
        except ValueError:
            raise QueryError(
                f"not a year or year range: {text!r}; use 2019 or 2015..2020 "
                f"(年份应为 2019 或 2015..2020 这样的形式，而不是 {text!r})"
            ) from None
        if not (0 <= start <= 9999 and 0 <= end <= 9999):
            raise QueryError(f"year out of range: {text!r} (年份超出范围：{text!r})")
        if start > end:
            start, end = end, start
        return cls(start, end)

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"


@dataclass(frozen=True)
class SearchRequest:
    """One search: a query string, facet filters (OR within a facet, AND across), sort, page."""

    query: str = ""
    years: tuple[YearRange, ...] = ()
    sections: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()  # body ids or names
    regions: tuple[str, ...] = ()  # division codes or names
    levels: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    # Also search each term's translations (indexer.search.translate); False searches the
    # query's own language(s) only. Renderings named in renderings_off are not searched.
    expand: bool = True
    renderings_off: tuple[str, ...] = ()
    # 0: a page is ``per_page`` sections. N: a page is ``per_page`` reports, each with its best
    # N matching sections (reports ranked by their best section), as the search page shows them.
    per_report: int = 0

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(unknown_sort(self.sort))
        if self.page < 1:
            raise QueryError("page must be 1 or more (页码应从 1 开始)")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(
                f"per_page must be between 1 and {MAX_PER_PAGE} "
                f"(每页条数应在 1 到 {MAX_PER_PAGE} 之间)"
            )
        if self.per_report < 0:
            raise QueryError("per_report must be 0 or more")


def unknown_sort(sort: str) -> str:
    """Why a sort is refused, in both languages."""
    return (
        f"unknown sort {sort!r}; use one of {', '.join(SORTS)} (排序方式只能是 {'、'.join(SORTS)})"
    )


@dataclass(frozen=True)
class Translation:
    """One query term and what it was also searched as (``language`` is the renderings')."""

    term: str
    language: str
    renderings: tuple[str, ...]
    off: tuple[str, ...] = ()  # renderings the request turned off

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "language": self.language,
            "renderings": list(self.renderings),
            "off": list(self.off),
        }


@dataclass
class FacetValue:
    value: str | int
    count: int
    selected: bool = False
    label: dict[str, str] | None = None  # {zh, en} for a value that is a code

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "count": self.count}
        if self.label is not None:
            data["label"] = self.label
        return data


@dataclass
class ResolvedFilter:
    """What a filter value given by name was taken to mean: the codes it stands for and their
    labels ([] when it names nothing in the index)."""

    facet: str
    given: str
    values: list[str]
    labels: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {"facet": self.facet, "given": self.given, "values": self.values}


@dataclass
class Hit:
    """One matching section: ``to_dict`` gives the contract's keys, the rest serve HTML views."""

    id: str
    report_id: str
    title: str
    section_title: str | None
    year: int | None
    date: str | None
    url: str
    snippet: str  # HTML: escaped text, matched terms in <mark>
    snippet_text: str = ""  # the same passage as plain text
    passage_url: str = ""  # url with a text fragment that lands on the snippet's passage
    committee: str | None = None
    level: str | None = None
    doc_type: str | None = None
    language: str | None = None
    part: str | None = None
    part_kind: str | None = None
    period_year: int | None = None
    ordinal: int = 0
    score: float = 0.0
    section_kind: str | None = None
    body_id: str | None = None
    versions: list[str] = field(default_factory=list)  # the report in other languages

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "report_id": self.report_id,
            "title": self.title,
            "section_title": self.section_title,
            "section_kind": self.section_kind,
            "body_id": self.body_id,
            "versions": self.versions,
            "year": self.year,
            "date": self.date,
            "url": self.url,
            "passage_url": self.passage_url,
            "snippet": self.snippet,
            "snippet_text": self.snippet_text,
            "part_kind": self.part_kind,
            "committee": self.committee,
            "language": self.language,
        }


@dataclass
class SearchResponse:
    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    terms: tuple[str, ...] = ()  # the query's positive terms, for highlighting elsewhere
    # Grouped by report (SearchRequest.per_report): how many reports match, and how many
    # sections match in each report of the page (more than the page shows, often).
    reports: int | None = None
    report_matches: dict[str, int] = field(default_factory=dict)
    filters: list[ResolvedFilter] = field(default_factory=list)  # values given by name
    translations: list[Translation] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Pages of sections, or of reports when the results are grouped."""
        counted = self.total if self.reports is None else self.reports
        return max(1, -(-counted // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [hit.to_dict() for hit in self.results],
            "facets": {
                name: [value.to_dict() for value in self.facets.get(name, [])]
                for name in FACET_FIELDS
            },
            "suggestion": self.suggestion,
            "filters": [resolved.to_dict() for resolved in self.filters],
            "translations": [t.to_dict() for t in self.translations],
        }


@dataclass
class TrendPoint:
    year: int
    hits: int
    total: int
    per_1000: float
    by_part: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "year": self.year,
            "hits": self.hits,
            "total": self.total,
            "per_1000": self.per_1000,
        }
        if self.by_part:
            data["by_part"] = self.by_part
        return data


@dataclass
class FirstAppearance:
    year: int
    report_id: str
    title: str
    url: str


@dataclass
class TrendSeries:
    term: str
    points: list[TrendPoint] = field(default_factory=list)
    first: FirstAppearance | None = None
    translations: list[Translation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "term": self.term,
            "points": [p.to_dict() for p in self.points],
            "translations": [t.to_dict() for t in self.translations],
        }
        if self.first is not None:
            data["first"] = {
                "year": self.first.year,
                "report_id": self.first.report_id,
                "title": self.first.title,
                "url": self.first.url,
            }
        return data


@dataclass
class TrendsResponse:
    query: list[str]
    series: list[TrendSeries] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "series": [s.to_dict() for s in self.series]}


@dataclass
class ReportSummary:
    """One report in a list (the same committee's reports, neighbouring years)."""

    id: str
    title: str
    year: int | None
    date: str | None
    doc_type: str | None
    language: str | None
    url: str = ""
    series_id: str | None = None
    body_id: str | None = None


@dataclass
class IndexStats:
    """What the index holds, for the home page."""

    reports: int
    sections: int
    first_year: int | None
    last_year: int | None
    languages: dict[str, int] = field(default_factory=dict)
    committees: int = 0


@dataclass
class FigurePoint:
    """One stated figure: the year it is about, its value and unit as written, its sentence,
    and whether it is a target (plan), an outcome (review) or neither (other)."""

    year: int | None
    value: float
    unit: str
    text: str
    report_id: str
    part_kind: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "text": self.text,
            "report_id": self.report_id,
            "part_kind": self.part_kind,
        }


@dataclass
class FigureSeries:
    """One body's figures of one label over the years, in one unit family (``unit`` is the
    most common of its written units; a point's own unit may be a multiple of it)."""

    body_id: str | None
    label: str
    unit: str
    points: list[FigurePoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body_id": self.body_id,
            "label": self.label,
            "unit": self.unit,
            "points": [p.to_dict() for p in self.points],
        }


@dataclass
class FiguresResponse:
    query: str
    series: list[FigureSeries] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "series": [s.to_dict() for s in self.series]}


@dataclass
class FollowupResponse:
    """A report's plan tasks beside the passages of the next report's review on each
    (``review`` empty: nothing reports on the task)."""

    report_id: str
    next_report_id: str | None
    pairs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "next_report_id": self.next_report_id,
            "pairs": self.pairs,
        }


@dataclass
class BodyFirstUse:
    """The first report of one body that uses a term."""

    body_id: str
    name: dict[str, str]
    level: str | None
    year: int
    report_id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "body_id": self.body_id,
            "name": dict(self.name),
            "level": self.level,
            "year": self.year,
            "report_id": self.report_id,
            "title": self.title,
        }


@dataclass
class SpreadYear:
    """How many bodies use a term in one year, in all and by level."""

    year: int
    bodies: int
    by_level: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "bodies": self.bodies, "by_level": dict(self.by_level)}


@dataclass
class SpreadResponse:
    """First appearance and spread of a term: each body's first report that uses it, and
    every year from the first use to the archive's last year (empty years at 0)."""

    query: str
    first: list[BodyFirstUse] = field(default_factory=list)
    years: list[SpreadYear] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "first": [f.to_dict() for f in self.first],
            "years": [y.to_dict() for y in self.years],
        }
