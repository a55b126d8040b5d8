"""Find an article's main content element and turn it into clean paragraph blocks."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import re
from dataclasses import dataclass

from lxml import etree

from extraction.blocks import BLOCK_TAGS, SKIP_TAGS, Block, element_blocks
from extraction.credits import is_credit_line, strip_credit_trailer
from extraction.dates import find_dates
from extraction.profiles import Profile

_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TOKEN_SPLIT_RE = re.compile(r"[-_\s]+")
_SCORED_TAGS = frozenset(("div", "td", "article", "section", "main", "body", "center"))
MIN_PARAGRAPH_CHARS = 12
MIN_HEADLINE_CHARS = 8


@dataclass
class ContentResult:
    """The body blocks of a page and how they were found."""

    blocks: list[Block]
    found_by: str  # "selector", "density" or "none"
    link_share: float = 0.0  # of the content element's text, before boilerplate lines are dropped
    dated_links: int = 0  # lines holding a link and a date: the rows of a listing
    link_lines: int = 0  # linked headlines with a line of their own text under: listing items
    # For a body found by density: the element chosen, in ``tree`` (a cleaned copy of the page).
    node: etree._Element | None = None
    tree: etree._Element | None = None


def _is_hidden(element: etree._Element) -> bool:
    return element.get("hidden") is not None or bool(
        _HIDDEN_STYLE_RE.search(element.get("style") or "")
    )


def _is_boilerplate(element: etree._Element, tokens: frozenset[str]) -> bool:
    """Whether an element's class or id names a boilerplate block (share, nav, footer…)."""
    for value in [*(element.get("class") or "").split(), element.get("id") or ""]:
        if not value:
            continue
        lowered = value.lower()
        if lowered in tokens or any(part in tokens for part in _TOKEN_SPLIT_RE.split(lowered)):
            return True
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    return tag in ("nav", "footer", "aside", "form") or element.get("role") in (
        "navigation",
        "contentinfo",
        "complementary",
    )


def strip_boilerplate(root: etree._Element, tokens: frozenset[str]) -> None:
    """Remove hidden elements and those whose class or id is in ``tokens``, below ``root``."""
    doomed = [
        element
        for element in root.iterdescendants()
        if isinstance(element.tag, str)
        and (
            element.tag.lower() in SKIP_TAGS
            or _is_hidden(element)
            or _is_boilerplate(element, tokens)
        )
    ]
    for element in doomed:
        _drop_keep_tail(element)


def _drop_keep_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_length(element: etree._Element) -> int:
    return len(re.sub(r"\s", "", "".join(element.itertext())))


def _by_selector(root: etree._Element, profile: Profile) -> etree._Element | None:
    """The longest visible element matched by a content XPath of the profile (may be empty)."""
    best: etree._Element | None = None
    best_len = -1
    for xpath in profile.content_xpaths:
        for element in root.xpath(xpath):
            if not isinstance(element, etree._Element) or _is_hidden(element):
                continue
            cleaned = copy.deepcopy(element)
            strip_boilerplate(cleaned, profile.boilerplate_tokens)
            length = _text_length(cleaned)
            if length > best_len:
                best, best_len = element, length
    return best


def _direct_text(element: etree._Element) -> tuple[int, int]:
    """Characters of text directly in an element (inline children included), and in its links."""
    total = len((element.text or "").strip())
    links = 0
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and tag not in BLOCK_TAGS and tag not in SKIP_TAGS and tag != "br":
            size = _text_length(child)
            total += size
            if tag == "a":
                links += size
        total += len((child.tail or "").strip())
    return total, links


def _by_density(root: etree._Element) -> etree._Element | None:
    """The element whose paragraphs hold the most non-link text (readability-style scoring)."""
    scores: dict[etree._Element, float] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        total, links = _direct_text(element)
        text = total - links
        if text < MIN_PARAGRAPH_CHARS or links > total / 2:
            continue
        owner = element if element.tag.lower() in _SCORED_TAGS else element.getparent()
        if owner is None:
            continue
        scores[owner] = scores.get(owner, 0.0) + text
        grand = owner.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + text / 2
    if not scores:
        return None
    return max(scores, key=lambda element: scores[element])


def filter_blocks(blocks: list[Block], profile: Profile) -> list[Block]:
    """Drop boilerplate and credit lines and link lists, and credits trailing a paragraph; cut
    at the first 'related posts' style heading."""
    kept: list[Block] = []
    for block in blocks:
        text = block.text
        if kept and any(pattern.search(text) for pattern in profile.stop_lines):
            break
        if any(pattern.search(text) for pattern in profile.drop_lines):
            continue
        if block.link_chars > 0.6 * len(text.replace(" ", "")):
            continue
        if is_credit_line(text, profile.credit_labels):
            continue
        trimmed = strip_credit_trailer(text, profile.credit_labels)
        kept.append(block if trimmed == text else dataclasses.replace(block, text=trimmed))
    return kept


def _is_link_headline(block: Block) -> bool:
    visible = len(block.text.replace(" ", ""))
    return visible >= MIN_HEADLINE_CHARS and block.link_chars >= 0.8 * visible


def extract_content(root: etree._Element, profile: Profile) -> ContentResult:
    """The page's body blocks: a profile selector first, text density otherwise."""
    node = _by_selector(root, profile)
    found_by = "selector"
    tree = None
    if node is None:
        body = copy.deepcopy(root)
        strip_boilerplate(body, profile.boilerplate_tokens)
        node = _by_density(body)
        found_by, tree = "density", body
        if node is None:
            return ContentResult(blocks=[], found_by="none")
    else:
        node = copy.deepcopy(node)
        strip_boilerplate(node, profile.boilerplate_tokens)
    raw = element_blocks(node)
    total = sum(len(block.text.replace(" ", "")) for block in raw)
    share = sum(block.link_chars for block in raw) / total if total else 0.0
    dated = sum(1 for block in raw if block.link_chars and find_dates(block.text))
    # A listing's item: a linked headline with its own teaser or date line under it (a run of
    # links, such as an article's attachments, has no text between them).
    pairs = itertools.pairwise(raw)
    headlines = sum(1 for a, b in pairs if _is_link_headline(a) and not b.link_chars)
    kept = filter_blocks(raw, profile)
    if found_by == "density":
        return ContentResult(kept, found_by, share, dated, headlines, node=node, tree=tree)
    return ContentResult(kept, found_by, share, dated, headlines)
