"""Test servers for the crawler: a fault-injection site and a logging static mirror.

Both are real ``ThreadingHTTPServer`` instances on 127.0.0.1 (port 0), started and stopped by
the tests, and both log every request so tests can count what the crawler asked for.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FAULT_ROBOTS = (
    "User-agent: *\n"
    "Disallow: /private*/\n"
    "Allow: /private-ok/allowed.html\n"
    "Disallow: /*.php$\n"
    "Disallow: /*?sessionid=\n"
    "\n"
    "Sitemap: /maps/sitemap.xml\n"
)
# 朱镕基 and 喆 are in GBK but not in GB2312: a strict GB2312 decoder fails on them.
GBK_ONLY_TEXT = "朱镕基同志和张喆同志出席会议"
UNDECLARED_GBK_TEXT = "政府工作报告：过去一年经济运行总体平稳，发展质量稳步提升。"
ABANDONED_FAULTS = frozenset({"/hang", "/slow-headers", "/drip", "/big", "/bomb"})
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class RequestLog:
    """Every request a test server received, in order."""

    entries: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0

    def add(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), path, headers))

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def paths(self) -> list[str]:
        with self.lock:
            return [path for _, path, _ in self.entries]

    def counts(self) -> Counter[str]:
        return Counter(self.paths())

    def times(self) -> list[float]:
        with self.lock:
            return [when for when, _, _ in self.entries]


def page(title: str, body: str = "", links: tuple[str, ...] = ()) -> str:
    """A small UTF-8 HTML page."""
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{body}</p><ul>{anchors}</ul></body></html>"
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
    """Answers each path with one misbehaviour (see ``FAULT_LINKS``)."""

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
            self.route()
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

    def nth(self) -> int:
        """How many times this path has been requested so far (1 for the first time)."""
        return self.server.log.counts()[self.path]

    def route(self) -> None:
        server = self.server
        path = self.path
        custom = server.custom.get(path)
        if custom is not None:
            custom(self)
            return
        if path == "/robots.txt":
            self.send(200, server.robots.encode(), "text/plain")
        elif path == "/maps/sitemap.xml":
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                "<url><loc>/from-sitemap/relative.html</loc></url>"
                "<url><loc>http://elsewhere.invalid/x.html</loc></url></urlset>"
            )
            self.send(200, xml.encode(), "application/xml")
        elif path == "/sitemap.xml":
            self.send(404, b"no", "text/plain")
        elif path == "/":
            self.html(page("Fault site", "Home", FAULT_LINKS))
        elif path == "/redirect/start":
            self.send(301, b"", headers=(("Location", "/redirect/middle"),))
        elif path == "/redirect/middle":
            self.send(
                302,
                b"",
                headers=(("Location", "http://{}/redirect/end.html".format(self.headers["Host"])),),
            )
        elif path == "/redirect/no-location":
            self.send(302, b"")
        elif path == "/redirect/utf8":
            # Raw UTF-8 bytes in the header, as real servers send them.
            location = "/中文/页面.html".encode().decode("latin-1")
            self.send(302, b"", headers=(("Location", location),))
        elif path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            self.send(302, b"", headers=(("Location", f"/chain/{step + 1}"),))
        elif path == "/always-503":
            self.send(503, b"down", "text/plain", (("Retry-After", "0"),))
        elif path == "/loop/a":
            self.send(302, b"", headers=(("Location", "/loop/b"),))
        elif path == "/loop/b":
            self.send(302, b"", headers=(("Location", "/loop/a?utm_campaign=x"),))
        elif path == "/flaky":
            if self.nth() == 1:
                self.send(500, b"oops", "text/plain")
            else:
                self.html(page("Flaky", "worked the second time"))
        elif path == "/ratelimited":
            if self.nth() == 1:
                self.send(429, b"slow down", "text/plain", (("Retry-After", "1"),))
            else:
                self.html(page("Rate limited", "served after waiting"))
        elif path == "/hang":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            time.sleep(server.hang_seconds)
        elif path == "/slow-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(int(server.hang_seconds / 0.05)):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(int(server.hang_seconds / 0.05)):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/big":
            self.send_chunked(b"<html><body>" + b"x" * (server.big_bytes) + b"</body></html>")
        elif path == "/bomb":
            self.send(200, server.bomb, headers=(("Content-Encoding", "gzip"),))
        elif path == "/types/html-as-octet":
            self.send(200, page("Octet", "really html").encode(), "application/octet-stream")
        elif path == "/types/png-as-html":
            self.send(200, PNG_BYTES, "text/html")
        elif path == "/types/report.pdf":
            self.send(200, b"%PDF-1.4\n% fake pdf\n%%EOF\n", "application/pdf")
        elif path == "/types/data.json":
            self.send(200, b'{"a": 1}', "application/json")
        elif path == "/enc/gbk-undeclared.html":
            body = f"<html><head><title>报告</title></head><body><p>{UNDECLARED_GBK_TEXT}</p>"
            self.send(200, body.encode("gbk"), "text/html")
        elif path == "/enc/gb2312-declared.html":
            body = (
                '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                f"<title>会议</title></head><body><p>{GBK_ONLY_TEXT}</p></body></html>"
            )
            self.send(200, body.encode("gbk"), "text/html")
        elif path == "/malformed.html":
            body = (
                b"<html><head><title>Broken</title><body><div><p>unclosed <b>bold <table><tr><td>"
                b"\xff\xfe\x00junk <a href='/after-malformed.html'>next</a> <a href=\"\">"
                b"<a href='http://[bad'>bad</a></div></div></span>"
            )
            self.send(200, body, "text/html")
        elif path == "/chunked.html":
            self.send_chunked(page("Chunked", "sent in chunks").encode())
        elif path == "/gzip.html":
            self.send(
                200,
                gzip.compress(page("Gzip", "compressed").encode()),
                headers=(("Content-Encoding", "gzip"),),
            )
        elif path in ("/copy/one.html", "/copy/two.html"):
            self.html(page("Same content", "identical bytes at two URLs"))
        elif path.endswith(".html") and not path.startswith("/missing"):
            self.html(page(path, "a plain page"))
        else:
            self.send(404, b"not found", "text/plain")

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


class FaultServer(ThreadingHTTPServer):
    """The fault-injection server; its attributes tune the faults."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.log = RequestLog()
        self.robots = FAULT_ROBOTS
        self.hang_seconds = 3.0
        self.big_bytes = 300_000
        self.bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)
        self.custom: dict[str, Callable[[FaultHandler], None]] = {}

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    """Serve in a thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class MirrorHandler(SimpleHTTPRequestHandler):
    """Static files with ETag and Last-Modified validators, every request logged."""

    protocol_version = "HTTP/1.1"
    server: MirrorServer

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self.server.log.add(self.path, dict(self.headers.items()))
        if self.server.request_sleep:
            time.sleep(self.server.request_sleep)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(os.stat(path).st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)


class MirrorServer(ThreadingHTTPServer):
    """Serves a folder read in place (never copied) on a free loopback port."""

    daemon_threads = True

    def __init__(self, root: Path, request_sleep: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), functools.partial(MirrorHandler, directory=str(root)))
        self.log = RequestLog()
        self.request_sleep = request_sleep

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class VersionedHandler(BaseHTTPRequestHandler):
    """Serves ``server.pages`` (path -> HTML) with ETags; edit the dict to change the site."""

    protocol_version = "HTTP/1.1"
    server: VersionedSite

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self.server.log.add(self.path, dict(self.headers.items()))
        text = self.server.pages.get(self.path)
        if text is None:
            body = self.server.robots.encode() if self.path == "/robots.txt" else b"not found"
            self.send_response(200 if self.path == "/robots.txt" else 404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class VersionedSite(ThreadingHTTPServer):
    """A small site whose pages a test can change between crawls."""

    daemon_threads = True

    def __init__(self, pages: dict[str, str], robots: str = "User-agent: *\nDisallow:\n") -> None:
        super().__init__(("127.0.0.1", 0), VersionedHandler)
        self.pages = pages
        self.robots = robots
        self.log = RequestLog()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"
