"""Small sites generated at test time, unlike the gov-zh mirror: other URL schemes (query-string
pagination, .shtml/.htm/.jsp/extensionless articles, session ids), other link forms (<area>,
<link rel=next>, <base>, meta refresh, protocol-relative, ../), a calendar crawl trap, sitemap
indexes with gzip, and robots.txt variants (a group for our agent, 404, 5xx).

Every page is keyed by its path plus its query parameters in sorted order, so a request matches
whatever order the crawler writes the query in; the request log uses the same keys.
"""

from __future__ import annotations

import datetime
import gzip
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit


def page_key(target: str) -> str:
    """A request target (``/path?b=2&a=1``) as ``/path?a=1&b=2``."""
    parts = urlsplit(target)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


@dataclass
class Reply:
    """One canned response."""

    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200


def html(title: str, body: str = "", head: str = "") -> Reply:
    """A UTF-8 HTML page with a title, raw head markup and raw body markup."""
    text = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><h1>{title}</h1><p>{title} body text.</p>{body}</body></html>"
    )
    return Reply(text.encode("utf-8"))


Route = Reply | Callable[[str, int], Reply]  # a reply, or one built from (key, request number)


@dataclass
class SiteLog:
    """Every request key, in order, thread-safe."""

    keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str) -> int:
        """Log a request; returns how many times this key was requested so far."""
        with self.lock:
            self.keys.append(key)
            return self.keys.count(key)

    def counts(self) -> Counter[str]:
        """Requests per key."""
        with self.lock:
            return Counter(self.keys)


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the routes of its ``SiteServer``; anything else is a 404."""

    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        key = page_key(self.path)
        nth = self.server.log.add(key)
        route = self.server.routes.get(key) or self.server.fallback(key)
        reply = route(key, nth) if callable(route) else route
        if reply is None:
            reply = Reply(b"<html><body>not found</body></html>", status=404)
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class SiteServer(ThreadingHTTPServer):
    """A generated site on 127.0.0.1 at a free port."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.routes: dict[str, Route] = {}
        self.log = SiteLog()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base(self) -> str:
        """The site's URL, with ``localhost`` as its host name."""
        return f"http://localhost:{self.port}"

    def fallback(self, key: str) -> Route | None:
        """A route for keys not listed (the calendar trap lives here)."""
        return None


# the main site ---------------------------------------------------------------------------------

MAIN_ROBOTS = """\
User-agent: *
Disallow: /

User-agent: cppcc-search
Allow: /private/public-report.html
Disallow: /private/
Disallow: /search
Sitemap: /sitemap_index.xml
Sitemap: /feeds/news.rss
Sitemap: /feeds/atom.xml
"""

# Articles with the template each one stands for; every one must be fetched once and captured.
ARTICLES = {
    "/art/2024/1/15/art_1229_5678.html": "area link",
    "/art/2024/1/16/art_1229_5679.html": "listing page 1",
    "/content/2024-01/15/content_123.htm": "protocol-relative, upper-case host, no Content-Type",
    "/content/2024-01/15/content_124.htm": "relative to <base href>",
    "/art/2024/2/1/art_1229_6000.shtml": "../ relative link",
    "/content/2024-02/01/content_200.jsp": "column page 2",
    "/art/2024/3/1/art_1229_7000.html": "meta refresh target",
    "/art/2024/4/2/art_1229_8000.html": "backslashed relative link",
    "/art/2024/5/6/art_1229_9000.html": "meta refresh without url=",
    "/news/detail?id=42": "extensionless, ;jsessionid= in the link",
    "/news/detail?id=43": "?sid= in the link",
    "/news/detail?id=44": "only on the page reached by <link rel=next>",
    "/private/public-report.html": "Allow: overrides Disallow:",
    "/sitemap-only/report-1.html": "only in the gzipped child sitemap",
    "/sitemap-only/report-2.html": "only in the plain child sitemap (relative <loc>)",
    "/feed-only/item-1.html": "only in an RSS feed named as a sitemap (with a byte-order mark)",
    "/feed-only/item-2.html": "only in an Atom feed named as a sitemap",
}
SESSION = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
MAIN_SITE_CHAIN = 3  # the pattern-chain cap the main site is crawled with
CALENDAR_START = datetime.date(2024, 1, 1)


