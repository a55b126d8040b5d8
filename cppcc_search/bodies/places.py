"""Which division a place named in a body's name is: "常州市", "常州", "江苏省常州市武进区",
"Changzhou Municipal", "Wujin District, Changzhou".

Names are read left to right, longest first, each one inside the one before ("江苏省" then
"常州市"). A name that several divisions share (鼓楼区, 朝阳区) is settled by a larger division
named with it or, failing that, anywhere in the context the caller gives (a title, a meeting
line); when nothing settles it the place stays unknown rather than guessed.
"""

from __future__ import annotations

from cppcc_search.bodies.divisions import RANKS, Division, divisions
from cppcc_search.bodies.names import english_places
from cppcc_search.cjk import CJK_CHAR

_LONGEST_NAME = 12
_UNITS = frozenset("省市县区州旗盟")


def chinese_places(text: str, whole: bool = False) -> list[list[Division]]:
    """The divisions named in a Chinese text, one list of candidates per name, in text order
    (``whole``: only names written in full, with their unit, as free text holds them)."""
    table = divisions()
    found: list[list[Division]] = []
    index = 0
    while index < len(text):
        for length in range(min(_LONGEST_NAME, len(text) - index), 1, -1):
            name = text[index : index + length]
            candidates = table.named(name)
            if whole or text[index + length : index + length + 1] in _UNITS:
                # "莱芜市" is no stem of 莱芜区: a name written with its unit must be whole.
                candidates = [d for d in candidates if d.name == name]
            if candidates:
                # The full name before a stem, and a stem read as the largest division first
                # ("常州" is the city).
                found.append(
                    sorted(candidates, key=lambda d: (d.name != name, RANKS.index(d.rank)))
                )
                index += length
                break
        else:
            index += 1
    return found


def named_places(text: str) -> list[list[Division]]:
    """The divisions a text names, in Chinese or English."""
    return chinese_places(text) if CJK_CHAR.search(text or "") else english_places(text)


def resolve_place(text: str, context: str = "", whole: bool = False) -> Division | None:
    """The most specific division the place words name, or None when they name none or leave
    it open which one (``whole``: Chinese names count only written in full)."""
    table = divisions()
    current: Division | None = None
    found = chinese_places(text, whole) if whole else named_places(text)
    for candidates in found:
        inside = [d for d in candidates if current is None or table.under(d, current)]
        if current is not None and not inside:
            continue  # a name that is no part of the place already read
        choice = _settle(inside, context)
        if choice is None:
            return None
        current = choice
    return current


def _settle(candidates: list[Division], context: str) -> Division | None:
    """One division among candidates of one name: the only one, or the one whose province or
    city the context names; the first candidate's rank is the likeliest one."""
    first = candidates[0]
    ranked = [d for d in candidates if (d.rank, d.name) == (first.rank, first.name)]
    if len(ranked) == 1:
        return ranked[0]
    table = divisions()
    named = {d.code for found in named_places(context) for d in found} if context else set()
    settled = [d for d in ranked if any(a.code in named for a in table.path(d) if a.code != d.code)]
    return settled[0] if len(settled) == 1 else None
