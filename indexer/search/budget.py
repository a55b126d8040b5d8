"""What one search call may cost: a time budget, an admission by estimated cost, and the slots
that expensive and slow calls queue at.

A call runs inside :func:`Gate.limited`; the loops that grow with the index (posting blocks,
exact string checks, ranking, snippets) call :func:`check`. A search or trends call first
admits its estimates (:func:`admit`; indexer.search.cost counts the postings its terms hold and
its work): a query over ``max_postings`` is refused at once; one of ``expensive_cost`` work or
more takes one of a few "expensive" slots before it starts, so broad queries from many clients
take turns instead of sharing the cores with everything else. Any other call still working
after ``slow_after`` seconds takes one of as many "slow" slots, apart from the expensive ones,
so a query slowed by a busy machine never queues behind broad ones. A call past its time budget
ends with QueryTooBroadError, or IndexBusyError when it was estimated cheap: the server was
busy, not the query broad.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from time import monotonic

from indexer.errors import IndexBusyError, QueryTooBroadError


@dataclass(frozen=True)
class SearchLimits:
    """Bounds on the work of one call (None: unbounded, as for the command line)."""

    time_budget: float | None = None
    slow_after: float = 0.25
    slow_slots: int = 2
    max_postings: int | None = None  # per call, as indexer.search.cost counts them
    expensive_cost: int = 1_000_000  # an estimate from which a call takes a slot before it starts


@dataclass
class _Call:
    """One budgeted call: when it must end, when it counts as slow, the slots it queues at."""

    deadline: float | None
    slow_at: float
    budget: float | None
    gate: Gate
    postings: int = 0
    cost: int = 0
    cheap: bool = False
    holding: threading.BoundedSemaphore | None = None


_CURRENT: ContextVar[_Call | None] = ContextVar("search_call", default=None)


class Gate:
    """A search service's slots: ``slow_slots`` for expensive calls, as many for slow ones."""

    def __init__(self, limits: SearchLimits) -> None:
        self.limits = limits
        self.expensive = threading.BoundedSemaphore(max(1, limits.slow_slots))
        self.slow = threading.BoundedSemaphore(max(1, limits.slow_slots))

    @contextmanager
    def limited(self) -> Iterator[None]:
        """Run the body as one budgeted call (a call inside another shares its budget)."""
        if _CURRENT.get() is not None:
            yield
            return
        now = monotonic()
        budget = self.limits.time_budget
        call = _Call(
            deadline=None if budget is None else now + budget,
            slow_at=now + self.limits.slow_after,
            budget=budget,
            gate=self,
        )
        token = _CURRENT.set(call)
        try:
            yield
        finally:
            _CURRENT.reset(token)
            if call.holding is not None:
                call.holding.release()


_BUSY = "the server is busy: try again in a moment (服务器繁忙，请稍后再试)"


def check() -> None:
    """Raise when the current call is over its budget; queue a slow call for a slot."""
    call = _CURRENT.get()
    if call is None:
        return
    now = monotonic()
    if call.deadline is not None and now > call.deadline:
        if call.cheap:
            raise IndexBusyError(_BUSY)
        raise QueryTooBroadError(_too_broad(call.budget))
    if call.holding is None and now > call.slow_at:
        _take_slot(call, call.gate.slow, now)


def admit(postings: int, work: int) -> None:
    """Tell the current call its estimates: the postings its terms hold (refused at once with
    QueryTooBroadError over ``max_postings``) and its work (in postings decoded). An expensive
    call takes a slot now. Admissions within one call add up (a trend's terms)."""
    call = _CURRENT.get()
    if call is None:
        return
    limits = call.gate.limits
    limit = limits.max_postings
    call.postings += postings
    if limit is not None and call.postings > limit:
        raise QueryTooBroadError(
            f"the query is too broad: its terms occur in {call.postings:,} places, more than one "
            f"search may read ({limit:,}); use fewer single characters or common words, or "
            "quote a phrase (查询范围过大：所含的单字或常用词过多，"
            "请减少单字和常用词，或使用引号短语)"
        )
    call.cost += work
    call.cheap = call.cost < limits.expensive_cost
    if not call.cheap and call.holding is None:
        _take_slot(call, call.gate.expensive, monotonic())


def _take_slot(call: _Call, slots: threading.BoundedSemaphore, now: float) -> None:
    wait = None if call.deadline is None else max(0.0, call.deadline - now)
    if not slots.acquire(timeout=wait):
        raise IndexBusyError(_BUSY)
    call.holding = slots


def _too_broad(budget: float | None) -> str:
    return (
        f"the query is too broad to answer within {budget:g} s: add words, quote a phrase, or "
        "narrow it by year, body or section (查询范围过大：请增加关键词、使用引号短语，或按年份、"
        "机构、章节缩小范围)"
    )
