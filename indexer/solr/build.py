"""Write ``documents.jsonl`` into SolrCloud: incremental by content hash, or a full rebuild
into a new collection that the alias then names, so a search never sees a half-built index.

The same decisions as the Whoosh indexer (indexer.index.build): the same documents, the same
update plan by content hash, the same vocabulary for did-you-mean, the same summary line.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from cppcc_search.models import DocumentsFileError, Report
from cppcc_search.settings import DataPaths
from indexer.errors import DocumentsError, EngineError
from indexer.index.bodies import build_bodies
from indexer.index.build import (
    IndexSummary,
    Progress,
    UpdatePlan,
    read_document_lines,
    refuse_large_loss,
)
from indexer.index.documents import indexed_hash
from indexer.index.parallel import vocabulary_text
from indexer.index.schema import KIND_REPORT
from indexer.index.sources import DocumentLines
from indexer.index.vocabulary import count_words, most_frequent
from indexer.solr import admin
from indexer.solr.client import SolrClient
from indexer.solr.configset import configset_name
from indexer.solr.documents import bodies_document, solr_documents, vocabulary_document
from indexer.solr.query import term_in

BATCH_DOCUMENTS = 500  # documents per update request
# Update requests in flight at once. One: the cluster, not the client, is what a build waits on
# (15,075 sections on the local 2-node cluster: 170 CPU seconds in the JVMs, 18 in the client),
# and three concurrent requests made the busy cluster's leaders fail a batch ("Async exception
# during distributed update: Request processing has stalled"). The client still reads and
# prepares the next batch while one is indexed (a batch waits beside the one in flight).
SENDERS = 1
_ID_BATCH = 400  # report ids per lookup (Solr's default bound is 1024 boolean clauses)
PROGRESS_EVERY = BATCH_DOCUMENTS * 20  # documents between progress lines


def index_into_solr(
    paths: DataPaths,
    client: SolrClient,
    alias: str,
    rebuild: bool = False,
    init: bool = False,
    progress: Progress | None = None,
    force: bool = False,
) -> IndexSummary:
    """Index ``paths.documents`` into the collection the alias names (a new one if none).

    DataLossRefused when the documents would drop more than half of the indexed reports, by a
    rebuild or an update alike (unless ``force``), as for the embedded index.

    ``init`` uploads the product's configset first; without it the cluster must have it.
    A collection built with another configset (an older schema) is rebuilt. The reports are
    read from the file one at a time as they are sent (indexer.index.sources): the client's
    memory does not grow with the archive, which is gigabytes of text at a million sections.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    # The Whoosh indexer's own reading of the file (its report lines, the first of each id):
    # both engines index the same reports and fail alike on a missing or broken file.
    lines, duplicates = read_document_lines(paths.documents)
    configset = admin.upload_configset(client) if init else configset_name()
    if not init and not admin.configset_exists(client, configset):
        raise EngineError(
            f"the cluster has no configset {configset}: run `cppcc-search index --engine solr "
            "--init` to upload it"
        )
    current = admin.current_collection(client, alias)
    if current is not None and not force:
        indexed = indexed_hashes(client, current)
        refuse_large_loss(len(indexed), len(indexed.keys() - set(lines.ids)))
    stale = current is not None and admin.collection_configset(client, current) != configset
    if stale and not rebuild:
        say(f"the collection {current} has an older schema: rebuilding it")
        rebuild = True
    if rebuild or current is None:
        summary = _rebuild(client, alias, configset, lines, say)
    else:
        summary = _update(client, current, lines, say)
    summary.duplicates = duplicates
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class _Seen:
    """What the collection documents need of every report, gathered while the reports stream
    past: the English word counts (did-you-mean), the reports without their sections
    (bodies), and each report's content hash and section count (the update plan)."""

    words: Counter[str] = field(default_factory=Counter)
    headers: list[Report] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)

    def add(self, report: Report) -> None:
        count_words(self.words, vocabulary_text(report))
        self.headers.append(replace(report, sections=[]))
        self.hashes[report.id] = indexed_hash(report)
        self.sections[report.id] = len(report.sections)


def _reports(lines: DocumentLines) -> Iterator[Report]:
    """The reports of the lines, parsed one at a time."""
    try:
        yield from lines
    except (DocumentsFileError, UnicodeDecodeError, OSError) as error:
        raise DocumentsError(f"cannot read {lines.path}: {error}") from None


def _rebuild(
    client: SolrClient, alias: str, configset: str, lines: DocumentLines, say: Progress
) -> IndexSummary:
    """Fill a new collection (one replica a shard), copy it to the other replicas, point the
    alias at it, then drop the collections it replaced."""
    collection = admin.create_collection(client, alias, configset)
    say(f"building {collection} from {len(lines)} reports")
    seen = _Seen()
    try:
        with _Sender(client, collection, say) as sender:
            for report in _reports(lines):
                seen.add(report)
                sender.add(solr_documents(report))
        _send(client, collection, _collection_documents(seen))
        _commit(client, collection)
        say(f"copying {collection} to its other replicas")
        admin.add_replicas(client, collection)
    except BaseException:
        admin.delete_collection(client, collection)
        raise
    admin.point_alias(client, alias, collection)
    admin.remove_other_collections(client, alias, keep=collection)
    return IndexSummary(
        generation=collection,
        rebuilt=True,
        reports=len(lines),
        added=len(lines),
        sections_written=sum(seen.sections.values()),
    )


