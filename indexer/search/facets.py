"""Facet counts and filters over the per-document columns of one index version.

A column is one code per document (indexer.index.columns), so counting a facet over any number
of matching sections is one ``numpy.bincount`` of their codes, and a filter one lookup in a
table of the allowed codes; Whoosh's own ``groupedby`` walks every match in Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from indexer.index.bodies import BodyRegistry
from indexer.index.columns import Column, Columns
from indexer.search.types import FACET_FIELDS, FacetValue, SearchRequest, YearRange

# facet name → the column it counts
FACET_COLUMNS = {
    "year": "year",
    "section": "section",  # section kind codes
    "part": "part_kind",
    "committee": "body_id",
    "region": "province",  # and, under a selected province, "city"
    "level": "level",
    "doc_type": "doc_type",
    "language": "language",
}


class ColumnCache:
    """An index version's columns with the counts a search needs, memoised.

    ``columns`` maps a column name to its :class:`Column`; ``sections`` (an ascending array)
    and ``reports`` are the live documents of each kind; ``years`` the years the sections span.
    """

    def __init__(
        self,
        columns: Columns,
        vocabulary: dict[str, int] | None = None,
        bodies: BodyRegistry | None = None,
    ) -> None:
        self.columns = columns.values
        self.sections = columns.sections
        self.reports = columns.reports
        self.years = columns.years
        self.vocabulary = vocabulary or {}
        self.bodies = bodies or BodyRegistry()
        # Per column, its values counted over every live section (filled on first use).
        self._totals: dict[str, Counter] = {}

    def column(self, facet: str) -> Column:
        return self.columns[FACET_COLUMNS[facet]]

    def totals(self, name: str) -> Counter:
        """A column's values counted over every live section (once per index version)."""
        found = self._totals.get(name)
        if found is None:
            found = self._totals[name] = count_codes(self.columns[name], self.sections)
        return found

    def count_columns(self, names: Sequence[str], docs: np.ndarray) -> dict[str, Counter]:
        """Each named column's values counted over the given live sections."""
        return {name: count_codes(self.columns[name], docs) for name in names}


def count_codes(column: Column, docs: np.ndarray) -> Counter:
    """How many of the documents have each value of the column (values held by none left out)."""
    counts = np.bincount(column.codes[docs], minlength=len(column.labels))
    labels = column.labels
    return Counter({labels[code]: int(counts[code]) for code in np.flatnonzero(counts).tolist()})


def selected_values(request: SearchRequest) -> dict[str, tuple[Any, ...]]:
    """facet → the values a request selects, as given (years as YearRange); empty ones left out."""
    given: dict[str, tuple[Any, ...]] = {
        "year": request.years,
        "section": request.sections,
        "part": request.parts,
        "committee": request.committees,
        "region": request.regions,
        "level": request.levels,
        "doc_type": request.doc_types,
        "language": request.languages,
    }
    return {facet: values for facet, values in given.items() if values}


def selections(request: SearchRequest, years: Sequence[int]) -> dict[str, set[Any]]:
    """facet → the set of selected values (year ranges expanded to the ``years`` present)."""
    chosen = {facet: set(values) for facet, values in selected_values(request).items()}
    if request.years:
        chosen["year"] = years_in(request.years, years)
    return chosen


def years_in(ranges: Sequence[YearRange], years: Sequence[int]) -> set[int]:
    """The years present in the index that fall in any of the ranges."""
    return {y for y in years if any(r.start <= y <= r.end for r in ranges)}


def keep_where(docs: np.ndarray, column: Column, allowed: set[Any]) -> np.ndarray:
    """The documents whose column value is among the allowed ones."""
    return docs[column.codes_of(allowed)[column.codes[docs]]]


def keep_facet(docs: np.ndarray, facet: str, allowed: set[Any], cache: ColumnCache) -> np.ndarray:
    """The documents whose value of a facet is among the allowed ones: a region is a province
    or a city, and a province holds everything under it."""
    if facet == "region":
        province, city = cache.columns["province"], cache.columns["city"]
        held = province.codes_of(allowed)[province.codes[docs]]
        held |= city.codes_of(allowed)[city.codes[docs]]
        return docs[held]
    return keep_where(docs, cache.column(facet), allowed)


def apply_selections(
    docs: np.ndarray, chosen: dict[str, set[Any]], cache: ColumnCache
) -> np.ndarray:
    """The documents whose values are among the selected ones in every selected facet."""
    for facet, allowed in chosen.items():
        docs = keep_facet(docs, facet, allowed, cache)
    return docs


def filter_and_count(
    docs: np.ndarray, chosen: dict[str, set[Any]], cache: ColumnCache
) -> tuple[np.ndarray, dict[str, Counter]]:
    """Apply the selections; count each facet over the matches filtered by the *other* facets.

    So with one year selected, the other years keep their counts (multi-select facets).
    """
    filtered = apply_selections(docs, chosen, cache)
    unselected = [facet for facet in FACET_FIELDS if facet not in chosen]
    by_column = cache.count_columns([FACET_COLUMNS[f] for f in unselected], filtered)
    counts = {facet: by_column[FACET_COLUMNS[facet]] for facet in unselected}
    for facet in chosen:
        population = docs
        for other, allowed in chosen.items():
            if other != facet:
                population = keep_facet(population, other, allowed, cache)
        column = FACET_COLUMNS[facet]
        counts[facet] = cache.count_columns([column], population)[column]
        if facet == "region":
            counts[facet] += city_counts(population, chosen[facet], cache)
    return filtered, counts


def city_counts(docs: np.ndarray, selected: set[Any], cache: ColumnCache) -> Counter:
    """The cities of the selected provinces (and of the selected cities' provinces), counted:
    the region facet opens a province it narrows to."""
    provinces = {f"{str(code)[:2]}0000" for code in selected}
    province = cache.columns["province"]
    return count_codes(cache.columns["city"], keep_where(docs, province, provinces))


def facet_values(facet: str, counts: Counter, selected: set[Any]) -> list[FacetValue]:
    """A complete facet list: years newest first, others by count; selected values always kept."""
    values = [FacetValue(v, n, v in selected) for v, n in counts.items() if v is not None]
    present = {fv.value for fv in values}
    values.extend(FacetValue(v, 0, True) for v in selected if v not in present)
    if facet == "year":
        return sorted(values, key=lambda fv: -int(fv.value))
    if facet == "region":  # provinces, then the cities of a selected one
        return sorted(values, key=lambda fv: (not str(fv.value).endswith("0000"), -fv.count))
    return sorted(values, key=lambda fv: (-fv.count, str(fv.value)))
