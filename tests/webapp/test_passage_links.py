"""Passage links open their source page at the passage, in Chromium, on the gov-zh mirror.

The mirror is served on loopback, crawled, extracted and indexed as a user would; each hit's
``passage_url`` (what the search page links as "Source passage" and the JSON carries) is opened
in Debian's Chromium, and the page must scroll to the hit's passage (tests/webapp/landing.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from extraction.pipeline import extract_all
from indexer.index.build import index_documents
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.crawl.servers import MirrorServer, running
from tests.webapp.landing import LandingCheck, snippet_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The three terms, and others of every decade of the mirror.
TERMS = ("新能源", "养老", "乡村振兴", "节能减排", "粮食", "义务教育")
HITS_PER_TERM = 12
LANDING_FLOOR = 0.9


@pytest.fixture(scope="module")
def gov_zh(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    """The gov-zh mirror crawled, extracted and indexed, served while the tests run."""
    paths = DataPaths(tmp_path_factory.mktemp("passages") / "data").ensure()
    server = MirrorServer(shared_dir / "sites" / "gov-zh" / "www")
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + "/index.html",), delay=0.0))
        extract_all(paths)
        index_documents(paths, workers=0)
        service = SearchService.open(paths)
        try:
            yield service
        finally:
            service.close()


def test_passage_links_land_on_their_passage(gov_zh, browser):
    hits = [
        hit
        for term in TERMS
        for hit in gov_zh.search(SearchRequest(query=term, per_page=HITS_PER_TERM)).results
    ]
    assert len(hits) >= 50
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        check = LandingCheck(context.new_page())
        landings = [check(hit.passage_url, hit.title, snippet_context(hit.snippet)) for hit in hits]
    finally:
        context.close()
    missed = [f"{landing.url}: {landing.detail}" for landing in landings if not landing.landed]
    rate = 1 - len(missed) / len(landings)
    print(f"passage links landed: {len(landings) - len(missed)} of {len(landings)}")
    assert rate >= LANDING_FLOOR, "\n".join(missed)


def test_a_link_whose_directive_matches_nothing_is_told_apart(gov_zh, browser):
    """The check itself: a directive cut inside words (as links were made before) misses."""
    hit = gov_zh.search(SearchRequest(query="乡村振兴", per_page=1)).results[0]
    base = hit.passage_url.partition("#")[0]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        check = LandingCheck(context.new_page())
        landing = check(f"{base}#:~:text=%E6%9D%91%E6%8C%AF", hit.title, "乡村振兴")  # "村振"
    finally:
        context.close()
    assert not landing.landed and "matched nothing" in landing.detail
