"""Write ``documents.jsonl`` into SolrCloud: incremental by content hash, or a full rebuild
into a new collection that the alias then names, so a search never sees a half-built index.

The same decisions as the Whoosh indexer (indexer.index.build): the same documents, the same
update plan by content hash, the same vocabulary for did-you-mean, the same summary line.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.errors import EngineError
from indexer.index.bodies import build_bodies
from indexer.index.build import (
    IndexSummary,
    Progress,
    UpdatePlan,
    load_reports,
    section_count,
)
from indexer.index.schema import KIND_REPORT
from indexer.index.vocabulary import report_vocabulary
from indexer.solr import admin
from indexer.solr.client import SolrClient
from indexer.solr.configset import configset_name
from indexer.solr.documents import bodies_document, solr_documents, vocabulary_document
from indexer.solr.query import term_in

BATCH_DOCUMENTS = 500  # documents per update request
_ID_BATCH = 400  # report ids per lookup (Solr's default bound is 1024 boolean clauses)


def index_into_solr(
    paths: DataPaths,
    client: SolrClient,
    alias: str,
    rebuild: bool = False,
    init: bool = False,
    progress: Progress | None = None,
) -> IndexSummary:
    """Index ``paths.documents`` into the collection the alias names (a new one if none).

    ``init`` uploads the product's configset first; without it the cluster must have it.
    A collection built with another configset (an older schema) is rebuilt.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    reports, duplicates = load_reports(paths.documents)
    configset = admin.upload_configset(client) if init else configset_name()
    if not init and not admin.configset_exists(client, configset):
        raise EngineError(
            f"the cluster has no configset {configset}: run `cppcc-search index --engine solr "
            "--init` to upload it"
        )
    current = admin.current_collection(client, alias)
    stale = current is not None and admin.collection_configset(client, current) != configset
    if stale and not rebuild:
        say(f"the collection {current} has an older schema: rebuilding it")
        rebuild = True
    if rebuild or current is None:
        summary = _rebuild(client, alias, configset, reports, say)
    else:
        summary = _update(client, current, reports, say)
    summary.duplicates = duplicates
    summary.seconds = time.perf_counter() - started
    return summary


def _rebuild(
    client: SolrClient, alias: str, configset: str, reports: list[Report], say: Progress
) -> IndexSummary:
    """Fill a new collection, point the alias at it, then drop the collections it replaced."""
    collection = admin.create_collection(client, alias, configset)
    say(f"building {collection} from {len(reports)} reports")
    try:
        _add(client, collection, reports, say)
        _send(client, collection, _collection_documents(reports))
        _commit(client, collection)
    except BaseException:
        admin.delete_collection(client, collection)
        raise
    admin.point_alias(client, alias, collection)
    admin.remove_other_collections(client, alias, keep=collection)
    return IndexSummary(
        generation=collection,
        rebuilt=True,
        reports=len(reports),
        added=len(reports),
        sections_written=section_count(reports),
    )


def _update(
    client: SolrClient, collection: str, reports: list[Report], say: Progress
) -> IndexSummary:
    """Add new reports, replace changed ones, delete vanished ones, leave the rest alone."""
    plan = UpdatePlan.of(reports, indexed_hashes(client, collection))
    summary = plan.summary(collection, reports)
    if plan.up_to_date:
        say("index is up to date")
        return summary
    say(plan.describe())
    removed = _document_ids(client, collection, plan.removed_ids)
    for start in range(0, len(removed), BATCH_DOCUMENTS):
        client.post_json(
            f"{collection}/update", {"delete": removed[start : start + BATCH_DOCUMENTS]}
        )
    batch = plan.new + plan.changed
    _add(client, collection, batch, say)
    _send(client, collection, _collection_documents(reports))
    _commit(client, collection)
    summary.sections_written = section_count(batch)
    return summary


def _collection_documents(reports: list[Report]) -> list[dict[str, Any]]:
    """What the collection holds about all its reports together: the English vocabulary for
    did-you-mean and the bodies (rewritten whole, as the Whoosh indexer writes them)."""
    return [
        vocabulary_document(report_vocabulary(reports)),
        bodies_document(build_bodies(reports)),
    ]


def indexed_hashes(client: SolrClient, collection: str) -> dict[str, str]:
    """report id → content hash of every report record in the collection."""
    hashes = {}
    for doc in _all_documents(client, collection, {"term": {"f": "kind", "query": KIND_REPORT}}):
        hashes[doc["report_id"]] = doc.get("content_hash", "")
    return hashes


def _document_ids(client: SolrClient, collection: str, report_ids: list[str]) -> list[str]:
    """The ids of every document (record and sections) of the given reports."""
    ids: list[str] = []
    for start in range(0, len(report_ids), _ID_BATCH):
        query = term_in("report_id", report_ids[start : start + _ID_BATCH])
        ids.extend(doc["id"] for doc in _all_documents(client, collection, query))
    return ids


def _all_documents(client: SolrClient, collection: str, query: Any) -> Iterator[dict[str, Any]]:
    """Every matching document's id, report id and content hash, a page at a time (a cursor)."""
    cursor = "*"
    while True:
        answer = client.post_json(
            f"{collection}/query",
            {
                "query": query,
                "fields": "id,report_id,content_hash",
                "sort": "id asc",
                "limit": 1000,
                "params": {"cursorMark": cursor},
            },
        )
        yield from answer["response"]["docs"]
        following = answer.get("nextCursorMark", cursor)
        if following == cursor:
            return
        cursor = following


def _add(client: SolrClient, collection: str, reports: list[Report], say: Progress) -> None:
    """Send the reports' documents in batches."""
    sent = 0
    for batch in _batches(doc for report in reports for doc in solr_documents(report)):
        _send(client, collection, batch)
        sent += len(batch)
        if sent % (BATCH_DOCUMENTS * 20) < len(batch):
            say(f"{sent} documents sent")


def _batches(docs: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= BATCH_DOCUMENTS:
            yield batch
            batch = []
    if batch:
        yield batch


def _send(client: SolrClient, collection: str, docs: list[dict[str, Any]]) -> None:
    client.post_json(f"{collection}/update", docs)


def _commit(client: SolrClient, collection: str) -> None:
    """A hard commit that opens a new searcher on every replica: the update is then visible."""
    client.post_json(f"{collection}/update", {"commit": {"waitSearcher": True}})
