"""What one search call may cost: a time budget that ends in 'query too broad', and slots that
slow calls queue at while quick ones run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from cppcc_search.settings import DataPaths
from indexer.errors import IndexBusyError, QueryTooBroadError
from indexer.index.generations import read_pointer
from indexer.search import run
from indexer.search.budget import Gate, SearchLimits, admit, check
from indexer.search.cost import query_cost
from indexer.search.phrase import CjkPhrase
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
    limits = SearchLimits(time_budget=0.0, expensive_cost=0)  # every call estimated expensive
    with SearchService.open(corpus_paths, limits) as service:
        with pytest.raises(
            QueryTooBroadError, match=r"too broad to answer within 0 s.*查询范围过大"
        ):
            service.search(SearchRequest(query="的 一 是 在 不 了 有 和 人 这"))
        with pytest.raises(QueryTooBroadError):
            service.trends(["的"])


def test_without_limits_the_same_query_is_answered(corpus_paths):
    with SearchService.open(corpus_paths) as service:
        assert service.search(SearchRequest(query="的 一 是 在 不 了 有 和 人 这")).total > 0


@contextmanager
def another_call_holding_a_slot(gate: Gate, take: Callable[[], None]) -> Iterator[None]:
    """Another call (a thread) that takes a slot through ``take`` and holds it meanwhile."""
    holding = threading.Event()
    release = threading.Event()

    def call() -> None:
        with gate.limited():
            take()
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=call)
    thread.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_slow_calls_share_the_slots_and_queue_for_them():
    gate = Gate(SearchLimits(time_budget=0.3, slow_after=0.0, slow_slots=1))
    with another_call_holding_a_slot(gate, check):  # past slow_after at once: the only slot
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="server is busy"), gate.limited():
            check()  # waits for the slot until its own budget runs out
        assert time.monotonic() - started >= 0.25
    with gate.limited():
        check()  # the slot is free again


def test_quick_calls_never_wait_for_the_slots():
    gate = Gate(SearchLimits(time_budget=5.0, slow_after=60.0, slow_slots=1))
    with gate.limited():
        check()
        with gate.limited():  # a call inside another shares its budget and slot
            check()


def test_whoosh_s_own_matchers_are_held_to_the_budget_too(corpus_paths, monkeypatch):
    """Queries the block-wise ranker leaves to Whoosh's matchers (word phrases) walk every
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


MANY_CHARACTERS = "的 一 是 在 不 了 有 和 人 这"


def test_a_query_costs_its_terms_postings(corpus_paths):
    """Every term's document frequency, an exact string's rarest bigram only."""
    ix = whoosh_index.open_dir(str(corpus_paths.index_dir / read_pointer(corpus_paths.index_dir)))
    with ix.searcher() as searcher:
        for text in (MANY_CHARACTERS, "社会主义 -农业", '"改革开放" OR 经济', "energy OR 能源"):
            query = compile_query(parse_query(text)).query
            expected = 0
            for leaf in query.leaves():
                frequencies = (
                    [searcher.doc_frequency(leaf.fieldname, w) for w in leaf.words]
                    if (hasattr(leaf, "words"))
                    else [searcher.doc_frequency(leaf.fieldname, leaf.text)]
                )
                expected += min(frequencies) if isinstance(leaf, CjkPhrase) else sum(frequencies)
            assert query_cost(searcher, query)[0] == expected > 0


def test_a_query_over_the_postings_limit_is_refused_at_once(corpus_paths):
    ix = whoosh_index.open_dir(str(corpus_paths.index_dir / read_pointer(corpus_paths.index_dir)))
    with ix.searcher() as searcher:
        cost = query_cost(searcher, compile_query(parse_query(MANY_CHARACTERS)).query)[0]
        small = query_cost(searcher, compile_query(parse_query("的 一")).query)[0]
    assert small < cost
    limits = SearchLimits(max_postings=cost - 1)  # no time budget: only the cost can refuse
    with SearchService.open(corpus_paths, limits) as service:
        refused = r"too broad: its terms occur in .*查询范围过大"
        with pytest.raises(QueryTooBroadError, match=refused):
            service.search(SearchRequest(query=MANY_CHARACTERS))
        with pytest.raises(QueryTooBroadError):
            service.trends([MANY_CHARACTERS])
        assert service.search(SearchRequest(query="的 一")).total > 0
    with SearchService.open(corpus_paths, SearchLimits(max_postings=small)) as service:
        service.trends(["的 一"])
        with pytest.raises(QueryTooBroadError):  # a trend's terms read within one limit
            service.trends(["的 一", "的 一 是"])
    with SearchService.open(corpus_paths, SearchLimits(max_postings=cost)) as service:
        assert service.search(SearchRequest(query=MANY_CHARACTERS)).total > 0


def test_a_cheap_call_past_its_budget_finds_the_server_busy_not_the_query_broad():
    gate = Gate(SearchLimits(time_budget=0.0, expensive_cost=100))
    with gate.limited(), pytest.raises(IndexBusyError, match="busy"):
        admit(0, 99)
        time.sleep(0.01)
        check()
    with gate.limited(), pytest.raises(QueryTooBroadError):
        admit(0, 100)
        time.sleep(0.01)
        check()


def test_expensive_calls_take_turns_before_they_start_and_cheap_ones_never_queue():
    gate = Gate(SearchLimits(time_budget=0.3, slow_after=0.1, slow_slots=1, expensive_cost=100))

    def expensive() -> None:
        admit(0, 60)
        admit(0, 40)  # a trend's second term: together they are expensive

    with another_call_holding_a_slot(gate, expensive):
        with gate.limited():
            admit(5, 99)
            time.sleep(0.15)  # past slow_after: it takes a slow slot, apart from the held one
            check()
        with gate.limited(), pytest.raises(IndexBusyError):
            admit(5, 100)  # waits for the slot until its budget ends
    with gate.limited():
        admit(5, 100)  # the slot is free again