def _home(port: int) -> Reply:
    links = f"""
<a href="
   /list?page=1
">List</a>
<a href="col/col123/index.html?uid=5&amp;pageNum=1">Column</a>
<a href="/index.html">Home again</a>
<a href="HTTP://LOCALHOST:{port}/">Home, upper case</a>
<img usemap="#m" src="/map.png"><map name="m">
<area shape="rect" coords="0,0,9,9" href="/art/2024/1/15/art_1229_5678.html"></map>
<a href="//LocalHost:{port}/content/2024-01/15/content_123.htm#top">protocol-relative</a>
<a href="/calendar?date={CALENDAR_START.isoformat()}">Calendar</a>
<a href="/private/secret.html">secret</a>
<a href="/private/public-report.html">public report</a>
<a href="/search?q=report">search</a>
<a href="/go.html">moved</a> <a href="/old.html">old address</a>
<a href="/news/detail;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9?id=42">42</a>
<a href="/news/detail?id=43&amp;sid={SESSION}">43</a>
<a href="/news/detail?sid={SESSION}&amp;id=42">42 again</a>
<a href="mailto:office@example.com">mail</a> <a href="javascript:void(0)">js</a>
<a href="http://external.invalid/page.html">elsewhere</a>"""
    return html("Home", links, '<link rel="canonical" href="/">')


def _article(path: str, note: str) -> Reply:
    head = f'<link rel="canonical" href="{path}">'
    return html(f"Report {path}", f"<p>{note}</p>", head)


def _calendar(key: str, _nth: int) -> Reply | None:
    """An endless calendar: every day links to the day before and the day after."""
    if not key.startswith("/calendar?date="):
        return None
    try:
        day = datetime.date.fromisoformat(key.split("=", 1)[1])
    except ValueError:
        return None
    one = datetime.timedelta(days=1)
    body = (
        f'<a href="/calendar?date={(day - one).isoformat()}">previous day</a>'
        f'<a href="?date={(day + one).isoformat()}">next day</a>'
    )
    return html(f"Events on {day.isoformat()}", body)


def calendar_key(offset: int) -> str:
    """The key of the calendar page ``offset`` days from the first one linked."""
    return f"/calendar?date={(CALENDAR_START + datetime.timedelta(days=offset)).isoformat()}"


def _xhtml_without_type(path: str, note: str) -> Reply:
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Report {path}</title></head>'
        f"<body><h1>Report {path}</h1><p>{note}</p></body></html>"
    )
    return Reply(text.encode("utf-8"), content_type=None)


def _sitemaps(port: int) -> dict[str, Reply]:
    origin = f"http://localhost:{port}"
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{origin}/sitemaps/a.xml.gz</loc></sitemap>
  <sitemap><loc>/sitemaps/b.xml</loc></sitemap>
</sitemapindex>"""
    child_a = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{origin}/sitemap-only/report-1.html</loc></url>
  <url><loc>{origin}/art/2024/1/15/art_1229_5678.html</loc></url>
</urlset>"""
    child_b = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>../sitemap-only/report-2.html</loc></url>
</urlset>"""
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>{origin}/</link>
  <item><title>One</title><link>
    {origin}/feed-only/item-1.html
  </link></item>
</channel></rss>"""
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
  <link rel="self" href="/feeds/atom.xml"/>
  <entry><title>Two</title><link rel="edit" href="/edit/2"/>
    <link href="/feed-only/item-2.html"/></entry>
