"""Archived captures made safe to show: no scripts, forms or frames, and a banner on top."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml_html_clean import Cleaner

_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=False,  # keep the page's look; CSP still blocks anything it would load
    inline_style=False,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
)


@dataclass(frozen=True)
class BannerInfo:
    """What the banner says about a capture."""

    original_url: str
    final_url: str
    fetched_at: str
    status: int
    encoding: str
    search_url: str


def clean_html(text: str, base_url: str) -> lxml.html.HtmlElement:
    """Parse ``text``, drop everything active, and make links absolute to the source."""
    try:
        document = lxml.html.document_fromstring(text or "<p></p>")
    except (etree.ParserError, ValueError):
        document = lxml.html.document_fromstring("<p>(empty page)</p>")
    cleaned = _CLEANER.clean_html(document)
    # A malformed base URL leaves the links as they were captured.
    with contextlib.suppress(ValueError):
        cleaned.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    return cleaned


def banner(info: BannerInfo) -> lxml.html.HtmlElement:
    """The notice on top of an archived page (built as elements, so its text is escaped)."""
    box = lxml.html.Element("div")
    box.set("role", "note")
    box.set(
        "style",
        "all:initial;display:block;font:14px/1.5 system-ui,sans-serif;background:#fff4d6;"
        "color:#1a1a1a;border-bottom:2px solid #b7791f;padding:10px 14px;",
    )
    strong = etree.SubElement(box, "strong")
    strong.text = "存档副本 Archived capture"
    strong.tail = (
        f" — fetched {info.fetched_at} (HTTP {info.status}, {info.encoding}). "
        "Scripts, forms and frames removed; links go to the live site. Original: "
    )
    link = etree.SubElement(box, "a", href=info.original_url)
    link.set("style", "color:#0b4f9c")
    link.text = info.original_url
    if info.final_url and info.final_url != info.original_url:
        link.tail = " → "
        final = etree.SubElement(box, "a", href=info.final_url)
        final.set("style", "color:#0b4f9c")
        final.text = info.final_url
    back = etree.SubElement(box, "a", href=info.search_url)
    back.set("style", "color:#0b4f9c;margin-left:1em")
    back.text = "← CPPCC Search"
    return box


def render_archive(text: str, info: BannerInfo) -> str:
    """The cleaned capture with the banner first in its body, as an HTML string."""
    document = clean_html(text, info.final_url or info.original_url)
    body = document.find("body")
    if body is None:
        body = etree.SubElement(document, "body")
    body.insert(0, banner(info))
    head = document.find("head")
    if head is None:
        head = lxml.html.Element("head")
        document.insert(0, head)
    charset = lxml.html.Element("meta", charset="utf-8")
    head.insert(0, charset)
    return "<!doctype html>\n" + lxml.html.tostring(document, encoding="unicode")
