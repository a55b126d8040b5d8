"""One fetch under one deadline: connect, headers and body together, however the server
stalls; failures say whether the host could be reached at all."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from crawl.errors import FetchError
from crawl.fetch import Fetcher, FetchSettings
from crawl.options import DEFAULT_USER_AGENT
from tests.crawl.fault_site import FaultHandler, FaultServer
from tests.crawl.servers import running

TIMEOUT = 0.5


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    server.hang_seconds = 6.0
    with running(server):
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    fetcher = Fetcher(FetchSettings(DEFAULT_USER_AGENT, timeout=TIMEOUT))
    yield fetcher
    fetcher.close()


@pytest.mark.parametrize(
    ("path", "phase"),
    [("/hang", "reading the body"), ("/slow-headers", "waiting for headers"), ("/drip", "body")],
)
def test_a_stalling_answer_is_abandoned_at_the_deadline(
    fault_server: FaultServer, fetcher: Fetcher, path: str, phase: str
) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError) as failure:
        fetcher.get(fault_server.base + path)
    elapsed = time.monotonic() - started
    assert TIMEOUT <= elapsed < 3 * TIMEOUT  # a byte every 50 ms never restarts the clock
    assert failure.value.kind == "timeout" and failure.value.retryable
    assert phase in failure.value.message and not failure.value.unreachable
    # The connection it cut is not reused: the next request on that origin works.
    assert fetcher.get(fault_server.base + "/gzip.html").status == 200


def test_a_refused_connection_is_an_unreachable_host(fetcher: Fetcher) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as failure:
        fetcher.get(f"http://127.0.0.1:{port}/")
    assert failure.value.kind == "connection" and failure.value.unreachable
    assert "ConnectionRefusedError" in failure.value.message


def test_a_body_can_be_cut_at_a_limit_instead_of_refused(
    fault_server: FaultServer, fetcher: Fetcher
) -> None:
    url = fault_server.base + "/big"  # 300 kB, chunked
    cut = fetcher.get(url, limit=1000, truncate=True)
    assert cut.truncated and len(cut.body) == 1000 and cut.body.startswith(b"<html><body>xx")
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetcher.get(url, limit=1000)
    whole = fetcher.get(url)
    assert not whole.truncated and len(whole.body) > 300_000


def test_a_short_body_is_a_broken_connection_not_a_page(fault_server: FaultServer) -> None:
    def short(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "500")
        handler.end_headers()
        handler.wfile.write(b"only this")
        handler.close_connection = True

    fault_server.routes["/short"] = short
    fetcher = Fetcher(FetchSettings(DEFAULT_USER_AGENT, timeout=2.0))
    try:
        with pytest.raises(FetchError, match="closed after 9 of 500 bytes"):
            fetcher.get(fault_server.base + "/short")
    finally:
        fetcher.close()
