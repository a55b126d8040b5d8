"""Decide whether a page is an article (a report, a news item) or something else."""

from __future__ import annotations

import re

from lxml import etree

from extraction.blocks import Block
from extraction.content import ContentResult
from extraction.metadata import PageMeta

MIN_BODY_CHARS = 40
MIN_UNDATED_BODY_CHARS = 1500
# An article's own text outweighs a login box in its page header or side column.
MAX_LOGIN_PAGE_TEXT = 300
# An undated short text is still an article when it is prose: paragraphs of whole sentences.
MIN_PROSE_PARAGRAPHS = 2
MIN_PROSE_CHARS = 120
_SENTENCE_END_RE = re.compile(r"[。！？!?.…”\"’）)]$")
# Where a site keeps the boxes of every page: a login form there is not the page's content.
CHROME_TOKENS = frozenset(
    ("header", "head", "top", "topbar", "top-bar", "toolbar", "side", "sidebar", "aside", "nav")
)
MAX_LINK_SHARE = 0.5
MIN_LISTING_ROWS = 4
MIN_LISTING_LINK_SHARE = 0.25  # rows of dated links, with little text besides them
# Pages every site has that are not publications, recognised by their title.
_SERVICE_TITLE_RE = re.compile(
    r"^(关于我们|关于本站|本站简介|网站简介|联系我们|联系方式|网站地图|隐私(政策|声明)|版权声明|免责声明"
    r"|政协(简介|概况)|本会简介|机构(简介|设置|职能)|组织机构|领导(简介|之窗|分工)|历届(领导|委员会)"
    r"|用户登录|登录|注册|站内搜索|搜索结果|About( us| this site| the CPPCC)?|Contact( us)?"
    r"|Site ?map"
    r"|Privacy( policy)?|Terms( of use)?|Log ?in|Sign ?in|Search( results)?)$",
    re.IGNORECASE,
)

# The hit count a search page opens with ("About 238 results for …", "共找到25条结果").
_RESULT_COUNT_RE = re.compile(
    r"^(about |showing )?[\d,]+ (results?|hits|matches) (for|found)\b"
    r"|^(showing |results )?\d+\s*[-–]\s*\d+ of (about )?[\d,]+( results?)?\b"
    r"|^(共)?(找到|检索到|搜索到)(相关)?(结果|信息|内容)?(约)?\s*[\d,]+\s*(条|个|篇|项)",
    re.IGNORECASE,
)
SEARCH_COUNT_LINES = 3
LISTING = "not an article: a list of links (listing or home page)"
SEARCH_RESULTS = "not an article: search results"
# Pages that list other pages: their title and date are not those of what they link to.
LISTS = (LISTING, SEARCH_RESULTS)


def _visible(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _password_fields(root: etree._Element) -> list[etree._Element]:
    fields = root.iter("input")
    return [field for field in fields if (field.get("type") or "").lower() == "password"]


def _in_chrome(element: etree._Element) -> bool:
    """Whether an element sits in the site's header, side column or navigation."""
    for ancestor in element.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if tag in ("header", "nav", "aside") or set(re.split(r"[-_\s]+", names)) & CHROME_TOKENS:
            return True
    return False


def is_login_page(root: etree._Element, body_chars: int) -> bool:
    """A page whose main content is a password form: little text of its own besides the form,
    and the form not in the page's header or side column (where sites put a login box)."""
    fields = _password_fields(root)
    if not fields or body_chars >= MAX_LOGIN_PAGE_TEXT:
        return False
    return not all(_in_chrome(field) for field in fields)


def _is_prose(blocks: list[Block]) -> bool:
    """Whether the text is paragraphs of whole sentences (an article), not labels and links."""
    sentences = [b for b in blocks if not b.link_chars and _SENTENCE_END_RE.search(b.text)]
    chars = sum(_visible(b.text) for b in sentences)
    return len(sentences) >= MIN_PROSE_PARAGRAPHS or chars >= MIN_PROSE_CHARS


def rejection_reason(
    root: etree._Element, content: ContentResult, blocks: list[Block], meta: PageMeta
) -> str | None:
    """Why a page is not an article (None when it is one)."""
    body_chars = sum(_visible(block.text) for block in blocks)
    if is_login_page(root, body_chars):
        return "not an article: login form"
    rows = max(content.dated_links, content.link_lines) >= MIN_LISTING_ROWS
    rows = rows and content.link_share > MIN_LISTING_LINK_SHARE
    if content.link_share > MAX_LINK_SHARE or rows:
        return LISTING
    if any(_RESULT_COUNT_RE.search(block.text) for block in blocks[:SEARCH_COUNT_LINES]):
        return SEARCH_RESULTS
    if meta.title and _SERVICE_TITLE_RE.search(meta.title):
        return f"not an article: a site page ({meta.title})"
    if body_chars == 0:
        return "no body: the article text is empty"
    if body_chars < MIN_BODY_CHARS:
        return f"no body: only {body_chars} characters of text"
    if not meta.title:
        return "not an article: no title"
    if meta.date is None and body_chars < MIN_UNDATED_BODY_CHARS and not _is_prose(blocks):
        return "not an article: no publication date and little text (about or index page)"
    return None
