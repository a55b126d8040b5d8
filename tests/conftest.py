"""Fixtures shared by every test module: where the repo and ../shared are, and a fresh data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from cppcc_search.settings import DataPaths

# No per-example deadline: on a shared, noisy machine a first example that imports numpy or loads
# jieba's dictionary can take seconds, and speed is measured by bench/, never by tests.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``: real data, read in place and never copied into the project."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"../shared is absent ({SHARED_DIR}); these tests read its real data")
    return SHARED_DIR


@pytest.fixture
def data_paths(tmp_path: Path) -> DataPaths:
    """An empty data directory for one test."""
    return DataPaths(tmp_path / "data").ensure()
