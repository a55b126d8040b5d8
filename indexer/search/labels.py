"""Labels of facet values that are codes: fixed values, section kinds, bodies and regions."""

from __future__ import annotations

from functools import cache

from cppcc_search.kinds import section_kinds
from cppcc_search.labels import Label, value_label
from indexer.index.bodies import BodyRegistry


@cache
def kind_labels() -> dict[str, Label]:
    """code → {zh, en} of every section kind."""
    return {kind["code"]: {"zh": kind["zh"], "en": kind["en"]} for kind in section_kinds()}


def facet_value_label(facet: str, value: object, bodies: BodyRegistry) -> Label | None:
    """The ``{zh, en}`` label of one facet value (None for years and unknown codes)."""
    if facet == "section":
        return kind_labels().get(str(value))
    if facet == "committee":
        return bodies.label(str(value))
    if facet == "region":
        return bodies.regions.get(str(value))
    return value_label(facet, value)
