"""HTTP fetching: one GET under a deadline for the whole response (connect, headers and body)
with a body cap counted after decompression (so a compression bomb stops early).

The stdlib ``http.client`` is used directly because the archive needs the response exactly as
transferred (headers and the still-compressed body), which higher-level clients hide. A Fetcher
is shared by the crawl's worker threads: each request takes the origin's idle kept-alive
connection (or opens one) and gives it back when the response was read to its end. Redirects
and retries are the crawler's business, not this module's: every response comes back as it is.
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from captures.compression import BodyDecoder, BodyError
from captures.headers import header_value, media_type
from captures.warc import Exchange
from crawl.deadlines import Alarm, Watchdog
from crawl.errors import FetchError

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchSettings:
    """How one request behaves."""

    user_agent: str
    timeout: float = 30.0  # the whole response: connect, headers and body
    max_body_bytes: int = 20 * 1024 * 1024
    # Kept-alive connections left open between requests, the least recently used closed first:
    # enough for every host in flight, never one socket per host of a thousand-host crawl.
    max_idle: int = 32


@dataclass
class Response(Exchange):
    """One HTTP response as received (the exchange the archive keeps), plus its decompressed
    body."""

    body: bytes = field(kw_only=True)

    def header(self, name: str) -> str | None:
        """The first value of a header, matched without regard to case."""
        return header_value(self.headers, name)

    @property
    def mime_type(self) -> str:
        """The Content-Type without parameters, lower case ('' when absent)."""
        return media_type(self.headers)

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (Retry-After), if it said."""
        return parse_retry_after(self.header("Retry-After"))


