"""Where a body found by text density sits relative to the article's title on the page.

Text density always finds *some* text. When an article's own body is empty (a photo, a video, a
removed text) the densest text left is a side box ("政协概况", "About this blog") or the footer.
Such text is placed apart from the title: before it, or in a box that has a heading of its own.
"""

from __future__ import annotations

import re

from lxml import etree

from extraction.dates import find_dates
from extraction.profiles import Profile
from extraction.text import clean_text

# A box heading is a short label; longer lines before a body are decks or notes of the article.
MAX_BOX_HEADING = 20
_TITLE_SLACK = 20  # characters an element holding the title may add (a date, a "【】" marker)
_META_LINE_RE = re.compile(r"^(来源|作者|发布|日期|时间|Source|By|Author|Date|Posted)", re.I)
_CONTAINER_TAGS = frozenset(("div", "td", "section", "article", "p"))
_CAPTION_RE = re.compile(r"^图为|^(Photo|Picture)\b|摄[）)]?$", re.I)


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


def _text_of(element: etree._Element) -> str:
    return _compact("".join(element.itertext()))


def title_element(tree: etree._Element, title: str | None) -> etree._Element | None:
    """The innermost visible element holding the title (the first such one in the body)."""
    target = _compact(title or "")
    if len(target) < 4:
        return None
    body = next(tree.iter("body"), tree)
    for element in body.iter():
        # Only elements whose own text starts the title are tried, so the page is read once.
        if not isinstance(element.tag, str) or target[:4] not in _compact(element.text or ""):
            continue
        holder: etree._Element | None = element
        while holder is not None and len(_text_of(holder)) <= len(target) + _TITLE_SLACK:
            if target in _text_of(holder):
                return holder
            holder = holder.getparent()
    return None


def _document_order(tree: etree._Element) -> dict[etree._Element, int]:
    return {element: index for index, element in enumerate(tree.iter())}


def _branch_below(ancestor: etree._Element, element: etree._Element) -> etree._Element:
    """The child of ``ancestor`` on the way down to ``element`` (``element`` if a child)."""
    branch = element
    while branch.getparent() is not None and branch.getparent() is not ancestor:
        branch = branch.getparent()
    return branch


def _in_link(element: etree._Element) -> bool:
    return element.tag == "a" or any(a.tag == "a" for a in element.iterancestors())


def _text_before(branch: etree._Element, node: etree._Element) -> list[str]:
    """Text lines inside ``branch`` that come before ``node`` in document order, links aside
    (a breadcrumb is not a box heading)."""
    ancestors = set(node.iterancestors())
    lines: list[str] = []
    for element in branch.iter():
        if element is node:
            break
        if isinstance(element.tag, str) and not _in_link(element):
            lines.append(element.text or "")
        if element not in ancestors and element is not branch:
            parent = element.getparent()
            lines.append("" if parent is not None and _in_link(parent) else element.tail or "")
    return [clean_text(line) for line in lines if clean_text(line)]


def _is_box_heading(line: str, profile: Profile) -> bool:
    if (
        len(line) < 2
        or len(line) > MAX_BOX_HEADING
        or find_dates(line)
        or _META_LINE_RE.match(line)
    ):
        return False
    if _CAPTION_RE.search(line) or any(p.search(line) for p in profile.drop_lines):
        return False
    return not re.search(r"[。.；;！!？?]$", line)


def side_box_reason(
    tree: etree._Element, node: etree._Element, title: str | None, profile: Profile
) -> str | None:
    """Why the density-chosen ``node`` is not the article's body (None when it may be)."""
    anchor = title_element(tree, title)
    if anchor is None or anchor is node or node in anchor.iterancestors():
        return None
    order = _document_order(tree)
    if order.get(node, 0) < order.get(anchor, 0):
        return "the page's text comes before its title (a side column)"
    anchor_line = set(anchor.iterancestors())
    shared = next((a for a in node.iterancestors() if a in anchor_line), None)
    if shared is None:
        return None
    branch = _branch_below(shared, node)
    if branch is node:
        return None
    before = _text_before(branch, node)
    if _compact(title or "") in _compact("".join(before)):
        return None  # the title is repeated above the text in the same box: the article's
    boxed = any(_is_box_heading(line, profile) for line in before)
    if boxed and _left_empty(_branch_below(shared, anchor), anchor):
        return "the page's text is in a box with its own heading (a side box)"
    return None


def _left_empty(column: etree._Element, anchor: etree._Element) -> bool:
    """Whether the title's column holds, after the title, a container with no text: the place
    of the missing body (a lone title element or header block has none, so a deck line in the
    article's own box is not mistaken for a side box's heading)."""
    ancestors = set(anchor.iterancestors())
    after = False
    for element in column.iter():
        if element is anchor:
            after = True
            continue
        if not after or element in ancestors or not isinstance(element.tag, str):
            continue
        if anchor in element.iterancestors():
            continue
        if element.tag in _CONTAINER_TAGS and not _text_of(element):
            return True
    return False
