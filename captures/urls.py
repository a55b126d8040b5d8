"""The canonical URL: the key every capture is stored and looked up under.

One page must be fetched once per crawl, so every URL is reduced to a canonical form before it
is queued: lower-case scheme and host, no default port, no fragment, normalised percent-encoding
and dot segments, tracking parameters dropped, remaining query parameters sorted. The crawler
queues and archives pages under this form, and a reader finds a capture by it, so it lives with
the archive.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

# Parameters that only say where a visitor came from; dropping them keeps one URL per page.
TRACKING_PARAMS = frozenset(
    {
        "from",
        "spm",
        "scm",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "igshid",
        "share_token",
        "sharesource",
        "wxfrom",
        "isappinstalled",
        "from_source",
        "jsessionid",
        "phpsessid",
        "cfid",
        "cftoken",
    }
)
# Short names that are session ids only when the value looks like a token ("sid=12" may well
# name a site section, "sid=9f8e7d6c5b4a3928..." does not).
SESSION_IF_TOKEN = frozenset({"sid", "sessionid", "session_id", "sessid"})
_TOKEN_VALUE = re.compile(r"[0-9A-Za-z_-]{16,}")
# Session ids some Java servers append to the path (";jsessionid=...") to track a visitor.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048
# Characters left as they are in a path or query; everything else is percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*+,;-._~?"
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_STRAY_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter only tracks the visitor's origin."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def is_session_param(name: str, value: str) -> bool:
    """Whether a query parameter is a visitor's session id rather than part of the address."""
    lowered = name.lower()
    if lowered.startswith("aspsessionid"):
        return True
    return lowered in SESSION_IF_TOKEN and _TOKEN_VALUE.fullmatch(value) is not None


def _normalise_component(text: str, safe: str) -> str:
    """Decode percent-escapes of unreserved characters and encode what must be encoded."""

    # Protect escapes of reserved characters (%2F, %3D ...) so their meaning survives.
    def keep_reserved(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        if (char.isalnum() and char.isascii()) or char in "-._~":
            return char
        return match.group(0).upper()

    text = _PCT.sub(keep_reserved, _STRAY_PCT.sub("%25", text))
    return quote(text, safe=safe + "%")


def _normalise_path(path: str) -> str:
    """Resolve dot segments and encode the path; an empty path becomes '/'."""
    path = _PATH_SESSION.sub("", path)
    if not path:
        return "/"
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if trailing and not resolved.endswith("/"):
        resolved += "/"
    return _normalise_component(resolved, _PATH_SAFE)


def _normalise_query(query: str) -> str:
    """Drop tracking parameters and sort the rest (stable for repeated names)."""
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        plain_name = unquote(name.replace("+", " "))
        if is_tracking_param(plain_name) or is_session_param(plain_name, unquote(value)):
            continue
        pairs.append(
            (_normalise_component(name, _QUERY_SAFE), sep, _normalise_component(value, _QUERY_SAFE))
        )
    pairs.sort(key=lambda pair: (pair[0], pair[2]))
    return "&".join(f"{name}{sep}{value}" for name, sep, value in pairs)


def _normalise_host(host: str) -> str:
    """Lower-case the host and encode an internationalised name as IDNA."""
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    return host.encode("idna").decode("ascii")


def with_forward_slashes(url: str) -> str:
    """Backslashes before the query as slashes: browsers read ``..\\a\\b.html`` in an http(s)
    link as ``../a/b.html`` (WHATWG URL), and pages written on Windows rely on it."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:cut].replace("\\", "/") + url[cut:]


def canonicalize(url: str, base: str | None = None) -> str | None:
    """The canonical form of an http(s) URL (resolved against ``base``), or None if unusable."""
    url = with_forward_slashes(url.strip())
    if base is not None:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    try:
        host = _normalise_host(host)
    except UnicodeError:
        return None
    if ":" in host:  # an IPv6 literal goes back into brackets
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    canonical = urlunsplit(
        (scheme, netloc, _normalise_path(parts.path), _normalise_query(parts.query), "")
    )
    return canonical if len(canonical) <= MAX_URL_LENGTH else None
