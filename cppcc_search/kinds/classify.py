"""Section kinds from headings and texts: one section at a time, or a report's sections in order.

A heading decides first, tier by tier: a cue that names an area (生态, elderly care) beats one that
names a kind of committee work (提案, oversight), which beats generic wording (协商议政,
consultation), which beats a part's frame (工作回顾, Main Tasks). Within the deciding tier the
area the heading names first wins. A heading with no cue is read through its text; a heading that
says nothing ("（三）", "Part Two", "其他") inherits its parent heading's kind. Chinese and English
use the same kinds, tiers and rules, with cue lists that translate each other, so a translation's
sections get the original's kinds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from cppcc_search.cjk import count_cjk
from cppcc_search.errors import CppccSearchError
from cppcc_search.kinds.lexicon import Hit, normalise, scan
from cppcc_search.kinds.vocabulary import (
    HEADING_TIERS,
    OTHER,
    OVERVIEW,
    UNINFORMATIVE,
    vocabulary,
)
from cppcc_search.models import LANGUAGES, Report, Section

# How much one cue of each tier weighs when a text is read (a frame word says nothing of an area).
TEXT_WEIGHTS = {"topic": 3, "function": 2, "general": 1, "text": 1, "frame": 0}
# A text decides a kind on its own only with this much evidence and this lead over the next kind.
TEXT_MIN_SCORE = 4
TEXT_LEAD = 1.25
# Texts are read up to this many characters: a section's opening names its area, and the
# longest government-report sections would otherwise cost a lot of scanning for nothing.
TEXT_LIMIT = 3000

_NUMBERS_ZH = "一二三四五六七八九十百零〇两"
_ROMAN = r"[ivxlc]+"
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_ENUMERATOR = re.compile(
    r"""^\s*(?:
        第[\d０-９"""
    + _NUMBERS_ZH
    + r"""]+(?:部分|[章节篇条部])[、:：.．\s]*
      | [（(][\d０-９"""
    + _NUMBERS_ZH
    + r"""]+[）)][、.．\s]*
      | [\d０-９"""
    + _NUMBERS_ZH
    + r"""]+[、.．)）]\s*
      | [①-⑳]\s*
      | (?:part|chapter|section)\s+(?:\d+|"""
    + _ROMAN
    + "|"
    + _NUMBER_WORDS
    + r""")\b[\s:.\-–—]*
      | """
    + _ROMAN
    + r"""[.)]\s+
      | [a-z][.)]\s+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_YEARS = re.compile(r"\d{4}\s*年?|[一二三四五六七八九〇零]{4}年|今年|明年|去年|本年度|this year")
_NOT_WORDS = re.compile(r"[\W\d_]+")
# Chinese lead-ins that name a circumstance or a beneficiary before the heading's own subject:
# "随着经济建设的发展，加强国防建设", "为改革和发展创造良好的社会环境".
_LEAD_IN = re.compile(r"^(?:随着[^，,；;]{1,30}[，,]|为[^，,；;]{1,30}?创造)")


class SectionKindError(CppccSearchError):
    """Bad input to the classifier: an unknown language or parent kind."""


def classify_section(
    title: str | None,
    text: str,
    parent_kind: str | None = None,
    language: str | None = None,
) -> str:
    """The kind code of one section, from its heading, its text and its parent heading's kind.

    ``language`` is ``zh`` or ``en``; None reads it from the characters.
    """
    vocab = vocabulary()
    if parent_kind is not None and parent_kind not in vocab.codes:
        raise SectionKindError(f"unknown parent kind {parent_kind!r}")
    heading = strip_enumerator(title or "")
    language = _language(language, heading, text)
    hits = scan(_LEAD_IN.sub("", heading), language)
    for tier in HEADING_TIERS:
        named = _first_named(hits, tier)
        if named:
            return named
    inherited = parent_kind if parent_kind not in (None, *UNINFORMATIVE) else None
    if any(hit.tier == "frame" for hit in hits):
        return inherited or OVERVIEW
    blank = says_nothing(heading, language)
    if blank and _YEARS.search(heading):  # "2011年的工作": only a period, so a part's frame
        return inherited or OVERVIEW
    ranked = _ranked(_text_scores(text, language))
    decided = _decided(ranked)
    leaning = ranked[0][0] if ranked else None
    if blank:
        return inherited or decided or leaning or parent_kind or OTHER
    return decided or inherited or leaning or parent_kind or OTHER


