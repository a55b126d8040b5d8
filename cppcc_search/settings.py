"""Where everything lives under the data directory.

Settings enter at the edges (CLI options, ``create_app``, ``CPPCC_SEARCH_*`` environment variables
read only by the CLI) and travel down as this frozen object; library code never reads os.environ.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cppcc_search.errors import CppccSearchError

DEFAULT_DATA_DIR = Path("index_data")
DATA_DIR_ENV = "CPPCC_SEARCH_DATA_DIR"
ENGINE_ENV = "CPPCC_SEARCH_ENGINE"
ENGINE_URL_ENV = "CPPCC_SEARCH_ENGINE_URL"
ENGINES = ("whoosh", "solr")
DEFAULT_ENGINE_URL = "http://127.0.0.1:8983/solr"
DEFAULT_COLLECTION = "cppcc-search"


@dataclass(frozen=True)
class DataPaths:
    """The layout of a data directory (documented in docs/contracts.md)."""

    root: Path

    @property
    def crawl_db(self) -> Path:
        """SQLite crawl state: frontier, one record per URL, runs."""
        return self.root / "crawl.sqlite3"

    @property
    def warc_dir(self) -> Path:
        """Raw captures, request and response records, as WARC files."""
        return self.root / "warc"

    @property
    def documents(self) -> Path:
        """Extracted reports, one JSON object per line."""
        return self.root / "documents.jsonl"

    @property
    def extract_failures(self) -> Path:
        """Pages that produced no document, with the reason."""
        return self.root / "extract_failures.jsonl"

    @property
    def index_dir(self) -> Path:
        """The Whoosh index (see indexer/ for how generations are swapped)."""
        return self.root / "index"

    def ensure(self) -> DataPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True)
class EngineSettings:
    """Which engine answers: the embedded Whoosh index under the data directory (the default),
    or a Solr cluster at ``url`` (comma-separated node URLs) whose alias ``collection`` names
    the current collection."""

    engine: str = "whoosh"
    url: str | None = None
    collection: str = DEFAULT_COLLECTION

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise CppccSearchError(
                f"unknown engine {self.engine!r} (use one of {', '.join(ENGINES)})"
            )

    @property
    def engine_url(self) -> str:
        """The cluster's URL (the default local Solr when none is set)."""
        return self.url or DEFAULT_ENGINE_URL
