"""A real SolrCloud for the Solr tests: started once per session by the same launcher as
``make cluster`` (ZooKeeper and 2 Solr nodes on loopback, each its own process), stopped after."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# A fresh machine builds the launcher first (Maven fetches Solr into ~/.m2): minutes, once.
_MAKE_TIMEOUT = 900


@dataclass
class Cluster:
    """A running cluster as cluster.json describes it."""

    directory: Path
    url: str
    nodes: list[dict]
    start_seconds: float

    def node_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.nodes[index]['port']}/solr"


def start_cluster(directory: Path) -> Cluster:
    """``make cluster CLUSTER_DIR=directory``, then its cluster.json."""
    started = time.perf_counter()
    run = _make("cluster", directory)
    if run.returncode != 0:
        pytest.fail(f"make cluster failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    info = json.loads((directory / "cluster.json").read_text(encoding="utf-8"))
    return Cluster(directory, info["url"], info["nodes"], time.perf_counter() - started)


def stop_cluster(cluster: Cluster) -> None:
    _make("cluster-down", cluster.directory)


def _make(target: str, directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", target, f"CLUSTER_DIR={directory}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=_MAKE_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("cluster"))
    print(f"\nSolr cluster started in {cluster.start_seconds:.1f} s at {cluster.url}")
    yield cluster
    stop_cluster(cluster)
