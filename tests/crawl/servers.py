"""Test servers for the crawler: a static mirror with validators and a small site a test can
edit between crawls (the fault site is ``fault_site``, generated sites are ``sites``).

All are real ``ThreadingHTTPServer`` instances on 127.0.0.1 (port 0), started and stopped by
the tests, and all log every request so tests can count what the crawler asked for.
"""

from __future__ import annotations

import email.utils
import functools
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


class LoopbackServer(ThreadingHTTPServer):
    """A test server on 127.0.0.1 at a free port that logs every request."""

    daemon_threads = True

    def __init__(self, handler: Callable[..., BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.log = RequestLog()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def send_validated(
    handler: BaseHTTPRequestHandler, body: bytes, headers: tuple[tuple[str, str], ...]
) -> None:
    """Answer 304 when the request's If-None-Match is the body's ETag, else 200 with the body,
    its ETag and ``headers``."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(200)
    for name, value in (*headers, ("Content-Length", str(len(body))), ("ETag", etag)):
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


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
        modified = email.utils.formatdate(os.stat(path).st_mtime, usegmt=True)
        headers = (("Content-Type", self.guess_type(str(path))), ("Last-Modified", modified))
        send_validated(self, path.read_bytes(), headers)


class MirrorServer(LoopbackServer):
    """Serves a folder read in place (never copied)."""

    def __init__(self, root: Path, request_sleep: float = 0.0) -> None:
        super().__init__(functools.partial(MirrorHandler, directory=str(root)))
        self.request_sleep = request_sleep


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
        send_validated(self, text.encode("utf-8"), (("Content-Type", "text/html; charset=utf-8"),))


class VersionedSite(LoopbackServer):
    """A small site whose pages a test can change between crawls."""

    def __init__(self, pages: dict[str, str], robots: str = "User-agent: *\nDisallow:\n") -> None:
        super().__init__(VersionedHandler)
        self.pages = pages
        self.robots = robots
