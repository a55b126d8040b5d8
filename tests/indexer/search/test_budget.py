"""What one search call may cost: a time budget that ends in 'query too broad', and slots that
slow calls queue at while quick ones run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from indexer.errors import IndexBusyError, QueryTooBroadError
from indexer.search.budget import Gate, SearchLimits, check
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
