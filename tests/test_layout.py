"""The layout's rules, checked: imports go one way.

- The crawler writes the archive (crawl imports captures); extraction and the web app read it
  through captures and never import crawl; the read side carries no HTTP code.
- The index and the search service meet only at the schema and the on-disk format; only the
  indexer imports Whoosh, and only indexer/whoosh_internals.py reaches into its private parts.
- No first-party import hides behind try/except.
"""

from __future__ import annotations

import ast
import re
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


# What the search service may import from the index: its schema and the on-disk format.
SEARCH_MAY_IMPORT = {
    "indexer.index.schema",
    "indexer.index.analysis",
    "indexer.index.documents",
    "indexer.index.generations",
    "indexer.index.columns",
    "indexer.index.vocabulary",
    "indexer.index.bodies",  # bodies.json, written beside each generation
    "indexer.index.spans",  # the word fields' packed positions, decoded for word phrases
    "indexer.index.sketch",  # the trigram sketches' layout, read to rule candidates out
}


def _package_imports(repo_root: Path, package: str) -> list[tuple[Path, str]]:
    return [
        (path, name)
        for path in sorted((repo_root / package).rglob("*.py"))
        for name in _imports(_tree(path))
    ]


def test_the_index_never_imports_the_search_service(repo_root: Path) -> None:
    for path, name in _package_imports(repo_root, "indexer/index"):
        assert not name.startswith("indexer.search"), f"{path} imports {name}"


def test_the_search_service_imports_only_the_schema_and_format_of_the_index(
    repo_root: Path,
) -> None:
    for path, name in _package_imports(repo_root, "indexer/search"):
        if name.startswith("indexer.index"):
            assert name in SEARCH_MAY_IMPORT, f"{path} imports {name}"


@pytest.mark.parametrize("package", ["captures", "crawl", "extraction", "webapp", "cppcc_search"])
def test_only_the_indexer_imports_whoosh(repo_root: Path, package: str) -> None:
    for path, name in _package_imports(repo_root, package):
        assert not _banned(name, ("whoosh",)), f"{path} imports {name}"


def test_the_web_app_reads_the_index_only_through_the_search_service(repo_root: Path) -> None:
    for path, name in _package_imports(repo_root, "webapp"):
        assert not name.startswith("indexer.index"), f"{path} imports {name}"


# A read of an attribute with a leading underscore, except from self or cls (our own objects)
# and os._exit.
_PRIVATE_ACCESS = re.compile(r"\._[a-z]\w*")
_OWN = re.compile(r"(?:\bself|\bcls|\bos)$")


def _private_reads(line: str) -> list[str]:
    code = line.split("#")[0]
    return [m.group() for m in _PRIVATE_ACCESS.finditer(code) if not _OWN.search(code[: m.start()])]


def test_only_the_internals_module_reads_private_whoosh_attributes(repo_root: Path) -> None:
    found = []
    for path in sorted((repo_root / "indexer").rglob("*.py")):
        if path.name == "whoosh_internals.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if _private_reads(line):
                found.append(f"{path.relative_to(repo_root)}:{number}: {line.strip()}")
    assert found == []
