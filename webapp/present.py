"""Turn a SearchResponse into what the search page shows: facets, chips, groups, pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from indexer.search.types import FACET_FIELDS, FacetValue, Hit, SearchRequest, SearchResponse
from webapp.labels import bilingual, facet_label, value_label
from webapp.params import FILTER_ARGS, UrlState

FILTER_NAMES = frozenset(name for name, _ in FILTER_ARGS)


@dataclass
class FacetItem:
    """One value in the facet sidebar."""

    value: str
    label: str
    count: int
    selected: bool
    url: str
    nested: bool = False  # a city under its province in the region facet


@dataclass
class Facet:
    """One facet of the sidebar: the values shown first and the rest behind 'show all'; a long
    one gets a box that filters its values."""

    name: str
    label: str
    shown: list[FacetItem]
    more: list[FacetItem]
    hidden: int = 0  # values beyond the listing limit

    @property
    def long(self) -> bool:
        return bool(self.more)


@dataclass
class Chip:
    """An active filter with the link that removes it."""

    label: str
    remove_url: str


@dataclass
class HitView:
    """One matching section as shown under its report."""

    hit: Hit
    snippet: Markup
    source_url: str
    report_url: str


@dataclass
class VersionLink:
    """The same report in another language."""

    language: str
    url: str


@dataclass
class ReportGroup:
    """A report and its matching sections on this page, in ranking order."""

    report_id: str
    title: str
    committee: str | None
    date: str | None
    year: int | None
    url: str
    doc_type: str | None
    language: str | None
    report_url: str
    archive_url: str
    hits: list[HitView] = field(default_factory=list)
    more: int = 0  # matching sections of this report on this page beyond those shown
    body_id: str | None = None
    versions: list[VersionLink] = field(default_factory=list)


@dataclass
class PageLink:
    """A link in the pagination bar (number None means a gap)."""

    number: int | None
    url: str
    current: bool = False


def build_facets(
    response: SearchResponse, state: UrlState, path: str, visible: int, limit: int
) -> list[Facet]:
    """The sidebar's facets (except year, which has its own histogram) with toggle links."""
    facets = []
    labels = value_labels(response)
    for name in FACET_FIELDS:
        if name == "year":
            continue
        values = response.facets.get(name, [])
        listed = values[:limit] + [v for v in values[limit:] if v.selected]
        items = [facet_item(name, value, state, path) for value in listed]
        items.extend(selected_missing(name, items, state, path, labels))
        if items:
            facet = Facet(name, facet_label(name), items[:visible], items[visible:])
            facet.hidden = len(values) - len(listed)
            facets.append(facet)
    return facets


def facet_item(name: str, value: FacetValue, state: UrlState, path: str) -> FacetItem:
    """One facet value with the link that toggles it."""
    text = str(value.value)
    selected = value.selected or state.has(name, text)
    label = bilingual(value.label, value_label(name, text))
    nested = name == "region" and not text.endswith("0000")
    url = state.toggled(name, text).url(path)
    return FacetItem(text, label, value.count, selected, url, nested)


def value_labels(response: SearchResponse) -> dict[tuple[str, str], str]:
    """How each facet value, and each filter value given by name, is shown."""
    labels = {
        (name, str(value.value)): bilingual(value.label)
        for name, values in response.facets.items()
        for value in values
        if value.label
    }
    for resolved in response.filters:
        shown = [labels.get((resolved.facet, code)) or bilingual(label, code)
                 for code, label in zip(resolved.values, resolved.labels, strict=True)]  # fmt: skip
        labels[(resolved.facet, resolved.given)] = " / ".join(shown) or resolved.given
    return labels


def selected_missing(
    name: str,
    items: list[FacetItem],
    state: UrlState,
    path: str,
    labels: dict[tuple[str, str], str],
):
    """Selected values that are not listed (no matches, or given by name) still get an entry,
    so they can be removed."""
    present = {item.value for item in items}
    for text in state.values(name):
        if text not in present:
            label = labels.get((name, text)) or value_label(name, text)
            yield FacetItem(text, label, 0, True, state.toggled(name, text).url(path))


