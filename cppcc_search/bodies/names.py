"""Body names: normalised for comparison, places found in them, divisions named in English.

A committee keeps its identity across terms, so "政协第十五届常州市委员会" and
"政协第十四届常州市委员会" normalise alike, and so do "15th CPPCC Changzhou Municipal Committee"
and "CPPCC Changzhou Municipal Committee". English place names are matched through pinyin
(pypinyin, loaded only when an English name is read): every reading of every division's name, so
朝阳 is both Chaoyang and Zhaoyang and the unit word ("Municipal", "District") picks among
homophones.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from functools import cache

from cppcc_search.bodies.divisions import (
    COUNTY,
    PREFECTURE,
    PROVINCE,
    RANKS,
    Division,
    divisions,
)
from cppcc_search.cjk import CJK_CLASS

_ZH_NUMBER = "一二三四五六七八九十百零〇两"
_ZH_TERM = re.compile(rf"第?[{_ZH_NUMBER}\d]+届")
_EN_TERM = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b\s*", re.IGNORECASE)
_EN_NOISE = re.compile(
    r"\b(?:the|of|cppcc|chinese people'?s political consultative conference)\b", re.IGNORECASE
)
_SPACE = re.compile(r"\s+")
# English names that are not the pinyin of the Chinese (and so cannot be found through it).
ENGLISH_EXCEPTIONS: dict[str, str] = {
    "陕西省": "Shaanxi",
    "内蒙古自治区": "Inner Mongolia",
    "西藏自治区": "Tibet",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
}
_EXTRA_KEYS = {"xizang": "西藏自治区", "macau": "澳门特别行政区", "neimenggu": "内蒙古自治区"}
# English unit words → the ranks they name, most likely first.
EN_UNITS: dict[str, tuple[str, ...]] = {
    "provincial": (PROVINCE,),
    "province": (PROVINCE,),
    "regional": (PROVINCE, PREFECTURE),
    "region": (PROVINCE, PREFECTURE),
    "autonomous": (PROVINCE, PREFECTURE, COUNTY),
    "municipal": (PROVINCE, PREFECTURE, COUNTY),
    "municipality": (PROVINCE, PREFECTURE),
    "city": (PREFECTURE, PROVINCE, COUNTY),
    "prefectural": (PREFECTURE,),
    "prefecture": (PREFECTURE,),
    "league": (PREFECTURE,),
    "district": (COUNTY,),
    "county": (COUNTY,),
    "banner": (COUNTY,),
}
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_MAX_KEYS = 16  # readings kept per name: polyphonic names have few that anyone writes


def normalise_name(name: str) -> str:
    """A body name for comparison: no term numbers, no "CPPCC"/"the"/"of", one case, no spaces.

    "政协第十五届常州市委员会" → "政协常州市委员会"; "15th CPPCC Changzhou Municipal Committee" →
    "changzhoumunicipalcommittee"."""
    text = _ZH_TERM.sub("", name or "")
    text = text.replace("中国人民政治协商会议", "政协")
    text = _EN_TERM.sub("", text)
    text = _EN_NOISE.sub(" ", text)
    text = re.sub(r"[’'`\-,.()（）·]", "", text)
    return _SPACE.sub("", text).lower()


def slug(text: str) -> str:
    """An ASCII id part for a name: its words (Chinese read as pinyin), hyphenated, at most 48
    characters (a longer one ends in a digest of the whole)."""
    words: list[str] = []
    for run in re.findall(rf"[{CJK_CLASS}]+|[A-Za-z0-9]+", text):
        if re.match(f"[{CJK_CLASS}]", run):
            words.append("".join(_pinyin()(run)))
        else:
            words.append(run.lower())
    joined = "-".join(word for word in words if word) or "unnamed"
    if len(joined) > 48:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        joined = f"{joined[:39].rstrip('-')}-{digest}"
    return joined


def english_place(division: Division) -> str:
    """A division's name in English: its stem in pinyin ("Changzhou"), or the usual exception."""
    if division.name in ENGLISH_EXCEPTIONS:
        return ENGLISH_EXCEPTIONS[division.name]
    return "".join(_pinyin()(division.stem)).capitalize()


