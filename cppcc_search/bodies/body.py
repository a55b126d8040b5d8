"""A body that issues reports: its stable id, kind, level, region and names in both languages.

Ids name the kind and the place, never a term or a spelling: ``cppcc-320400`` is the Changzhou
CPPCC committee in every term and language, ``government-national`` the State Council. A body
whose place is not a known division keeps its kind and takes its id from its normalised name
(``cppcc-laiwushi``); an issuer that cannot be determined is ``other-…`` of its name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cppcc_search.bodies.divisions import COUNTY, PREFECTURE, PROVINCE, Division, divisions
from cppcc_search.bodies.names import english_place, english_unit, normalise_name, slug

NATIONAL = "national"
# Each kind's national body and how its local bodies are named, in Chinese and English.
_NATIONAL_NAMES = {
    "cppcc": ("中国人民政治协商会议全国委员会", "National Committee of the CPPCC"),
    "government": ("国务院", "State Council"),
    "npc": ("全国人民代表大会", "National People's Congress"),
    "party": ("中国共产党中央委员会", "Central Committee of the Communist Party of China"),
}
_LOCAL_ZH = {
    "cppcc": "政协{place}委员会",
    "government": "{place}人民政府",
    "npc": "{place}人民代表大会",
    "party": "中共{place}委员会",
}
_LOCAL_EN = {
    "cppcc": "CPPCC {place} {unit} Committee",
    "government": "{place} {unit} People's Government",
    "npc": "{place} {unit} People's Congress",
    "party": "CPC {place} {unit} Committee",
}
_RANK_LEVELS = {PROVINCE: "provincial", PREFECTURE: "municipal", COUNTY: "county"}


@dataclass(frozen=True)
class Body:
    """One issuing body. ``region`` holds full division names from the top ([] when national),
    ``codes`` their six-digit codes."""

    id: str
    kind: str
    level: str | None
    region: tuple[str, ...]
    codes: tuple[str, ...]
    name_zh: str
    name_en: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["region"], data["codes"] = list(self.region), list(self.codes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Body:
        return cls(
            id=str(data["id"]),
            kind=str(data["kind"]),
            level=data.get("level"),
            region=tuple(data.get("region") or ()),
            codes=tuple(data.get("codes") or ()),
            name_zh=str(data.get("name_zh") or ""),
            name_en=str(data.get("name_en") or ""),
        )


def national_body(kind: str) -> Body:
    """The national body of a kind (the State Council for ``government``)."""
    zh, en = _NATIONAL_NAMES[kind]
    return Body(f"{kind}-{NATIONAL}", kind, NATIONAL, (), (), zh, en)


def local_body(kind: str, division: Division) -> Body:
    """The body of a kind at a division: its committee, government, congress or Party committee."""
    chain = divisions().path(division)
    zh_place = division.name
    en_place = english_place(division)
    if division.is_district and len(chain) > 1:
        # Districts are named with their city: 政协常州市武进区委员会.
        zh_place = chain[-2].name + division.name
        en_place = f"{english_place(chain[-2])} {en_place}"
    return Body(
        id=f"{kind}-{division.code}",
        kind=kind,
        level=division_level(division),
        region=tuple(d.name for d in chain),
        codes=tuple(d.code for d in chain),
        name_zh=_LOCAL_ZH[kind].format(place=zh_place),
        name_en=_LOCAL_EN[kind].format(place=en_place, unit=english_unit(division)),
    )


def unplaced_body(kind: str, name: str, level: str | None = None) -> Body:
    """A body whose place is not a known division (or an issuer that cannot be determined, kind
    ``other``): its id comes from its normalised name."""
    return Body(f"{kind}-{slug(normalise_name(name))}", kind, level, (), (), name, name)


def body_from_id(body_id: str, name: str | None = None, level: str | None = None) -> Body:
    """The body an id names (its names rebuilt from the division table); an unplaced body
    takes the name and level given."""
    kind, _, place = body_id.partition("-")
    if place == NATIONAL and kind in _NATIONAL_NAMES:
        return national_body(kind)
    division = divisions().get(place) if place.isdigit() else None
    if division is not None and kind in _LOCAL_ZH:
        return local_body(kind, division)
    return Body(body_id, kind, level, (), (), name or body_id, name or body_id)


def division_level(division: Division) -> str:
    """The contract's level of a division: districts and county-level cities count as county."""
    return _RANK_LEVELS[division.rank]
