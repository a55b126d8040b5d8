"""Write the index from ``documents.jsonl``: incremental by content hash, or a full rebuild aside.

Only this module decides what the index holds. A rebuild, and any large batch of new reports,
is written as whole segments by indexer.index.segments (in worker processes, one share each) and
committed in one new table of contents; a small incremental batch goes through Whoosh's own
writer, which also merges small segments.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import MERGE_SMALL, SegmentWriter

from cppcc_search.errors import DataLossRefused
from cppcc_search.models import DocumentsFileError, Report, read_documents
from cppcc_search.settings import DataPaths
from indexer.errors import DocumentsError, IndexMissingError
from indexer.index.bodies import build_bodies, write_bodies
from indexer.index.columns import save_newest_columns
from indexer.index.documents import indexed_hash, report_documents
from indexer.index.generations import (
    next_generation_name,
    read_pointer,
    remove_other_generations,
    write_pointer,
    writer_lock,
)
from indexer.index.manifest import (
    FORMAT_VERSION,
    Health,
    read_manifest,
    verify_generation,
    write_manifest,
)
from indexer.index.parallel import write_segments
from indexer.index.schema import KIND_REPORT, build_schema
from indexer.index.segments import commit_segments
from indexer.index.sources import DocumentLines, document_lines
from indexer.index.vocabulary import most_frequent, report_vocabulary, write_vocabulary
from indexer.whoosh_internals import discard_failed_open

Progress = Callable[[str], None]
# Below this many sections, starting worker processes costs more than it saves.
PARALLEL_MIN_SECTIONS = 3000
# The same for a rebuild, which knows the documents' size before it reads them: 3,000 sections
# of the corpus's 1,800 characters are about 16 MB of JSON.
PARALLEL_MIN_BYTES = 16 * 2**20
_WRITER_LIMIT_MB = 512
# Above this share of deleted documents an update rebuilds instead: the index stays within
# a third of a rebuilt one's size however many updates replace its reports. Below the minimum
# size deleted documents cost too little to be worth it.
PURGE_SHARE = 0.25
PURGE_MIN_DOCUMENTS = 100


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
    force: bool = False,
) -> IndexSummary:
    """Index ``paths.documents`` into ``paths.index_dir`` (incrementally unless ``rebuild``).

    A current generation that cannot be opened, is damaged (its files differ from its
    manifest) or was written in another format is rebuilt. ``workers`` processes analyse and
    write (default: one per core when the input is large). Raises DocumentsError when the
    documents file is missing, empty or broken, DataLossRefused when it would drop more than
    half of the indexed reports (unless ``force``), IndexBusyError when another process is
    writing the index.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    # Only the lines and ids here: a rebuild's workers read and parse the reports themselves.
    lines, duplicates = read_document_lines(paths.documents)
    index_root = paths.index_dir
    with writer_lock(index_root):
        current = read_pointer(index_root)
        if current is not None:
            _refuse_large_loss(index_root / current, set(lines.ids), force)
            problem = _why_rebuild(index_root / current)
            if problem and not rebuild:
                say(f"the index {current} {problem}: rebuilding it")
                rebuild = True
        if rebuild or current is None:
            summary = _rebuild(index_root, lines, say, workers)
        else:
            summary = _update(index_root, current, lines, say, workers)
    summary.duplicates = duplicates
    summary.seconds = time.perf_counter() - started
    return summary


def check_index(paths: DataPaths) -> Health:
    """The current generation's health: format, every file against its manifest checksum.

    Raises IndexMissingError when there is no index at all.
    """
    current = read_pointer(paths.index_dir)
    if current is None:
        raise IndexMissingError(f"no index in {paths.index_dir}: run `cppcc-search index`")
    health = verify_generation(paths.index_dir / current)
    if not health.problems and not _readable(paths.index_dir / current):
        health.problems.append("Whoosh cannot open it")
    return health


def _why_rebuild(gen_dir: Path) -> str | None:
    """Why a generation cannot be updated in place (None: it can)."""
    if not _readable(gen_dir):
        return "cannot be opened"
    health = verify_generation(gen_dir)
    if health.format != FORMAT_VERSION:
        return "was written by an older version"
    if health.problems:
        return f"is damaged ({health.problems[0]})"
    if not _current_schema(gen_dir):
        return "was written by an older version"
    return None


