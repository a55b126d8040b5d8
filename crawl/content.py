"""What a response body is: an HTML page, an attachment (PDF, Word) kept for later, a sitemap,
or something the crawler does not use. The declared Content-Type is checked against the bytes,
because servers label pages wrongly in both directions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Labels that say nothing about the body, so the bytes decide. Download scripts on government
# sites label reports "download" types rather than what they are.
VAGUE_TYPES = frozenset(
    {
        "",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "application/download",
        "application/x-download",
        "application/force-download",
    }
)
# A .docx file is a zip archive, and some servers say only that.
ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/x-pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/rtf",
        "application/vnd.ms-works",
        "application/wps-office.doc",
        "application/wps-office.docx",
    }
)
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".rtf", ".wps")
XML_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/x-gzip",
        "application/gzip",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }
)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_ATTACHMENT_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf")
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<!--")

HTML = "html"
ATTACHMENT = "attachment"
SITEMAP = "sitemap"
OTHER = "other"
MISLABELLED = "mislabelled"


def _head(body: bytes) -> bytes:
    return body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def looks_binary(body: bytes) -> bool:
    """Whether the first bytes are a known binary format, or full of NULs without HTML."""
    head = body[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs but is text
    if head.startswith(_BINARY_MAGIC):
        return True
    # A stray NUL in broken markup does not make a page binary.
    return not looks_like_html(head) and head.count(b"\x00") > 2


def looks_like_html(body: bytes) -> bool:
    """Whether the body starts like an HTML document (XHTML may open with an XML declaration)."""
    head = _head(body)
    if head.startswith(b"<?xml"):
        head = head.partition(b"?>")[2].lstrip(b" \t\r\n")
    return head.startswith(_HTML_STARTS)


_SITEMAP_ROOTS = (b"<urlset", b"<sitemapindex", b"<rss", b"<rdf:rdf", b"<feed")


def looks_like_sitemap(body: bytes) -> bool:
    """Whether an XML body is a sitemap, a sitemap index, or an RSS/Atom feed (which search
    engines accept as sitemaps too)."""
    head = body[:2048].lower()
    return any(root in head for root in _SITEMAP_ROOTS)


def classify(mime: str, body: bytes, url: str, expected_sitemap: bool = False) -> str:
    """One of html, attachment, sitemap, other, or mislabelled (declared HTML, really binary)."""
    if expected_sitemap:
        text_list = mime == "text/plain" and not looks_like_html(body)
        gzipped = body[:2] == b"\x1f\x8b"
        return SITEMAP if looks_like_sitemap(body) or gzipped or text_list else OTHER
    if mime in HTML_TYPES:
        if looks_binary(body):
            return ATTACHMENT if body[:8].startswith(_ATTACHMENT_MAGIC) else MISLABELLED
        return HTML
    if mime in ATTACHMENT_TYPES:
        return ATTACHMENT
    if mime in ZIP_TYPES and urlsplit(url).path.lower().endswith(".docx"):
        return ATTACHMENT
    if mime in XML_TYPES and looks_like_sitemap(body):
        return SITEMAP
    if mime in VAGUE_TYPES:
        if body[:8].startswith(_ATTACHMENT_MAGIC) or (
            urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS) and looks_binary(body)
        ):
            return ATTACHMENT
        if not looks_binary(body) and looks_like_html(body):
            return HTML
    return OTHER
