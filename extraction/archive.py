"""The attachments of a crawl (PDF and Word captures), read from the archive.

``captures.store.iter_captures`` yields HTML pages only. Until the capture archive offers the
same for attachments, this small read asks the crawl state which URLs hold a good attachment
capture (in crawl order, read-only) and loads each through ``captures.store.load_capture``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

from captures.store import Capture, load_capture
from cppcc_search.settings import DataPaths

_ATTACHMENT_URLS = (
    "SELECT u.url FROM urls u WHERE u.fetch_order IS NOT NULL AND EXISTS ("
    "SELECT 1 FROM captures c WHERE c.url = u.url AND c.doc_kind = 'attachment' "
    "AND c.status BETWEEN 200 AND 299 AND c.payload_path IS NOT NULL) ORDER BY u.fetch_order"
)


def attachment_urls(paths: DataPaths) -> list[str]:
    """URLs fetched with a good attachment answer, in crawl order."""
    if not paths.crawl_db.is_file():
        return []
    uri = paths.crawl_db.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=30.0)
    try:
        return [row[0] for row in conn.execute(_ATTACHMENT_URLS)]
    except sqlite3.OperationalError:
        return []  # a crawl state from before attachments were kept
    finally:
        conn.close()


def iter_attachments(
    paths: DataPaths, unreadable: Callable[[str, str], None] | None = None
) -> Iterator[Capture]:
    """The latest good capture of every attachment, in crawl order; one that cannot be read
    is reported to ``unreadable(url, reason)``."""
    for url in attachment_urls(paths):
        capture = load_capture(paths, url)
        if capture is not None:
            yield capture
        elif unreadable is not None:
            unreadable(url, "the archived attachment cannot be read")
