"""Solr documents: what the Whoosh index alone keeps is neither computed nor sent."""

from __future__ import annotations

from indexer.index.documents import report_documents
from indexer.index.schema import LITERAL_COLUMN, SKETCH_OF
from indexer.solr.documents import solr_documents
from tests.indexer.reports import chinese_report


def test_the_whoosh_shortcut_columns_stay_out_of_solr_documents():
    report = chinese_report("r", ["农民群众的利益", "社会保障体系"])
    whoosh_only = {LITERAL_COLUMN, *SKETCH_OF.values()}
    sections = [doc for doc in report_documents(report) if doc["kind"] == "section"]
    assert all(whoosh_only <= doc.keys() for doc in sections)  # the Whoosh index keeps them
    sent = solr_documents(report)
    assert len(sent) == len(report.sections) + 1
    assert not any(whoosh_only & doc.keys() for doc in sent)
    assert not any("text" in doc for doc in sent)  # the body carries it
