"""SIGTERM as an orderly stop of a crawl, for every caller of ``run_crawl`` (``cppcc-search
crawl``, ``python -m crawl``, a service manager stopping either); ``cppcc-search`` installs it
around every command, so an index build stops as cleanly.

The stop is a KeyboardInterrupt, as Ctrl-C is: it ends a fetch or a wait at once, and the crawl
unwinds, closing its connections, its WARC file, the state database and the lock. While an
outcome is being recorded (archive records, then their commit) the stop waits until the commit
is done, so a SIGTERM never throws away a page that was already fetched. The run stays open and
the next crawl resumes it; at most the request in flight is repeated.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Shutdown:
    """Turns SIGTERM into KeyboardInterrupt: at once, or at the end of the recording under way."""

    def __init__(self) -> None:
        self.requested = False
        self._recording = 0

    def _on_sigterm(self, signum: int, frame: object) -> None:
        if self.requested:
            return  # already stopping: a second SIGTERM must not cut the cleanup short
        self.requested = True
        if not self._recording:
            raise KeyboardInterrupt

    @contextmanager
    def recording(self) -> Iterator[None]:
        """A stretch that a SIGTERM does not cut short: the stop comes when it ends."""
        self._recording += 1
        try:
            yield
        finally:
            self._recording -= 1
        if self.requested and not self._recording:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self) -> Iterator[Shutdown]:
        """Handle SIGTERM while the block runs, then put the previous handler back. Only the
        main thread can set a handler (Python runs them there), so elsewhere this does nothing."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            yield self
        finally:
            signal.signal(signal.SIGTERM, previous)
