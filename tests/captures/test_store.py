"""Reading captures back without the network, including from a damaged archive."""

from __future__ import annotations

from captures.store import iter_captures, load_capture
from cppcc_search.settings import DataPaths


def test_capture_fields(data_paths: DataPaths, recrawled: str) -> None:
    capture = load_capture(data_paths, recrawled + "/b.html")
    assert capture is not None
    assert capture.url == capture.final_url == recrawled + "/b.html"
    assert capture.status == 200 and capture.content_type == "text/html"
    assert b"new" in capture.body and len(capture.content_hash) == 64
    assert capture.fetched_at.endswith("Z") and capture.fetch_order == 2
    assert capture.header("etag") and capture.warc_path.endswith(".warc.gz")


def test_damaged_newest_archive_falls_back_to_the_older_capture(
    data_paths: DataPaths, recrawled: str
) -> None:
    newest = sorted(data_paths.warc_dir.glob("*.warc.gz"))[-1]
    newest.write_bytes(newest.read_bytes()[:40])  # truncated mid-record
    capture = load_capture(data_paths, recrawled + "/b.html")
    assert capture is not None and b"old" in capture.body
    assert [c.url for c in iter_captures(data_paths)] == [recrawled + "/", recrawled + "/b.html"]


def test_no_crawl_yet_means_no_captures(data_paths: DataPaths) -> None:
    assert list(iter_captures(data_paths)) == []
    assert load_capture(data_paths, "http://x.cn/") is None
