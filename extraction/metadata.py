"""Title and publication date of a page: meta tags, JSON-LD, headings, visible date lines, URL."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from extraction.blocks import Block, element_blocks
from extraction.content import strip_boilerplate
from extraction.dates import TIME_RE, date_from_url, find_dates, first_date
from extraction.text import clean_text

# CMS fields that hold the bare article title; social tags often append the site's name.
TITLE_META_KEYS = ("articletitle", "enp:title", "headline", "dc.title")
SOCIAL_TITLE_KEYS = ("og:title", "twitter:title")
DATE_META_KEYS = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "publishtime",
    "pubtime",
    "release_date",
    "enp:date",
    "publication_date",
    "published_date",
    "citation_publication_date",
    "contentdate",
    "maketime",
    "datepublished",
    "date",
)
# Other CMSs name the field their own way ("PublishTime", "pub_date", "og:release_date",
# "weibo:article:create_at", "bytedance:published_time"): a name saying published, released,
# issued or created and date or time is tried after the known ones; never a modified or expiry date.
DATE_META_NAME_RE = re.compile(
    r"(pub|publish|release|issue|creat|post|first|fabu|fbsj).*(date|time|_at|:at|sj|rq)"
    r"|(date|time|rq|sj).*(pub|publish|release|issue|creat|post)",
    re.IGNORECASE,
)
_NOT_PUBLISHED_RE = re.compile(r"modif|updat|expir|last|edit|valid|end", re.IGNORECASE)
# Parts of a page that carry other pages' dates (lists) or the site's (footer).
DATE_NOISE_TOKENS = frozenset(
    [
        "footer",
        "foot",
        "copyright",
        "bottom",
        "related",
        "relate",
        "recommend",
        "sidebar",
        "side",
        "nav",
        "menu",
        "hot",
        "rank",
        "ranking",
        "more-article",
        "prev",
        "next",
        "comment",
        "comments",
    ]
)
SITE_CHROME_TOKENS = frozenset(
    (
        "logo",
        "banner",
        "masthead",
        "branding",
        "brand",
        "sitename",
        "site-name",
        "site-title",
        "site-header",
        "navbar",
        "nav",
        "menu",
        "topbar",
    )
)
_TITLE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||｜| - | – | — |--)\s*")
_LABELLED_DATE_RE = re.compile(
    r"(发布时间|发布日期|发文日期|成文日期|发表时间|发稿时间|发表日期|上传时间|录入时间|创建时间"
    r"|公开日期|印发日期|发布于|日期|时间|更新时间|Published( on)?|Publication date|Posted( on)?"
    r"|Date|Release date|Release time|Updated( on)?|Time)\s*[:：]?\s*",
    re.IGNORECASE,
)
# A site header's clock ("2024年11月27日 星期三", "Today is Friday"): today's date, not the page's.
_CLOCK_RE = re.compile(
    r"星期[一二三四五六日天]|礼拜[一二三四五六日天]|今天是|今日是|Today is"
    r"|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    re.IGNORECASE,
)
# Footer and credit lines that name the site itself.
_SITE_LINE_RE = re.compile(r"版权|ICP|主办|承办|Copyright|©|All rights reserved", re.IGNORECASE)
_ENP_RE = re.compile(r"enpproperty(.*?)(?:/enpproperty|-->)", re.S | re.I)
_ENP_FIELD_RE = re.compile(r"<(\w+)>([^<]*)</\1>")
_PLACEHOLDER_TITLE_RE = re.compile(
    r"^\s*(无标题文档|无标题|新建网页\s*\d*|未命名|Untitled( Document)?|Document|Home|首页)\s*$",
    re.I,
)
_SITE_SUFFIX_RE = re.compile(r"\s*[-—－]\s*([^-—－]{2,15})$")
MAX_DATE_LINE = 80
_DATE_CHARS_RE = re.compile(r"[\d\s:：\-/.,年月日时分秒〇○零一二三四五六七八九十()（）]")
HEAD_LINES = 8
TITLE_WINDOW = 3  # date lines sit just above or below the title
TITLE_LOOKBACK = 4  # lines above the body searched for a title the <title> tag lacks
MIN_TITLE_CHARS = 5


@dataclass
class PageMeta:
    """What the page's head and header area say about the article."""

    title: str | None
    date: str | None
    html_lang: str | None
    head_lines: list[str] = field(default_factory=list)  # between the title and the body
    source: str | None = None


