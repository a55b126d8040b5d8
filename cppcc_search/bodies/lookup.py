"""The body a name denotes, read on its own: "政协第十五届常州市委员会", "常州市政协",
"15th Changzhou Municipal Committee", "State Council"."""

from __future__ import annotations

from cppcc_search.bodies.body import Body, local_body, national_body
from cppcc_search.bodies.mentions import find_mentions
from cppcc_search.bodies.places import resolve_place


def body_for_name(name: str) -> Body | None:
    """The body the name's first body mention names, or None when it names no known one."""
    for mention in find_mentions(name or ""):
        if mention.kind == "other":
            continue
        if mention.national:
            return national_body(mention.kind)
        division = resolve_place(mention.place, name) if mention.place else None
        if division is not None:
            return local_body(mention.kind, division)
    return None
