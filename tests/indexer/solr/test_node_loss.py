"""One node of the cluster is killed (kill -9) while searches run: they keep answering, from
the other node's replicas, with the same answers as before."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from cppcc_search.models import Report
from indexer.search.types import SearchRequest
from indexer.solr.build import index_into_solr
from indexer.solr.client import SolrClient
from indexer.solr.service import SolrSearchService
from tests.indexer.reports import corpus_reports, write_reports
from tests.indexer.solr.conftest import Cluster, start_cluster, stop_cluster

pytestmark = pytest.mark.slow
QUERIES = ["新能源", "改革 -开放", "党", "乡村振兴 OR 计划经济", "粮食 1978.."]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Cluster:
    """A cluster of its own: this module leaves it with one node dead."""
    cluster = start_cluster(tmp_path_factory.mktemp("doomed-cluster"))
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> list[Report]:
    return corpus_reports(shared_dir)


def answers(service: SolrSearchService) -> dict[str, tuple[int, list[str], list]]:
    found = {}
    for query in QUERIES:
        response = service.search(SearchRequest(query=query, per_page=1000))
        facets = [(v.value, v.count) for v in response.facets["year"]]
        found[query] = (response.total, sorted(h.id for h in response.results), facets)
    return found


def test_searches_keep_answering_after_a_node_is_killed(cluster, corpus, data_paths):
    write_reports(data_paths, corpus)
    # The client is given the first node only: it learns the second from the cluster.
    client = SolrClient(cluster.node_url(0))
    index_into_solr(data_paths, client, "survivors", init=True)
    service = SolrSearchService.open(client, "survivors")
    before = answers(service)
    assert all(total > 0 for total, _, _ in before.values())

    failures: list[BaseException] = []
    searched: list[tuple[float, bool]] = []  # when each round of searches ended, and if right
    stop = threading.Event()

    def search_all_along() -> None:
        while not stop.is_set():
            try:
                right = answers(service) == before
                searched.append((time.monotonic(), right))
            except Exception as error:  # any failure at all is what this test looks for
                failures.append(error)

    searcher = threading.Thread(target=search_all_along)
    searcher.start()
    try:
        time.sleep(1)
        os.kill(cluster.nodes[0]["pid"], signal.SIGKILL)  # the node the client was given
        # Past ZooKeeper's 15 s session timeout the node is gone for good; rounds that end
        # after it show the replicas answering. On a busy machine a round takes seconds.
        gone = time.monotonic() + 16
        deadline = gone + 60
        while time.monotonic() < deadline and not failures:
            if sum(1 for ended, _ in searched if ended > gone) >= 2:
                break
            time.sleep(0.5)
    finally:
        stop.set()
        searcher.join()
    assert not failures, failures[:3]
    assert all(right for _, right in searched)
    assert sum(1 for ended, _ in searched if ended > gone) >= 2
    assert answers(service) == before
    assert service.get_report(corpus[0].id) == corpus[0]
    assert service.stats().reports == len(corpus)
