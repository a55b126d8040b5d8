"""Politeness per host, the unit a server feels: at most one request in flight to a host, a rest
after each response (``--delay``, a longer Crawl-delay, a Retry-After), and turns taken in
rotation among the hosts that have work, so a slow or resting host never holds up the others.

The rest is counted from the end of a response, so the gap between two requests to one host is
at least the delay however long the first one took, measured at either end of the connection.
All times are ``time.monotonic()`` seconds.
"""

from __future__ import annotations

import time


class Hosts:
    """Which hosts have work, which are busy or resting, and whose turn it is."""

    def __init__(self, hosts: list[str] | None = None) -> None:
        self._turns: dict[str, None] = dict.fromkeys(hosts or ())  # insertion order = rotation
        self.busy: set[str] = set()
        self._rest_until: dict[str, float] = {}
        self._idle_until: dict[str, float] = {}  # nothing of theirs is due before then

    def add_work(self, host: str) -> None:
        """The host has a URL due (a newly queued one), whatever was postponed before."""
        self._turns.setdefault(host, None)
        self._idle_until.pop(host, None)

    def drop_work(self, host: str) -> None:
        """The host has nothing queued."""
        self._turns.pop(host, None)
        self._idle_until.pop(host, None)

    def idle_until(self, host: str, when: float) -> None:
        """Nothing of the host's is due before ``when`` (its URLs wait for a retry)."""
        self._idle_until[host] = when

    def ready(self, now: float | None = None) -> list[str]:
        """Hosts with work that may be sent a request now, whose turn comes first first."""
        now = time.monotonic() if now is None else now
        return [
            host
            for host in self._turns
            if host not in self.busy
            and self._rest_until.get(host, 0.0) <= now
            and self._idle_until.get(host, 0.0) <= now
        ]

    def start(self, host: str) -> None:
        """A request to the host is under way; its turn goes to the back of the rotation."""
        self.busy.add(host)
        if host in self._turns:
            del self._turns[host]
            self._turns[host] = None

    def finish(self, host: str, rest: float, now: float | None = None) -> None:
        """The host's request is over; it rests ``rest`` seconds from now."""
        now = time.monotonic() if now is None else now
        self.busy.discard(host)
        self.rest_until(host, now + rest)

    def rest_until(self, host: str, when: float) -> None:
        """Send the host nothing before ``when`` (a longer rest already set stays)."""
        self._rest_until[host] = max(self._rest_until.get(host, 0.0), when)

    def next_wakeup(self) -> float | None:
        """The earliest moment a host with work that is not busy becomes ready (None: none
        will without new work)."""
        times = [
            max(self._rest_until.get(host, 0.0), self._idle_until.get(host, 0.0))
            for host in self._turns
            if host not in self.busy
        ]
        return min(times, default=None)