def header_text(value: str | None) -> str:
    """A header value as sent: http.client reads raw bytes as Latin-1, but servers send UTF-8."""
    if not value:
        return ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Issues GET requests from any number of threads, keeping idle connections per origin."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._idle: OrderedDict[str, http.client.HTTPConnection] = OrderedDict()
        self._lock = threading.Lock()
        self._ssl = ssl.create_default_context()
        self._watchdog = Watchdog()

    def close(self) -> None:
        """Cut the requests in flight and close every idle connection."""
        self.abort()
        self._watchdog.close()

    def abort(self) -> None:
        """End every request in flight at once (each fails as a timeout) and drop idle
        connections: the crawl is stopping."""
        self._watchdog.fire_all()
        with self._lock:
            idle = list(self._idle.values())
            self._idle.clear()
        for conn in idle:
            conn.close()

    def _take(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        """The origin's idle connection, or a new (unconnected) one."""
        with self._lock:
            conn = self._idle.pop(f"{scheme}://{netloc}", None)
        if conn is not None:
            return conn
        if scheme == "https":
            return http.client.HTTPSConnection(netloc, context=self._ssl)
        return http.client.HTTPConnection(netloc)

    def _give_back(self, scheme: str, netloc: str, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            previous = self._idle.pop(f"{scheme}://{netloc}", None)
            self._idle[f"{scheme}://{netloc}"] = conn
            excess = []
            while len(self._idle) > self.settings.max_idle:
                excess.append(self._idle.popitem(last=False)[1])
        for old in (previous, *excess):
            if old is not None:
                old.close()

    def get(
        self,
        url: str,
        extra_headers: list[tuple[str, str]] | None = None,
        *,
        limit: int | None = None,
        truncate: bool = False,
    ) -> Response:
        """GET ``url``; raises FetchError for timeouts, network errors and oversized bodies.
        ``limit`` overrides the body cap; with ``truncate`` a longer body is cut there instead
        of refused (the response then says ``truncated``)."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [
            ("Host", parts.netloc),
            ("User-Agent", self.settings.user_agent),
            ("Accept", ACCEPT),
            ("Accept-Encoding", "gzip, deflate"),
            *(extra_headers or []),
        ]
        request = _Request(
            url, target, headers, time.monotonic() + self.settings.timeout, truncate,
            limit if limit is not None else self.settings.max_body_bytes,
        )  # fmt: skip
        conn = self._take(parts.scheme, parts.netloc)
        try:
            response, reusable = self._exchange(conn, request)
        except BaseException:
            conn.close()
            raise
        if reusable:
            self._give_back(parts.scheme, parts.netloc, conn)
        else:
            conn.close()
        return response

    def _exchange(
        self, conn: http.client.HTTPConnection, request: _Request
    ) -> tuple[Response, bool]:
        """Send the request and read the response; a kept-alive connection the server closed
        meanwhile is reopened once. Failures become FetchErrors that say what happened."""
        for attempt in (1, 2):
            reused = conn.sock is not None
            try:
                return self._exchange_once(conn, request)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()
                stale = reused and attempt == 1 and request.phase == "headers"
                if not stale or request.timed_out():
                    raise _failure(exc, request, self.settings.timeout) from exc
            except FetchError:
                raise
            except BodyError as exc:  # a corrupt or oversized body: the decoder said why
                raise FetchError(exc.kind, exc.message) from exc
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise _failure(exc, request, self.settings.timeout) from exc
        raise AssertionError("unreachable")

    def _exchange_once(
        self, conn: http.client.HTTPConnection, request: _Request
    ) -> tuple[Response, bool]:
        request.phase = "connect"
        if conn.sock is None:
            conn.timeout = request.remaining()
            conn.connect()
        sock = conn.sock
        alarm = request.alarm = self._watchdog.arm(sock, request.deadline)
        try:
            sock.settimeout(request.remaining())
            request.phase = "headers"
            conn.putrequest("GET", request.target, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value)
            conn.endheaders()
            resp = conn.getresponse()
            try:
                if request.timed_out():  # cut mid-header: http.client took the cut for their end
                    raise TimeoutError("deadline")
                request.phase = "body"
                raw, body, truncated = self._read_body(resp, sock, request)
            except BaseException:
                resp.close()  # it may own the socket (a response without a length does)
                raise
        finally:
            cut = self._watchdog.disarm(alarm)
        version = "HTTP/1.0" if resp.version == 10 else "HTTP/1.1"
        response = Response(
            url=request.url,
            status=resp.status,
            reason=resp.reason or "",
            http_version=version,
            headers=list(resp.getheaders()),
            raw_body=raw,
            body=body,
            request_line=f"GET {request.target} HTTP/1.1",
            request_headers=request.headers,
            truncated=truncated,
        )
        # The connection is worth keeping only if the body was read to its end and kept open.
        reusable = not (cut or truncated or resp.will_close or not resp.isclosed())
        return response, reusable

    def _read_body(
        self, resp: http.client.HTTPResponse, sock: socket.socket, request: _Request
    ) -> tuple[bytes, bytes, bool]:
        """Read the body before the deadline; returns (raw as transferred, decompressed,
        whether it was cut at the limit)."""
        limit = request.limit
        length = resp.getheader("Content-Length")
        too_long = length and length.strip().isdigit() and int(length) > limit
        if too_long and not request.truncate:
            raise FetchError("too_large", f"Content-Length {int(length)} exceeds {limit} bytes")
        decoder = BodyDecoder(resp.getheader("Content-Encoding"), limit, request.truncate)
        raw_parts: list[bytes] = []
        raw_size = 0
        while not decoder.full:
            if time.monotonic() >= request.deadline:
                raise TimeoutError("deadline")
            sock.settimeout(request.remaining())
            chunk = resp.read1(CHUNK)
            if not chunk:
                break
            raw_size += len(chunk)
            if raw_size > limit and not request.truncate:
                raise FetchError("too_large", f"body larger than {limit} bytes")
            raw_parts.append(chunk)
            decoder.feed(chunk)
        if request.timed_out():
            raise TimeoutError("deadline")  # the watchdog cut the socket: not the body's end
        if resp.length and not decoder.full:
            # http.client reads a short Content-Length body as a complete one
            message = f"connection closed after {raw_size} of {raw_size + resp.length} bytes"
            raise FetchError("connection", message)
        return b"".join(raw_parts), decoder.finish(), decoder.full


@dataclass
class _Request:
    """One request under way: what to send, its deadline and how far it got."""

    url: str
    target: str
    headers: list[tuple[str, str]]
    deadline: float
    truncate: bool
    limit: int
    phase: str = "connect"
    alarm: Alarm | None = None

    def remaining(self) -> float:
        """Seconds left before the deadline (never zero: a zero timeout means non-blocking)."""
        return max(self.deadline - time.monotonic(), 0.001)

    def timed_out(self) -> bool:
        """Whether the watchdog cut the connection at the deadline."""
        return self.alarm is not None and self.alarm.fired


_PHASES = {"connect": "connecting", "headers": "waiting for headers", "body": "reading the body"}


def _failure(exc: BaseException, request: _Request, timeout: float) -> FetchError:
    """The FetchError for a network failure: a timeout (the deadline passed), a host that could
    not be reached at all (``unreachable``: name, refused connection, TLS), or a broken
    connection."""
    if isinstance(exc, TimeoutError) or request.timed_out():
        message = f"no complete response after {timeout:g}s ({_PHASES[request.phase]})"
        return FetchError("timeout", message, unreachable=request.phase == "connect")
    detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, socket.gaierror):
        # An unknown host name or a bad certificate will not mend itself by retrying.
        return FetchError("dns", detail, retryable=False, unreachable=True)
    if isinstance(exc, ssl.SSLError):
        return FetchError("tls", detail, retryable=False, unreachable=True)
    return FetchError("connection", detail, unreachable=request.phase == "connect")