def meta_tags(root: etree._Element) -> dict[str, str]:
    """Meta tags by lower-cased name/property/itemprop (first value wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        value = clean_text(meta.get("content") or "")
        if key and value and key.lower() not in found:
            found[key.lower()] = value
    return found


def json_ld(root: etree._Element) -> dict[str, str]:
    """headline and datePublished from JSON-LD blocks, if any."""
    found: dict[str, str] = {}
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items + [g for i in items if isinstance(i, dict) for g in i.get("@graph", [])]:
            if not isinstance(item, dict):
                continue
            for key in ("headline", "datePublished"):
                if isinstance(item.get(key), str) and key.lower() not in found:
                    found[key.lower()] = clean_text(item[key])
    return found


def _title_tag(root: etree._Element) -> str:
    head = next(root.iter("head"), root)
    for element in head.iter("title"):
        return normalise_title("".join(element.itertext()))
    return ""


def _in_site_chrome(element: etree._Element) -> bool:
    """Whether a heading sits in the logo or banner (the site's name, not an article title)."""
    for ancestor in element.iterancestors():
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if set(re.split(r"[-_\s]+", names)) & SITE_CHROME_TOKENS:
            return True
    return False


def _headings(root: etree._Element) -> list[str]:
    texts = []
    for tag in ("h1", "h2", "h3"):
        for element in root.iter(tag):
            if _in_site_chrome(element):
                continue
            text = normalise_title("".join(element.itertext()))
            if 2 <= len(text) <= 200:
                texts.append(text)
    return texts


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


def enp_properties(html_text: str) -> dict[str, str]:
    """The property block TRS ENP pages carry in a comment (``<!--enpproperty <title>…``)."""
    match = _ENP_RE.search(html_text)
    if not match:
        return {}
    return {
        f"enp:{key.lower()}": clean_text(value)
        for key, value in _ENP_FIELD_RE.findall(match.group(1))
        if value.strip()
    }


def _cut_site_name(title: str) -> str:
    """Drop a short trailing site name ("…座谈会-中国科普网") from a <title>."""
    match = _SITE_SUFFIX_RE.search(title)
    if match and len(title) - len(match.group(0)) >= 2 * len(match.group(1)):
        return title[: match.start()]
    return title


def normalise_title(title: str) -> str:
    """Ideographic spaces inside a Chinese title are layout, not words: drop them."""
    return clean_text(title.replace("\u3000", ""))


def _without_site_name(candidate: str, headings: list[str]) -> str:
    """A page-level title minus the site's name: the heading it repeats, or its main segment."""
    compact = _compact(candidate)
    segments = [s for s in _TITLE_SEPARATORS_RE.split(candidate) if s]
    matching = [h for h in headings if len(_compact(h)) >= 4 and _compact(h) in compact]
    if matching:
        return max(matching, key=len)
    return _cut_site_name(max(segments[:2], key=len) if segments else candidate)


def find_title(root: etree._Element, metas: dict[str, str]) -> str | None:
    """The article title: CMS meta tags, then og:title or <title> without the site name."""
    for key in TITLE_META_KEYS:
        if metas.get(key):
            return metas[key]
    headings = _headings(root)
    for candidate in [metas.get(key, "") for key in SOCIAL_TITLE_KEYS] + [_title_tag(root)]:
        if candidate and not _PLACEHOLDER_TITLE_RE.match(candidate):
            return _without_site_name(normalise_title(candidate), headings)
    return headings[0] if headings else None


def _date_from_meta(metas: dict[str, str]) -> str | None:
    """The publication date a meta tag gives: known names first, then names that say so."""
    known = [key for key in DATE_META_KEYS if key in metas]
    others = [
        key
        for key in metas
        if key not in DATE_META_KEYS
        and DATE_META_NAME_RE.search(key)
        and not _NOT_PUBLISHED_RE.search(key)
    ]
    for key in known + others:
        found = first_date(metas[key])
        if found:
            return found
    return None


def _article_area(root: etree._Element) -> etree._Element:
    """A copy of the page's body with footers, lists, sidebars and comments removed."""
    body = next(root.iter("body"), root)
    cleaned = copy.deepcopy(body)
    strip_boilerplate(cleaned, DATE_NOISE_TOKENS)
    return cleaned


def header_lines(root: etree._Element) -> list[str]:
    """Visible text lines of the page with footers, lists and sidebars removed."""
    return [block.text for block in element_blocks(_article_area(root))]


def time_element_date(area: etree._Element) -> str | None:
    """The machine-readable date of the first ``<time datetime>`` outside comments and lists
    (blog themes show "2 weeks ago" and keep the date in the attribute)."""
    for element in area.iter("time"):
        found = first_date(element.get("datetime") or element.get("pubdate") or "")
        if found:
            return found
    return None


def title_window(
    lines: list[str], title: str | None, body_start: str | None
) -> tuple[int, int, int]:
    """(window start, title line, body start) indexes: the header area around the title."""
    title_at = -1
    end = len(lines)
    compact_title = _compact(title or "")
    if compact_title:
        for index, line in enumerate(lines):
            if compact_title in _compact(line):
                title_at = index
                break
    start = max(0, title_at - TITLE_WINDOW) if title_at >= 0 else 0
    if body_start:
        for index in range(max(title_at, 0), len(lines)):
            if lines[index].startswith(body_start[:30]):
                end = index
                break
    return start, title_at, end


def _visible_date(lines: list[str], window: tuple[int, int, int]) -> str | None:
    """A date line near the title: labelled ones first, then any short line below the title,
    then a line that starts with a date or gives a time (a header clock has neither)."""
    start, title_at, end = window
    candidates = [
        line
        for index, line in enumerate(lines[start : end + 1], start)
        if len(line) <= MAX_DATE_LINE and not (index < title_at and _CLOCK_RE.search(line))
    ]
    for line in candidates:
        for label in _LABELLED_DATE_RE.finditer(line):
            found = first_date(line[label.end() : label.end() + 40])
            if found:
                return found
    if title_at >= 0:
        below = [line for line in lines[title_at + 1 : end] if len(line) <= MAX_DATE_LINE]
        dated = [first_date(line) for line in below]
        if any(dated):
            return next(found for found in dated if found)
    for line in candidates:
        dates = find_dates(line)
        if dates and (TIME_RE.search(line) or dates[0][0] == 0):
            return dates[0][1]
    return None


def date_anywhere(lines: list[str]) -> str | None:
    """A date the article area shows away from its title: a labelled date line, else the last
    line that is only a date (a notice's signature date, "二〇二四年一月十五日")."""
    short = [line for line in lines if len(line) <= MAX_DATE_LINE and not _CLOCK_RE.search(line)]
    for line in short:
        for label in _LABELLED_DATE_RE.finditer(line):
            found = first_date(line[label.end() : label.end() + 40])
            if found:
                return found
    for line in reversed(short):
        dates = find_dates(line)
        if dates and len(_DATE_CHARS_RE.sub("", line)) <= 2:
            return dates[-1][1]
    return None


def _title_above_body(blocks: list[Block], body_start: str | None) -> str | None:
    """The bold or heading line just above the body, date and source lines skipped."""
    if not body_start:
        return None
    start = next((i for i, b in enumerate(blocks) if b.text.startswith(body_start[:30])), None)
    if start is None:
        return None
    for block in reversed(blocks[max(0, start - TITLE_LOOKBACK) : start]):
        text = block.text
        if find_dates(text) or _LABELLED_DATE_RE.match(text) or block.link_chars:
            continue
        if (block.is_bold or block.is_heading_tag) and MIN_TITLE_CHARS <= len(text) <= 150:
            return normalise_title(text)
    return None


def _shown_on_page(title: str, root: etree._Element) -> bool:
    """Whether the title is written in the page outside its logo, banner, menus and footer
    lines (where a site's own name appears)."""
    area = _article_area(root)
    strip_boilerplate(area, SITE_CHROME_TOKENS)
    target = _compact(title)
    return any(
        target in _compact(block.text) and not _SITE_LINE_RE.search(block.text)
        for block in element_blocks(area)
    )


def _checked_title(
    root: etree._Element, metas: dict[str, str], blocks: list[Block], body_start: str | None
) -> str | None:
    """find_title, unless the page-level title is nowhere in the page (a bare site name in
    <title>, as old templates have) and a bold line above the body gives the article's."""
    title = find_title(root, metas)
    title = normalise_title(title) if title else None
    if any(metas.get(key) for key in TITLE_META_KEYS):
        return title
    if title and _shown_on_page(title, root):
        return title
    return _title_above_body(blocks, body_start) or title


def page_meta(root: etree._Element, html_text: str, url: str, body_start: str | None) -> PageMeta:
    """Title, date, declared language and header lines of a parsed page."""
    metas = meta_tags(root)
    for extra in (json_ld(root), enp_properties(html_text)):
        metas.update({k: v for k, v in extra.items() if k not in metas})
    area = _article_area(root)
    blocks = element_blocks(area)
    title = _checked_title(root, metas, blocks, body_start)
    lines = [block.text for block in blocks]
    window = title_window(lines, title, body_start)
    date = (
        _date_from_meta(metas)
        or time_element_date(area)
        or _visible_date(lines, window)
        or date_from_url(url)
        or date_anywhere(lines)
    )
    html = root if root.tag == "html" else next(root.iter("html"), root)
    head = lines[window[1] + 1 : window[2]] if window[1] >= 0 else []
    return PageMeta(
        title=title,
        date=date,
        html_lang=(html.get("lang") or "").lower() or None,
        head_lines=head[:HEAD_LINES],
        source=metas.get("contentsource") or metas.get("source") or metas.get("author"),
    )
