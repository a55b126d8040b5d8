"""A real index in both languages, shared by the search tests that need one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from extraction.pipeline import extract_page
from tests.extraction.support import CHANGZHOU_URL, render_changzhou_page
from tests.indexer.reports import ENERGY_REPORTS, build_index, corpus_reports


@pytest.fixture(scope="session")
def mixed_reports(shared_dir: Path) -> list[Report]:
    """The 72 real Chinese reports, the real English Changzhou report and small English ones."""
    changzhou = extract_page(render_changzhou_page(shared_dir), CHANGZHOU_URL).report
    assert changzhou is not None and changzhou.language == "en"
    return [*corpus_reports(shared_dir), changzhou, *ENERGY_REPORTS]


@pytest.fixture(scope="session")
def mixed_paths(mixed_reports: list[Report], tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("mixed") / "data").ensure()
    build_index(paths, mixed_reports)
    return paths
