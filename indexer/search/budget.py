"""What one search call may cost: a time budget, and a gate that slow calls queue at.

A call runs inside :func:`limited`; the loops that grow with the index (posting blocks, exact
string checks, ranking, snippets) call :func:`check`. A call still working after
``slow_after`` seconds takes one of a few slots before it goes on, so broad queries from many
clients share those slots while every quick query keeps running; a call past its time budget
ends with QueryTooBroadError instead of keeping a server thread busy.
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


@dataclass
class _Call:
    """One budgeted call: when it must end, when it counts as slow, the slots it queues at."""

    deadline: float | None
    slow_at: float
    budget: float | None
    gate: threading.BoundedSemaphore
    holding: bool = False


_CURRENT: ContextVar[_Call | None] = ContextVar("search_call", default=None)


class Gate:
    """The slots of one search service that slow calls share."""

    def __init__(self, limits: SearchLimits) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(max(1, limits.slow_slots))

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
            gate=self._slots,
        )
        token = _CURRENT.set(call)
        try:
            yield
        finally:
            _CURRENT.reset(token)
            if call.holding:
                self._slots.release()


def check() -> None:
    """Raise when the current call is over its budget; queue a slow call for a slot."""
    call = _CURRENT.get()
    if call is None:
        return
    now = monotonic()
    if call.deadline is not None and now > call.deadline:
        raise QueryTooBroadError(_too_broad(call.budget))
    if not call.holding and now > call.slow_at:
        wait = None if call.deadline is None else max(0.0, call.deadline - now)
        if not call.gate.acquire(timeout=wait):
            raise IndexBusyError(
                "the server is busy with other broad queries: try again in a moment "
                "(服务器正在处理其他大范围查询，请稍后再试)"
            )
        call.holding = True


def _too_broad(budget: float | None) -> str:
    return (
        f"the query is too broad to answer within {budget:g} s: add words, quote a phrase, or "
        "narrow it by year, body or section (查询范围过大：请增加关键词、使用引号短语，或按年份、"
        "机构、章节缩小范围)"
    )
