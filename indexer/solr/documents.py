"""Solr documents from a report, and stored fields back under the Whoosh side's names.

The documents are indexer.index.documents' own (one record per report, one per section, the
same facet labels and stored fields); Solr's differ only where a schema must: the unique key is
``id``, ``route!doc_id`` with the route a hash of the report id (Solr's compositeId router puts
every document of a report on one shard, so counts per report, such as the reports a grouped
search finds, are exact), the section text is stored once (as ``body``, which the highlighter
reads), and an absent value is left out rather than stored as empty or 0.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cppcc_search.models import Report
from indexer.index.documents import report_documents

VOCABULARY_ID = "_vocabulary"
KIND_VOCABULARY = "vocabulary"
BODIES_ID = "_bodies"
KIND_BODIES = "bodies"
# Solr field → the name the shared code reads it by (indexer.search.stored, report_from_stored).
_STORED_AS = {"body": "text"}
# The same text as body. (The Whoosh index's exact-string shortcuts are not even computed:
# Solr matches exact strings with its phrase queries, report_documents(shortcuts=False).)
_NOT_SENT = {"text"}
# What hits, report lists and the report view read.
STORED_FIELDS = (
    "id",
    "doc_id",
    "kind",
    "report_id",
    "title_text",
    "section_title_text",
    "body",
    "year",
    "date",
    "url",
    "committee",
    "level",
    "doc_type",
    "language",
    "part",
    "part_kind",
    "period_year",
    "section_level",
    "ordinal",
    "meta",
    "section",
    "body_id",
    "province",
    "city",
    "series",
    "versions",
)
STORED_FIELD_LIST = ",".join(STORED_FIELDS)


def solr_documents(report: Report) -> list[dict[str, Any]]:
    """The report's record and its sections as Solr documents."""
    return [_solr_document(doc) for doc in report_documents(report, shortcuts=False)]


def solr_id(report_id: str, doc_id: str) -> str:
    """The Solr id of a document of a report: a route shared by the report's documents (a
    hash, so no character of the report id can disturb routing), then the product's id."""
    route = hashlib.blake2b(report_id.encode("utf-8"), digest_size=6).hexdigest()
    return f"{route}!{doc_id}"


def _solr_document(doc: dict[str, Any]) -> dict[str, Any]:
    solr: dict[str, Any] = {"id": solr_id(doc["report_id"], doc["doc_id"])}
    for name, value in doc.items():
        if value is None or name in _NOT_SENT or (name == "year" and not value):
            continue
        solr[name] = value
    return solr


def vocabulary_document(vocabulary: dict[str, int]) -> dict[str, Any]:
    """The English vocabulary for did-you-mean, kept in the collection it was built for."""
    return {
        "id": VOCABULARY_ID,
        "kind": KIND_VOCABULARY,
        "vocabulary": json.dumps(vocabulary, ensure_ascii=False),
    }


def bodies_document(bodies: dict[str, Any]) -> dict[str, Any]:
    """The bodies and region names of the collection (indexer.index.bodies.build_bodies), for
    facet labels, name lookups and /api/bodies."""
    return {
        "id": BODIES_ID,
        "kind": KIND_BODIES,
        "bodies": json.dumps(bodies, ensure_ascii=False),
    }


def stored_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """A Solr document's stored fields under the names the shared code reads."""
    return {_STORED_AS.get(name, name): value for name, value in doc.items()}
