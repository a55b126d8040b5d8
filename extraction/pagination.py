"""Articles split over several pages ("下一页", ``t…_1.html``, ``index_2.html``, ``?page=2``):
which captured pages belong together, and in what order.

Pages belong to one article when their URLs differ only by a page number and one links the
other from its pager (a link reading "下一页", "2", "Next"…), or a TRS page's
``createPageHTML(count, index, name, ext)`` script names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from captures.urls import canonicalize
from extraction.text import clean_text

_PAGE_PARAM_RE = re.compile(
    r"^(page|p|pg|pn|pageno|page_no|pageindex|page_index|curpage|currentpage|paged)$", re.I
)
_PATH_PAGE_RE = re.compile(r"^(.*?)[_-](\d{1,3})(\.[A-Za-z]{2,5})$")  # t…_1.html, c1001-…-2.html
_DIR_PAGE_RE = re.compile(r"^(.*/)(\d{1,3})/?$")  # WordPress /slug/2/
_PAGER_WORDS_RE = re.compile(
    r"^[\[【(（<«‹]?\s*(\d{1,3}|下一?页|上一?页|首页|尾页|末页|第\s*\d{1,3}\s*页|next( page)?|"
    r"prev(ious)?( page)?|first|last|›|»|>|<|«|‹)\s*[\]】)）>»›]?$",
    re.I,
)
_TRS_PAGER_RE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
MAX_PAGES = 100


def page_of(url: str) -> tuple[str, int]:
    """(the article's URL without its page number, the page number; 0 for the first page)."""
    parts = urlsplit(url)
    number = 0
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if _PAGE_PARAM_RE.match(key) and value.isdigit():
            number = int(value)
        else:
            query.append((key, value))
    path = parts.path
    if not number:
        match = _PATH_PAGE_RE.match(path) or _DIR_PAGE_RE.match(path)
        if match:
            path, number = match[1] + (match[3] if match.re is _PATH_PAGE_RE else ""), int(match[2])
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), "")), number


def same_article(one: str, other: str) -> bool:
    """Whether two URLs differ only by a page number: both later pages of one first page, or
    one the first page of the other (an id ending in digits is no page number: ``t…_88.html``
    is the first page of ``t…_88_1.html``)."""
    first_one, first_other = page_of(one)[0], page_of(other)[0]
    return first_one in (first_other, other) or first_other == one


def page_number(url: str, pages: Iterable[str]) -> int:
    """A page's number among the pages of its article (0 for the first page)."""
    if any(page_of(other)[0] == url for other in pages if other != url):
        return 0  # the page the others number themselves from
    return page_of(url)[1]


def _canonical(url: str, base: str) -> str | None:
    try:
        return canonicalize(urljoin(base, url))
    except ValueError:
        return None


def sibling_pages(root: etree._Element, url: str, html_text: str) -> set[str]:
    """Canonical URLs of the other pages of this page's article that its pager links to."""
    found: set[str] = set()
    for anchor in root.iter("a"):
        href = anchor.get("href") or ""
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        if not _PAGER_WORDS_RE.match(clean_text("".join(anchor.itertext()))):
            continue
        target = _canonical(href, url)
        if target and target != url and same_article(url, target):
            found.add(target)
    script = _TRS_PAGER_RE.search(html_text)
    if script and 1 < int(script[1]) <= MAX_PAGES:
        name, ext = script[3], script[4]
        for index in range(int(script[1])):
            target = _canonical(f"{name}{f'_{index}' if index else ''}.{ext}", url)
            if target and target != url:
                found.add(target)
    return found


def article_series(links: dict[str, set[str]]) -> list[list[str]]:
    """Groups of two or more pages of one article, each in page order, from each page's pager
    links (``links``: page URL → sibling URLs); only pages that were captured are grouped."""
    parent = {url: url for url in links}

    def find(url: str) -> str:
        while parent[url] != url:
            parent[url] = parent[parent[url]]
            url = parent[url]
        return url

    for url, siblings in links.items():
        for sibling in siblings:
            if sibling in parent:
                parent[find(sibling)] = find(url)
    groups: dict[str, list[str]] = {}
    for url in links:
        groups.setdefault(find(url), []).append(url)
    series = []
    for group in groups.values():
        if len(group) > 1:
            members = set(group)
            series.append(sorted(group, key=lambda u: (page_number(u, members), u)))
    return series


def distinct(texts: Iterable[tuple[str, ...]]) -> list[int]:
    """Indexes of the pages whose text is not a repeat of an earlier one (``?page=1`` and the
    bare URL are often the same first page)."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for index, text in enumerate(texts):
        if text not in seen:
            seen.add(text)
            kept.append(index)
    return kept
