"""Indexing into SolrCloud: the collection's shape, incremental updates and deletes by content
hash, and a rebuild into a new collection that the alias names only once it is complete."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from cppcc_search.errors import DataLossRefused
from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.errors import EngineError, IndexMissingError
from indexer.search.types import SearchRequest
from indexer.solr import admin, build
from indexer.solr.build import index_into_solr
from indexer.solr.client import SolrClient
from indexer.solr.service import SolrSearchService
from tests.indexer.reports import corpus_reports, write_reports
from tests.indexer.solr.conftest import Cluster

pytestmark = pytest.mark.slow
ALIAS = "indexing-test"


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> list[Report]:
    return corpus_reports(shared_dir)[:30]


@pytest.fixture(scope="module")
def client(solr_cluster: Cluster) -> SolrClient:
    return SolrClient(solr_cluster.url)


def index(paths: DataPaths, client: SolrClient, reports: list[Report], rebuild: bool = False):
    write_reports(paths, reports)
    return index_into_solr(paths, client, ALIAS, rebuild=rebuild, init=True)


def section_total(service: SolrSearchService, query: str = "") -> int:
    return service.search(SearchRequest(query=query)).total


def test_no_collection_yet_is_index_missing(client):
    with pytest.raises(IndexMissingError, match="--init"):
        SolrSearchService.open(client, "never-indexed")


def test_collection_is_two_shards_with_a_replica_of_each_on_every_node(
    client, corpus, data_paths, solr_cluster
):
    summary = index(data_paths, client, corpus)
    assert summary.rebuilt and summary.reports == 30
    collection = admin.current_collection(client, ALIAS)
    assert collection == summary.generation
    replicas = admin.collection_replicas(client, collection)
    assert len(replicas) == admin.SHARDS * admin.REPLICAS
    nodes = {f"127.0.0.1:{node['port']}_solr" for node in solr_cluster.nodes}
    for node in nodes:  # any one node alone holds every shard: a complete copy
        assert {r["shard"] for r in replicas if r["node"] == node} == {"shard1", "shard2"}
    assert all(r["state"] == "active" for r in replicas)


def test_a_rebuild_is_copied_whole_to_every_replica_before_the_alias_names_it(
    client, corpus, data_paths
):
    """The build fills one replica a shard and copies it: each copy holds what its leader
    holds, and a shard that has its replicas gets no more."""
    index(data_paths, client, corpus, rebuild=True)
    collection = admin.current_collection(client, ALIAS)
    shards = admin.cluster_status(client)["collections"][collection]["shards"]
    for shard, info in shards.items():
        counts = [  # each replica asked on its own node, about itself alone
            SolrClient(replica["base_url"]).get(
                f"{replica['core']}/select",
                {"q": "*:*", "rows": 0, "distrib": "false"},
            )["response"]["numFound"]
            for replica in info["replicas"].values()
        ]
        assert len(counts) == admin.REPLICAS and counts[0] > 0, shard
        assert len(set(counts)) == 1, (shard, counts)
    assert admin.add_replicas(client, collection) == 0


def test_incremental_update_adds_replaces_and_deletes_by_content_hash(client, corpus, data_paths):
    index(data_paths, client, corpus, rebuild=True)
    service = SolrSearchService.open(client, ALIAS)
    before = section_total(service)
    victim = max(corpus[3:], key=lambda r: len(r.sections))
    shrunk = replace(victim, sections=victim.sections[:1])
    # corpus[0..2] vanish, one report loses all sections but its first, the rest stay
    updated = [shrunk if r is victim else r for r in corpus[3:]]
    summary = index(data_paths, client, updated)
    assert not summary.rebuilt
    assert (summary.added, summary.replaced, summary.deleted) == (0, 1, 3)
    assert summary.unchanged == 26
    assert summary.sections_written == 1  # only the changed report is sent again
    lost = sum(len(r.sections) for r in corpus[:3]) + len(victim.sections) - 1
    expected = before - lost
    assert section_total(service) == expected == service.stats().sections
    assert service.get_report(corpus[0].id) is None
    assert service.get_report(shrunk.id) == shrunk
    again = index(data_paths, client, updated)
    assert again.unchanged == 30 - 3 and again.sections_written == 0


def test_rebuild_swaps_the_alias_and_never_shows_a_half_built_index(client, corpus, data_paths):
    index(data_paths, client, corpus, rebuild=True)
    service = SolrSearchService.open(client, ALIAS)
    old = admin.current_collection(client, ALIAS)
    complete = section_total(service)
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(section_total(service))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        summary = index(data_paths, client, corpus, rebuild=True)
    finally:
        done.set()
        watcher.join()
    assert summary.rebuilt and summary.generation != old
    assert admin.current_collection(client, ALIAS) == summary.generation
    assert admin.generation_collections(client, ALIAS) == [summary.generation]
    assert len(seen) > 3 and set(seen) == {complete}
    assert section_total(service) == complete


def test_a_rebuild_sent_in_many_concurrent_batches_holds_every_document(
    client, corpus, data_paths, monkeypatch
):
    # Small batches: many more than the senders, so batches wait, complete out of order and
    # the last one is partial.
    monkeypatch.setattr(build, "BATCH_DOCUMENTS", 7)
    summary = index(data_paths, client, corpus, rebuild=True)
    sections = sum(len(r.sections) for r in corpus)
    assert summary.sections_written == sections
    assert sections + len(corpus) > 2 * build.SENDERS * build.BATCH_DOCUMENTS
    service = SolrSearchService.open(client, ALIAS)
    assert section_total(service) == sections == service.stats().sections
    assert service.stats().reports == len(corpus)


def test_a_batch_the_cluster_refuses_stops_the_rebuild_and_keeps_the_old_collection(
    client, corpus, data_paths, monkeypatch
):
    index(data_paths, client, corpus, rebuild=True)
    old = admin.current_collection(client, ALIAS)
    monkeypatch.setattr(build, "BATCH_DOCUMENTS", 7)
    # An id longer than Lucene's longest term (32,766 bytes): Solr refuses its batch.
    immense = replace(corpus[10], id="x" * 40000)
    broken = [*corpus[:10], immense, *corpus[11:]]
    with pytest.raises(EngineError, match="HTTP 400"):
        index(data_paths, client, broken, rebuild=True)
    assert admin.current_collection(client, ALIAS) == old
    assert admin.generation_collections(client, ALIAS) == [old]
    service = SolrSearchService.open(client, ALIAS)
    assert section_total(service) == sum(len(r.sections) for r in corpus)


def test_documents_that_would_drop_most_reports_are_refused_without_force(
    client, corpus, data_paths
):
    """As for the embedded index: an emptied or truncated extraction must not wipe the cluster."""
    index(data_paths, client, corpus, rebuild=True)
    before = admin.current_collection(client, ALIAS)
    for rebuild in (False, True):
        write_reports(data_paths, corpus[:10])  # 20 of the 30 reports would go
        with pytest.raises(DataLossRefused, match="drop 20 of the 30"):
            index_into_solr(data_paths, client, ALIAS, rebuild=rebuild)
        assert admin.current_collection(client, ALIAS) == before
    assert section_total(SolrSearchService.open(client, ALIAS)) == sum(
        len(r.sections) for r in corpus
    )
    summary = index_into_solr(data_paths, client, ALIAS, force=True)
    assert summary.deleted == 20
