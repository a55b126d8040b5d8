"""The search service: the one object the CLI, the HTML views and the JSON API call.

Open once, share between threads. Each call borrows its own Whoosh searcher from a small pool;
every call checks the generation pointer (one small file read) and the index's table of contents,
so a rebuilt or updated index is picked up without a restart.
"""

from __future__ import annotations

import pickle
import struct
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import IndexError as WhooshIndexError
from whoosh.query import Term

from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexFormatError,
    IndexMissingError,
    QueryError,
    SearchError,
)
from indexer.index.bodies import BodyRegistry, read_bodies
from indexer.index.columns import column_file, load_saved_columns, read_columns
from indexer.index.documents import report_from_stored
from indexer.index.generations import read_pointer
from indexer.index.schema import BIGRAM_FIELDS, KIND_SECTION
from indexer.index.vocabulary import read_vocabulary
from indexer.search.budget import Gate, SearchLimits
from indexer.search.expansion import highlighted_terms
from indexer.search.facets import ColumnCache
from indexer.search.figures import figure_series
from indexer.search.followup import followup, next_in_series
from indexer.search.lexicon import Lexicon
from indexer.search.postings import column_sketches, column_text
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.ranking import VersionState
from indexer.search.run import run_search
from indexer.search.spread import term_spread
from indexer.search.stored import newest_first, summary_from_stored
from indexer.search.trends import trend_series
from indexer.search.types import (
    FiguresResponse,
    FollowupResponse,
    IndexStats,
    ReportSummary,
    SearchRequest,
    SearchResponse,
    SpreadResponse,
    TrendsResponse,
)
from indexer.whoosh_internals import (
    discard_failed_open,
    latest_toc_generation,
    open_searcher,
    pin_segment_files,
)

T = TypeVar("T")


