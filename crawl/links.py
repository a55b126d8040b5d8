"""Link discovery: links in HTML pages (with <base>, meta refresh and meta robots) and
sitemaps (urlset, sitemap index, gzip, plain text, RSS/Atom feeds), resolved to absolute URLs.

Only navigational links are followed (a, area, frame, iframe, meta refresh, and <link> with
rel next/prev, which some pagers use instead of anchors); stylesheets, scripts and images are not
pages. A page's declared ``<link rel=canonical>`` is reported apart from its links.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from captures.urls import with_forward_slashes

LINK_SOURCES = {"a": "href", "area": "href", "frame": "src", "iframe": "src"}  # tag -> attribute
# XPath, not iter(): libxml2 keeps markup found after </html> where only a document-wide search
# finds it (the gov-zh listing's print link).
_LINK_ELEMENTS = lxml.etree.XPath("//a[@href] | //area[@href] | //frame[@src] | //iframe[@src]")
# Plain strings, not lxml's "smart" ones that keep their element: half the time on 200,000 links.
_HREFS = lxml.etree.XPath(
    "//a/@href | //area/@href | //frame/@src | //iframe/@src", smart_strings=False
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# <meta http-equiv=refresh content="5; url='x'">, where "url=" and the quotes are optional
# (the HTML standard's "shared declarative refresh steps").
_REFRESH = re.compile(
    r"^\s*(?P<delay>[\d.]*)\s*(?:[;,]\s*)?(?P<key>url\s*=\s*)?(?P<q>['\"]?)(?P<url>.*?)(?P=q)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
# Listing pages built with the TRS content system (common on Chinese government sites) page
# with a script call instead of links: createPageHTML(pages, current, "index", "shtml") stands
# for index.shtml, index_1.shtml, ... index_<pages-1>.shtml.
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
MAX_SCRIPTED_PAGES = 1000
# <link rel=...> values that point to another page of the same sequence.
PAGE_RELS = frozenset({"next", "prev", "previous"})
FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "ftp:", "sms:", "about:", "#")
# An anchor's text is kept as a hint for what it links to (a notice page's "附件：2019年政府工作
# 报告" names its attachment); a longer text is not a title.
MAX_ANCHOR_CHARS = 300
MAX_REFUSED_CHARS = 500  # a data: URL may be megabytes; its start says enough


@dataclass
class PageLinks:
    """What a page links to, and whether it asks not to be followed. ``anchors`` gives the text
    of the first anchor with text for each link; ``refused`` the hrefs of other schemes
    (mailto:, javascript:, ...), which the crawl lists but never follows."""

    links: list[str] = field(default_factory=list)
    nofollow: bool = False
    canonical: str | None = None
    anchors: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    dropped: int = 0  # distinct hrefs past the limit, left unresolved


def _usable(href: str) -> bool:
    href = href.strip()
    return bool(href) and not href.lower().startswith(SKIPPED_SCHEMES)


def _other_scheme(href: str) -> bool:
    """Whether an href names a URL of a scheme the crawl does not follow (not a fragment)."""
    href = href.strip()
    return bool(href) and not href.startswith("#") and not _usable(href)


def anchor_text(element: lxml.html.HtmlElement) -> str:
    """The words an anchor shows, spaces collapsed; for an image link, or one without words,
    its title or the image's alt text."""
    text = " ".join(element.text_content().split()) if element.tag == "a" else ""
    if not text:
        alts = element.xpath(".//img/@alt") if element.tag == "a" else []
        for fallback in (element.get("title"), element.get("alt"), *alts):
            text = text or " ".join((fallback or "").split())
    return text[:MAX_ANCHOR_CHARS]


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse decoded HTML leniently; None if there is nothing to parse."""
    # libxml2 stops at a NUL byte, which would hide the rest of a broken page.
    text = _XML_DECLARATION.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None


def extract_links(text: str, page_url: str, limit: int | None = None) -> PageLinks:
    """Absolute URLs of the navigational links in a decoded HTML page, each href once. Past
    ``limit`` distinct hrefs the rest are only counted (``dropped``): resolving 200,000 links
    took 8 s, counting them takes a fraction of that."""
    root = parse_html(text)
    if root is None:
        return PageLinks()
    base = page_url
    for href in root.xpath("//base[@href]/@href")[:1]:
        base = urljoin(page_url, href.strip())
    result = PageLinks(canonical=_declared_canonical(root, base))
    for meta in root.xpath("//meta[@name]"):
        name, content = meta.get("name", "").lower(), meta.get("content", "").lower()
        if name == "robots" and "nofollow" in content:
            result.nofollow = True
    for meta in root.xpath("//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "refresh":
            target = refresh_target(meta.get("content", ""))
            if target and _usable(target):
                result.links.append(_join(base, target))
    if result.nofollow:
        return result
    taken: set[str] = set()
    for element in _LINK_ELEMENTS(root):
        href = element.get(LINK_SOURCES[element.tag])
        if href is None or href in taken:
            continue
        if limit is not None and len(taken) >= limit:
            # The rest are counted from their attributes alone: no element objects, no joins.
            hrefs = set(_HREFS(root)) - taken
            result.dropped = sum(1 for other in hrefs if _usable(other))
            break
        if _other_scheme(href):
            if limit is None or len(result.refused) < limit:
                result.refused.append(" ".join(href.split())[:MAX_REFUSED_CHARS])
        elif _usable(href):
            taken.add(href)
            link = _join(base, href)
            result.links.append(link)
            text = anchor_text(element)
            if link and text and link not in result.anchors:
                result.anchors[link] = text
    result.links.extend(_join(base, href) for href in _rel_hrefs(root, PAGE_RELS) if _usable(href))
    for script in root.xpath("//script[not(@src)]/text()"):
        result.links.extend(_join(base, href) for href in scripted_pager_links(script))
    result.links = [link for link in result.links if link]
    return result


def _rel_hrefs(root: lxml.html.HtmlElement, rels: frozenset[str]) -> list[str]:
    """hrefs of <link> elements whose rel names one of ``rels`` (rel is a token list)."""
    return [
        link.get("href", "")
        for link in root.xpath("//link[@href][@rel]")
        if rels.intersection(link.get("rel", "").lower().split())
    ]


def _declared_canonical(root: lxml.html.HtmlElement, base: str) -> str | None:
    """The absolute URL of the page's first <link rel=canonical>, if it has a usable one."""
    for href in _rel_hrefs(root, frozenset({"canonical"}))[:1]:
        if _usable(href):
            return _join(base, href) or None
    return None


