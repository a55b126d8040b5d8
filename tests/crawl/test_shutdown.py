"""SIGTERM handling inside the crawl library: an orderly stop that lets a recording finish."""

from __future__ import annotations

import signal
import sys
import threading

import pytest

from crawl.shutdown import Shutdown

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


def test_sigterm_stops_at_once_outside_a_recording() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    with Shutdown().installed(), pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is previous


def test_sigterm_during_a_recording_stops_when_it_ends() -> None:
    finished = []
    with Shutdown().installed() as shutdown, pytest.raises(KeyboardInterrupt):
        with shutdown.recording():
            signal.raise_signal(signal.SIGTERM)
            signal.raise_signal(signal.SIGTERM)  # a second one changes nothing
            finished.append("committed")
        finished.append("went on")
    assert finished == ["committed"]


def test_outside_the_main_thread_no_handler_is_installed() -> None:
    seen = []

    def crawl_in_a_thread() -> None:
        with Shutdown().installed():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=crawl_in_a_thread)
    thread.start()
    thread.join()
    assert seen == [before]
