"""Links from a page to its attachments ("附件：2019年政府工作报告"), with what the page says
about them: the link's words, and the page's own title and date. An attachment takes its title
and date hints from the notice that published it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from captures.urls import canonicalize
from extraction.text import clean_text

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps")
_ATTACHMENT_LABEL_RE = re.compile(
    r"^\s*(相关)?附件\s*[\d一二三四五六七八九十]*\s*[:：.、]?\s*|^\s*(Attachment|Annex)\s*\d*\s*[:：.]?\s*",
    re.I,
)
_FILE_SUFFIX_RE = re.compile(r"\s*[（(\[【]?\s*\.?(pdf|docx?|wps)\s*[)）\]】]?\s*$", re.I)
_SIZE_RE = re.compile(r"\s*[（(\[]\s*[\d.]+\s*[KMG]?B\s*[)）\]]\s*$", re.I)
# Words of a link that say "download" rather than name the document.
_GENERIC_RE = re.compile(
    r"^(点击)?(下载|查看|浏览|打开)?(附件|全文|原文|文件|此处|这里|PDF版?|Word版?)?(下载)?$"
    r"|^(download|click here|here|pdf|full text|attachment)$",
    re.I,
)
MAX_LINK_TITLE = 120


@dataclass(frozen=True)
class AttachmentHint:
    """What the page linking an attachment says about it."""

    url: str  # the notice page's
    link_text: str
    notice_title: str | None
    notice_date: str | None

    @property
    def title(self) -> str | None:
        """The document's title as the link names it, or None for "点击下载"-style words."""
        return link_title(self.link_text)


def link_title(text: str) -> str | None:
    """The title in a link's words: "附件1：2019年政府工作报告.pdf" → "2019年政府工作报告"."""
    title = _SIZE_RE.sub("", clean_text(text))
    title = _FILE_SUFFIX_RE.sub("", _ATTACHMENT_LABEL_RE.sub("", title)).strip(" 《》“”")
    if not title or len(title) > MAX_LINK_TITLE or _GENERIC_RE.match(title):
        return None
    if title.isascii() and not re.search(r"\s", title):
        return None  # a file name or path ("P020190306123.pdf", "files/report-2024"), not a title
    return title


def is_attachment_url(url: str) -> bool:
    """Whether a URL's path names a PDF or Word file."""
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def _link_words(anchor: etree._Element) -> str:
    """The link's text, or its paragraph's when the link says only "下载" or a file name."""
    own = clean_text("".join(anchor.itertext()))
    if link_title(own) or anchor.getparent() is None:
        return own
    around = clean_text("".join(anchor.getparent().itertext()))
    return around if len(around) <= MAX_LINK_TITLE else own


def attachment_hints(
    root: etree._Element, page_url: str, title: str | None, date: str | None
) -> dict[str, AttachmentHint]:
    """The attachments a page links to, by canonical URL, with the page's words about them."""
    hints: dict[str, AttachmentHint] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        target = urljoin(page_url, href)
        words = _link_words(anchor)
        labelled = bool(_ATTACHMENT_LABEL_RE.match(words))
        if not (is_attachment_url(target) or (labelled and "." in urlsplit(target).path)):
            continue
        key = canonicalize(target) or target
        if key not in hints:
            words = words or unquote(urlsplit(target).path.rsplit("/", 1)[-1])
            hints[key] = AttachmentHint(page_url, words, title, date)
    return hints
