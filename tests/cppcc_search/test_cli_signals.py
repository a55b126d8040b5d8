"""SIGTERM — what `kill`, service managers and timeouts send — stops a command as Ctrl-C does."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cppcc_search.settings import DataPaths
from indexer.index.generations import read_pointer
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import ENERGY_REPORTS, build_index, corpus_reports, write_reports

RUN_CLI = "import sys; from cppcc_search.cli import main; sys.exit(main())"


def replicated(reports: list, copies: int) -> list:
    return [
        dataclasses.replace(report, id=f"{report.id}-copy{n}", url=f"{report.url}?copy={n}")
        for n in range(copies)
        for report in reports
    ]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_a_terminated_rebuild_leaves_the_index_as_it_was(tmp_path: Path, shared_dir: Path):
    paths = DataPaths(tmp_path / "data").ensure()
    build_index(paths, ENERGY_REPORTS)
    before = read_pointer(paths.index_dir)
    # The same reports and many more: a rebuild of minutes, which drops nothing.
    write_reports(paths, [*ENERGY_REPORTS, *replicated(corpus_reports(shared_dir), 12)])
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "index", "--rebuild", "--data-dir", str(paths.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        started = wait_for(
            lambda: (
                process.poll() is not None
                or any(p.name != before for p in paths.index_dir.glob("gen-*"))
            ),
            120,
        )
        assert started and process.poll() is None, process.stderr.read() if started else ""
        time.sleep(1)
        assert process.poll() is None, "the rebuild ended before it could be stopped"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert read_pointer(paths.index_dir) == before
    assert sorted(p.name for p in paths.index_dir.glob("gen-*")) == [before]
    with SearchService.open(paths) as service:
        assert service.search(SearchRequest(query="energy")).total == 3
