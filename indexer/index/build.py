"""Write the index from ``documents.jsonl``: incremental by content hash, or a full rebuild aside.

Only this module decides what the index holds. A rebuild, and any large batch of new reports,
is written as whole segments by indexer.index.segments (in worker processes, one share each) and
committed in one new table of contents; a small incremental batch goes through Whoosh's own
writer, which also merges small segments.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import IndexError as WhooshIndexError
from whoosh.writing import MERGE_SMALL, SegmentWriter

from cppcc_search.models import DocumentsFileError, Report
from cppcc_search.settings import DataPaths
from indexer.errors import DocumentsError
from indexer.index.columns import save_newest_columns
from indexer.index.documents import report_documents
from indexer.index.generations import (
    next_generation_name,
    read_pointer,
    remove_other_generations,
    write_pointer,
    writer_lock,
)
from indexer.index.parallel import vocabulary_text, write_segments
from indexer.index.schema import KIND_REPORT, build_schema
from indexer.index.segments import commit_segments
from indexer.index.sources import DocumentLines, document_lines
from indexer.index.vocabulary import build_vocabulary, most_frequent, write_vocabulary

Progress = Callable[[str], None]
# Below this many sections, starting worker processes costs more than it saves.
PARALLEL_MIN_SECTIONS = 3000
# The same for a rebuild, which knows the documents' size before it reads them: 3,000 sections
# of the corpus's 1,800 characters are about 16 MB of JSON.
PARALLEL_MIN_BYTES = 16 * 2**20
_WRITER_LIMIT_MB = 512


@dataclass
class IndexSummary:
    """What one ``index`` run did."""

    generation: str
    rebuilt: bool
    reports: int
    added: int = 0
    replaced: int = 0
    deleted: int = 0
    unchanged: int = 0
    sections_written: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def format(self) -> str:
        """One line for the command line."""
        how = "rebuilt" if self.rebuilt else "updated"
        line = (
            f"{how} index {self.generation}: {self.reports} reports "
            f"({self.added} added, {self.replaced} replaced, {self.deleted} deleted, "
            f"{self.unchanged} unchanged), {self.sections_written} sections written "
            f"in {self.seconds:.1f} s"
        )
        if self.duplicates:
            line += f"; {self.duplicates} duplicate report ids skipped"
        return line


def index_documents(
    paths: DataPaths,
    rebuild: bool = False,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
) -> IndexSummary:
    """Index ``paths.documents`` into ``paths.index_dir`` (incrementally unless ``rebuild``).

    ``workers`` processes analyse and write (default: one per core when the input is large).
    Raises DocumentsError when the documents file is missing or broken, IndexBusyError when
    another process is writing the index.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    lines, duplicates = _document_lines(paths.documents)
    index_root = paths.index_dir
    with writer_lock(index_root):
        current = read_pointer(index_root)
        if not rebuild and current is not None and not _readable(index_root / current):
            say(f"the index {current} cannot be opened: rebuilding it")
            rebuild = True
        if not rebuild and current is not None and not _current_schema(index_root / current):
            say(f"the index {current} was written by an older version: rebuilding it")
            rebuild = True
        if rebuild or current is None:
            summary = _rebuild(index_root, lines, say, workers)
        else:
            summary = _update(index_root, current, _load_reports(lines), say, workers)
    summary.duplicates = duplicates
    summary.seconds = time.perf_counter() - started
    return summary


def _readable(gen_dir: Path) -> bool:
    """True when a generation directory holds an index Whoosh can open."""
    try:
        whoosh_index.open_dir(str(gen_dir)).close()
    except (WhooshIndexError, OSError, EOFError, ValueError):
        return False
    return True


def _current_schema(gen_dir: Path) -> bool:
    """True when the index was written with today's fields, formats and columns."""
    stored = whoosh_index.open_dir(str(gen_dir)).schema
    wanted = build_schema()
    return set(stored.names()) == set(wanted.names()) and all(
        type(stored[name]) is type(wanted[name])
        and type(stored[name].format) is type(wanted[name].format)
        and type(stored[name].column_type) is type(wanted[name].column_type)
        for name in wanted.names()
    )


def _document_lines(path: Path) -> tuple[DocumentLines, int]:
    """The documents file's report lines (the first of each id) and how many ids repeat."""
    if not path.is_file():
        raise DocumentsError(f"no documents file at {path}: run `cppcc-search extract` first")
    try:
        return document_lines(path)
    except (DocumentsFileError, OSError) as error:
        raise DocumentsError(f"cannot read {path}: {error}") from None


def _load_reports(lines: DocumentLines) -> list[Report]:
    """Every report of the lines, parsed (an update compares them all with the index)."""
    try:
        return list(lines)
    except (DocumentsFileError, OSError) as error:
        raise DocumentsError(f"cannot read {lines.path}: {error}") from None


