"""Whoosh's multiprocessing writer, with workers that die with their parent.

A writer killed with SIGKILL cannot tell its workers to stop; without this they would wait on the
job queue forever. Linux's parent-death signal ends them with it.
"""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


class _WorkerTask(SubWriterTask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_pid = os.getpid()

    def run(self) -> None:
        _die_with_parent(self.parent_pid)
        super().run()


class ParallelWriter(MpWriter):
    """MpWriter whose sub-writers end when the indexing process is killed."""

    def _new_task(self) -> _WorkerTask:
        task = _WorkerTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
