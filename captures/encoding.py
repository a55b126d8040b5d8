"""Character encodings as Chinese sites serve them.

Order of evidence: a byte-order mark, the HTTP ``charset``, a ``<meta>`` declaration, then strict
UTF-8, then detection (charset-normalizer). A declaration is trusted only if the bytes decode
under it; GB2312 and GBK are decoded as their superset GB18030, because pages that declare
GB2312 routinely use GBK-only characters. The result is never a crash and never silent mojibake.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from captures.headers import Headers, header_value

# Labels browsers treat as one encoding; each maps to the Python codec that decodes them right.
_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "iso-ir-58": "gb18030",
    "gb18030": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "unicode": "utf-16le",
    "utf8": "utf-8",
}
# Single-byte encodings decode any bytes, so a declaration of one proves nothing by itself.
_SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "ascii"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
# The charset parameter of a Content-Type, in the HTTP header or in a <meta> tag.
_CHARSET_PARAM = r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
_HEADER_CHARSET = re.compile(_CHARSET_PARAM, re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+?" + _CHARSET_PARAM.encode("ascii"), re.IGNORECASE)
PRESCAN_BYTES = 4096


def normalise_encoding(label: str | None) -> str | None:
    """The Python codec name for an encoding label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def declared_charsets(body: bytes, headers: Headers = None) -> list[str]:
    """The charset labels a page is declared with, as written but lower case: the Content-Type
    header's first, then a ``<meta>`` one in the first bytes (either may be missing)."""
    labels = []
    header = _HEADER_CHARSET.search(header_value(headers, "Content-Type") or "")
    if header:
        labels.append(header[1].lower())
    meta = _META_CHARSET.search(body[:PRESCAN_BYTES])
    if meta:
        labels.append(meta[1].decode("ascii").lower())
    return labels


def encoding_label(body: bytes, headers: Headers, codec: str) -> str:
    """The first declared label if the page was decoded by it ("gbk", "gb2312"), else the codec."""
    labels = declared_charsets(body, headers)
    return labels[0] if labels and normalise_encoding(labels[0]) == codec else codec


def bom_encoding(body: bytes) -> str | None:
    """The encoding a byte-order mark announces."""
    return next((name for bom, name in _BOMS if body.startswith(bom)), None)


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(body: bytes) -> str | None:
    """The most plausible encoding of undeclared bytes (strict UTF-8 first, then detection)."""
    if _decodes(body, "utf-8"):
        return "utf-8"
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    detected = normalise_encoding(best.encoding) if best is not None else None
    if detected and _decodes(body, detected):
        return detected
    # Most undeclared non-UTF-8 pages in this field are GBK; try its superset before giving up.
    return "gb18030" if _decodes(body, "gb18030") else detected


def choose_encoding(body: bytes, headers: Headers = None) -> str:
    """The encoding to decode ``body`` with, following the order of evidence above."""
    bom = bom_encoding(body)
    if bom:
        return bom
    declared = [enc for enc in map(normalise_encoding, declared_charsets(body, headers)) if enc]
    if declared and declared[0] != "utf-8" and not body.isascii() and _decodes(body, "utf-8"):
        # Non-ASCII text that is valid UTF-8 is UTF-8 whatever the label says; GBK bytes
        # almost never form valid UTF-8, but UTF-8 bytes often pass as GBK.
        return "utf-8"
    for encoding in declared:
        if encoding in _SINGLE_BYTE:
            continue  # weigh it only after the multi-byte evidence
        if _decodes(body, encoding):
            return encoding
    detected = detect_encoding(body)
    if detected and (detected not in _SINGLE_BYTE or not declared):
        return detected
    return declared[0] if declared else (detected or "utf-8")


def decode_html(body: bytes, headers: Headers = None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, encoding name). Undecodable bytes become U+FFFD."""
    encoding = choose_encoding(body, headers)
    if body.startswith(codecs.BOM_UTF8) and encoding == "utf-8":
        body = body[len(codecs.BOM_UTF8) :]
    text = body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding
