"""Sites that answer slowly, for crawls over many hosts at once (the tests and
``bench/bench_hosts.py`` share them): a slow site whose every answer takes ``latency`` seconds,
and a hostile site with good reports beside a page that hangs and a page that drips.

Each is a real server on its own loopback port, so each is its own host to the crawler. A shared
``RequestLog`` counts requests in flight across all of them (``max_in_flight``), to see hosts
being fetched at once.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler

from tests.crawl.servers import LoopbackServer, RequestLog, page, running


def report_path(number: int) -> str:
    return f"/reports/{number}.html"


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (kept-alive connections, as real sites keep them), nothing logged to stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ReportSite(LoopbackServer):
    """A home page linking ``reports`` reports; every page differs from every other site's (the
    same bytes at two hosts would be one page found twice, whose second copy's links are not
    followed)."""

    def __init__(self, handler: type[QuietHandler], reports: int) -> None:
        super().__init__(handler)
        self.reports = [report_path(n) for n in range(1, reports + 1)]

    def home_links(self) -> tuple[str, ...]:
        return tuple(self.reports)

    def answer(self, path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) for a path."""
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow:\n", "text/plain"
        if path == "/":
            return (
                200,
                page(f"Home of {self.base}", "reports", self.home_links()).encode(),
                ("text/html"),
            )
        if path in self.reports:
            return 200, page(f"Report {self.base}{path}", "政府工作报告").encode(), "text/html"
        return 404, b"not found", "text/plain"


class SlowHandler(QuietHandler):
    """Every answer (robots.txt, pages, 404s) takes the server's latency."""

    server: SlowSite

    def do_GET(self) -> None:
        site = self.server
        site.log.add(self.path, dict(self.headers.items()))
        site.log.enter()
        site.overlap.enter()
        try:
            time.sleep(site.latency)
            status, body, kind = site.answer(self.path)
        finally:
            # Out of the count before the answer goes: the client may send its next request
            # the moment it has it, and that is not two at a time.
            site.log.leave()
            site.overlap.leave()
        self.send_answer(status, body, kind)


class SlowSite(ReportSite):
    """A home page and ``pages - 1`` reports; every answer takes ``latency`` seconds."""

    def __init__(self, pages: int, latency: float, overlap: RequestLog) -> None:
        super().__init__(SlowHandler, pages - 1)
        self.latency = latency
        self.overlap = overlap

    def gaps(self) -> list[float]:
        """Seconds between the arrivals of consecutive requests."""
        return [b - a for a, b in itertools.pairwise(self.log.times())]


@contextmanager
def slow_sites(
    count: int, pages: int, latency: float
) -> Iterator[tuple[list[SlowSite], RequestLog]]:
    """``count`` slow sites serving at once, with their shared overlap counter."""
    overlap = RequestLog()  # its entries stay empty: only the count in flight is used
    sites = [SlowSite(pages, latency, overlap) for _ in range(count)]
    with ExitStack() as stack:
        for site in sites:
            stack.enter_context(running(site))
        yield sites, overlap


class HostileHandler(QuietHandler):
    """Good reports, one page that sends its headers and then nothing, one that drips."""

    server: HostileSite

    def do_GET(self) -> None:
        self.server.log.add(self.path, dict(self.headers.items()))
        try:
            if self.path == "/hang":
                self._headers(1000)
                self._wait_or_give_up(lambda: None)
            elif self.path == "/drip":
                self._headers(100_000)
                self._wait_or_give_up(lambda: self.wfile.write(b"<"))
            else:
                self.send_answer(*self.server.answer(self.path))
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


class HostileSite(ReportSite):
    """A home page linking ``reports`` good reports, ``/hang`` and ``/drip``."""

    def __init__(self, reports: int) -> None:
        super().__init__(HostileHandler, reports)
        self.stopping = threading.Event()

    def home_links(self) -> tuple[str, ...]:
        return ("/hang", *self.reports[:1], "/drip", *self.reports[1:])

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()
