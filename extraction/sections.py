"""Split body blocks into sections with levels, parts, part kinds and period years."""

from __future__ import annotations

import re

from cppcc_search.models import Section
from extraction.blocks import Block
from extraction.headings import UNNUMBERED_RANK, Heading, detect_heading
from extraction.periods import part_kind, period_span

MAX_LEVEL = 4
_TOC_TITLE_RE = re.compile(r"^(目\s*录|contents|table of contents)\s*[:：]?$", re.I)


def _compact(text: str) -> str:
    return re.sub(r"\W", "", text)


def _drop_table_of_contents(found: list[tuple[Block, Heading | None]]) -> list:
    """Remove headings listed once in a contents block and again in the text, and the 目录 line."""
    later: dict[str, int] = {}
    for index, (_, heading) in enumerate(found):
        if heading:
            later[_compact(heading.title)] = index
    kept = []
    for index, (block, heading) in enumerate(found):
        if _TOC_TITLE_RE.match(block.text.strip()):
            continue
        # A contents entry has no text of its own: the next line is another heading.
        following = found[index + 1][1] if index + 1 < len(found) else None
        listed = heading and not heading.rest and following is not None
        if listed and later.get(_compact(heading.title), index) > index:
            continue
        kept.append((block, heading))
    return kept


def _drop_unmarked_when_marked(found: list) -> list:
    """Where a numbering style's headings are set in bold, plain paragraphs numbered the same way
    are list items. Checked over the whole text for the outermost style, within each part below."""
    ranks = [h.rank for _, h in found if h and (h.numbered or h.is_part)]
    if not ranks:
        return found
    top = min(ranks)
    top_marked = any(h and h.numbered and h.marked and h.rank == top for _, h in found)
    segments: list[list] = [[]]
    for item in found:
        heading = item[1]
        if heading and (heading.rank <= top or heading.is_part):
            segments.append([])
        segments[-1].append(item)
    kept = []
    for segment in segments:
        marked = {h.rank for _, h in segment if h and h.numbered and h.marked}
        for index, (block, h) in enumerate(segment):
            # A numbered line naming a part ("二、今年的主要任务") stays a heading unmarked, and so
            # does a bare title line set between paragraphs (its bold was lost in editing).
            if h and h.numbered and not h.marked and not h.is_part:
                demote = top_marked if h.rank == top else h.rank in marked
                h = None if demote and not _between_paragraphs(segment, index) else h
            kept.append((block, h))
    return kept


def _between_paragraphs(items: list, index: int) -> bool:
    """Whether a title-only heading has plain paragraphs (not list items) on both sides."""
    heading = items[index][1]
    if heading.rest or index == 0 or index + 1 >= len(items):
        return False
    return items[index - 1][1] is None and items[index + 1][1] is None


def _demote_lists(found: list) -> list:
    """Plain numbered lines in a row with no text between them (footnotes, lists, a headline
    deck) are paragraphs, not headings; so are unnumbered bold lines that open the body."""
    demoted = list(found)
    index = 0
    while index < len(demoted):
        heading = demoted[index][1]
        end = index
        while (
            heading
            and not heading.marked
            and heading.numbered
            and not heading.rest
            and end + 1 < len(demoted)
            and demoted[end + 1][1] is not None
            and demoted[end + 1][1].rank == heading.rank
            and not demoted[end + 1][1].marked
        ):
            end += 1
        if end > index:
            for position in range(index, end + 1):
                # A run-in heading ending the run has text of its own: it stays a section.
                if not demoted[position][1].rest:
                    demoted[position] = (demoted[position][0], None)
        index = end + 1
    return demoted


def _demote_opening_deck(found: list, title: str | None) -> list:
    """Unnumbered bold lines stacked at the very top (a title repeated, a headline deck) are
    text; the deck's last line too when the deck spells out the page title."""
    deck_end = 0
    while (
        deck_end < len(found)
        and found[deck_end][1] is not None
        and found[deck_end][1].rank == UNNUMBERED_RANK
        and not found[deck_end][1].is_part
    ):
        deck_end += 1
    if deck_end == 0:
        return found
    deck = _compact("".join(block.text for block, _ in found[:deck_end]))
    if not (title and _compact(title) in deck):
        deck_end -= 1  # the last bold line before the text is the first heading
    return [(block, None) for block, _ in found[:deck_end]] + found[deck_end:]


def _levels(headings: list[Heading]) -> dict[int, int]:
    ranks = sorted({h.rank for h in headings if h.rank != UNNUMBERED_RANK})
    return {rank: min(position + 1, MAX_LEVEL) for position, rank in enumerate(ranks)}


def build_sections(
    blocks: list[Block], report_year: int | None, title: str | None = None
) -> list[Section]:
    """Sections in document order; text before the first heading is an untitled level-0 one."""
    found = _drop_table_of_contents([(block, detect_heading(block)) for block in blocks])
    found = _demote_lists(_drop_unmarked_when_marked(found))
    found = _demote_opening_deck(found, title)
    levels = _levels([h for _, h in found if h])
    sections: list[Section] = []
    texts: list[list[str]] = []
    part: str | None = None
    kind, year, start = "other", None, None
    last_level = 0
    for block, heading in found:
        if heading is None:
            if not sections:
                sections.append(Section(0, 0, None, None, "other", None, ""))
                texts.append([])
            texts[-1].append(block.text)
            continue
        if heading.rank == UNNUMBERED_RANK:
            level = min(last_level + 1, MAX_LEVEL) if last_level else 1
        else:
            level = levels[heading.rank]
            last_level = level
        if level == 1:
            part, kind = heading.title, part_kind(heading.title)
            start, year = period_span(heading.title, report_year)
            if kind == "other" and year and report_year:
                # "一、2023年主要工作" in a 2024 report looks back; a part on this year plans.
                kind = "review" if year < report_year else "plan"
        sections.append(
            Section(len(sections), level, heading.title, part, kind, year, "", period_start=start)
        )
        texts.append([heading.rest] if heading.rest else [])
    for section, lines in zip(sections, texts, strict=True):
        section.text = "\n".join(lines)
    return sections
