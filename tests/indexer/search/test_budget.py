"""What one search call may cost: a time budget that ends in 'query too broad', and slots that
slow calls queue at while quick ones run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from cppcc_search.settings import DataPaths
from indexer.errors import IndexBusyError, QueryTooBroadError
from indexer.index.generations import read_pointer
from indexer.search import run
from indexer.search.budget import Gate, SearchLimits, check
from indexer.search.queries import compile_query
from indexer.search.querylang import parse_query
from indexer.search.run import _budgeted_search
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import build_index, corpus_reports


@pytest.fixture(scope="module")
def corpus_paths(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("budget") / "data").ensure()
    build_index(paths, corpus_reports(shared_dir))
    return paths


def test_a_call_over_its_budget_is_too_broad_in_both_languages(corpus_paths):
    with SearchService.open(corpus_paths, SearchLimits(time_budget=0.0)) as service:
        with pytest.raises(
            QueryTooBroadError, match=r"too broad to answer within 0 s.*查询范围过大"
        ):
            service.search(SearchRequest(query="的 一 是 在 不 了 有 和 人 这"))
        with pytest.raises(QueryTooBroadError):
            service.trends(["的"])


def test_without_limits_the_same_query_is_answered(corpus_paths):
    with SearchService.open(corpus_paths) as service:
        assert service.search(SearchRequest(query="的 一 是 在 不 了 有 和 人 这")).total > 0


def test_slow_calls_share_the_slots_and_queue_for_them():
    gate = Gate(SearchLimits(time_budget=0.3, slow_after=0.0, slow_slots=1))
    holding = threading.Event()
    release = threading.Event()

    def slow_call() -> None:
        with gate.limited():
            check()  # past slow_after at once: takes the only slot
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=slow_call)
    thread.start()
    assert holding.wait(5)
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="busy with other broad queries"), gate.limited():
            check()  # waits for the slot until its own budget runs out
        assert time.monotonic() - started >= 0.25
    finally:
        release.set()
        thread.join()
    with gate.limited():
        check()  # the slot is free again


def test_quick_calls_never_wait_for_the_slots():
    gate = Gate(SearchLimits(time_budget=5.0, slow_after=60.0, slow_slots=1))
    with gate.limited():
        check()
        with gate.limited():  # a call inside another shares its budget and slot
            check()


def test_whoosh_s_own_matchers_are_held_to_the_budget_too(corpus_paths, monkeypatch):
    """Queries the block-wise ranker leaves to Whoosh's matchers (single characters) walk every
    posting in Python: the collector looks at the clock as matches come (here at every match:
    the corpus is too small for the usual spacing of the looks to be reached)."""
    monkeypatch.setattr(run, "BUDGET_CHECK_EVERY", 1)
    ix = whoosh_index.open_dir(str(corpus_paths.index_dir / read_pointer(corpus_paths.index_dir)))
    query = compile_query(parse_query("的 一 是 在")).positive
    with ix.searcher() as searcher:
        assert len(_budgeted_search(searcher, query, 10, None).top_n) == 10  # no call: no bound
        over_budget = Gate(SearchLimits(time_budget=0.0))
        with over_budget.limited(), pytest.raises(QueryTooBroadError):
            _budgeted_search(searcher, query, 10, None)
