"""HTTP fetching: one GET with timeouts, an overall deadline and a body cap counted after
decompression (so a compression bomb stops early).

The stdlib ``http.client`` is used directly because the archive needs the response exactly as
transferred (headers and the still-compressed body), which higher-level clients hide. Redirects
and retries are the crawler's business, not this module's: every response comes back as it is.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from captures.compression import BodyDecoder, BodyError
from captures.headers import header_value, media_type
from captures.warc import Exchange
from crawl.errors import FetchError

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchSettings:
    """How one request behaves."""

    user_agent: str
    timeout: float = 30.0
    deadline: float = 120.0
    max_body_bytes: int = 20 * 1024 * 1024


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
    """Issues GET requests, keeping one persistent connection per origin."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._connections: dict[str, http.client.HTTPConnection] = {}
        self._ssl = ssl.create_default_context()

    def close(self) -> None:
        """Close every open connection."""
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        key = f"{scheme}://{netloc}"
        conn = self._connections.get(key)
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(
                    netloc, timeout=self.settings.timeout, context=self._ssl
                )
            else:
                conn = http.client.HTTPConnection(netloc, timeout=self.settings.timeout)
            self._connections[key] = conn
        return conn

    def _drop(self, scheme: str, netloc: str) -> None:
        conn = self._connections.pop(f"{scheme}://{netloc}", None)
        if conn is not None:
            conn.close()

    def get(self, url: str, extra_headers: list[tuple[str, str]] | None = None) -> Response:
        """GET ``url``; raises FetchError for timeouts, network errors and oversized bodies."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [
            ("Host", parts.netloc),
            ("User-Agent", self.settings.user_agent),
            ("Accept", ACCEPT),
            ("Accept-Encoding", "gzip, deflate"),
            *(extra_headers or []),
        ]
        try:
            return self._exchange(url, parts.scheme, parts.netloc, target, headers)
        except FetchError:
            self._drop(parts.scheme, parts.netloc)
            raise
        except BodyError as exc:  # a corrupt or oversized body: the archive's decoder said why
            self._drop(parts.scheme, parts.netloc)
            raise FetchError(exc.kind, exc.message) from exc
        except TimeoutError as exc:
            self._drop(parts.scheme, parts.netloc)
            raise FetchError("timeout", f"timed out after {self.settings.timeout:g}s") from exc
        except (socket.gaierror, ssl.SSLError) as exc:
            # An unknown host name or a bad certificate will not mend itself by retrying.
            self._drop(parts.scheme, parts.netloc)
            kind = "dns" if isinstance(exc, socket.gaierror) else "tls"
            raise FetchError(kind, f"{type(exc).__name__}: {exc}") from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self._drop(parts.scheme, parts.netloc)
            raise FetchError("connection", f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc

    def _exchange(
        self, url: str, scheme: str, netloc: str, target: str, headers: list[tuple[str, str]]
    ) -> Response:
        started = time.monotonic()
        resp, sock = self._send(scheme, netloc, target, headers, started)
        try:
            raw, body = self._read_body(resp, sock, started)
        finally:
            if resp.will_close or not resp.isclosed():
                self._drop(scheme, netloc)
        version = "HTTP/1.0" if resp.version == 10 else "HTTP/1.1"
        return Response(
            url=url,
            status=resp.status,
            reason=resp.reason or "",
            http_version=version,
            headers=list(resp.getheaders()),
            raw_body=raw,
            body=body,
            request_line=f"GET {target} HTTP/1.1",
            request_headers=headers,
        )

    def _send(
        self,
        scheme: str,
        netloc: str,
        target: str,
        headers: list[tuple[str, str]],
        started: float,
    ) -> tuple[http.client.HTTPResponse, socket.socket]:
        """Send the request; a kept-alive connection the server already closed is retried once."""
        for attempt in (1, 2):
            conn = self._connection(scheme, netloc)
            reused = conn.sock is not None
            try:
                conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                conn.endheaders()
                sock = conn.sock  # getresponse() may detach it from conn
                return self._read_head(conn, sock, started), sock
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop(scheme, netloc)
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read_head(
        self, conn: http.client.HTTPConnection, sock: socket.socket, started: float
    ) -> http.client.HTTPResponse:
        """Read the status line and headers, cutting the connection at the deadline.

        The socket timeout restarts with every byte, so a server that drips its headers would
        otherwise hold the crawl indefinitely; a timer shuts the socket down instead.
        """
        fired = threading.Event()

        def cut() -> None:
            fired.set()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        remaining = max(started + self.settings.deadline - time.monotonic(), 0.001)
        timer = threading.Timer(remaining, cut)
        timer.daemon = True
        timer.start()
        try:
            return conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            if fired.is_set():
                message = f"headers not complete after {self.settings.deadline:g}s"
                raise FetchError("timeout", message) from exc
            raise
        finally:
            timer.cancel()

    def _read_body(
        self, resp: http.client.HTTPResponse, sock: socket.socket, started: float
    ) -> tuple[bytes, bytes]:
        """Read the body under the deadline; returns (raw as transferred, decompressed)."""
        limit = self.settings.max_body_bytes
        length = resp.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > limit:
            raise FetchError("too_large", f"Content-Length {int(length)} exceeds {limit} bytes")
        decoder = BodyDecoder(resp.getheader("Content-Encoding"), limit)
        raw_parts: list[bytes] = []
        raw_size = 0
        deadline = started + self.settings.deadline
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError("timeout", f"body not complete after {self.settings.deadline:g}s")
            sock.settimeout(min(self.settings.timeout, remaining))
            chunk = resp.read1(CHUNK)
            if not chunk:
                break
            raw_size += len(chunk)
            if raw_size > limit:
                raise FetchError("too_large", f"body larger than {limit} bytes")
            raw_parts.append(chunk)
            decoder.feed(chunk)
        return b"".join(raw_parts), decoder.finish()
