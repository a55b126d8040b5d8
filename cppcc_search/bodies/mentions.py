"""Bodies named in a piece of text, Chinese or English: which kind, national or where, as written.

"政协第十五届常州市委员会", "常州市政协", "国务院", "常州市人民政府", "第十四届全国人民代表大会",
"中共常州市委员会", "15th CPPCC Changzhou Municipal Committee", "State Council"… A mention of a
body's members ("全国政协委员", "市政协委员") names people, not the body, and is no mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cppcc_search.cjk import CJK_CLASS

_CJK = f"[{CJK_CLASS}]"
_TERM = r"(?:第?[一二三四五六七八九十百零〇\d]+届)?"
_PLACE = rf"({_CJK}{{0,16}}?)"
# Before "政府工作报告" only a place with its unit: "常州市政府工作报告", not
# "…会议关于政府工作报告".
_UNIT_PLACE = rf"((?:{_CJK}{{0,14}}?[省市县区州旗盟])?)"
# What a lazy place group may take in before the place: "2024年常州市…", "关于常州市…".
# (No place name starts with these; 和平区 and 向阳区 do start with 和 and 向.)
_LEAD = re.compile(r"^.*(?:年度?|关于|在|的)")
# Words that make a mention national: 全国政协, 中华人民共和国国务院, 中共中央.
_NATIONAL_WORDS = re.compile("全国|国务院|中华人民共和国|中央")
# "政协委员" and "人大代表" are members; "政协委员会" is the committee.
_NOT_MEMBERS = r"(?!委员(?!会)|常委(?!会))"


@dataclass(frozen=True)
class Mention:
    """One body named in a text: its kind, whether it is national, the place words as written
    (Chinese, or English with the unit word), the whole name as written, and where it starts."""

    kind: str
    national: bool
    place: str
    written: str
    start: int


# (kind, pattern, national): the place is group 1 where there is one. Order does not matter:
# the earliest mention in a text comes first.
_ZH_PATTERNS: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (kind, re.compile(pattern), national)
    for kind, pattern, national in (
        ("cppcc", r"中国人民政治协商会议" + _TERM + r"全国委员会|政协全国委员会", True),
        ("cppcc", r"全国政协" + _NOT_MEMBERS, True),
        ("cppcc", rf"(?:中国人民政治协商会议|政协){_TERM}{_PLACE}{_TERM}委员会", False),
        ("cppcc", rf"{_PLACE}政协{_NOT_MEMBERS}", False),
        ("government", r"(?:中华人民共和国)?国务院", True),
        ("government", rf"{_PLACE}人民政府", False),
        ("government", rf"{_UNIT_PLACE}政府工作报告", False),
        ("npc", r"全国人民代表大会|全国人大", True),
        ("npc", rf"{_PLACE}{_TERM}人民代表大会", False),
        ("npc", rf"{_PLACE}人大常委会", False),
        ("party", r"中共中央|中国共产党中央委员会", True),
        ("party", rf"(?:中共|中国共产党){_PLACE}委员会", False),
        ("party", rf"中共{_PLACE}[省市县区州]委", False),
        ("other", rf"{_PLACE}人民(?:法院|检察院)", False),
    )
)
_EN_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)\s+)?"
_EN_PLACE = r"((?:[A-Z][\w’'-]*\s+){0,3}?(?:[A-Z][\w’'-]*))"
_EN_UNIT = (
    r"(?:Autonomous\s+Regional|Provincial|Municipal|City|Prefectural|Prefecture|Regional|County"
    r"|District|Banner|League)"
)
_EN_CPPCC = r"(?:CPPCC|Chinese\s+People'?s\s+Political\s+Consultative\s+Conference)"
_EN_NAMED = rf"{_EN_PLACE}(\s+{_EN_UNIT})?"
_EN_ORDINAL_ONLY = r"\d{1,2}(?:st|nd|rd|th)\s+"
_EN_PATTERNS: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (kind, re.compile(pattern), national)
    for kind, pattern, national in (
        ("cppcc", rf"\bNational\s+Committee\s+of\s+the\s+{_EN_CPPCC}", True),
        ("cppcc", rf"\b{_EN_ORDINAL}{_EN_CPPCC}\s+National\s+Committee", True),
        ("cppcc", rf"\b{_EN_ORDINAL_ONLY}National\s+Committee", True),
        ("cppcc", rf"\b{_EN_ORDINAL}{_EN_CPPCC}\s+{_EN_NAMED}\s+Committee\b", False),
        ("cppcc", rf"\b{_EN_ORDINAL_ONLY}{_EN_PLACE}(\s+{_EN_UNIT})\s+Committee\b", False),
        ("cppcc", rf"\b{_EN_NAMED}\s+Committee\s+of\s+the\s+{_EN_CPPCC}", False),
        ("government", r"\bState\s+Council\b", True),
        ("government", rf"\b{_EN_NAMED}\s+(?:People'?s\s+)?Government\b", False),
        ("government", r"\bReport\s+on\s+the\s+Work\s+of\s+the\s+Government\b", False),
        ("government", r"\bGovernment\s+Work\s+Report\b", False),
        ("npc", r"\bNational\s+People'?s\s+Congress\b", True),
        ("npc", rf"\b{_EN_NAMED}\s+People'?s\s+Congress\b", False),
        ("party", r"\bCPC\s+Central\s+Committee\b", True),
        ("party", r"\bCentral\s+Committee\s+of\s+the\s+(?:CPC|Communist\s+Party)", True),
        ("party", rf"\bCPC\s+{_EN_NAMED}\s+Committee\b", False),
        ("other", rf"\b{_EN_NAMED}\s+People'?s\s+(?:Court|Procuratorate)\b", False),
    )
)
# Capitalised words that begin a name but are no place ("the Standing Committee of …").
_EN_NOT_PLACES = re.compile(
    r"^(?:The|Standing|Work|Report|Committee|Members|Fellow|Chinese|People'?s|Government"
    r"|Municipal|Provincial|County|District|City|Of|On|At|In|CPPCC|CPC)\b\s*"
)


def find_mentions(text: str) -> list[Mention]:
    """Every body named in the text, earliest first (a longer name first where two start
    together), in Chinese or English."""
    if not text:
        return []
    found: list[Mention] = []
    for kind, pattern, national in _ZH_PATTERNS:
        for match in pattern.finditer(text):
            place = (match[1] if match.re.groups else "") or ""
            lead = _LEAD.match(place)
            cut = lead.end() if lead else 0
            written, start, place = match[0][cut:], match.start() + cut, place[cut:]
            if _NATIONAL_WORDS.search(place):
                found.append(Mention(kind, True, "", written, start))
            else:
                found.append(Mention(kind, national, place, written, start))
    for kind, pattern, national in _EN_PATTERNS:
        for match in pattern.finditer(text):
            place = " ".join(g for g in match.groups() if g) if match.re.groups else ""
            place = _trim_english_place(" ".join(place.split()))
            if place.split()[:1] == ["National"]:
                national, place = True, ""
            found.append(Mention(kind, national, place, match[0], match.start()))
    found.sort(key=lambda m: (m.start, -len(m.written)))
    return _without_overlaps(found)


def _trim_english_place(place: str) -> str:
    while True:
        trimmed = _EN_NOT_PLACES.sub("", place)
        if trimmed == place:
            return place
        place = trimmed


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Drop mentions inside an earlier, longer one ("全国政协" inside "…全国委员会" does not
    occur, but "常州市人民政府" inside "常州市人民政府工作报告" does)."""
    kept: list[Mention] = []
    end = -1
    for mention in mentions:
        if mention.start < end:
            continue
        kept.append(mention)
        end = mention.start + len(mention.written)
    return kept