def english_unit(division: Division) -> str:
    """The English unit word of a division's committee or government ("Municipal")."""
    name = division.name
    if division.rank == PROVINCE:
        if name.endswith("自治区"):
            return "Autonomous Regional"
        return "Municipal" if name.endswith("市") else "Provincial"
    for suffix, word in (("自治州", "Prefectural"), ("地区", "Prefectural"), ("盟", "League")):
        if name.endswith(suffix):
            return word
    if division.rank == PREFECTURE or name.endswith("市"):
        return "Municipal"
    if name.endswith("旗"):
        return "Banner"
    if name.endswith("新区"):
        return "New Area"  # 浦东新区, 滨海新区
    return "District" if division.is_district else "County"


def english_places(text: str) -> list[list[Division]]:
    """The divisions an English text names, one list of candidates per name, in text order.

    A name is one to three capitalised words whose pinyin is a division's ("Changzhou", "Inner
    Mongolia"); the unit word after it ("Municipal", "District") keeps the divisions of the ranks
    it names, most likely first."""
    words = [(m[0], m[0][0].isupper()) for m in _EN_WORD.finditer(text or "")]
    found: list[list[Division]] = []
    index = 0
    while index < len(words):
        for length in (3, 2, 1):
            run = words[index : index + length]
            if len(run) < length or not all(upper for _, upper in run):
                continue
            key = re.sub(r"[^a-z]", "", "".join(word for word, _ in run).lower())
            candidates = divisions_by_english(key)
            if not candidates:
                continue
            after = index + length
            unit = words[after][0].lower() if after < len(words) else ""
            ranks = EN_UNITS.get(unit, RANKS)
            candidates = sorted(
                (d for d in candidates if d.rank in ranks), key=lambda d: ranks.index(d.rank)
            )
            if candidates:
                found.append(candidates)
                index = after - 1
                break
        index += 1
    return found


def divisions_by_english(key: str) -> list[Division]:
    """The divisions whose name reads as ``key`` in English (any reading of the characters)."""
    table = divisions()
    return [table.by_code[code] for code in _english_index().get(key, ())]


@cache
def _english_index() -> dict[str, tuple[str, ...]]:
    """English key → division codes, for every division (built once, on first use)."""
    table = divisions()
    index: dict[str, list[str]] = {}
    by_name = {d.name: d for d in table.by_code.values()}
    pinyin = _pinyin(heteronym=True)
    for division in table.by_code.values():
        if division.name in ENGLISH_EXCEPTIONS:
            keys = {re.sub(r"[^a-z]", "", ENGLISH_EXCEPTIONS[division.name].lower())}
        else:
            readings = pinyin(division.stem)
            keys = {"".join(combo) for combo in itertools.islice(itertools.product(*readings), 16)}
        for key in keys:
            index.setdefault(key, []).append(division.code)
    for key, name in _EXTRA_KEYS.items():
        if name in by_name:
            index.setdefault(key, []).append(by_name[name].code)
    return {key: tuple(codes) for key, codes in index.items()}


@cache
def _pinyin(heteronym: bool = False):
    """A function from Chinese text to lower-case pinyin syllables (every reading per character
    with ``heteronym``); pypinyin is imported here, on first use, as it takes a second to load."""
    from pypinyin import Style, lazy_pinyin, pinyin

    if heteronym:
        return lambda text: [
            list(dict.fromkeys(readings))[:_MAX_KEYS]
            for readings in pinyin(text, style=Style.NORMAL, heteronym=True)
        ]
    return lambda text: lazy_pinyin(text, style=Style.NORMAL)
