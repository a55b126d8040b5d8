"""Writing the index: incremental updates, atomic rebuilds, a killed writer, a second writer."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from cppcc_search.settings import DataPaths
from indexer.errors import DocumentsError, IndexBusyError, IndexingError, IndexMissingError
from indexer.index import build
from indexer.index.build import index_documents
from indexer.index.generations import (
    LOCK_NAME,
    generation_names,
    read_pointer,
    write_pointer,
    writer_lock,
)
from indexer.index.manifest import read_manifest
from indexer.index.parallel import write_segments
from indexer.index.schema import build_schema
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import (
    ENERGY_REPORTS,
    build_index,
    english_report,
    report_ids,
    write_reports,
)

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_missing_documents_file_is_a_clear_error(data_paths):
    with pytest.raises(DocumentsError, match="no documents file"):
        index_documents(data_paths)


def test_missing_index_is_a_clear_error(data_paths):
    with pytest.raises(IndexMissingError, match="run `cppcc-search index` first"):
        SearchService.open(data_paths)


def test_broken_documents_line_is_a_clear_error(data_paths):
    data_paths.documents.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(DocumentsError, match=r"documents.jsonl:1: report 'x': missing 'url'"):
        index_documents(data_paths)


@pytest.fixture(params=["whoosh-writer", "direct-segments"])
def update_workers(request, monkeypatch) -> int:
    """Workers for an incremental update, and which path writes it: small batches go through
    Whoosh's writer; large ones (here: every batch) as segments written by worker processes."""
    if request.param == "whoosh-writer":
        return 0
    monkeypatch.setattr(build, "PARALLEL_MIN_SECTIONS", 1)
    return 2


def test_incremental_adds_replaces_deletes_and_leaves_the_rest(data_paths, request, update_workers):
    first, second, third = ENERGY_REPORTS
    build_index(data_paths, [first, second])
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    assert report_ids(service, "ecology") == {"en-2022"}
    assert trend_hits(service, "ecology") > 0

    changed = dataclasses.replace(
        second,
        sections=[dataclasses.replace(second.sections[0], text="Tourism recovered strongly.")],
    )
    write_reports(data_paths, [first, changed, third])
    summary = index_documents(data_paths, workers=update_workers)
    assert (summary.added, summary.replaced, summary.deleted, summary.unchanged) == (1, 1, 0, 1)
    assert summary.sections_written == 1 + 1  # the new report's one section, the changed one's
    assert not summary.rebuilt
    # the running service sees the update without a restart (no memoised matches survive it)
    assert report_ids(service, "ecology") == set()
    assert trend_hits(service, "ecology") == 0
    assert report_ids(service, "tourism") == {"en-2022"}
    assert report_ids(service, "elderly") == {"en-2023", "en-2021"}

    write_reports(data_paths, [changed, third])
    summary = index_documents(data_paths, workers=update_workers)
    assert (summary.added, summary.replaced, summary.deleted, summary.unchanged) == (0, 0, 1, 2)
    assert summary.sections_written == 0
    assert report_ids(service, "energy") == set()  # only en-2023 still spoke of it
    assert report_ids(service, "tourism") == {"en-2022"}
    assert service.get_report("en-2023") is None
    assert service.stats().reports == 2

    again = index_documents(data_paths, workers=0)
    assert (again.added, again.replaced, again.deleted, again.unchanged) == (0, 0, 0, 2)
    assert "0 added" in again.format()


def trend_hits(service: SearchService, query: str) -> int:
    return sum(point.hits for point in service.trends([query]).series[0].points)


def test_worker_processes_build_the_same_index(tmp_path):
    serial = DataPaths(tmp_path / "serial").ensure()
    parallel = DataPaths(tmp_path / "parallel").ensure()
    build_index(serial, ENERGY_REPORTS)
    write_reports(parallel, ENERGY_REPORTS)
    index_documents(parallel, workers=2)
    with SearchService.open(serial) as one, SearchService.open(parallel) as other:
        for query in ["energy", '"new energy"', "elderly care", "section:tasks"]:
            expected = one.search(SearchRequest(query=query)).to_dict()
            assert other.search(SearchRequest(query=query)).to_dict() == expected
            assert expected["total"] > 0