def refresh_target(content: str) -> str | None:
    """The URL a meta refresh ``content`` sends the reader to, if it names one."""
    match = _REFRESH.match(content)
    if match is None or not (match.group("delay") or match.group("key")):
        return None  # neither a delay nor "url=": not a refresh instruction
    return match.group("url").strip() or None


def scripted_pager_links(script: str) -> list[str]:
    """Relative links a TRS ``createPageHTML(...)`` pager call stands for."""
    links = []
    for match in _TRS_PAGER.finditer(script):
        pages = min(int(match.group(1)), MAX_SCRIPTED_PAGES)
        stem, extension = match.group(3), match.group(4)
        links.extend(
            f"{stem}.{extension}" if page == 0 else f"{stem}_{page}.{extension}"
            for page in range(pages)
        )
    return links


def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, with_forward_slashes(href.strip()))
    except ValueError:
        return ""


@dataclass
class SitemapLinks:
    """Pages and nested sitemaps a sitemap lists."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _maybe_gunzip(body: bytes, limit: int) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        return b""
    return data[:limit]


def parse_sitemap(body: bytes, sitemap_url: str, limit: int = 50 * 1024 * 1024) -> SitemapLinks:
    """The locations a sitemap lists, a site-relative <loc> resolved against the sitemap's URL."""
    body = _maybe_gunzip(body, limit)
    result = SitemapLinks()
    # A byte-order mark (Windows tools write one) must not turn XML into a "text sitemap".
    body = body.removeprefix(b"\xef\xbb\xbf")
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        # A text sitemap: one URL a line.
        for line in stripped.decode("utf-8", errors="replace").splitlines():
            if line.strip() and _usable(line):
                result.pages.append(_join(sitemap_url, line))
        return result
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False
    )
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return result
    if root is None:
        return result
    if _local(root.tag) in FEED_ROOTS:
        result.pages.extend(_join(sitemap_url, url) for url in feed_links(root) if _usable(url))
        return result
    for loc in root.iter("{*}loc"):
        parent = loc.getparent()
        text = (loc.text or "").strip()
        if not text or not _usable(text):
            continue
        in_index = parent is not None and _local(parent.tag) == "sitemap"
        (result.sitemaps if in_index else result.pages).append(_join(sitemap_url, text))
    return result


def feed_links(root: lxml.etree._Element) -> list[str]:
    """Entry links of an RSS (0.9x, 1.0, 2.0) or Atom feed, which sites also offer as sitemaps."""
    links = []
    for element in root.iter():
        name = _local(element.tag)
        parent = element.getparent()
        if name != "link" or parent is None or _local(parent.tag) not in ("item", "entry"):
            continue
        if element.get("href") is not None:  # Atom: <link rel="alternate" href="...">
            if element.get("rel", "alternate") == "alternate":
                links.append(element.get("href", "").strip())
        elif element.text and element.text.strip():  # RSS: <link>url</link>
            links.append(element.text.strip())
    return links


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()
