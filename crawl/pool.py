"""Worker threads for the network: jobs go in, outcomes come out, in the order they finish.

Jobs only fetch and parse (network and pure functions); the crawl loop in the main thread is the
only one that writes the state database and the WARC file, so SQLite keeps a single writer and a
killed crawl leaves nothing half-written. The crawler never submits more jobs than there are
workers, so a job starts at once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

_STOP = object()


@dataclass
class Outcome:
    """What a job returned, or the exception it raised."""

    key: Hashable
    value: Any = None
    error: BaseException | None = None


class WorkerPool:
    """``size`` daemon threads running submitted jobs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"fetch-{n}", daemon=True) for n in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, key: Hashable, job: Callable[[], Any]) -> None:
        """Run ``job()`` on a worker; its outcome comes back under ``key``."""
        self._jobs.put((key, job))

    def next_outcome(self, timeout: float) -> Outcome | None:
        """The next finished job's outcome, or None after ``timeout`` seconds."""
        try:
            return self._outcomes.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None

    def close(self, wait: float = 5.0) -> None:
        """Let the workers finish their jobs and end, waiting at most ``wait`` seconds in all
        (the fetcher has been told to cut what is in flight; a worker still resolving a host
        name cannot be interrupted, and as a daemon thread it does not keep the process)."""
        for _ in self._threads:
            self._jobs.put(_STOP)
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.0))

    def _work(self) -> None:
        while True:
            task = self._jobs.get()
            if task is _STOP:
                return
            key, job = task
            try:
                self._outcomes.put(Outcome(key, value=job()))
            except Exception as exc:  # the crawl loop decides what a failure means
                self._outcomes.put(Outcome(key, error=exc))