def test_second_writer_is_refused_cleanly(data_paths):
    build_index(data_paths, ENERGY_REPORTS)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, fcntl; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
            str(data_paths.index_dir / LOCK_NAME),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusyError, match=r"^index is busy: another process is writing it$"):
            index_documents(data_paths, rebuild=True, workers=0)
        result = subprocess.run(
            [sys.executable, "-m", "indexer", str(data_paths.root)],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stderr.strip() == "error: index is busy: another process is writing it"
    finally:
        holder.kill()
        holder.communicate()
    # the lock dies with its holder
    assert index_documents(data_paths, workers=0).unchanged == 3


def test_writer_lock_is_exclusive_within_one_process(tmp_path):
    with writer_lock(tmp_path), pytest.raises(IndexBusyError), writer_lock(tmp_path):
        pass
    with writer_lock(tmp_path):
        pass


def start_a_corpus_rebuild(
    data_paths: DataPaths, shared_dir: Path, workers: int
) -> tuple[str, subprocess.Popen[str]]:
    """Index three reports, then start a rebuild of the corpus (seconds long) in a process to
    interrupt.

    Returns the generation in use before the rebuild and the process, once it has begun writing.
    """
    from tests.indexer.reports import corpus_reports

    build_index(data_paths, ENERGY_REPORTS)
    old = read_pointer(data_paths.index_dir)
    write_reports(data_paths, corpus_reports(shared_dir))
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "indexer",
            str(data_paths.root),
            "--rebuild",
            "--force",
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("building gen-")
    return old, child


@pytest.mark.slow
def test_kill_9_during_rebuild_leaves_the_old_index_searchable(data_paths, shared_dir):
    old, child = start_a_corpus_rebuild(data_paths, shared_dir, workers=0)
    time.sleep(1.5)  # into the build; the next line checks it has not finished
    assert child.poll() is None, "the rebuild finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL

    assert read_pointer(data_paths.index_dir) == old
    assert len(generation_names(data_paths.index_dir)) == 2  # the half-built one is left over
    with SearchService.open(data_paths) as service:
        assert report_ids(service, "energy") == {"en-2023", "en-2022"}
        assert service.stats().reports == 3

    write_reports(data_paths, ENERGY_REPORTS)
    summary = index_documents(data_paths, workers=0)  # the next writer cleans up and goes on
    assert summary.unchanged == 3
    assert generation_names(data_paths.index_dir) == [old]


@pytest.mark.slow
def test_kill_9_of_a_parallel_rebuild_takes_its_workers_down_too(data_paths, shared_dir):
    import psutil

    old, child = start_a_corpus_rebuild(data_paths, shared_dir, workers=2)
    workers: list[psutil.Process] = []
    for _ in range(100):  # the writer starts its workers as it hands them documents
        workers = psutil.Process(child.pid).children(recursive=True)
        if workers:
            break
        time.sleep(0.05)
    assert workers, "the parallel writer started no worker process"
    assert child.poll() is None
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == [], "workers outlived the killed writer"
    assert read_pointer(data_paths.index_dir) == old
    with SearchService.open(data_paths) as service:
        assert report_ids(service, "elderly") == {"en-2023", "en-2021"}


def test_an_unreadable_index_is_rebuilt_not_a_traceback(data_paths):
    build_index(data_paths, ENERGY_REPORTS)
    gen_dir = data_paths.index_dir / read_pointer(data_paths.index_dir)
    for toc in gen_dir.glob("_MAIN_*.toc"):
        toc.unlink()
    messages: list[str] = []
    summary = index_documents(data_paths, progress=messages.append, workers=0)
    assert summary.rebuilt and any("cannot be opened" in m for m in messages)
    with SearchService.open(data_paths) as service:
        assert report_ids(service, "ecology") == {"en-2022"}


def test_a_segment_without_a_facet_column_keeps_every_document_aligned(data_paths, monkeypatch):
    """A new segment where no report has a body or date has no such columns at all."""
    first = ENERGY_REPORTS[0]
    build_index(data_paths, [first])
    bare = dataclasses.replace(
        english_report("bare", 2021, [("Review", "review", "Energy and elderly care.")]),
        committee=None,
        date=None,
        level=None,
        body_id=None,
        region=[],
    )
    write_reports(data_paths, [first, bare])
    monkeypatch.setattr(build, "PARALLEL_MIN_SECTIONS", 1)  # the new report as its own segment
    index_documents(data_paths, workers=1)
    ix = whoosh_index.open_dir(str(data_paths.index_dir / read_pointer(data_paths.index_dir)))
    with ix.reader() as reader:
        segments = [sub for sub, _ in reader.leaf_readers()]
        assert len(segments) == 2 and not segments[1].has_column("body_id")
    with SearchService.open(data_paths) as service:
        result = service.search(SearchRequest(query="energy"))
        reports = [hit.report_id for hit in result.results]
        assert set(reports) == {"en-2023", "bare"} and len(reports) == result.total
        committees = {f.value: f.count for f in result.facets["committee"]}
        assert committees == {first.body_id: reports.count("en-2023")}
        years = {f.value: f.count for f in result.facets["year"]}
        assert years == {2023: reports.count("en-2023"), 2021: 1}


def test_an_index_written_by_an_older_version_is_rebuilt(data_paths):
    """The bigram fields once kept positions; such an index is rebuilt, not updated."""
    build_index(data_paths, ENERGY_REPORTS[:1])
    old = build_schema()
    old["cjk"].format = Positions()
    old_gen = data_paths.index_dir / "gen-99"
    old_gen.mkdir()
    whoosh_index.create_in(str(old_gen), old)
    write_pointer(data_paths.index_dir, "gen-99")
    messages: list[str] = []
    summary = index_documents(data_paths, progress=messages.append, workers=0)
    assert summary.rebuilt and read_pointer(data_paths.index_dir) != "gen-99"
    assert any("written by an older version" in m for m in messages)
    with SearchService.open(data_paths) as service:
        assert report_ids(service, "energy") == {"en-2023"}


@pytest.mark.parametrize(
    ("workers", "message"),
    [(1, r"^indexing failed: ValueError: .+"), (2, r"^index worker \d failed: ValueError: .+")],
)
def test_a_failing_worker_is_a_clear_error_and_the_old_index_stays(data_paths, workers, message):
    """A document Whoosh cannot index (here a year that is no number) fails the indexing, in
    this process or in a worker; one line says so and the current index is untouched."""
    build_index(data_paths, ENERGY_REPORTS[:1])
    before = read_pointer(data_paths.index_dir)
    broken = dataclasses.replace(ENERGY_REPORTS[1], year="twenty twenty-two")
    gen_dir = data_paths.index_dir / "gen-aside"
    gen_dir.mkdir()
    whoosh_index.create_in(str(gen_dir), build_schema())
    with pytest.raises(IndexingError, match=message):
        write_segments(gen_dir, build_schema(), [ENERGY_REPORTS[2], broken], workers, print)
    assert read_pointer(data_paths.index_dir) == before
    with SearchService.open(data_paths) as service:
        assert report_ids(service, "energy") == {"en-2023"}


def test_bodies_json_follows_every_update(data_paths):
    """bodies.json is rewritten with each commit (report counts, parents) and in the manifest."""
    first = ENERGY_REPORTS[0]
    build_index(data_paths, [first])
    province = dataclasses.replace(
        english_report("js-2023", 2023, [("Review", "review", "Energy.")]),
        body_id="cppcc-320000",
        body_name="政协江苏省委员会",
        region=["江苏省"],
        level="provincial",
        committee="12th Jiangsu Provincial Committee",
    )
    again = dataclasses.replace(first, id="en-2024", url="http://example.org/en-2024.html")
    write_reports(data_paths, [first, again, province])
    index_documents(data_paths)
    with SearchService.open(data_paths) as service:
        bodies = {body["id"]: body for body in service.bodies()}
        assert bodies["cppcc-320400"]["reports"] == 2
        assert bodies["cppcc-320400"]["parent"] == "cppcc-320000"
        assert bodies["cppcc-320000"]["name_en"] == "CPPCC Jiangsu Provincial Committee"
        found = service.search(SearchRequest(committees=("12th Jiangsu Provincial Committee",)))
        assert {hit.report_id for hit in found.results} == {"js-2023"}
    gen_dir = data_paths.index_dir / read_pointer(data_paths.index_dir)
    assert "bodies.json" in read_manifest(gen_dir)["files"]
