"""Crawling the gov-zh mirror (../shared, served in place on loopback): complete, in scope,
each report once; a second run revalidates and downloads nothing again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from captures.encoding import decode_html
from captures.store import iter_captures, load_capture
from cppcc_search.settings import DataPaths
from cppcc_search.sitehost import serve_directory
from crawl.crawler import CrawlOptions, run_crawl
from tests.crawl.servers import MirrorServer


def _urls(paths: DataPaths) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(paths.crawl_db)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: r for r in conn.execute("SELECT * FROM urls")}
    conn.close()
    return rows


def test_mirror_crawled_completely_once_then_revalidated(
    mirror: MirrorServer, data_paths: DataPaths, gov_zh_truth: list[dict]
) -> None:
    options = CrawlOptions(seeds=(mirror.base + "/index.html",), delay=0.0)
    first = run_crawl(data_paths, options)
    counts = mirror.log.counts()
    report_paths = [t["path"] for t in gov_zh_truth]
    assert len(report_paths) == 72
    assert all(counts[p] == 1 for p in report_paths), {p: counts[p] for p in report_paths}
    requested = mirror.log.paths()
    assert not [p for p in requested if p.startswith(("/admin/", "/search/"))]
    assert not [p for p in requested if "utm_" in p or "from=" in p]
    assert all(url.startswith(mirror.base) for url in _urls(data_paths))
    assert first.finished and first.robots_skipped >= 2 and first.out_of_scope >= 1
    assert first.duplicates >= 1  # /zfgzbg/print/ copy of the newest report

    captured = {c.url.removeprefix(mirror.base): c for c in iter_captures(data_paths)}
    for report in gov_zh_truth:
        capture = captured[report["path"]]
        text, _ = decode_html(capture.body, capture.headers)
        assert report["title"] in text and "\ufffd" not in text
    orders = [c.fetch_order for c in iter_captures(data_paths)]
    assert orders == sorted(orders)

    mirror.log.entries.clear()
    second = run_crawl(data_paths, options)
    assert second.run_id == first.run_id + 1 and not second.resumed
    assert second.pages == 0 and second.not_modified >= 72
    revalidations = [h for _, p, h in mirror.log.entries if p in report_paths]
    assert len(revalidations) == 72
    assert all("If-None-Match" in h for h in revalidations)
    assert len(list(iter_captures(data_paths))) == len(captured)


def test_simple_http_server_last_modified_gives_304(
    gov_zh_root: Path, data_paths: DataPaths
) -> None:
    with serve_directory(gov_zh_root) as base:
        options = CrawlOptions(seeds=(base + "/",), delay=0.0, max_depth=1)
        first = run_crawl(data_paths, options)
        second = run_crawl(data_paths, options)
    assert first.pages > 5
    assert second.pages == 0
    assert second.not_modified == first.pages


def test_load_capture_by_any_form_of_the_url(mirror: MirrorServer, data_paths: DataPaths) -> None:
    run_crawl(data_paths, CrawlOptions(seeds=(mirror.base + "/",), delay=0.0, max_depth=1))
    newest = "/zfgzbg/202503/t20250311_2570794.html"
    shouting = mirror.base.replace("http://", "HTTP://")
    capture = load_capture(data_paths, shouting + newest + "?utm_source=x#p")
    assert capture is not None and capture.status == 200 and capture.body
    assert load_capture(data_paths, mirror.base + "/never-seen.html") is None
    assert load_capture(DataPaths(data_paths.root / "empty"), mirror.base + newest) is None
