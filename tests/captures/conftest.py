"""Fixtures of the capture archive tests: an archive written by two real crawls."""

from __future__ import annotations

import pytest

from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from tests.crawl.servers import VersionedSite, page, running


@pytest.fixture
def recrawled(data_paths: DataPaths) -> str:
    """Two crawls of a two-page site into ``data_paths``, ``/b.html`` changed between them
    ("old", then "new"); returns the site's base URL."""
    site = VersionedSite({"/": page("Home", links=("/b.html",)), "/b.html": page("B", "old")})
    with running(site):
        options = CrawlOptions(seeds=(site.base + "/",), delay=0.0, sitemaps=False)
        run_crawl(data_paths, options)
        site.pages["/b.html"] = page("B", "new")
        run_crawl(data_paths, options)
    return site.base
