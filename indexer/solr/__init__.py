"""The search service on SolrCloud, chosen by ``--engine solr`` (docs/operations.md).

* ``configset/`` and ``configset`` — the schema (the Whoosh side's fields and analyses) and
  solrconfig the product uploads (``cppcc-search index --engine solr --init``);
* ``client`` — plain HTTP with failover between nodes; ``admin`` — collections of 2 shards ×
  2 replicas, the alias and its swap;
* ``documents`` and ``build`` — indexing ``documents.jsonl``: a rebuild into a new collection
  and an alias swap, or an incremental update by content hash;
* ``query``, ``highlight``, ``spelling`` and ``service`` — ``SolrSearchService``, with the
  public methods and answers of indexer.search.service.SearchService.
"""
