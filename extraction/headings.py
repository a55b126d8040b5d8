"""Recognise headings in paragraph blocks: numbering style, run-in titles, part headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.blocks import Block
from extraction.text import cjk_ratio

_CN_NUM = "一二三四五六七八九十"
# Rank orders numbering styles from outermost to innermost; levels are assigned from the ranks a
# document actually uses, so "1." is level 1 in a flat list and level 2 under parts.
NUMBERING = (
    (0, re.compile(rf"^第[{_CN_NUM}百零〇\d]+\s*[章编篇]")),
    (0, re.compile(rf"^第[{_CN_NUM}百零〇\d]+部分")),
    (0, re.compile(r"^(Chapter|Part)\s+([IVX]+|\d+|One|Two|Three|Four|Five|Six)\b", re.I)),
    (2, re.compile(rf"^[{_CN_NUM}]{{1,3}}\s*[、．]")),
    (2, re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.\s")),
    (3, re.compile(rf"^[（(]\s*[{_CN_NUM}]{{1,3}}\s*[）)]")),
    (4, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (5, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]|^\d{1,2}\)\s")),
)
PART_RANK = 1
SENTENCE_HEADING_RANK = 3
UNNUMBERED_RANK = -1  # a bold or <h*> heading with no numbering: levelled by its neighbours
_ZH_PART_RE = re.compile(
    r"^(\d{4}年|今年|明年|去年|过去一年|过去五年|一年来|本届)?[^。；，]{0,16}"
    r"(工作回顾|主要任务|工作任务|工作安排|工作部署|总体部署|工作建议|工作总结)$"
)
_EN_PART_RE = re.compile(
    r"^((\d{4}|this year'?s?|last year'?s?|the past year'?s?)\s+)?[\w\s’',-]{0,40}?"
    r"\b(work review|review of (our |the )?work|main tasks|major tasks|key tasks|tasks for|"
    r"work plan|plans? for|priorities for|looking back)\b[\w\s’',-]{0,20}$",
    re.IGNORECASE,
)
_TERMINAL = "。；;！!？?，,：:"
_EN_RUN_IN_RE = re.compile(r"^(.{8,240}?[\w)”\"’])\.(?=[“\"‘A-Z])")
# "1. Title sentence. Body…": the first short sentence is the title only before a long body.
_EN_SENTENCE_RE = re.compile(r"^(.{12,100}?[a-z)”’])\.\s+(?=[“\"‘A-Z])")
MIN_EN_RUN_IN_REST = 200
_ZH_RUN_IN_RE = re.compile(r"^([^。；！？]{2,40}?)。(?=.)")
_CAPTION_RE = re.compile(
    r"^图为|^(Photo|Picture)\b|[（(][^（）()]{1,16}摄[）)]$|\(photo[^)]*\)$", re.I
)
MAX_ZH_HEADING = 50
MAX_EN_HEADING = 160


@dataclass
class Heading:
    """A heading found in a block: its numbering rank, title and any run-in text after it."""

    rank: int
    title: str
    rest: str
    numbered: bool
    is_part: bool
    marked: bool = False  # bold or an <h*> element, not only recognised by its numbering


def numbering_rank(text: str) -> int | None:
    """The rank of a heading's numbering style ("第一章" 0, "一、" 2, "1." 4…), or None."""
    for rank, pattern in NUMBERING:
        if pattern.match(text):
            return rank
    return None


def looks_like_part(text: str) -> bool:
    """Whether a short line names a part ("2023 work review", "2024年主要任务")."""
    stripped = text.rstrip("：: ")
    if cjk_ratio(stripped) > 0.5:
        return len(stripped) <= 30 and bool(_ZH_PART_RE.search(_strip_number(stripped)))
    return len(stripped) <= 80 and bool(_EN_PART_RE.match(_strip_number(stripped)))


def _strip_number(text: str) -> str:
    for _, pattern in NUMBERING:
        match = pattern.match(text)
        if match:
            return text[match.end() :].strip()
    return text


def _heading_limit(text: str) -> int:
    return MAX_ZH_HEADING if cjk_ratio(text) > 0.5 else MAX_EN_HEADING


def _is_short(text: str) -> bool:
    return len(text) <= _heading_limit(text)


def ends_like_sentence(text: str) -> bool:
    """Whether a line ends as a sentence or clause does (。，：…), as a heading does not."""
    return bool(text) and text[-1] in _TERMINAL


def _one_sentence(text: str) -> bool:
    """A short Chinese line that is one sentence ending with 。 ("（一）继续创新和完善宏观调控，
    确保经济运行在合理区间。"): numbered so, it is a heading standing on its own line."""
    if cjk_ratio(text) <= 0.5 or not _is_short(text) or not text.endswith("。"):
        return False
    return not re.search(r"[。；;！!？?]", text[:-1])


def _run_in(block: Block) -> tuple[str, str] | None:
    """Split "1. Title.Body…" (or a bold lead "一、标题。正文") into title and rest."""
    text = block.text
    lead = block.lead_bold
    if lead and 2 <= len(lead) < len(text) and text.startswith(lead):
        return lead.rstrip("。."), text[len(lead) :].strip()
    if cjk_ratio(text) > 0.5:
        match = _ZH_RUN_IN_RE.match(text)
    else:
        match = _EN_RUN_IN_RE.match(text) or _EN_SENTENCE_RE.match(text)
        if match and match.re is _EN_SENTENCE_RE and len(text) - match.end() < MIN_EN_RUN_IN_REST:
            return None
    if match and len(text) > len(match.group(0)) + 10:
        return match.group(1).strip(), text[match.end() :].strip()
    return None


def _bold_number_only(block: Block) -> bool:
    """Whether just the numbering is bold ("<strong>一、</strong>过去一年的主要工作"), a heading
    mark some editors use; a bold run-in title is handled by the run-in split instead."""
    lead = block.lead_bold.strip()
    if not lead or not _is_short(block.text) or ends_like_sentence(block.text):
        return False
    return any(p.match(lead) and not _strip_number(lead) for _, p in NUMBERING)


def detect_heading(block: Block) -> Heading | None:
    """The heading a block is or starts with, or None for an ordinary paragraph."""
    text = block.text
    if _CAPTION_RE.search(text):
        return None
    rank = numbering_rank(text)
    marked = block.is_heading_tag or block.is_bold or _bold_number_only(block)
    if looks_like_part(text) and (marked or not ends_like_sentence(text)):
        # A numbered part ("一、2023年工作回顾") levels with its numbered siblings.
        part_rank = PART_RANK if rank is None else rank
        return Heading(part_rank, text, "", rank is not None, True, marked)
    if rank is not None:
        if marked and (len(text) <= 2 * _heading_limit(text) or rank == 0):
            return Heading(rank, text, "", numbered=True, is_part=False, marked=True)
        # One sentence ending in 。 is a heading from the "（一）" level down; a "一、" item that
        # is one sentence is a notice's numbered point as often as a heading.
        if (_is_short(text) and not ends_like_sentence(text)) or (
            rank >= SENTENCE_HEADING_RANK and _one_sentence(text)
        ):
            return Heading(rank, text, "", numbered=True, is_part=False)
        split = _run_in(block)
        if split:
            bold_lead = bool(block.lead_bold) and split[0] == block.lead_bold.rstrip("。.")
            return Heading(rank, split[0], split[1], True, False, marked=bold_lead)
        return None
    if marked and _is_short(text) and not ends_like_sentence(text) and len(text) >= 2:
        return Heading(UNNUMBERED_RANK, text, "", numbered=False, is_part=False, marked=True)
    return None
