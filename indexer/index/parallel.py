"""Analyse and write new index segments in worker processes (one share of the reports each).

Each worker turns its contiguous share of the reports into segments of its own
(indexer.index.segments), counts the share's English words (did-you-mean's vocabulary) and
sends both back; the caller lists the segments in a new table of contents. A rebuild's workers
read their share of ``documents.jsonl`` themselves (indexer.index.sources), so what each holds
is its own work, bounded by a resident-memory limit (indexer.index.segments.ResidentBudget),
not the archive. Workers end with their parent: a writer killed with SIGKILL cannot tell them
to stop, so Linux's parent-death signal does.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from cppcc_search.models import DocumentsFileError, Report
from indexer.errors import DocumentsError, IndexingError
from indexer.index.documents import report_documents
from indexer.index.segments import ResidentBudget, build_segments
from indexer.index.sources import DocumentLines
from indexer.index.vocabulary import count_words

_PR_SET_PDEATHSIG = 1
# Resident memory a writing process stays under (measured with psutil by bench/bench_index.py):
# it writes its segment and starts another before the writing would take it over.
RESIDENT_LIMIT_BYTES = 1536 * 1024 * 1024
PROGRESS_EVERY = 1000  # reports

Progress = Callable[[str], None]
# Reports in memory (an update's batch) or lines of the documents file (a rebuild).
Source = Sequence[Report] | DocumentLines


@dataclass
class Written:
    """New segments (in order), the English words their reports hold, their sections, and the
    reports without their sections (what the generation's bodies.json is built from)."""

    segments: list[Any] = field(default_factory=list)
    words: Counter[str] = field(default_factory=Counter)
    sections: int = 0
    headers: list[Report] = field(default_factory=list)

    def add(self, other: Written) -> None:
        self.segments += other.segments
        self.words.update(other.words)  # in share order: first sight as in one pass
        self.sections += other.sections
        self.headers += other.headers


def vocabulary_text(report: Report) -> str:
    """What did-you-mean's vocabulary counts of a report: its title and body."""
    return f"{report.title}\n{report.body_text()}"


def write_segments(
    index_dir: Path,
    schema: Any,
    reports: Source,
    workers: int,
    say: Progress,
    limit_bytes: int = RESIDENT_LIMIT_BYTES,
) -> Written:
    """Write the reports' documents as new segments in ``index_dir``.

    Nothing refers to the segments until the caller commits a table of contents listing them.
    Raises IndexingError when a worker fails or dies, DocumentsError for a broken report line.
    """
    shares = _shares(reports, workers)
    if len(shares) <= 1:
        with _collection_paused():
            try:
                return _segments_of(index_dir, schema, reports, limit_bytes, say)
            except DocumentsFileError as error:
                raise DocumentsError(f"cannot read the documents: {error}") from None
            except (ValueError, TypeError, OverflowError, UnicodeError) as error:
                # A document Whoosh cannot take, reported as a worker's failure would be.
                raise IndexingError(f"indexing failed: {type(error).__name__}: {error}") from error
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    running: dict[Connection, int] = {}
    processes = []
    for number, share in enumerate(shares):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker,
            args=(index_dir, schema, share, limit_bytes, sender, parent),
            name=f"index-worker-{number}",
            daemon=True,
        )
        process.start()
        sender.close()
        running[receiver] = number
        processes.append(process)
    try:
        results = _collect(running, len(reports), say)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
    written = Written()
    for number in sorted(results):
        written.add(results[number])
    return written


def _shares(reports: Source, count: int) -> list[Source]:
    """Contiguous shares of about equal text size (analysis time follows text length)."""
    if count <= 1 or len(reports) < 2:
        return [reports]
    if isinstance(reports, DocumentLines):
        sizes: Iterable[int] = reports.sizes()
    else:
        sizes = (sum(len(s.text) for s in report.sections) + 1 for report in reports)
    ends = list(accumulate(sizes))
    bounds = [0]
    for share in range(1, count):
        target = ends[-1] * share / count
        # Cut after the report whose running total is nearest the target.
        after = bisect_left(ends, target)
        if after > 0 and target - ends[after - 1] < ends[after] - target:
            after -= 1
        bounds.append(max(bounds[-1], min(after + 1, len(reports))))
    bounds.append(len(reports))
    return [_part(reports, start, end) for start, end in pairwise(bounds) if end > start]


def _part(reports: Source, start: int, end: int) -> Source:
    if isinstance(reports, DocumentLines):
        return reports.part(start, end)
    return reports[start:end]


def _collect(running: dict[Connection, int], total: int, say: Progress) -> dict[int, Written]:
    results: dict[int, Written] = {}
    done = 0
    while running:
        for receiver in wait(list(running)):
            number = running[receiver]
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                raise IndexingError(f"index worker {number} died before finishing") from None
            if kind == "progress":
                done += payload
                say(f"{done}/{total} reports analysed")
            elif kind == "documents":
                raise DocumentsError(f"cannot read the documents: {payload}")
            elif kind == "error":
                raise IndexingError(f"index worker {number} failed: {payload}")
            else:
                results[number] = payload
                del running[receiver]
    return results


def _worker(
    index_dir: Path,
    schema: Any,
    reports: Source,
    limit_bytes: int,
    sender: Connection,
    parent: int,
) -> None:
    _die_with_parent(parent)
    gc.disable()  # see _collection_paused
    try:

        def progress(message: str) -> None:
            sender.send(("progress", PROGRESS_EVERY))

        written = _segments_of(index_dir, schema, reports, limit_bytes, progress)
    except DocumentsFileError as error:
        sender.send(("documents", str(error)))
    except Exception as error:  # reported to the parent, which raises it there
        sender.send(("error", f"{type(error).__name__}: {error}"))
    else:
        sender.send(("segments", written))
    finally:
        sender.close()


def _segments_of(
    index_dir: Path, schema: Any, reports: Source, limit_bytes: int, say: Progress
) -> Written:
    storage = FileStorage(str(index_dir))
    written = Written()
    documents = _documents(reports, written, say)
    written.segments = build_segments(storage, schema, documents, ResidentBudget(limit_bytes))
    return written


def _documents(reports: Source, written: Written, say: Progress) -> Iterator[dict[str, Any]]:
    for done, report in enumerate(reports, start=1):
        yield from report_documents(report)
        count_words(written.words, vocabulary_text(report))
        written.sections += len(report.sections)
        # A report's metadata is small; its sections would be the whole archive's text.
        written.headers.append(replace(report, sections=[]))
        if done % PROGRESS_EVERY == 0:
            say(f"{done}/{len(reports)} reports analysed")


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while postings accumulate.

    Analysis allocates millions of short-lived tuples while millions of long-lived ones stay
    in the segment's tables; each collection then rescans them all (measured: word analysis
    twice as slow). The tables hold no reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
