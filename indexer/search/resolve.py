"""Filter values given by name, turned into the codes the index holds.

A committee filter takes a body id or any of a body's names ("政协第十四届常州市委员会",
"15th Changzhou Municipal Committee", "常州市政协"); a region filter a division code or name; a
section filter a kind code, one of its labels, or a heading's words ("工作回顾" is the
``overview`` kind), read by the section classifier. Each value given by name is reported back,
so a search never narrows to nothing without saying why.
"""

from __future__ import annotations

from dataclasses import replace

from cppcc_search.kinds import classify_section
from indexer.errors import QueryError
from indexer.index.bodies import BodyRegistry
from indexer.search.labels import facet_value_label, kind_labels
from indexer.search.types import ResolvedFilter, SearchRequest


def resolve_request(
    request: SearchRequest, bodies: BodyRegistry
) -> tuple[SearchRequest, list[ResolvedFilter]]:
    """The request with committee, region and section values as codes, and what each value
    given by name resolved to. Raises QueryError for a section that names no kind."""
    notes: list[ResolvedFilter] = []

    def resolved(facet: str, values: tuple[str, ...], lookup) -> tuple[str, ...]:
        codes: list[str] = []
        for given in values:
            found = lookup(given)
            if found != [given]:
                labels = [facet_value_label(facet, code, bodies) or {} for code in found]
                notes.append(ResolvedFilter(facet, given, found, labels))
            # A value that names nothing stays, so the search finds nothing rather than more.
            codes.extend(found or [given])
        return tuple(dict.fromkeys(codes))

    request = replace(
        request,
        committees=resolved("committee", request.committees, bodies.ids_for),
        regions=resolved("region", request.regions, bodies.region_codes_for),
        sections=resolved("section", request.sections, lambda text: [section_kind(text)]),
    )
    return request, notes


def section_kind(text: str) -> str:
    """The kind code a section filter value names (QueryError when it names none)."""
    text = text.strip()
    labels = kind_labels()
    if text in labels:
        return text
    wanted = text.casefold()
    for code, label in labels.items():
        if wanted in (label["zh"].casefold(), label["en"].casefold()):
            return code
    kind = classify_section(text, "")
    if kind == "other":
        raise QueryError(
            f"unknown section kind {text!r}: use a code or label of /api/section-kinds "
            f"({', '.join(labels)})"
        )
    return kind
