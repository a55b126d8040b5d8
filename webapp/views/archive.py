"""The archived copy of a source page, served so that it can never run in our origin."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from captures.encoding import decode_html
from captures.store import load_capture
from indexer.errors import QueryError
from webapp.archive import BannerInfo, render_archive
from webapp.security import ARCHIVE_CSP
from webapp.services import data_paths

bp = Blueprint("archive", __name__)


@bp.get("/archive")
def show():
    """The capture of ``?url=`` as fetched, cleaned and sandboxed."""
    url = request.args.get("url", "").strip()
    if not url:
        raise QueryError("url is required: /archive?url=<source page>")
    if len(url) > 4000 or not url.startswith(("http://", "https://")):
        raise QueryError("url must be an http(s) URL")
    capture = load_capture(data_paths(), url)
    if capture is None:
        abort(404, description=f"no archived copy of {url}")
    headers = {"Content-Security-Policy": ARCHIVE_CSP, "X-Content-Type-Options": "nosniff"}
    if "html" not in (capture.content_type or "text/html").lower():
        headers["Content-Disposition"] = 'attachment; filename="capture"'
        return Response(capture.body, mimetype="application/octet-stream", headers=headers)
    text, encoding = decode_html(capture.body, capture.headers)
    info = BannerInfo(
        original_url=capture.url,
        final_url=capture.final_url,
        fetched_at=capture.fetched_at,
        status=capture.status,
        encoding=encoding,
        search_url=url_for("search.home"),
    )
    return Response(render_archive(text, info), mimetype="text/html", headers=headers)