</feed>"""
    return {
        "/feeds/news.rss": Reply(b"\xef\xbb\xbf" + rss.encode(), "application/rss+xml"),
        "/feeds/atom.xml": Reply(atom.encode(), "application/atom+xml"),
        "/sitemap_index.xml": Reply(index.encode(), "application/xml"),
        "/sitemaps/a.xml.gz": Reply(gzip.compress(child_a.encode()), "application/x-gzip"),
        "/sitemaps/b.xml": Reply(child_b.encode(), "text/xml"),
    }


def build_main_site(port: int) -> dict[str, Route]:
    """The routes of the main generated site served at ``port``."""
    routes: dict[str, Route] = {
        "/robots.txt": Reply(MAIN_ROBOTS.encode(), "text/plain"),
        "/": _home(port),
        "/index.html": _home(port),
        "/list?page=1": html(
            "List page 1",
            '<a href="/art/2024/1/16/art_1229_5679.html">a</a><a href="/news/detail?id=42">b</a>',
            '<link rel="next" href="/list?page=2">',
        ),
        "/list?page=2": html(
            "List page 2",
            '<a href="/news/detail?id=44">c</a>',
            '<link rel="prev" href="/list?page=1"><link rel="alternate stylesheet" href="/s.css">',
        ),
        page_key("/col/col123/index.html?uid=5&pageNum=1"): html(
            "Column page 1",
            '<a href="../../art/2024/2/1/art_1229_6000.shtml">a</a>'
            '<a href="..\\..\\art\\2024\\4\\2\\art_1229_8000.html">b</a>'
            '<a href="index.html?uid=5&amp;pageNum=2">next page</a>',
        ),
        page_key("/col/col123/index.html?uid=5&pageNum=2"): html(
            "Column page 2",
            '<a href="15/content_124.htm">a</a><a href="/content/2024-02/01/content_200.jsp">b</a>',
            '<base href="/content/2024-01/">',
        ),
        "/go.html": html(
            "Moved",
            "",
            '<meta http-equiv="refresh" content="0; URL=\'/art/2024/3/1/art_1229_7000.html\'">',
        ),
        "/old.html": html(
            "Old address",
            "",
            '<meta http-equiv="refresh" content="3;/art/2024/5/6/art_1229_9000.html">',
        ),
        "/news/print?id=42": html(
            "Print version of 42", "", '<link rel="canonical" href="/news/detail?id=42">'
        ),
        **_sitemaps(port),
    }
    for path, note in ARTICLES.items():
        routes[page_key(path)] = _article(path, note)
    routes["/content/2024-01/15/content_123.htm"] = _xhtml_without_type(
        "/content/2024-01/15/content_123.htm", ARTICLES["/content/2024-01/15/content_123.htm"]
    )
    routes["/news/detail?id=42"] = html(
        "Report /news/detail?id=42",
        '<a href="/news/print?id=42">print</a>',
        '<link rel="canonical" href="/news/detail?id=42">',
    )
    return routes


class MainSite(SiteServer):
    """The main generated site (routes depend on the port, so they are built after binding)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes = build_main_site(self.port)

    def fallback(self, key: str) -> Route | None:
        return _calendar if key.startswith("/calendar?") else None


# robots.txt variants -------------------------------------------------------------------------


def robots_site(robots: Callable[[str, int], Reply]) -> SiteServer:
    """A two-page site whose robots.txt answers as ``robots`` says."""
    server = SiteServer()
    server.routes = {
        "/robots.txt": robots,
        "/": html("Start", '<a href="/doc/view.jsp?docId=7">report</a>'),
        "/doc/view.jsp?docId=7": html("Report 7"),
    }
    return server


def robots_missing(_key: str, _nth: int) -> Reply:
    """No robots.txt at all."""
    return Reply(b"<html><body>no such file</body></html>", status=404)


def robots_broken(_key: str, _nth: int) -> Reply:
    """A server error on every robots.txt request."""
    return Reply(b"<html><body>internal error</body></html>", status=500)


def robots_recovering(failures: int) -> Callable[[str, int], Reply]:
    """503 for the first ``failures`` requests, then a robots.txt that allows everything."""

    def reply(_key: str, nth: int) -> Reply:
        if nth <= failures:
            return Reply(b"busy", "text/plain", status=503)
        return Reply(b"User-agent: *\nDisallow:\n", "text/plain")

    return reply


# a long pager that only links to its next page -------------------------------------------------


def pager_site(pages: int, sitemap: bool = False) -> SiteServer:
    """``/news?page=1..pages``, each linking only its next page and one article, which shares
    the pager's path (``/news?id=N``), as many script-driven sites do; with ``sitemap`` every
    article is also listed in a sitemap, so the pager's pages bring no URL the crawl lacks."""
    server = SiteServer()
    robots = "User-agent: *\nDisallow:\n" + ("Sitemap: /items.xml\n" if sitemap else "")
    server.routes = {"/robots.txt": Reply(robots.encode(), "text/plain")}
    if sitemap:
        locs = "".join(f"<url><loc>/news?id={n}</loc></url>" for n in range(1, pages + 1))
        server.routes["/items.xml"] = Reply(f"<urlset>{locs}</urlset>".encode(), "text/xml")
    for number in range(1, pages + 1):
        following = f'<a href="?page={number + 1}">next</a>' if number < pages else ""
        server.routes[f"/news?page={number}"] = html(
            f"News page {number}", f'<a href="/news?id={number}">item</a>{following}'
        )
        server.routes[f"/news?id={number}"] = html(f"News item {number}")
    return server
