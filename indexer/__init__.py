"""The index and the search service over it.

Two sub-packages that meet only at the schema and the on-disk format:

* ``indexer.index`` writes: the schema and its analysis, the posting value format, segment
  writing (in worker processes), generations, saved columns and vocabulary, and ``build``
  (``documents.jsonl`` → a generation directory). It never imports the search side.
* ``indexer.search`` reads: the query language, matching, ranking, facets, snippets, trends,
  did-you-mean and the :class:`~indexer.search.service.SearchService` that the CLI and the web
  app call. From ``indexer.index`` it imports only the schema (``schema``, ``analysis``) and
  the on-disk format (``generations``, ``columns``, ``vocabulary``, and the stored fields of
  ``documents``).

``indexer.errors`` holds the errors of both; ``indexer.whoosh_internals`` every use of Whoosh's
private internals. tests/test_layout.py checks these rules.
"""
