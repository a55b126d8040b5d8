"""Recently computed match sets, postings and counts of one index version (bounded LRU)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np


class MatchMemo:
    """Recently computed values of one index version (LRU, bounded by the documents held).

    Keyed by Whoosh query objects or tuples (hashable, compared by value); a new index version
    gets a new memo, so an update never serves stale matches. A value's size is its
    ``memo_size()`` when it has one, else its length.
    """

    def __init__(self, max_entries: int = 64, max_docs: int = 1_000_000) -> None:
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._sizes: dict[Any, int] = {}
        self._held = 0
        self._max_entries = max_entries
        self._max_docs = max_docs
        self._lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The memoised value for key, computing (outside the lock) and storing it if absent."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        self._store(key, value)
        return value

    def get(self, key: Any) -> Any:
        """The memoised value for key, or None (nothing is computed)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        return None

    def clear(self) -> None:
        """Forget every memoised value."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._held = 0

    def _store(self, key: Any, value: Any) -> None:
        size = memo_size(value)
        if size > self._max_docs:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._sizes[key] = size
            self._held += size
            while len(self._entries) > self._max_entries or self._held > self._max_docs:
                old, _ = self._entries.popitem(last=False)
                self._held -= self._sizes.pop(old)


def memo_size(value: Any) -> int:
    """Roughly how many documents a memoised value holds (what bounds the memo's memory)."""
    sized = getattr(value, "memo_size", None)
    if sized is not None:
        return sized()
    if isinstance(value, tuple):
        return sum(map(memo_size, value)) + 1
    if isinstance(value, (list, set, frozenset, dict, np.ndarray)):
        return len(value) + 1
    return 1