def _update(
    client: SolrClient, collection: str, lines: DocumentLines, say: Progress
) -> IndexSummary:
    """Add new reports, replace changed ones, delete vanished ones, leave the rest alone.

    Two passes over the file: one for the plan (every report's hash, and what the collection
    documents need), one that reads and sends only the new and changed reports."""
    seen = _Seen()
    for report in _reports(lines):
        seen.add(report)
    plan = _plan(seen, indexed_hashes(client, collection))
    summary = plan.summary(collection, seen.headers)
    if plan.up_to_date:
        say("index is up to date")
        return summary
    say(plan.describe())
    # Deleted (and acknowledged) before any addition is sent: a changed report's new sections
    # have its old sections' ids, and a deletion arriving after them would remove them.
    removed = _document_ids(client, collection, plan.removed_ids)
    for start in range(0, len(removed), BATCH_DOCUMENTS):
        client.post_json(
            f"{collection}/update", {"delete": removed[start : start + BATCH_DOCUMENTS]}
        )
    sending = {report.id for report in plan.new + plan.changed}
    with _Sender(client, collection, say) as sender:
        for report in _reports(_only(lines, sending)):
            sender.add(solr_documents(report))
    _send(client, collection, _collection_documents(seen))
    _commit(client, collection)
    summary.sections_written = sum(seen.sections[report_id] for report_id in sending)
    return summary


def _plan(seen: _Seen, indexed: dict[str, str]) -> UpdatePlan:
    """The update plan of indexer.index.build (UpdatePlan.of), from the hashes gathered while
    streaming: its reports are the headers, which is all the plan reads of them."""
    wanted = seen.hashes
    return UpdatePlan(
        new=[r for r in seen.headers if r.id not in indexed],
        changed=[r for r in seen.headers if r.id in indexed and indexed[r.id] != wanted[r.id]],
        vanished=[report_id for report_id in indexed if report_id not in wanted],
    )


def _only(lines: DocumentLines, ids: set[str]) -> DocumentLines:
    """The lines of the reports with these ids, in file order."""
    keep = [i for i, report_id in enumerate(lines.ids) if report_id in ids]
    return DocumentLines(
        lines.path, tuple(lines.lines[i] for i in keep), tuple(lines.ids[i] for i in keep)
    )


class _Sender:
    """Sends documents in batches of BATCH_DOCUMENTS from SENDERS threads, with at most
    2 x SENDERS batches pending: the reader prepares the next batch while the cluster indexes
    one, and stays only that far ahead of it.

    Leaving the ``with`` block waits for every batch; the first failed batch is raised, and
    once one has failed (or the block raises) nothing more is sent."""

    def __init__(self, client: SolrClient, collection: str, say: Progress) -> None:
        self._client, self._collection, self._say = client, collection, say
        self._pool = ThreadPoolExecutor(SENDERS, thread_name_prefix="solr-send")
        self._pending: set[Future[int]] = set()
        self._batch: list[dict[str, Any]] = []
        self._sent = 0

    def __enter__(self) -> _Sender:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None:  # stopped or failed: drop what is queued, wait for what is sent
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        try:
            if self._batch:
                self._submit()
            while self._pending:
                self._collect()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        for doc in docs:
            self._batch.append(doc)
            if len(self._batch) >= BATCH_DOCUMENTS:
                self._submit()

    def _submit(self) -> None:
        while len(self._pending) >= 2 * SENDERS:
            self._collect()
        batch, self._batch = self._batch, []
        self._pending.add(self._pool.submit(self._post, batch))

    def _post(self, batch: list[dict[str, Any]]) -> int:
        _send(self._client, self._collection, batch)
        return len(batch)

    def _collect(self) -> None:
        """Wait for at least one pending batch; raise the error of one that failed."""
        done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED)
        for future in done:
            before = self._sent
            self._sent += future.result()
            if self._sent // PROGRESS_EVERY > before // PROGRESS_EVERY:
                self._say(f"{self._sent} documents sent")


def _collection_documents(seen: _Seen) -> list[dict[str, Any]]:
    """What the collection holds about all its reports together: the English vocabulary for
    did-you-mean and the bodies (rewritten whole, as the Whoosh indexer writes them)."""
    return [
        vocabulary_document(most_frequent(seen.words)),
        bodies_document(build_bodies(seen.headers)),
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


def _send(client: SolrClient, collection: str, docs: list[dict[str, Any]]) -> None:
    client.post_json(f"{collection}/update", docs)


def _commit(client: SolrClient, collection: str) -> None:
    """A hard commit that opens a new searcher on every replica: the update is then visible."""
    client.post_json(f"{collection}/update", {"commit": {"waitSearcher": True}})
