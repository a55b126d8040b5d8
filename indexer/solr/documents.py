"""Solr documents from a report, and stored fields back under the Whoosh side's names.

The documents are indexer.index.documents' own (one record per report, one per section, the
same facet labels and stored fields); Solr's differ only where a schema must: the unique key is
``id``, the section text is stored once (as ``body``, which the highlighter reads), and an
absent value is left out rather than stored as empty or 0.
"""

from __future__ import annotations

import json
from typing import Any

from cppcc_search.models import Report
from indexer.index.documents import report_documents

VOCABULARY_ID = "_vocabulary"
KIND_VOCABULARY = "vocabulary"
# Solr field → the name the shared code reads it by (indexer.search.stored, report_from_stored).
_STORED_AS = {"id": "doc_id", "body": "text"}
_SOLR_NAME = {"doc_id": "id"}
_NOT_SENT = {"text"}  # the same text as body
# What hits, report lists and the report view read.
STORED_FIELDS = (
    "id",
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
)
STORED_FIELD_LIST = ",".join(STORED_FIELDS)


def solr_documents(report: Report) -> list[dict[str, Any]]:
    """The report's record and its sections as Solr documents."""
    return [_solr_document(doc) for doc in report_documents(report)]


def _solr_document(doc: dict[str, Any]) -> dict[str, Any]:
    solr: dict[str, Any] = {}
    for name, value in doc.items():
        if value is None or name in _NOT_SENT or (name == "year" and not value):
            continue
        solr[_SOLR_NAME.get(name, name)] = value
    return solr


def vocabulary_document(vocabulary: dict[str, int]) -> dict[str, Any]:
    """The English vocabulary for did-you-mean, kept in the collection it was built for."""
    return {
        "id": VOCABULARY_ID,
        "kind": KIND_VOCABULARY,
        "vocabulary": json.dumps(vocabulary, ensure_ascii=False),
    }


def stored_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """A Solr document's stored fields under the names the shared code reads."""
    return {_STORED_AS.get(name, name): value for name, value in doc.items()}
