"""Fixtures of the extraction tests: a real crawl to extract from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from tests.crawl.servers import MirrorServer, running


@pytest.fixture(scope="module")
def crawled_gov_zh(
    shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DataPaths, str]]:
    """The gov-zh mirror crawled once over loopback into a fresh data dir: (paths, base URL)."""
    paths = DataPaths(tmp_path_factory.mktemp("govzh") / "data").ensure()
    server = MirrorServer(shared_dir / "sites" / "gov-zh" / "www")
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + "/index.html",), delay=0.0))
    yield paths, server.base
