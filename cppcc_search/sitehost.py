"""Serve a folder of static files on a free loopback port (the demo site, test mirrors)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that keeps the console clean."""

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` over HTTP until the block ends; yields the base URL (no trailing slash)."""
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder to serve: {root}")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sitehost", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