@dataclass
class YearBar:
    """One year of the year histogram (no link for a year without hits)."""

    year: int
    count: int
    selected: bool
    url: str | None
    height: float


def year_histogram(
    response: SearchResponse, request: SearchRequest, state: UrlState, path: str
) -> list[YearBar]:
    """The year facet as bars on a true time axis: every year from the first with hits to the
    last, a year without hits an empty slot; heights relative to the largest count."""
    counts = {
        int(v.value): v.count for v in response.facets.get("year", []) if str(v.value).isdigit()
    }
    if not counts:
        return []
    top = max(counts.values()) or 1
    bars = []
    for year in range(min(counts), max(counts) + 1):
        count = counts.get(year, 0)
        selected = any(r.start <= year <= r.end for r in request.years)
        url = state.toggled("year", str(year)).url(path) if count else None
        bars.append(YearBar(year, count, selected, url, count / top))
    return bars


def build_chips(
    state: UrlState, path: str, labels: dict[tuple[str, str], str] | None = None
) -> list[Chip]:
    """Removable chips for every active filter (``labels`` from :func:`value_labels`)."""
    chips = []
    labels = labels or {}
    for name, value in state.pairs:
        if name not in FILTER_NAMES:
            continue  # the query, sorting, paging; translation settings have their own line
        label = f"{facet_label(name)}: {labels.get((name, value)) or value_label(name, value)}"
        chips.append(Chip(label, state.without("page").without(name, value).url(path)))
    return chips


def group_hits(
    response: SearchResponse,
    report_url: Callable[[str, int | None], str],
    archive_url: Callable[[str], str],
    shown_per_report: int = 3,
    body_names: dict[str, str] | None = None,
) -> list[ReportGroup]:
    """Group a page of hits by report, keeping the order in which reports first appear.

    ``report_url(report_id, ordinal)`` links the report view (at a section); the response's
    ``report_matches`` says how many sections of each report match beyond those shown. A report
    is shown under its body's name (``body_names``: id → name), and lists its versions in other
    languages.
    """
    groups: dict[str, ReportGroup] = {}
    names = body_names or {}
    for hit in response.results:
        group = groups.get(hit.report_id)
        if group is None:
            group = ReportGroup(
                report_id=hit.report_id,
                title=hit.title,
                committee=names.get(hit.body_id or "") or hit.committee,
                date=hit.date,
                year=hit.year,
                url=hit.url,
                doc_type=hit.doc_type,
                language=hit.language,
                report_url=report_url(hit.report_id, None),
                archive_url=archive_url(hit.url),
                body_id=hit.body_id,
                versions=[
                    VersionLink(other_language(hit.language), report_url(version, None))
                    for version in hit.versions
                ],
            )
            groups[hit.report_id] = group
        if len(group.hits) >= shown_per_report:
            group.more += 1
            continue
        group.hits.append(
            HitView(
                hit=hit,
                # The service escapes snippet text and adds only <mark>: the one trusted field.
                snippet=Markup(hit.snippet),
                source_url=hit.passage_url or hit.url,
                report_url=report_url(hit.report_id, hit.ordinal),
            )
        )
    for group in groups.values():
        matching = response.report_matches.get(group.report_id)
        if matching is not None:
            group.more = matching - len(group.hits)
    return list(groups.values())


@dataclass
class Pager:
    """The pagination bar: numbered links plus previous and next."""

    links: list[PageLink]
    previous: str | None
    next: str | None


def page_url(state: UrlState, path: str, number: int) -> str:
    """The current search at another page (page 1 has no page argument)."""
    return state.replaced("page", None if number == 1 else str(number)).url(path)


def pagination(response: SearchResponse, state: UrlState, path: str) -> Pager:
    """Page links around the current page, with the first and last, gaps as None."""
    last = response.pages
    current = response.page
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[PageLink] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append(PageLink(None, ""))
        links.append(PageLink(number, page_url(state, path, number), number == current))
        previous = number
    return Pager(
        links,
        page_url(state, path, current - 1) if current > 1 else None,
        page_url(state, path, current + 1) if current < last else None,
    )


def other_language(language: str | None) -> str:
    """The language of a version: the archive holds reports in Chinese and English."""
    return "en" if language == "zh" else "zh"
