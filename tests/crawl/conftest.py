"""Fixtures of the crawler tests: the gov-zh mirror served on loopback, and crawls that several
tests inspect (the fault site and the generated main site, each crawled once per module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from crawl.summary import CrawlSummary
from tests.crawl.fault_site import FaultCrawl, FaultServer
from tests.crawl.servers import MirrorServer, running
from tests.crawl.sites import MAIN_SITE_CHAIN, MainSite


@pytest.fixture(scope="session")
def gov_zh_root(shared_dir: Path) -> Path:
    """The gov-zh mirror's files, served in place."""
    return shared_dir / "sites" / "gov-zh" / "www"


@pytest.fixture(scope="session")
def gov_zh_truth(shared_dir: Path) -> list[dict]:
    """One row per report of the gov-zh mirror (path, title, ...)."""
    lines = (shared_dir / "sites" / "gov-zh" / "truth.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def mirror(gov_zh_root: Path) -> Iterator[MirrorServer]:
    """The gov-zh mirror on a free loopback port, logging every request."""
    server = MirrorServer(gov_zh_root)
    with running(server):
        yield server


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultCrawl]:
    """The fault site crawled once with short timeouts, one retry and a small body cap."""
    paths = DataPaths(Path(tmp_path_factory.mktemp("faults")) / "data").ensure()
    server = FaultServer()
    server.hang_seconds = 1.5
    progress: list[str] = []
    with running(server):
        options = CrawlOptions(
            seeds=(server.base + "/",),
            delay=0.0,
            timeout=0.8,
            retries=1,
            retry_backoff=0.05,
            max_body_bytes=100_000,
            progress_every=0.0,
        )
        summary = run_crawl(paths, options, progress=progress.append)
        yield FaultCrawl(server.base, paths, summary, server.log, progress)


@pytest.fixture(scope="module")
def crawled_main(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MainSite, DataPaths, CrawlSummary]]:
    """The main generated site crawled once from its home page."""
    server = MainSite()
    paths = DataPaths(tmp_path_factory.mktemp("main-site")).ensure()
    with running(server):
        options = CrawlOptions(
            seeds=(server.base + "/",), delay=0.0, max_pattern_chain=MAIN_SITE_CHAIN
        )
        summary = run_crawl(paths, options)
        yield server, paths, summary
