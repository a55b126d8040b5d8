"""Imports go one way: the crawler writes the archive (crawl imports captures); extraction and the
web app read it through captures and never import crawl; the read side carries no HTTP code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ("captures", "cppcc_search", "crawl", "extraction", "indexer", "webapp", "demo")


def _imports(node: ast.AST) -> set[str]:
    """The absolute module names imported anywhere inside ``node``."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            names.update(alias.name for alias in child.names)
        elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
            names.add(child.module)
    return names


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def _banned(name: str, forbidden: tuple[str, ...]) -> bool:
    """Whether module ``name`` is one of ``forbidden`` or inside a forbidden package."""
    return name in forbidden or name.split(".")[0] in forbidden


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("captures", ("crawl", "http", "socket", "ssl", "urllib.request")),
        ("extraction", ("crawl",)),
        ("webapp", ("crawl",)),
    ],
)
def test_readers_of_the_archive_do_not_import_the_crawler(
    repo_root: Path, package: str, forbidden: tuple[str, ...]
) -> None:
    for path in sorted((repo_root / package).rglob("*.py")):
        for name in _imports(_tree(path)):
            assert not _banned(name, forbidden), f"{path.relative_to(repo_root)} imports {name}"


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        ("captures.store, captures.encoding, extraction.pipeline", ("crawl", "http.client")),
        ("webapp.views.archive", ("crawl",)),  # the web server itself needs http.client
    ],
)
def test_reading_captures_loads_no_crawler(
    repo_root: Path, modules: str, forbidden: tuple[str, ...]
) -> None:
    probe = f"import sys, {modules}\nprint(*sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo_root, capture_output=True, text=True, check=True
    )
    assert [name for name in done.stdout.split() if _banned(name, forbidden)] == []


def test_no_first_party_import_hides_behind_try_except(repo_root: Path) -> None:
    """A missing module of ours is a bug to see, not something to serve around."""
    for package in PACKAGES:
        for path in sorted((repo_root / package).rglob("*.py")):
            for node in ast.walk(_tree(path)):
                if not isinstance(node, ast.Try):
                    continue
                guarded = set().union(*(_imports(stmt) for stmt in node.body))
                ours = {name for name in guarded if name.split(".")[0] in PACKAGES}
                assert not ours, f"{path.relative_to(repo_root)}: try/except around {ours}"
