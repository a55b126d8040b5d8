"""The fault-injection site: every path answers with one misbehaviour, looked up in a routing
table (exact paths first, then patterns), and every request is logged."""

from __future__ import annotations

import gzip
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from captures.store import Capture, iter_captures
from cppcc_search.settings import DataPaths
from crawl.summary import CrawlSummary
from tests.crawl.servers import LoopbackServer, RequestLog, page

FAULT_ROBOTS = (
    "User-agent: *\n"
    "Disallow: /private*/\n"
    "Allow: /private-ok/allowed.html\n"
    "Disallow: /*.php$\n"
    "Disallow: /*?sessionid=\n"
    "\n"
    "Sitemap: /maps/sitemap.xml\n"
)
FAULT_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>/from-sitemap/relative.html</loc></url>"
    "<url><loc>http://elsewhere.invalid/x.html</loc></url></urlset>"
)
# 朱镕基 and 喆 are in GBK but not in GB2312: a strict GB2312 decoder fails on them.
GBK_ONLY_TEXT = "朱镕基同志和张喆同志出席会议"
UNDECLARED_GBK_TEXT = "政府工作报告：过去一年经济运行总体平稳，发展质量稳步提升。"
ABANDONED_FAULTS = frozenset({"/hang", "/slow-headers", "/drip", "/big", "/bomb"})
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MALFORMED_HTML = (
    b"<html><head><title>Broken</title><body><div><p>unclosed <b>bold <table><tr><td>"
    b"\xff\xfe\x00junk <a href='/after-malformed.html'>next</a> <a href=\"\">"
    b"<a href='http://[bad'>bad</a></div></div></span>"
)

FAULT_LINKS = (
    "/redirect/start",
    "/redirect/no-location",
    "/redirect/utf8",
    "/loop/a",
    "/chain/0",
    "/always-503",
    "/flaky",
    "/ratelimited",
    "/hang",
    "/slow-headers",
    "/drip",
    "/big",
    "/bomb",
    "/types/html-as-octet",
    "/types/png-as-html",
    "/types/report.pdf",
    "/types/data.json",
    "/enc/gbk-undeclared.html",
    "/enc/gb2312-declared.html",
    "/malformed.html",
    "/private/secret.html",
    "/private-ok/allowed.html",
    "/script.php",
    "/script.php?x=1",
    "/page.html?sessionid=42",
    "/missing.html",
    "/copy/one.html",
    "/copy/two.html?utm_source=feed#top",
    "/chunked.html",
    "/gzip.html",
    "http://elsewhere.invalid/page.html",
    "javascript:void(0)",
    "mailto:someone@example.com",
)


class FaultHandler(BaseHTTPRequestHandler):
    """Answers each path as the server's routing table says."""

    protocol_version = "HTTP/1.1"
    server: FaultServer
    in_flight = False  # whether this request is counted in the log's requests in flight

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        log = self.server.log
        log.add(self.path, dict(self.headers.items()))
        # Faults the client gives up on (timeouts, oversized bodies) keep the server thread busy
        # after the client has moved on, so they are left out of the count of requests in flight.
        self.in_flight = self.path not in ABANDONED_FAULTS
        if self.in_flight:
            log.enter()
        try:
            self.server.route(self.path)(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.answered()

    def answered(self) -> None:
        """Stop counting this request as in flight. Called just before the last bytes go out:
        the client may send its next request the moment it has them, possibly before this
        thread runs again, and that is not two requests at a time."""
        if self.in_flight:
            self.in_flight = False
            self.server.log.leave()

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.answered()
        self.wfile.write(body)

    def html(self, text: str, status: int = 200) -> None:
        self.send(status, text.encode("utf-8"))

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers=(("Location", location),))

    def nth(self) -> int:
        """How many times this path has been requested so far (1 for the first time)."""
        return self.server.log.counts()[self.path]

    def send_chunked(self, body: bytes, size: int = 4096) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), size):
            chunk = body[start : start + size]
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.answered()
        self.wfile.write(b"0\r\n\r\n")

    def stall(self, first: bytes, drop: bytes) -> None:
        """Send ``first``, then ``drop`` a byte at a time until the hang time is over (or the
        server stops)."""
        self.wfile.write(first)
        for _ in range(int(self.server.hang_seconds / 0.05)):
            self.wfile.write(drop)
            self.wfile.flush()
            if self.server.stopping.wait(0.05):
                return


Route = Callable[[FaultHandler], None]


# one function per fault ------------------------------------------------------------------------


def _robots(h: FaultHandler) -> None:
    h.send(200, h.server.robots.encode(), "text/plain")


def _middle_redirect(h: FaultHandler) -> None:
    h.redirect("http://{}/redirect/end.html".format(h.headers["Host"]))


def _utf8_redirect(h: FaultHandler) -> None:
    # Raw UTF-8 bytes in the header, as real servers send them.
    h.redirect("/中文/页面.html".encode().decode("latin-1"))


def _next_in_chain(h: FaultHandler) -> None:
    step = int(h.path.rsplit("/", 1)[1])
    h.redirect(f"/chain/{step + 1}")


def _flaky(h: FaultHandler) -> None:
    if h.nth() == 1:
        h.send(500, b"oops", "text/plain")
    else:
        h.html(page("Flaky", "worked the second time"))