def _readable(gen_dir: Path) -> bool:
    """True when a generation directory holds an index Whoosh can open."""
    try:
        whoosh_index.open_dir(str(gen_dir)).close()
    except Exception as error:  # a damaged table of contents fails in any way unpickling can
        discard_failed_open(error)
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


def _refuse_large_loss(gen_dir: Path, wanted: set[str], force: bool) -> None:
    """Raise DataLossRefused when the documents (``wanted``: their report ids) would drop more
    than half of those indexed."""
    if force:
        return
    try:
        indexed = _indexed_hashes(whoosh_index.open_dir(str(gen_dir))).keys()
        count, dropped = len(indexed), sum(1 for rid in indexed if rid not in wanted)
    except Exception as error:
        discard_failed_open(error)
        # A damaged index still has its manifest's count of reports.
        count = int((read_manifest(gen_dir) or {}).get("reports") or 0)
        dropped = max(0, count - len(wanted))
    refuse_large_loss(count, dropped)


def refuse_large_loss(count: int, dropped: int) -> None:
    """Raise DataLossRefused when indexing would drop more than half of ``count`` indexed
    reports (either engine; ``--force`` skips the check)."""
    if count and dropped * 2 > count:
        raise DataLossRefused(
            f"the documents would drop {dropped} of the {count} indexed reports (more than "
            "half): check the output of `cppcc-search extract`, or run `cppcc-search index "
            "--force` to index them anyway"
        )


def load_reports(path: Path) -> tuple[list[Report], int]:
    """Read every report once; a repeated id keeps its first report (and how many repeats)."""
    if not path.is_file():
        raise DocumentsError(f"no documents file at {path}: run `cppcc-search extract` first")
    reports: dict[str, Report] = {}
    duplicates = 0
    try:
        for report in read_documents(path):
            if report.id in reports:
                duplicates += 1
                continue
            reports[report.id] = report
    except (DocumentsFileError, UnicodeDecodeError, OSError) as error:
        raise DocumentsError(f"cannot read {path}: {error}") from None
    if not reports:
        raise DocumentsError(f"{path} holds no reports: run `cppcc-search extract` first")
    return list(reports.values()), duplicates


def read_document_lines(path: Path) -> tuple[DocumentLines, int]:
    """The documents file's report lines (the first of each id) and how many ids repeat."""
    if not path.is_file():
        raise DocumentsError(f"no documents file at {path}: run `cppcc-search extract` first")
    try:
        lines, duplicates = document_lines(path)
    except (DocumentsFileError, OSError) as error:
        raise DocumentsError(f"cannot read {path}: {error}") from None
    if not len(lines):
        raise DocumentsError(f"{path} holds no reports: run `cppcc-search extract` first")
    return lines, duplicates


def _parsed_reports(lines: DocumentLines) -> list[Report]:
    """Every report of the lines, parsed (an update compares them all with the index)."""
    try:
        return list(lines)
    except (DocumentsFileError, UnicodeDecodeError, OSError) as error:
        raise DocumentsError(f"cannot read {lines.path}: {error}") from None