@dataclass
class _Generation:
    """One opened generation directory and the column caches of its versions."""

    name: str
    directory: Path
    index: Any
    vocabulary: dict[str, int]
    bodies: BodyRegistry
    caches: dict[int, tuple[ColumnCache, VersionState]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cache_for(self, searcher: Any) -> tuple[ColumnCache, VersionState]:
        """Column values and shared search state for the searcher's index version (once each)."""
        version = searcher.reader().generation()
        with self.lock:
            cached = self.caches.get(version)
            if cached is None:
                columns = load_saved_columns(column_file(self.directory, version))
                cache = ColumnCache(
                    columns or read_columns(searcher.reader()), self.vocabulary, self.bodies
                )
                cached = (cache, VersionState())
                self.caches = {version: cached}  # older versions are no longer served
            return cached


def _open_generation(index_root: Path, name: str) -> _Generation:
    directory = index_root / name
    try:
        ix = whoosh_index.open_dir(str(directory))
    except Exception as error:
        discard_failed_open(error)
        if not isinstance(error, (WhooshIndexError, OSError)):
            raise _damaged(error) from error  # a scribbled table of contents, unpickled
        if any(directory.glob("_MAIN_*.toc")):
            raise _damaged(error) from error  # a table of contents Whoosh cannot read
        # A generation swapped and removed between reading the pointer and opening it.
        raise IndexMissingError(f"cannot open the index in {directory}: {error}") from None
    return _Generation(name, directory, ix, read_vocabulary(directory), read_bodies(directory))


def _damaged(error: BaseException) -> IndexDamagedError:
    detail = " ".join(str(error).split())[:200] or "no detail"
    return IndexDamagedError(
        f"the index cannot be read ({type(error).__name__}: {detail}): "
        "`cppcc-search index` checks and repairs it"
    )


# What reading a truncated, zeroed or scribbled index file raises, besides errors that Whoosh's
# own code raises while it decodes one (see _is_damage).
_DAMAGE_ERRORS = (struct.error, zlib.error, EOFError, pickle.UnpicklingError, FileNotFoundError)


def _is_damage(error: BaseException) -> bool:
    """Whether an error on an up-to-date searcher comes from the index's files, not our code:
    a decoding error, or any error raised inside Whoosh's reading code."""
    if isinstance(error, _DAMAGE_ERRORS):
        return True
    innermost = error.__traceback__
    while innermost is not None and innermost.tb_next is not None:
        innermost = innermost.tb_next
    module = innermost.tb_frame.f_globals.get("__name__", "") if innermost else ""
    return module.split(".")[0] == "whoosh"


class SearchService:
    """Search, trends and report lookups over the current index generation."""

    def __init__(
        self,
        paths: DataPaths,
        generation: _Generation,
        limits: SearchLimits | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self._paths = paths
        self._generation = generation
        self._gate = Gate(limits or SearchLimits())
        self._lexicon = lexicon  # None: the shipped one (indexer.search.lexicon)
        self._lock = threading.Lock()
        self._idle: list[Any] = []  # searchers not in use; one per concurrent call at most
        self._closed = False

    @classmethod
    def open(
        cls, paths: DataPaths, limits: SearchLimits | None = None, *, lexicon: Lexicon | None = None
    ) -> SearchService:
        """Open the index of a data directory (IndexMissingError when there is none).

        ``limits`` bound the work of each search and trends call (default: unbounded); queries
        are translated through ``lexicon`` (default: the shipped one).
        """
        return cls(paths, _open_generation(paths.index_dir, _current_name(paths)), limits, lexicon)

    def close(self) -> None:
        """Close the idle searchers (those in use close when their call ends)."""
        with self._lock:
            self._closed = True
            self._close_idle()

    def clear_query_cache(self) -> None:
        """Forget the memoised matches and postings (benchmarks time first-time queries so)."""
        with self._generation.lock:
            states = [state for _, state in self._generation.caches.values()]
        for state in states:
            state.memo.clear()

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        """Matching sections, one page of hits, facet counts and a suggestion."""
        with self._gate.limited():
            return self._with_searcher(lambda s, c, v: run_search(s, c, request, v, self._lexicon))

    def trends(
        self, terms: Sequence[str], by_part: bool = False, request: SearchRequest | None = None
    ) -> TrendsResponse:
        """Hits per year for each term (with the request's filters), and its first appearance."""
        filters = request or SearchRequest()
        with self._gate.limited():
            return self._with_searcher(
                lambda s, c, v: TrendsResponse(
                    query=list(terms),
                    series=[
                        trend_series(s, c, term, by_part, filters, v, self._lexicon)
                        for term in terms
                    ],
                )
            )

    def figures(self, query: str, request: SearchRequest | None = None) -> FiguresResponse:
        """The figures whose label holds ``query``, one series per body, label and unit."""
        filters = request or SearchRequest()
        with self._gate.limited():
            return self._with_searcher(lambda s, c, v: figure_series(s, c, query, filters))

    def spread(self, term: str, request: SearchRequest | None = None) -> SpreadResponse:
        """Each body's first report that uses ``term``, and how many bodies use it each year."""
        filters = request or SearchRequest()
        with self._gate.limited():
            return self._with_searcher(lambda s, c, v: term_spread(s, c, term, filters, v))

    def followup(self, report_id: str) -> FollowupResponse | None:
        """The report's plan tasks beside the next report's review passages (None: no report)."""
        report = self.get_report(report_id)
        if report is None:
            return None
        series = self.series_reports(report.series_id) if report.series_id else []
        following = next_in_series(report, series)
        return followup(report, self.get_report(following.id) if following else None)

    def query_terms(self, query: str) -> tuple[str, ...]:
        """The query's positive terms to highlight, by parsing alone (no search).

        Chinese strings as typed, English words as typed (lowercased) and as analysed (stems,
        so "energy" also marks "energies"); excluded words are left out. () when nothing in the
        query is searchable.
        """
        try:
            compiled = compile_query(parse_query(query))
        except QueryError:
            return ()
        return tuple(dict.fromkeys(compiled.display_terms + compiled.word_terms))

    def highlight_terms(self, request: SearchRequest) -> tuple[str, ...]:
        """The terms to mark in a report opened from the search ``request``: its query's
        positive terms (as ``query_terms``) and the renderings the search also searched in the
        other language (none with ``expand=False``, none of ``renderings_off``)."""
        if not request.expand:
            return self.query_terms(request.query)
        # Renderings are chosen by how often the archive holds them: that needs the index.
        with self._gate.limited():
            return self._with_searcher(
                lambda s, c, v: highlighted_terms(s, request, v.memo, self._lexicon)
            )

    def get_report(self, report_id: str) -> Report | None:
        """The full report, rebuilt from the index alone (None when unknown)."""
        return self._with_searcher(lambda s, c, v: _report(s, c, report_id))

    def committee_reports(self, committee: str) -> list[ReportSummary]:
        """Every report of a committee, newest first."""
        return self._with_searcher(lambda s, c, v: _reports_where(s, c, "committee", committee))

    def body_reports(self, body_id: str) -> list[ReportSummary]:
        """Every report of a body (in every term and language), newest first."""
        return self._with_searcher(lambda s, c, v: _reports_where(s, c, "body_id", body_id))

    def series_reports(self, series_id: str) -> list[ReportSummary]:
        """Every report of a series (one body's reports of one type), newest first."""
        return self._with_searcher(lambda s, c, v: _reports_where(s, c, "series", series_id))

    def bodies(self) -> list[dict[str, Any]]:
        """Every body of the index: ``{id, name_zh, name_en, kind, level, region, parent,
        reports}``, most reports first."""
        return self._with_searcher(lambda s, c, v: c.bodies.public())

    def body(self, body_id: str) -> dict[str, Any] | None:
        """One body's record (as /api/bodies lists it), or None."""
        return next((b for b in self.bodies() if b["id"] == body_id), None)

    def stats(self) -> IndexStats:
        """How many reports and sections the index holds, and the years they span."""
        return self._with_searcher(lambda s, c, v: _stats(c))

    # -- searchers ------------------------------------------------------------------------------

    def _with_searcher(self, work: Callable[[Any, ColumnCache, VersionState], T]) -> T:
        """Run ``work`` on a searcher of the current index, again on a fresh one when the index
        changed under it (an update merged away files, a rebuild swapped the generation).

        A failure that repeats while the index stays the same version is damage, not change.
        """
        force = False
        failed_at: tuple[str | None, int] | None = None
        for _ in range(_ATTEMPTS):
            try:
                return self._run(work, force)
            except IndexFormatError:
                raise  # no other searcher reads it either
            except _ChangedUnderSearcher:
                force = False  # the same generation has a newer version: a new searcher
            except (FileNotFoundError, WhooshIndexError, IndexMissingError) as error:
                # The generation was swapped and removed under us (also between reading the
                # pointer and opening the directory it named): reopen the current one.
                if read_pointer(self._paths.index_dir) is None:
                    raise IndexMissingError(
                        f"the index in {self._paths.index_dir} is gone: run `cppcc-search index`"
                    ) from None
                version = self._index_version()
                if version == failed_at:
                    raise _damaged(error) from error
                failed_at, force = version, True
        raise IndexBusyError(
            f"the index changed {_ATTEMPTS} times during one search: try again in a moment"
        )

    def _index_version(self) -> tuple[str | None, int]:
        """The current generation and its newest table of contents."""
        name = read_pointer(self._paths.index_dir)
        if name is None:
            return None, -1
        storage = FileStorage(str(self._paths.index_dir / name))
        return name, latest_toc_generation(storage, "MAIN")

    def _run(self, work: Callable[[Any, ColumnCache, VersionState], T], force: bool) -> T:
        try:
            searcher, generation = self._acquire(force)
        except (FileNotFoundError, WhooshIndexError, SearchError):
            raise  # a generation swapped under us (retried), or already explained
        except Exception as error:
            if _is_damage(error):
                raise _damaged(error) from error
            raise
        try:
            return work(searcher, *generation.cache_for(searcher))
        except Exception as error:
            if _is_stale(searcher) or read_pointer(self._paths.index_dir) != generation.name:
                # An update or a rebuild (whose removal of this generation may still be under
                # way, its table of contents not yet gone) changed the index under the call.
                raise _ChangedUnderSearcher from error
            if _is_damage(error):
                raise _damaged(error) from error
            raise
        finally:
            self._release(searcher, generation)

    def _acquire(self, force: bool) -> tuple[Any, _Generation]:
        """An idle searcher of the current generation, brought up to date, or a new one."""
        name = read_pointer(self._paths.index_dir)
        with self._lock:
            if name is not None and (force or name != self._generation.name):
                self._generation = _open_generation(self._paths.index_dir, name)
                self._close_idle()
            generation = self._generation
            searcher = self._idle.pop() if self._idle else None
        if searcher is not None and _is_stale(searcher):
            # Not refresh(): it reuses segment readers with their old deletion sets, so deleted
            # sections would still match. A fresh searcher over unpacked segments is cheap.
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = _open_searcher(generation)
        return searcher, generation

    def _release(self, searcher: Any, generation: _Generation) -> None:
        with self._lock:
            if generation is self._generation and not self._closed:
                self._idle.append(searcher)
                return
        searcher.close()

    def _close_idle(self) -> None:
        while self._idle:
            self._idle.pop().close()


# Searches run again on a fresh searcher this many times while the index keeps changing.
_ATTEMPTS = 4


class _ChangedUnderSearcher(Exception):
    """A call failed while the index changed under its searcher: worth one retry."""


def _is_stale(searcher: Any) -> bool:
    try:
        return not searcher.up_to_date()
    except (OSError, WhooshIndexError):
        return True


def _open_searcher(generation: _Generation) -> Any:
    """A searcher over the generation's newest version, its files opened now (a snapshot)."""
    searcher = None
    try:
        searcher = open_searcher(generation.index)
        reader = searcher.reader()
        pin_segment_files(reader)
        for sub, _ in reader.leaf_readers():
            for fieldname in BIGRAM_FIELDS:
                column_text(sub, fieldname)
                column_sketches(sub, fieldname)
        return searcher
    except Exception as error:
        # A segment vanished mid-open (a swap or a merge) or is damaged: close what was opened.
        if searcher is not None:
            searcher.close()
        discard_failed_open(error)
        raise


def _current_name(paths: DataPaths) -> str:
    name = read_pointer(paths.index_dir)
    if name is None:
        raise IndexMissingError(
            f"no index in {paths.index_dir.absolute()}: run `cppcc-search index` first"
        )
    return name


def _report(searcher: Any, cache: ColumnCache, report_id: str) -> Report | None:
    record_doc = searcher.document_number(doc_id=report_id)
    if record_doc is None or cache.columns["kind"][record_doc] == KIND_SECTION:
        return None
    kinds = cache.columns["kind"]
    section_docs = [
        d for d in searcher.docs_for_query(Term("report_id", report_id)) if kinds[d] == KIND_SECTION
    ]
    return report_from_stored(
        searcher.stored_fields(record_doc), [searcher.stored_fields(d) for d in section_docs]
    )


def _reports_where(
    searcher: Any, cache: ColumnCache, column: str, value: str
) -> list[ReportSummary]:
    """The reports whose column holds the value, newest first."""
    values = cache.columns[column]
    return newest_first(
        summary_from_stored(searcher.stored_fields(doc))
        for doc in cache.reports
        if values[doc] == value
    )


def _stats(cache: ColumnCache) -> IndexStats:
    languages: dict[str, int] = {}
    for doc in cache.reports:
        language = cache.columns["language"][doc] or "unknown"
        languages[language] = languages.get(language, 0) + 1
    committees = {cache.columns["body_id"][d] for d in cache.reports} - {None}
    return IndexStats(
        reports=len(cache.reports),
        sections=len(cache.sections),
        first_year=cache.years[0] if cache.years else None,
        last_year=cache.years[-1] if cache.years else None,
        languages=languages,
        committees=len(committees),
    )
