"""bench/bench_index.py without its FTS5 baseline (``--no-baseline``, for the 1M-section run):
our index is built and measured, nothing of FTS5 is built, served or printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench_support import run_bench

pytestmark = pytest.mark.slow


def test_no_baseline_measures_ours_only(shared_dir: Path, tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    done = run_bench(
        "bench_index.py",
        "--sections", "0", "--per-kind", "3", "--no-baseline", "--slowest", "1",
        "--workdir", str(tmp_path), "--json", str(figures_file),
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    [corpus] = json.loads(figures_file.read_text(encoding="utf-8"))
    for name in ("build_s", "build_cpu_s", "size_mb", "cold_ms", "serving_mb"):
        assert list(corpus[name]) == ["ours"], name
    assert corpus["build_s"]["ours"] > 0 and corpus["size_mb"]["ours"] > 0
    for kind, samples in corpus["kinds"].items():
        assert len(samples["ours_first"]) == len(samples["ours_repeat"]) == 3, kind
        assert not any(name.startswith("fts") for name in samples), kind
    assert not (tmp_path / "corpus" / "fts.sqlite3").exists()
    assert "fts5" not in done.stdout
    assert "term      3" in done.stdout  # the latency table of ours alone