def _rate_limited(h: FaultHandler) -> None:
    if h.nth() == 1:
        h.send(429, b"slow down", "text/plain", (("Retry-After", "1"),))
    else:
        h.html(page("Rate limited", "served after waiting"))


def _hang(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.flush()
    h.server.stopping.wait(h.server.hang_seconds)


def _slow_headers(h: FaultHandler) -> None:
    h.stall(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"z")


def _drip(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.stall(b"", b"<")


def _big(h: FaultHandler) -> None:
    h.send_chunked(b"<html><body>" + b"x" * h.server.big_bytes + b"</body></html>")


def _gzipped(h: FaultHandler) -> None:
    body = gzip.compress(page("Gzip", "compressed").encode())
    h.send(200, body, headers=(("Content-Encoding", "gzip"),))


def _undeclared_gbk(h: FaultHandler) -> None:
    body = f"<html><head><title>报告</title></head><body><p>{UNDECLARED_GBK_TEXT}</p>"
    h.send(200, body.encode("gbk"), "text/html")


def _declared_gb2312(h: FaultHandler) -> None:
    body = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>会议</title></head><body><p>{GBK_ONLY_TEXT}</p></body></html>"
    )
    h.send(200, body.encode("gbk"), "text/html")


def _same_content(h: FaultHandler) -> None:
    h.html(page("Same content", "identical bytes at two URLs"))


def _plain_page(h: FaultHandler) -> None:
    h.html(page(h.path, "a plain page"))


def _not_found(h: FaultHandler) -> None:
    h.send(404, b"not found", "text/plain")


FAULT_ROUTES: dict[str, Route] = {
    "/robots.txt": _robots,
    "/maps/sitemap.xml": lambda h: h.send(200, FAULT_SITEMAP.encode(), "application/xml"),
    "/sitemap.xml": lambda h: h.send(404, b"no", "text/plain"),
    "/": lambda h: h.html(page("Fault site", "Home", FAULT_LINKS)),
    "/redirect/start": lambda h: h.redirect("/redirect/middle", 301),
    "/redirect/middle": _middle_redirect,
    "/redirect/no-location": lambda h: h.send(302, b""),
    "/redirect/utf8": _utf8_redirect,
    "/always-503": lambda h: h.send(503, b"down", "text/plain", (("Retry-After", "0"),)),
    "/loop/a": lambda h: h.redirect("/loop/b"),
    "/loop/b": lambda h: h.redirect("/loop/a?utm_campaign=x"),
    "/flaky": _flaky,
    "/ratelimited": _rate_limited,
    "/hang": _hang,
    "/slow-headers": _slow_headers,
    "/drip": _drip,
    "/big": _big,
    "/bomb": lambda h: h.send(200, h.server.bomb, headers=(("Content-Encoding", "gzip"),)),
    "/types/html-as-octet": lambda h: h.send(
        200, page("Octet", "really html").encode(), "application/octet-stream"
    ),
    "/types/png-as-html": lambda h: h.send(200, PNG_BYTES, "text/html"),
    "/types/report.pdf": lambda h: h.send(200, b"%PDF-1.4\n% fake pdf\n%%EOF\n", "application/pdf"),
    "/types/data.json": lambda h: h.send(200, b'{"a": 1}', "application/json"),
    "/enc/gbk-undeclared.html": _undeclared_gbk,
    "/enc/gb2312-declared.html": _declared_gb2312,
    "/malformed.html": lambda h: h.send(200, MALFORMED_HTML, "text/html"),
    "/chunked.html": lambda h: h.send_chunked(page("Chunked", "sent in chunks").encode()),
    "/gzip.html": _gzipped,
    "/copy/one.html": _same_content,
    "/copy/two.html": _same_content,
}
# Tried in order for a path that is not in FAULT_ROUTES; anything else is a 404.
FAULT_PATTERNS: tuple[tuple[re.Pattern[str], Route], ...] = (
    (re.compile(r"/chain/\d+"), _next_in_chain),
    (re.compile(r"(?!/missing).*\.html"), _plain_page),
)


class FaultServer(LoopbackServer):
    """The fault-injection server; its attributes tune the faults, and a test may add or replace
    entries of ``routes``."""

    def __init__(self) -> None:
        super().__init__(FaultHandler)
        self.robots = FAULT_ROBOTS
        self.hang_seconds = 3.0
        self.big_bytes = 300_000
        self.bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)
        self.routes: dict[str, Route] = dict(FAULT_ROUTES)
        self.stopping = threading.Event()  # ends the stalling answers when the server stops

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    def route(self, path: str) -> Route:
        """The function that answers ``path``."""
        exact = self.routes.get(path)
        if exact is not None:
            return exact
        return next((route for p, route in FAULT_PATTERNS if p.fullmatch(path)), _not_found)


@dataclass
class FaultCrawl:
    """One crawl of the fault site: its summary, the request log and the progress lines."""

    base: str
    paths: DataPaths
    summary: CrawlSummary
    log: RequestLog
    progress: list[str]

    def record(self, path: str) -> sqlite3.Row:
        conn = sqlite3.connect(self.paths.crawl_db)
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM urls WHERE url=?", (self.base + path,)).fetchone()
        conn.close()
        assert row is not None, f"no record for {path}"
        return row

    def captures(self) -> dict[str, Capture]:
        return {c.url.removeprefix(self.base): c for c in iter_captures(self.paths)}
