"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import threading
from collections.abc import Callable

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
    server = create_server(app, host=host, port=port, threads=threads, ident="cppcc-search")
    if ready is not None:
        ready(f"http://{host}:{server.effective_port}/")
    warm_up()
    server.run()


def warm_up() -> threading.Thread:
    """Start reading the shipped lexicon (CC-CEDICT, ~3 s of work) in the background, so the
    first query translating a term the policy table lacks does not wait for it."""
    thread = threading.Thread(target=default_lexicon().warm, name="lexicon-warm-up", daemon=True)
    thread.start()
    return thread
