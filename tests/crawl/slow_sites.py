"""Sites that answer slowly, for crawls over many hosts at once (the tests and
``bench/bench_hosts.py`` share them): a slow site whose every answer takes ``latency`` seconds,
and a hostile site with good reports beside a page that hangs and a page that drips.

Each is a real server on its own loopback port, so each is its own host to the crawler. A shared
``Overlap`` counts requests in flight across all of them, to see hosts being fetched at once.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.crawl.servers import LoopbackServer, page, running


@dataclass
class Overlap:
    """Requests in flight across several servers, and the most seen at once."""

    now: int = 0
    most: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


def report_path(number: int) -> str:
    return f"/reports/{number}.html"


class SlowHandler(BaseHTTPRequestHandler):
    """Every answer (robots.txt, pages, 404s) takes the server's latency."""

    protocol_version = "HTTP/1.1"
    server: SlowSite

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        site = self.server
        site.log.add(self.path, dict(self.headers.items()))
        site.log.enter()
        site.overlap.enter()
        try:
            time.sleep(site.latency)
            status, body, kind = site.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # Out of the count before the last bytes go: the client may send its next request
            # the moment it has them, and that is not two at a time.
            site.log.leave()
            site.overlap.leave()
            self.wfile.write(body)
        except BaseException:
            site.log.leave()
            site.overlap.leave()
            raise


class SlowSite(LoopbackServer):
    """A home page listing ``pages - 1`` reports; every answer takes ``latency`` seconds."""

    def __init__(self, pages: int, latency: float, overlap: Overlap) -> None:
        super().__init__(SlowHandler)
        self.latency = latency
        self.overlap = overlap
        self.reports = [report_path(n) for n in range(1, pages)]

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow:\n", "text/plain"
        # Each site's pages differ from every other's: the same bytes at two hosts would be
        # one page found twice, and the second copy's links are not followed.
        if path == "/":
            return (
                200,
                page(f"Home of {self.base}", "reports", tuple(self.reports)).encode(),
                ("text/html"),
            )
        if path in self.reports:
            return 200, page(f"Report {self.base}{path}", "政府工作报告").encode(), "text/html"
        return 404, b"not found", "text/plain"

    def gaps(self) -> list[float]:
        """Seconds between the arrivals of consecutive requests."""
        return [b - a for a, b in itertools.pairwise(self.log.times())]


@contextmanager
def slow_sites(count: int, pages: int, latency: float) -> Iterator[tuple[list[SlowSite], Overlap]]:
    """``count`` slow sites serving at once, with their shared overlap counter."""
    overlap = Overlap()
    sites = [SlowSite(pages, latency, overlap) for _ in range(count)]
    with ExitStack() as stack:
        for site in sites:
            stack.enter_context(running(site))
        yield sites, overlap


class HostileHandler(BaseHTTPRequestHandler):
    """Good reports, one page that sends its headers and then nothing, one that drips."""

    protocol_version = "HTTP/1.1"
    server: HostileSite

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        site = self.server
        site.log.add(self.path, dict(self.headers.items()))
        try:
            if self.path == "/hang":
                self._headers(1000)
                self._wait_or_give_up(lambda: None)
            elif self.path == "/drip":
                self._headers(100_000)
                self._wait_or_give_up(lambda: self.wfile.write(b"<"))
            else:
                status, body, kind = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on it, as it should

    def _headers(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def _wait_or_give_up(self, step: Callable[[], object]) -> None:
        """Repeat ``step`` every 0.1 s until the server stops (or the client hangs up)."""
        while not self.server.stopping.is_set():
            step()
            self.wfile.flush()
            time.sleep(0.1)


class HostileSite(LoopbackServer):
    """A home page linking ``reports`` good reports, ``/hang`` and ``/drip``."""

    def __init__(self, reports: int) -> None:
        super().__init__(HostileHandler)
        self.reports = [report_path(n) for n in range(1, reports + 1)]
        self.stopping = threading.Event()

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow:\n", "text/plain"
        if path == "/":
            links = ("/hang", *self.reports[:1], "/drip", *self.reports[1:])
            return 200, page("Hostile", "reports", links).encode(), "text/html"
        if path in self.reports:
            return 200, page(f"Report {path}", "政府工作报告").encode(), "text/html"
        return 404, b"not found", "text/plain"

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()
