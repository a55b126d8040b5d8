"""How often a hit's "Source passage" link lands on its passage, in Debian's Chromium.

A site (the gov-zh mirror, or the bundled demo site) is served on loopback, crawled, extracted
and indexed into a temporary data dir; the first hits of each term are opened in Chromium by
their ``passage_url`` (tests/webapp/landing.py says how a landing is told from a miss). Prints
the rate per term and overall, and every miss. The test suite asserts the issue's floor (90%)
on the gov-zh mirror (tests/webapp/test_passage_links.py).

    .venv/bin/python bench/passage_links.py [--site gov-zh|demo] [--terms 新能源,养老] [--hits 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.demo import demo_site_root  # noqa: E402
from cppcc_search.settings import DataPaths  # noqa: E402
from cppcc_search.sitehost import serve_directory  # noqa: E402
from crawl.crawler import run_crawl  # noqa: E402
from crawl.options import CrawlOptions  # noqa: E402
from extraction.pipeline import extract_all  # noqa: E402
from indexer.index.build import index_documents  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402
from indexer.search.types import SearchRequest  # noqa: E402
from tests.webapp.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.webapp.landing import LandingCheck, snippet_context  # noqa: E402

SITES = {
    "gov-zh": (REPO_ROOT.parent / "shared" / "sites" / "gov-zh" / "www", "/index.html"),
    "demo": (demo_site_root(), "/"),
}
DEFAULT_TERMS = {
    "gov-zh": "新能源,养老,乡村振兴,节能减排,粮食,住房,科技创新,改革开放",
    "demo": "新能源,养老,民营经济,生态,乡村振兴,new energy,elderly care,private economy",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", choices=sorted(SITES), default="gov-zh")
    parser.add_argument("--terms", help="comma-separated (default: a few per site)")
    parser.add_argument("--hits", type=int, default=20, help="hits per term (default 20)")
    args = parser.parse_args()
    root, start = SITES[args.site]
    if not root.is_dir():
        print(f"skipped: {root} is absent", file=sys.stderr)
        return 0
    terms = (args.terms or DEFAULT_TERMS[args.site]).split(",")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serve_directory(root) as base:
        paths = DataPaths(Path(tmp) / "data").ensure()
        run_crawl(paths, CrawlOptions(seeds=(base + start,), delay=0.0))
        extract_all(paths)
        index_documents(paths, workers=0)
        with SearchService.open(paths) as service, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
            check = LandingCheck(page)
            landed = total = 0
            for term in terms:
                hits = service.search(SearchRequest(query=term, per_page=args.hits)).results
                results = [
                    check(hit.passage_url, hit.title, snippet_context(hit.snippet)) for hit in hits
                ]
                good = sum(result.landed for result in results)
                print(f"{term}: {good} of {len(results)}")
                for miss in (result for result in results if not result.landed):
                    print(f"  missed {miss.url}: {miss.detail}")
                landed, total = landed + good, total + len(results)
            chromium.close()
    print(f"{args.site}: {landed} of {total} passage links landed ({landed / max(1, total):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