def _rebuild(
    index_root: Path, lines: DocumentLines, say: Progress, workers: int | None
) -> IndexSummary:
    """Write a whole new generation aside, then swap the pointer and drop the old ones.

    The workers read the documents themselves (indexer.index.sources): this process never
    holds them, so its memory and theirs do not grow with the archive.
    """
    name = next_generation_name(index_root)
    gen_dir = index_root / name
    gen_dir.mkdir()
    schema = build_schema()
    whoosh_index.create_in(str(gen_dir), schema)
    say(f"building {name} from {len(lines)} reports")
    count = workers if workers is not None else _rebuild_workers(lines)
    written = write_segments(gen_dir, schema, lines, max(1, count), say)
    write_vocabulary(gen_dir, most_frequent(written.words))
    say(f"committing {written.sections} sections in {len(written.segments)} segments")
    commit_segments(FileStorage(str(gen_dir)), schema, written.segments)
    save_newest_columns(gen_dir)
    write_pointer(index_root, name)
    remove_other_generations(index_root, keep=name)
    return IndexSummary(
        generation=name,
        rebuilt=True,
        reports=len(lines),
        added=len(lines),
        sections_written=written.sections,
    )


def _update(
    index_root: Path, name: str, reports: list[Report], say: Progress, workers: int | None
) -> IndexSummary:
    """Add new reports, replace changed ones, delete vanished ones, leave the rest alone."""
    remove_other_generations(index_root, keep=name)  # leftovers of a killed rebuild
    ix = whoosh_index.open_dir(str(index_root / name))
    indexed = _indexed_hashes(ix)
    wanted = {report.id: report for report in reports}
    new = [r for r in reports if r.id not in indexed]
    changed = [r for r in reports if r.id in indexed and indexed[r.id] != r.content_hash()]
    vanished = [rid for rid in indexed if rid not in wanted]
    summary = IndexSummary(
        generation=name,
        rebuilt=False,
        reports=len(reports),
        added=len(new),
        replaced=len(changed),
        deleted=len(vanished),
        unchanged=len(reports) - len(new) - len(changed),
    )
    if not (new or changed or vanished):
        say("index is up to date")
        return summary
    say(f"{len(new)} new, {len(changed)} changed, {len(vanished)} vanished reports")
    batch = new + changed
    workers = _worker_count(batch, workers)
    direct = []
    if _sections(batch) >= PARALLEL_MIN_SECTIONS:
        # Written before Whoosh's writer commits them with the deletions: one new TOC, so a
        # searcher sees either the old index or the whole update.
        direct = write_segments(index_root / name, ix.schema, batch, workers, say).segments
    writer = ix.writer(limitmb=_WRITER_LIMIT_MB, compound=False)
    try:
        for report_id in vanished + [r.id for r in changed]:
            writer.delete_by_term("report_id", report_id)
        summary.sections_written = _sections(batch)
        if not direct:
            _add_reports(writer, batch, say)
        write_vocabulary(index_root / name, _vocabulary(reports))
        writer.commit(mergetype=lambda w, segments: MERGE_SMALL(w, segments) + direct)
    except BaseException:
        writer.cancel()
        raise
    save_newest_columns(index_root / name)
    return summary


def _vocabulary(reports: list[Report]) -> dict[str, int]:
    return build_vocabulary(map(vocabulary_text, reports))


def _sections(reports: list[Report]) -> int:
    return sum(len(r.sections) for r in reports)


def _rebuild_workers(lines: DocumentLines) -> int:
    """Processes to rebuild with: one per core unless the documents are few."""
    if sum(lines.sizes()) < PARALLEL_MIN_BYTES:
        return 1
    return os.cpu_count() or 1


def _worker_count(reports: list[Report], workers: int | None) -> int:
    """Processes to analyse with: one per core for a large batch unless told otherwise."""
    if workers is not None:
        return max(1, workers)
    return (os.cpu_count() or 1) if _sections(reports) >= PARALLEL_MIN_SECTIONS else 1


def _indexed_hashes(ix: Any) -> dict[str, str]:
    """report id → content hash of every report record in the index."""
    with ix.searcher() as searcher:
        return {
            stored["report_id"]: stored.get("content_hash", "")
            for stored in searcher.documents(kind=KIND_REPORT)
        }


def _add_reports(writer: SegmentWriter, reports: list[Report], say: Progress) -> None:
    """Add the documents of each report through Whoosh's writer (small batches)."""
    for done, report in enumerate(reports, start=1):
        for doc in report_documents(report):
            writer.add_document(**doc)
        if done % 1000 == 0:
            say(f"{done}/{len(reports)} reports")
