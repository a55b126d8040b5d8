"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import resource
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from waitress.server import create_server

from indexer.search.lexicon import default_lexicon


def serve(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``app`` on host:port until interrupted; debug stays off. ``ready`` is told the
    address once the port is bound, so whoever prints it prints an address that answers."""
    app.config["DEBUG"] = False
    server = make_server(app, host=host, port=port, threads=threads)
    if ready is not None:
        ready(f"http://{host}:{server.effective_port}/")
    warm_up()
    server.run()


def make_server(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server that outlives many open files.

    A large index keeps hundreds of files open per pooled searcher (every segment's stored
    fields, lengths and columns, pinned so a search reads one version), so the process's socket
    descriptors soon pass 1,024: select(), waitress's default, then fails and the server dies
    (seen at 100k sections under load). poll() has no such bound, and the soft limit on open
    files is raised to the hard one for the same reason.
    """
    raise_open_file_limit()
    return create_server(
        app, host=host, port=port, threads=threads, ident="cppcc-search", asyncore_use_poll=True
    )


def raise_open_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def warm_up() -> threading.Thread:
    """Start reading the shipped lexicon (CC-CEDICT, ~3 s of work) in the background, so the
    first query translating a term the policy table lacks does not wait for it."""
    thread = threading.Thread(target=default_lexicon().warm, name="lexicon-warm-up", daemon=True)
    thread.start()
    return thread
