"""URLs the pages show: absolute ones from the configured base URL (never from the request's
Host header), links only to http(s) addresses, and text made safe for XML feeds."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from flask import current_app

# Characters XML 1.0 does not allow, even escaped: C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def absolute_url(path: str) -> str:
    """``path`` (as url_for gives it) on the configured BASE_URL."""
    return urljoin(current_app.config["BASE_URL"], path)


def http_only(url: object) -> str:
    """The URL when it is an http(s) address, else "" (no javascript:, data: or file: links)."""
    if not isinstance(url, str):
        return ""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def xml_text(value: object) -> str:
    """Text with the characters XML cannot hold removed (escaping is the template's job)."""
    return _NOT_XML.sub("", "" if value is None else str(value))