def _rebuild(
    index_root: Path, lines: DocumentLines, say: Progress, workers: int | None
) -> IndexSummary:
    """Write a whole new generation aside, then swap the pointer and drop the old ones.

    The workers read the documents themselves (indexer.index.sources): this process never
    holds them, so its memory and theirs do not grow with the archive. They hand back the
    vocabulary's word counts and the reports' metadata (for bodies.json) with their segments.
    """
    name = next_generation_name(index_root)
    gen_dir = index_root / name
    gen_dir.mkdir()
    try:
        schema = build_schema()
        whoosh_index.create_in(str(gen_dir), schema)
        say(f"building {name} from {len(lines)} reports")
        count = workers if workers is not None else _rebuild_workers(lines)
        written = write_segments(gen_dir, schema, lines, max(1, count), say)
        write_vocabulary(gen_dir, most_frequent(written.words))
        write_bodies(gen_dir, build_bodies(written.headers))
        say(f"committing {written.sections} sections in {len(written.segments)} segments")
        commit_segments(FileStorage(str(gen_dir)), schema, written.segments)
        save_newest_columns(gen_dir)
        write_manifest(gen_dir, reports=len(lines))
    except BaseException:
        # Stopped or failed before the swap: readers never saw this generation, and its
        # gigabytes of half-written segments should not wait for the next writer to go.
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
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
    index_root: Path, name: str, lines: DocumentLines, say: Progress, workers: int | None
) -> IndexSummary:
    """Add new reports, replace changed ones, delete vanished ones, leave the rest alone."""
    remove_other_generations(index_root, keep=name)  # leftovers of a killed rebuild
    reports = _parsed_reports(lines)
    ix = whoosh_index.open_dir(str(index_root / name))
    indexed = _indexed_hashes(ix)
    plan = UpdatePlan.of(reports, indexed)
    summary = plan.summary(name, reports)
    if plan.up_to_date:
        say("index is up to date")
        return summary
    say(plan.describe())
    if _purge_due(ix, len(indexed), plan.changed, len(plan.vanished)):
        say("most of the index would be deleted documents: rebuilding it to purge them")
        return _rebuild(index_root, lines, say, workers)
    batch = plan.new + plan.changed
    workers = _worker_count(batch, workers)
    direct = []
    if section_count(batch) >= PARALLEL_MIN_SECTIONS:
        # Written before Whoosh's writer commits them with the deletions: one new TOC, so a
        # searcher sees either the old index or the whole update.
        direct = write_segments(index_root / name, ix.schema, batch, workers, say).segments
    writer = ix.writer(limitmb=_WRITER_LIMIT_MB, compound=False)
    try:
        for report_id in plan.removed_ids:
            writer.delete_by_term("report_id", report_id)
        summary.sections_written = section_count(batch)
        if not direct:
            _add_reports(writer, batch, say)
        write_vocabulary(index_root / name, report_vocabulary(reports))
        write_bodies(index_root / name, build_bodies(reports))
        writer.commit(mergetype=lambda w, segments: MERGE_SMALL(w, segments) + direct)
    except BaseException:
        writer.cancel()
        raise
    save_newest_columns(index_root / name)
    write_manifest(index_root / name, reports=len(reports))
    return summary


def _purge_due(ix: Any, indexed: int, changed: list[Report], vanished: int) -> bool:
    """Whether, after this update, more than PURGE_SHARE of the index's documents would be
    deleted ones (Whoosh only drops them when it merges their segment; a rebuild drops all)."""
    total = ix.doc_count_all()
    if total < PURGE_MIN_DOCUMENTS or not indexed:
        return False
    per_report = ix.doc_count() / indexed  # a vanished report's documents, on average
    deleting = sum(len(r.sections) + 1 for r in changed) + vanished * per_report
    return (total - ix.doc_count() + deleting) / total > PURGE_SHARE


@dataclass
class UpdatePlan:
    """What an incremental update does, from the content hashes of the indexed reports."""

    new: list[Report]
    changed: list[Report]
    vanished: list[str]

    @classmethod
    def of(cls, reports: list[Report], indexed: dict[str, str]) -> UpdatePlan:
        """Compare the reports with the indexed ones (report id → content hash)."""
        wanted = {report.id for report in reports}
        return cls(
            new=[r for r in reports if r.id not in indexed],
            changed=[r for r in reports if r.id in indexed and indexed[r.id] != indexed_hash(r)],
            vanished=[report_id for report_id in indexed if report_id not in wanted],
        )

    @property
    def up_to_date(self) -> bool:
        return not (self.new or self.changed or self.vanished)

    @property
    def removed_ids(self) -> list[str]:
        """Reports whose indexed documents go: the vanished and the changed ones."""
        return self.vanished + [r.id for r in self.changed]

    def describe(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.vanished)} vanished reports"
        )

    def summary(self, generation: str, reports: list[Report]) -> IndexSummary:
        return IndexSummary(
            generation=generation,
            rebuilt=False,
            reports=len(reports),
            added=len(self.new),
            replaced=len(self.changed),
            deleted=len(self.vanished),
            unchanged=len(reports) - len(self.new) - len(self.changed),
        )


def section_count(reports: list[Report]) -> int:
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
    return (os.cpu_count() or 1) if section_count(reports) >= PARALLEL_MIN_SECTIONS else 1


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