def classify_sections(sections: Sequence[Section], language: str | None = None) -> list[str | None]:
    """Kinds of a report's sections in order; None for an untitled section.

    A section's parent is the nearest titled section before it with a lower heading level.
    """
    kinds: list[str | None] = []
    ancestors: list[tuple[int, str]] = []  # (level, kind) of the open headings
    for section in sections:
        if not section.title:
            kinds.append(None)
            continue
        while ancestors and ancestors[-1][0] >= section.level:
            ancestors.pop()
        parent = ancestors[-1][1] if ancestors else None
        kind = classify_section(section.title, section.text, parent, language)
        kinds.append(kind)
        ancestors.append((section.level, kind))
    return kinds


def classify_report(report: Report) -> list[str | None]:
    """Kinds of a report's sections in order (None for untitled ones)."""
    return classify_sections(report.sections, report.language)


def strip_enumerator(title: str) -> str:
    """The heading without its numbering: "（三）加强自身建设" -> "加强自身建设"."""
    return _ENUMERATOR.sub("", title.strip(), count=1).strip()


def says_nothing(heading: str, language: str) -> bool:
    """True for a heading with no words of its own: "", "其他", "Part Two", "2023年"."""
    rest = _YEARS.sub(" ", normalise(heading, language))
    filler = vocabulary().filler.get(language, ())
    if language == "en":
        words = [w for w in _NOT_WORDS.split(rest) if w and w not in filler]
        return not words
    for word in sorted(filler, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return not _NOT_WORDS.sub("", rest)


def _text_scores(text: str, language: str) -> Counter[str]:
    """Evidence for each kind in a section's text: its cues, weighted by tier."""
    scores: Counter[str] = Counter()
    for hit in scan((text or "")[:TEXT_LIMIT], language):
        if hit.kind is not None and hit.kind not in UNINFORMATIVE:
            scores[hit.kind] += TEXT_WEIGHTS[hit.tier]
    return scores


def _first_named(hits: list[Hit], tier: str) -> str | None:
    """The kind a heading names first among its cues of one tier.

    Chinese and English headings alike put the main area first ("深化改革，激发市场活力",
    "Deepening reform to boost ..."), and the order survives translation, unlike cue counts.
    """
    return next((hit.kind for hit in hits if hit.tier == tier and hit.kind is not None), None)


def _decided(ranked: list[tuple[str, int]]) -> str | None:
    """The text's kind when the text alone is clear about it."""
    if not ranked or ranked[0][1] < TEXT_MIN_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][1] < TEXT_LEAD * ranked[1][1]:
        return None
    return ranked[0][0]


def _ranked(scores: Counter[str]) -> list[tuple[str, int]]:
    """Kinds with any evidence, strongest first (ties in vocabulary order)."""
    vocab = vocabulary()
    return sorted(
        ((kind, score) for kind, score in scores.items() if score > 0),
        key=lambda item: (-item[1], vocab.rank(item[0])),
    )


def _language(language: str | None, heading: str, text: str) -> str:
    """The given language, checked; or the one most of the heading's and text's letters are in."""
    if language is not None:
        if language not in LANGUAGES:
            raise SectionKindError(f"unknown language {language!r}; expected one of {LANGUAGES}")
        return language
    sample = f"{heading} {text or ''}"[:400]
    letters = sum(ch.isalpha() for ch in sample)
    return "zh" if letters and count_cjk(sample) * 2 >= letters else "en"
