"""The indexer's errors, shared by the index (building) and the search service (reading).

All derive from :class:`cppcc_search.errors.CppccSearchError`: one line a user can act on.
"""

from __future__ import annotations

from cppcc_search.errors import CppccSearchError


class SearchError(CppccSearchError):
    """A search cannot be answered as asked."""


class QueryError(SearchError):
    """The query or a parameter cannot be understood."""


class QueryTooBroadError(SearchError):
    """The query needs more work than one call may take: it should be narrowed."""


class IndexMissingError(SearchError):
    """There is no index to search yet (or it is gone)."""


class IndexFormatError(IndexMissingError):
    """The index was written in a format this version no longer reads: it must be rebuilt."""


class IndexDamagedError(SearchError):
    """The index's files cannot be read as written: `cppcc-search index` repairs it."""


class IndexBusyError(CppccSearchError):
    """Another process is writing the index."""


class DocumentsError(CppccSearchError):
    """The documents file to index is missing or unreadable."""


class IndexingError(CppccSearchError):
    """Writing the index failed (a worker process failed or died); the old index stands."""


class EngineError(CppccSearchError):
    """The search engine (a Solr cluster) refused a request: its one-line reason."""


class EngineUnavailableError(IndexBusyError):
    """No node of the search engine answers. A busy index's kin: the web app answers 503 with
    this message and the next request may find the cluster back."""
