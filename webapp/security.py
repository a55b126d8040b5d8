"""Security headers on every response, and a bound on what one request's URL may carry."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from indexer.errors import QueryError

SITE_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# An archived page runs in a unique origin with no scripts, forms or plugins, and loads nothing.
ARCHIVE_CSP = "; ".join(
    (
        "sandbox allow-popups allow-popups-to-escape-sandbox",
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def add_headers(response: Response) -> Response:
    """Set the CSP (unless a view chose a stricter one) and related headers.

    Searches stay private: other sites never see our URLs (and so the query) as a referrer.
    """
    response.headers.setdefault("Content-Security-Policy", SITE_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def refuse_parameter_floods() -> None:
    """A URL with more parameters than any page makes is refused before anything reads it
    (a filter repeated 20,000 times would otherwise be copied into every link of the page)."""
    limit = current_app.config["MAX_PARAMETERS"]
    count = sum(len(values) for values in request.args.listvalues())
    if count > limit:
        raise QueryError(f"too many parameters in the URL ({count}; at most {limit})")


def register(app: Flask) -> None:
    """Install the parameter bound and the header hook."""
    app.before_request(refuse_parameter_floods)
    app.after_request(add_headers)
