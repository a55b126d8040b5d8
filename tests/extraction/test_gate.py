"""The extraction quality gate runs as a script, prints its figures and passes its floors."""

from __future__ import annotations

from pathlib import Path

from tests.bench_support import run_bench


def test_extraction_gate_passes(shared_dir: Path) -> None:
    done = run_bench("extraction_gate.py", str(shared_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gov_zh.heading_f1" in done.stdout and "real_html.title" in done.stdout
    assert "extraction gate: pass" in done.stdout


def test_extraction_gate_fails_without_its_data(tmp_path: Path) -> None:
    done = run_bench("extraction_gate.py", str(tmp_path / "none"), timeout=60)
    assert done.returncode == 2 and "missing" in done.stderr
