"""The search service over a changing index: generations swapped, updates committed and the
index removed while it serves, from one thread and from several."""

from __future__ import annotations

import threading
import traceback

import pytest

from indexer.errors import IndexMissingError
from indexer.index.build import index_documents
from indexer.index.generations import generation_names, read_pointer
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import (
    ENERGY_REPORTS,
    build_index,
    english_report,
    report_ids,
    write_reports,
)


def test_rebuild_swaps_generations_for_a_running_service(data_paths, request):
    build_index(data_paths, ENERGY_REPORTS[:1])
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    before = read_pointer(data_paths.index_dir)
    assert report_ids(service, "ecology") == set()
    write_reports(data_paths, ENERGY_REPORTS)
    summary = index_documents(data_paths, rebuild=True, workers=0)
    after = read_pointer(data_paths.index_dir)
    assert summary.rebuilt and after != before
    assert generation_names(data_paths.index_dir) == [after]  # the old generation is gone
    assert report_ids(service, "ecology") == {"en-2022"}


def test_searches_in_threads_while_the_index_is_updated(data_paths, request):
    build_index(data_paths, ENERGY_REPORTS)
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    errors: list[str] = []
    totals: list[int] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set():
            try:
                totals.append(service.search(SearchRequest(query="energy")).total)
            except BaseException as error:  # reported with its traceback below
                errors.append("".join(traceback.format_exception(error)))
                return

    threads = [threading.Thread(target=search_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for year in range(2000, 2004):
            extra = english_report(f"extra-{year}", year, [("Energy", "other", "energy again")])
            write_reports(data_paths, [*ENERGY_REPORTS, extra])
            index_documents(data_paths, rebuild=year % 2 == 0, workers=0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == [], "\n".join(errors)
    assert totals and set(totals) <= {3, 4}
    assert service.search(SearchRequest(query="energy")).total == 4


def test_saved_column_cache_matches_the_index_and_a_broken_one_is_ignored(data_paths):
    from whoosh import index as whoosh_index

    from indexer.index.columns import load_saved_columns, read_columns

    build_index(data_paths, ENERGY_REPORTS)
    gen_dir = data_paths.index_dir / read_pointer(data_paths.index_dir)
    saved = list(gen_dir.glob("columns-*.pickle"))
    assert len(saved) == 1
    with whoosh_index.open_dir(str(gen_dir)).searcher() as searcher:
        assert load_saved_columns(saved[0]) == read_columns(searcher.reader())
    with SearchService.open(data_paths) as service:
        expected = service.search(SearchRequest(query="energy")).to_dict()
    saved[0].write_bytes(b"not a pickle")
    assert load_saved_columns(saved[0]) is None
    with SearchService.open(data_paths) as service:
        assert service.search(SearchRequest(query="energy")).to_dict() == expected


def test_an_index_removed_under_a_running_service_is_a_clear_error(data_paths, request):
    import shutil

    build_index(data_paths, ENERGY_REPORTS)
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    assert service.search(SearchRequest(query="energy")).total == 3
    shutil.rmtree(data_paths.index_dir)
    with pytest.raises(IndexMissingError, match="is gone"):
        service.search(SearchRequest(query="energy"))


def test_a_pinned_searcher_reads_its_version_after_the_files_are_deleted(data_paths):
    """Whoosh opens stored fields and lengths on first use: without pinning, a searcher whose
    generation was removed under it fails (the flaky TypeError from ``stored_fields``)."""
    from indexer.search import service as service_module

    build_index(data_paths, ENERGY_REPORTS)
    with SearchService.open(data_paths) as service:
        generation = service._generation
        pinned = service_module._open_searcher(generation)
        unpinned = generation.index.searcher()
        index_documents(data_paths, rebuild=True, workers=0)  # removes the old directory
        assert not (data_paths.index_dir / generation.name).exists()
        docs = range(pinned.doc_count_all())
        assert all(pinned.stored_fields(doc)["doc_id"] for doc in docs)
        with pytest.raises((TypeError, OSError)):
            unpinned.stored_fields(0)
        pinned.close()
        unpinned.close()


def test_every_call_answers_while_the_index_is_rewritten_again_and_again(data_paths, request):
    """Searches, reports, trends and stats in four threads while the main thread commits
    updates (which merge segments away) and rebuilds (which remove the whole generation)."""
    build_index(data_paths, ENERGY_REPORTS)
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    errors: list[str] = []
    seen: dict[str, set] = {"total": set(), "report": set(), "trend": set()}
    stop = threading.Event()
    calls = [
        lambda: seen["total"].add(service.search(SearchRequest(query="energy")).total),
        lambda: seen["total"].add(service.search(SearchRequest(query='"new energy"')).total),
        lambda: seen["report"].add(service.get_report("en-2022").title),
        lambda: seen["trend"].add(sum(p.hits for p in service.trends(["energy"]).series[0].points)),
        lambda: service.stats(),
        lambda: service.search(SearchRequest(query="", sort="newest", per_page=50)),
    ]

    def loop(offset: int) -> None:
        step = offset
        while not stop.is_set():
            try:
                calls[step % len(calls)]()
            except BaseException as error:  # reported with its traceback below
                errors.append("".join(traceback.format_exception(error)))
                return
            step += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        for round_number in range(12):
            extra = english_report(
                f"extra-{round_number}", 2000 + round_number, [("Energy", "other", "new energy")]
            )
            reports = [*ENERGY_REPORTS, extra] if round_number % 2 == 0 else ENERGY_REPORTS
            write_reports(data_paths, reports)
            index_documents(data_paths, rebuild=round_number % 3 == 2, workers=0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == [], "\n".join(errors)
    assert seen["report"] == {next(r.title for r in ENERGY_REPORTS if r.id == "en-2022")}
    assert seen["total"] and seen["trend"]
    assert service.search(SearchRequest(query="energy")).total == 3


def rebuild_with(data_paths, extra_year: int) -> None:
    extra = english_report(f"x-{extra_year}", extra_year, [("Energy", "other", "new energy")])
    write_reports(data_paths, [*ENERGY_REPORTS, extra])
    index_documents(data_paths, rebuild=True, workers=0)


def test_a_search_whose_index_is_rebuilt_mid_way_runs_again_on_the_new_one(
    data_paths, request, monkeypatch
):
    """The index is rebuilt (its directory removed) while a search runs on a searcher that had
    not opened its stored fields yet, as Whoosh leaves them without pinning: the search fails
    on the vanished file and is answered again from the new index."""
    from indexer.search import service as service_module

    build_index(data_paths, ENERGY_REPORTS)
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    monkeypatch.setattr(service_module, "pin_segment_files", lambda reader: None)
    real_run_search = service_module.run_search
    calls: list[str] = []

    def rebuilt_during_the_first_call(searcher, cache, search_request, *rest):
        calls.append(read_pointer(data_paths.index_dir))
        if len(calls) == 1:
            rebuild_with(data_paths, 1999)
        return real_run_search(searcher, cache, search_request, *rest)

    monkeypatch.setattr(service_module, "run_search", rebuilt_during_the_first_call)
    assert service.search(SearchRequest(query="energy")).total == 4  # the new index's answer
    assert len(calls) == 2 and calls[0] != calls[1]


def test_an_index_that_changes_during_every_attempt_is_a_clear_busy_error(
    data_paths, request, monkeypatch
):
    from indexer.errors import IndexBusyError
    from indexer.search import service as service_module

    build_index(data_paths, ENERGY_REPORTS)
    service = SearchService.open(data_paths)
    request.addfinalizer(service.close)
    monkeypatch.setattr(service_module, "pin_segment_files", lambda reader: None)
    real_run_search = service_module.run_search
    years = iter(range(1990, 2000))

    def rebuilt_every_time(searcher, cache, search_request, *rest):
        rebuild_with(data_paths, next(years))
        return real_run_search(searcher, cache, search_request, *rest)

    monkeypatch.setattr(service_module, "run_search", rebuilt_every_time)
    with pytest.raises(IndexBusyError, match="changed 4 times during one search: try again"):
        service.search(SearchRequest(query="energy"))
