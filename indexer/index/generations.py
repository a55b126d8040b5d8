"""Index generations on disk: ``index/gen-N/`` directories and an atomically replaced pointer.

A rebuild writes a new generation beside the current one and swaps the pointer with
``os.replace``, so readers see either the old or the new index, never a half-built one; a writer
killed mid-way leaves an unreferenced directory that the next writer removes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from indexer.errors import IndexBusyError

POINTER_NAME = "CURRENT"
LOCK_NAME = "write.lock"
_GEN_DIR = re.compile(r"^gen-(\d+)$")


def read_pointer(index_root: Path) -> str | None:
    """The name of the current generation directory, or None when there is no index."""
    try:
        name = (index_root / POINTER_NAME).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    if not _GEN_DIR.match(name) or not (index_root / name).is_dir():
        return None
    return name


def write_pointer(index_root: Path, name: str) -> None:
    """Point readers at generation ``name`` atomically (write aside, fsync, rename)."""
    tmp = index_root / f".{POINTER_NAME}.tmp"
    with tmp.open("w", encoding="ascii") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_root / POINTER_NAME)
    dir_fd = os.open(index_root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def generation_names(index_root: Path) -> list[str]:
    """Every generation directory present, oldest first."""
    if not index_root.is_dir():
        return []
    found = [
        (int(m.group(1)), p.name) for p in index_root.iterdir() if (m := _GEN_DIR.match(p.name))
    ]
    return [name for _, name in sorted(found)]


def next_generation_name(index_root: Path) -> str:
    """A fresh generation directory name, above every existing one."""
    names = generation_names(index_root)
    last = int(names[-1].split("-")[1]) if names else 0
    return f"gen-{last + 1}"


def remove_other_generations(index_root: Path, keep: str) -> list[str]:
    """Delete every generation but ``keep`` (old ones and leftovers of killed writers)."""
    removed = []
    for name in generation_names(index_root):
        if name != keep:
            shutil.rmtree(index_root / name, ignore_errors=True)
            removed.append(name)
    return removed


@contextlib.contextmanager
def writer_lock(index_root: Path) -> Iterator[None]:
    """Hold the single-writer lock; a second writer gets IndexBusyError at once.

    An ``flock`` is released by the kernel when its process dies, so a kill -9 never leaves a
    stale lock behind.
    """
    index_root.mkdir(parents=True, exist_ok=True)
    handle = (index_root / LOCK_NAME).open("a")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError("index is busy: another process is writing it") from None
        yield
    finally:
        handle.close()
