"""The search service and archive, opened lazily once per app."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import current_app

from cppcc_search.settings import DataPaths, EngineSettings
from indexer.search.budget import SearchLimits


def search_limits(config: Mapping[str, Any]) -> SearchLimits:
    """The bounds on one search call, from the app's settings."""
    return SearchLimits(
        time_budget=config["SEARCH_TIME_BUDGET"],
        slow_after=config["SEARCH_SLOW_AFTER"],
        slow_slots=config["SEARCH_SLOW_SLOTS"],
        max_postings=config["SEARCH_MAX_POSTINGS"],
        expensive_cost=config["SEARCH_EXPENSIVE_WORK"],
    )


class ServiceHolder:
    """Opens the search service on first use, so the app starts before an index exists."""

    def __init__(
        self, paths: DataPaths, engine: EngineSettings, limits: SearchLimits | None = None
    ) -> None:
        self.paths = paths
        self.engine = engine
        self.limits = limits
        self._service: Any = None
        self._lock = threading.Lock()

    def service(self) -> Any:
        """The open search service (raises IndexMissingError while there is no index)."""
        if self._service is None:
            with self._lock:
                if self._service is None:
                    from indexer.engines import open_search_service

                    self._service = open_search_service(self.paths, self.engine, self.limits)
        return self._service

    def close(self) -> None:
        """Close the service's searcher for the calling thread, if it was opened."""
        if self._service is not None:
            self._service.close()


def holder() -> ServiceHolder:
    """The current app's service holder."""
    return current_app.extensions["cppcc_search"]


def search_service() -> Any:
    """The current app's search service."""
    return holder().service()


def data_paths() -> DataPaths:
    """The current app's data directory."""
    return holder().paths
