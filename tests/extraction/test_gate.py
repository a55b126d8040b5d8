"""The extraction quality gate runs as a script, prints its figures and passes its floors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_extraction_gate_passes(repo_root: Path, shared_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "extraction_gate.py"), str(shared_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gov_zh.heading_f1" in done.stdout and "real_html.title" in done.stdout
    assert "extraction gate: pass" in done.stdout


def test_extraction_gate_fails_without_its_data(repo_root: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "extraction_gate.py"), str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "missing" in done.stderr
