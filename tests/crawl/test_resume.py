"""A crawl stopped part-way resumes where it stopped: killed (SIGKILL) or asked to stop
(SIGTERM, which ``run_crawl`` itself handles, so both ``python -m crawl`` and ``cppcc-search
crawl`` stop in order). Every page is captured once, and at most the requests in flight at the
stop are repeated: one per host, as each host has one request in flight at a time."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from captures.store import iter_captures
from cppcc_search.settings import DataPaths
from tests.crawl.servers import MirrorServer, running

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
# Both ways to run a crawl as its own process: the module, and the installed console script.
COMMANDS = {
    "python -m crawl": [sys.executable, "-m", "crawl"],
    "cppcc-search crawl": [str(Path(sys.executable).with_name("cppcc-search")), "crawl"],
}
PROMPT_EXIT_SECONDS = 5.0  # a stop waits for no fetch or sleep, only for one commit


def _crawl_command(program: list[str], bases: list[str], data_dir: Path) -> list[str]:
    seeds = [base + "/" for base in bases]
    return [*program, *seeds, "--data-dir", str(data_dir), "--delay", "0"]


def _wait_for_requests(
    servers: list[MirrorServer], prefix: str, count: int, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        paths = [p for server in servers for p in server.log.paths()]
        if sum(1 for p in paths if p.startswith(prefix)) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the crawl made fewer than {count} requests in {timeout}s")


def _assert_each_report_captured_once(
    paths: DataPaths, servers: list[MirrorServer], reports: set[str]
) -> None:
    """Every report of every host fetched, at most one per host twice (the request in flight at
    the stop), and captured exactly once in one run."""
    captured = {c.url for c in iter_captures(paths)}
    for server in servers:
        counts = server.log.counts()
        assert all(counts[p] >= 1 for p in reports)
        repeated = [p for p in reports if counts[p] > 1]
        assert len(repeated) <= 1 and all(counts[p] == 2 for p in repeated), repeated
        assert counts["/robots.txt"] == 1  # the resumed run reuses the run's robots.txt
        assert {server.base + p for p in reports} <= captured
    conn = sqlite3.connect(paths.crawl_db)
    good = conn.execute(
        "SELECT url, COUNT(*) FROM captures WHERE status=200 AND doc_kind='html' GROUP BY url"
    ).fetchall()
    runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    conn.close()
    assert runs == 1
    assert all(n == 1 for _, n in good)


@pytest.mark.parametrize("hosts", [1, 3])
def test_killed_crawl_resumes_without_refetching(
    hosts: int,
    gov_zh_root: Path,
    gov_zh_truth: list[dict],
    data_paths: DataPaths,
    repo_root: Path,
) -> None:
    reports = {t["path"] for t in gov_zh_truth}
    servers = [MirrorServer(gov_zh_root, request_sleep=0.02) for _ in range(hosts)]
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    with ExitStack() as stack:
        for server in servers:
            stack.enter_context(running(server))
        bases = [server.base for server in servers]
        command = _crawl_command(COMMANDS["python -m crawl"], bases, data_paths.root)
        victim = subprocess.Popen(
            command, cwd=repo_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            _wait_for_requests(servers, "/zfgzbg/19", 20 * hosts, timeout=60)
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=30)
        assert victim.returncode == -signal.SIGKILL
        before = sum(server.log.counts()[p] for server in servers for p in reports)
        assert 0 < before < len(reports) * hosts  # really killed part-way

        resumed = subprocess.run(
            command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=120
        )
    assert resumed.returncode == 0, resumed.stderr
    assert "(resumed)" in resumed.stdout and "complete" in resumed.stdout
    _assert_each_report_captured_once(data_paths, servers, reports)
    if hosts > 1:  # the hosts were really crawled at once
        firsts = [min(server.log.times()) for server in servers]
        lasts = [max(server.log.times()) for server in servers]
        assert max(firsts) < min(lasts)
    # The killed process's WARC file ends with whole records: every file reads to its end.
    warcs = sorted(data_paths.warc_dir.glob("*.warc.gz"))
    assert len(warcs) == 2
    for warc in warcs:
        with warc.open("rb") as stream:
            assert sum(1 for _ in ArchiveIterator(stream)) > 1


@pytest.mark.parametrize("program", COMMANDS.keys())
def test_sigterm_stops_promptly_and_the_run_resumes_without_losing_pages(
    program: str,
    gov_zh_root: Path,
    gov_zh_truth: list[dict],
    data_paths: DataPaths,
    repo_root: Path,
) -> None:
    reports = {t["path"] for t in gov_zh_truth}
    server = MirrorServer(gov_zh_root, request_sleep=0.02)
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    with running(server):
        command = _crawl_command(COMMANDS[program], [server.base], data_paths.root)
        crawl = subprocess.Popen(
            command, cwd=repo_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            _wait_for_requests([server], "/zfgzbg/", 10, timeout=60)
        finally:
            crawl.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            _, stderr = crawl.communicate(timeout=30)
            stopped_after = time.monotonic() - signalled
        before = server.log.counts()
        # It says what was kept and the command that resumes it, which is then run.
        said = stderr.strip().splitlines()[-1]
        resume = shlex.split(said.partition("resume with: ")[2])
        assert resume[: len(program.split())] == program.split(), said
        resume[: len(program.split())] = COMMANDS[program]
        resumed = subprocess.run(
            resume, cwd=repo_root, env=env, capture_output=True, text=True, timeout=120
        )
    assert crawl.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert re.search(r"interrupted: crawl run 1 keeps \d+ pages and 0 attachments", said), said
    assert sorted(resume) == sorted(command)  # the same options, data directory and seed
    assert stopped_after < PROMPT_EXIT_SECONDS
    assert 0 < sum(before[p] for p in reports) < len(reports)  # really stopped part-way
    assert resumed.returncode == 0, resumed.stderr
    assert "(resumed)" in resumed.stdout and "complete" in resumed.stdout
    _assert_each_report_captured_once(data_paths, [server], reports)
