"""Deadlines for whole responses: one watchdog thread cuts the socket of any exchange that is
not complete in time.

A socket timeout restarts with every byte, so a server that drips its headers or its body a byte
at a time would hold a request far past any timeout; and http.client reads a header line in one
call that no timeout of ours can interrupt. Shutting the socket down from another thread ends
every blocked read at once, whatever it is waiting in. One thread serves every request in flight
(rather than a timer thread per request).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time


class Alarm:
    """One armed deadline: the socket to cut, and whether it was cut."""

    def __init__(self, sock: socket.socket, when: float) -> None:
        self.sock = sock
        self.when = when
        self.fired = False
        self.cancelled = False

    def fire(self) -> None:
        """Cut the socket: every read or write blocked on it returns at once."""
        self.fired = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """Cuts sockets whose deadline (``time.monotonic()`` seconds) has passed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._armed: set[Alarm] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    def arm(self, sock: socket.socket, when: float) -> Alarm:
        """Cut ``sock`` at ``when`` unless disarmed first."""
        alarm = Alarm(sock, when)
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._order), alarm))
            self._armed.add(alarm)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()
        return alarm

    def disarm(self, alarm: Alarm) -> bool:
        """Stop the alarm; returns whether it had fired already. Once this returns, the socket
        is never cut by it (so a kept-alive connection can be used again)."""
        with self._cond:
            alarm.cancelled = True
            self._armed.discard(alarm)
            return alarm.fired

    def fire_all(self) -> None:
        """Cut every armed socket now (the crawl is stopping)."""
        with self._cond:
            for alarm in list(self._armed):
                alarm.fire()

    def close(self) -> None:
        """Stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if not self._heap:
                    self._cond.wait()
                    continue
                when, _, alarm = self._heap[0]
                if alarm.cancelled:
                    heapq.heappop(self._heap)
                    continue
                wait = when - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._armed.discard(alarm)
                alarm.fire()
