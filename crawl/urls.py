"""URL canonicalisation and crawl scope.

One page must be fetched once per crawl, so every URL is reduced to a canonical form before it
is queued: lower-case scheme and host, no default port, no fragment, normalised percent-encoding
and dot segments, tracking parameters dropped, remaining query parameters sorted.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


_DIGITS = re.compile(r"\d+")


def url_pattern(url: str) -> tuple[str, str, tuple[str, ...]]:
    """The template a canonical URL is built from: host, path with numbers blanked, and the
    names (not values) of its query parameters; pages of one calendar or pager share it."""
    parts = urlsplit(url)
    names = sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair})
    return parts.netloc, _DIGITS.sub("0", parts.path), tuple(names)


def host_of(url: str) -> str:
    """The ``host[:port]`` part of a canonical URL (the unit of politeness)."""
    return urlsplit(url).netloc


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a canonical URL (the unit robots.txt applies to)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_matches(host: str, pattern: str) -> bool:
    """Whether ``host`` (without port) matches ``example.com`` or ``*.example.com``."""
    pattern = pattern.lower().strip()
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) or host == pattern[2:]
    return host == pattern


@dataclass(frozen=True)
class Scope:
    """Which URLs a crawl may follow: the seeds' hosts (with their ports), hosts allowed by
    name (any port; ``*.example.com`` for subdomains), then include/exclude patterns."""

    seed_hosts: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def build(
        cls,
        seeds: Iterable[str],
        allow_hosts: Iterable[str] = (),
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ) -> Scope:
        """The seeds' hosts plus any allowed extra hosts, with compiled patterns."""
        canonical = (canonicalize(seed) for seed in seeds)
        return cls(
            seed_hosts=tuple(sorted({host_of(url) for url in canonical if url})),
            allowed=tuple(sorted({h.strip().lower() for h in allow_hosts if h.strip()})),
            include=tuple(re.compile(p) for p in include),
            exclude=tuple(re.compile(p) for p in exclude),
        )

    def allows_host(self, url: str) -> bool:
        """Whether the URL's host is one the crawl may visit."""
        if host_of(url) in self.seed_hosts:
            return True
        host = urlsplit(url).hostname or ""
        return any(host_matches(host, pattern) for pattern in self.allowed)

    def allows(self, url: str) -> bool:
        """Whether a canonical URL is inside the crawl's scope."""
        if not self.allows_host(url):
            return False
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)
