"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

from flask import Flask
from waitress import serve as waitress_serve


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve ``app`` on host:port until interrupted; debug stays off."""
    app.config["DEBUG"] = False
    waitress_serve(app, host=host, port=port, threads=threads, ident="cppcc-search")
