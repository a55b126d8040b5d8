"""The one place that knows which engine answers: Whoosh (embedded, the default) or Solr.

The CLI and the web app open their search service and run indexing through these two
functions with the settings they were given; nothing above them knows which engine it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cppcc_search.settings import DataPaths, EngineSettings

if TYPE_CHECKING:
    from indexer.index.build import IndexSummary, Progress
    from indexer.search.budget import SearchLimits
    from indexer.search.service import SearchService
    from indexer.solr.service import SolrSearchService


def open_search_service(
    paths: DataPaths, engine: EngineSettings | None = None, limits: SearchLimits | None = None
) -> SearchService | SolrSearchService:
    """The search service of the configured engine (IndexMissingError while it has no index);
    ``limits`` bound each call's work on the embedded engine (Solr bounds its own)."""
    engine = engine or EngineSettings()
    if engine.engine == "solr":
        from indexer.solr.client import SolrClient
        from indexer.solr.service import SolrSearchService

        return SolrSearchService.open(SolrClient(engine.engine_url), engine.collection)
    from indexer.search.service import SearchService

    return SearchService.open(paths, limits)


def index_with_engine(
    paths: DataPaths,
    engine: EngineSettings | None = None,
    rebuild: bool = False,
    init: bool = False,
    progress: Progress | None = None,
    force: bool = False,
) -> IndexSummary:
    """Index ``paths.documents`` into the configured engine (``init``: upload Solr's configset;
    the embedded index needs no setting up; ``force``: drop most of the indexed reports if the
    documents say so)."""
    engine = engine or EngineSettings()
    if engine.engine == "solr":
        from indexer.solr.build import index_into_solr
        from indexer.solr.client import SolrClient

        client = SolrClient(engine.engine_url)
        return index_into_solr(paths, client, engine.collection, rebuild, init, progress, force)
    from indexer.index.build import index_documents

    return index_documents(paths, rebuild=rebuild, progress=progress, force=force)
