"""Turn an HTML element into text blocks (paragraphs) that remember headings and bold runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from extraction.text import clean_text

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "td",
        "th",
        "tr",
        "table",
        "tbody",
        "thead",
        "blockquote",
        "section",
        "article",
        "center",
        "dd",
        "dt",
        "dl",
        "pre",
        "header",
        "footer",
        "main",
        "figure",
        "figcaption",
        "hr",
        "form",
        "address",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
BOLD_TAGS = frozenset(("b", "strong"))
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "video",
        "audio",
        "select",
        "button",
        "input",
        "textarea",
        "map",
    ]
)
_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)


@dataclass
class Block:
    """One paragraph of text with what the markup said about it."""

    text: str
    tag: str = "p"
    bold_chars: int = 0
    link_chars: int = 0
    lead_bold: str = ""

    @property
    def is_heading_tag(self) -> bool:
        return self.tag in HEADING_TAGS

    @property
    def is_bold(self) -> bool:
        """Whether (nearly) all of the paragraph is bold."""
        visible = len(self.text.replace(" ", ""))
        return visible > 0 and self.bold_chars >= 0.9 * visible


class _Builder:
    """Accumulates text runs into blocks while walking the tree."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._bold = 0
        self._links = 0
        self._lead_bold: list[str] = []
        self._lead_open = True
        self._tag = "p"

    def add(self, text: str | None, bold: bool, link: bool) -> None:
        if not text:
            return
        self._parts.append(text)
        visible = len(re.sub(r"\s", "", text))
        if bold:
            self._bold += visible
            if self._lead_open:
                self._lead_bold.append(text)
        elif visible:
            self._lead_open = False
        if link:
            self._links += visible

    def set_tag(self, tag: str) -> None:
        if tag in HEADING_TAGS:
            self._tag = tag

    def flush(self) -> None:
        text = clean_text("".join(self._parts))
        if text:
            self.blocks.append(
                Block(
                    text=text,
                    tag=self._tag,
                    bold_chars=self._bold,
                    link_chars=self._links,
                    lead_bold=clean_text("".join(self._lead_bold)),
                )
            )
        self._parts, self._bold, self._links = [], 0, 0
        self._lead_bold, self._lead_open, self._tag = [], True, "p"


def _is_bold(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag in BOLD_TAGS or bool(_BOLD_STYLE_RE.search(element.get("style") or ""))


def _walk(root: etree._Element, builder: _Builder) -> None:
    """Feed the text of ``root`` to the builder in document order, without recursion (pages
    nest elements thousands deep)."""
    # Each frame: element, its children iterator, and the bold/link state inside it.
    stack: list[tuple[etree._Element, Iterator[etree._Element], bool, bool]] = []

    def enter(element: etree._Element, bold: bool, link: bool) -> bool:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return False
        if tag == "br":
            builder.flush()
            return False
        if tag in BLOCK_TAGS:
            builder.flush()
            builder.set_tag(tag)
        bold = bold or _is_bold(element) or tag in HEADING_TAGS
        link = link or tag == "a"
        builder.add(element.text, bold, link)
        stack.append((element, iter(element), bold, link))
        return True

    enter(root, False, False)
    while stack:
        element, children, bold, link = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
                builder.flush()
            if stack and element is not root:
                builder.add(element.tail, stack[-1][2], stack[-1][3])
            continue
        if not enter(child, bold, link):
            # A skipped element's own text is dropped, the text after it is not.
            builder.add(child.tail, bold, link)


def element_blocks(element: etree._Element) -> list[Block]:
    """Paragraph blocks of an element in document order (block tags and <br> split them)."""
    builder = _Builder()
    _walk(element, builder)
    builder.flush()
    return builder.blocks
