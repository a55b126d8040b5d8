"""A damaged index is found, explained and repaired; a command never silently wipes the index;
deleted documents are purged."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cppcc_search.errors import DataLossRefused
from cppcc_search.settings import DataPaths
from indexer.errors import DocumentsError, IndexDamagedError
from indexer.index.build import PURGE_SHARE, check_index, index_documents
from indexer.index.generations import read_pointer
from indexer.index.manifest import MANIFEST_NAME
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest
from tests.indexer.reports import build_index, corpus_reports, write_reports


def generation(paths: DataPaths) -> Path:
    return paths.index_dir / read_pointer(paths.index_dir)


def first(gen: Path, pattern: str) -> Path:
    return sorted(gen.glob(pattern))[0]


def truncate_postings(gen: Path) -> str:
    path = first(gen, "*.pst")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path.name


def remove_stored_fields(gen: Path) -> str:
    path = first(gen, "*._stored.col")
    path.unlink()
    return path.name


def zero_postings(gen: Path) -> str:
    path = first(gen, "*.pst")
    path.write_bytes(bytes(path.stat().st_size))
    return path.name


def zero_terms(gen: Path) -> str:
    path = first(gen, "*.trm")
    path.write_bytes(bytes(path.stat().st_size))
    return path.name


def scribble_toc(gen: Path) -> str:
    path = first(gen, "_MAIN_*.toc")
    data = bytearray(path.read_bytes())
    data[10:60] = b"x" * 50
    path.write_bytes(bytes(data))
    return path.name


DAMAGE: list[Callable[[Path], str]] = [
    truncate_postings,
    remove_stored_fields,
    zero_postings,
    zero_terms,
    scribble_toc,
]


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> list:
    return corpus_reports(shared_dir)


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
def test_damage_is_reported_explained_and_repaired(data_paths, corpus, damage):
    build_index(data_paths, corpus[:6])
    with SearchService.open(data_paths) as service:
        expected = service.search(SearchRequest(query="人民")).to_dict()
    damaged_file = damage(generation(data_paths))

    health = check_index(data_paths)
    assert not health.ok and damaged_file in health.format_line()
    assert "`cppcc-search index` repairs it" in health.format_line()
    with (
        pytest.raises(IndexDamagedError, match="`cppcc-search index` checks and repairs it"),
        SearchService.open(data_paths) as service,
    ):
        for query in ("人民", "发展经济", "economy", ""):
            service.search(SearchRequest(query=query))

    messages: list[str] = []
    summary = index_documents(data_paths, workers=0, progress=messages.append)
    assert summary.rebuilt
    assert any("rebuilding it" in message for message in messages)
    assert check_index(data_paths).ok
    with SearchService.open(data_paths) as service:
        assert service.search(SearchRequest(query="人民")).to_dict() == expected


def test_a_healthy_index_says_so(data_paths, corpus):
    build_index(data_paths, corpus[:3])
    health = check_index(data_paths)
    assert health.ok and health.files > 10
    assert "is healthy" in health.format_line()
    manifest = json.loads((generation(data_paths) / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["reports"] == 3 and all(
        len(f["sha256"]) == 64 for f in manifest["files"].values()
    )


def test_an_index_without_a_manifest_is_from_an_older_version_and_rebuilt(data_paths, corpus):
    build_index(data_paths, corpus[:3])
    (generation(data_paths) / MANIFEST_NAME).unlink()
    messages: list[str] = []
    assert index_documents(data_paths, workers=0, progress=messages.append).rebuilt
    assert any("older version" in message for message in messages)


@pytest.mark.parametrize("content", ["", "\n  \n\t\n"], ids=["empty", "whitespace"])
def test_an_empty_documents_file_is_an_error_and_the_index_stays(data_paths, corpus, content):
    build_index(data_paths, corpus[:4])
    before = read_pointer(data_paths.index_dir)
    data_paths.documents.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentsError, match="holds no reports"):
        index_documents(data_paths, workers=0)
    assert read_pointer(data_paths.index_dir) == before and check_index(data_paths).ok


def test_a_truncated_last_line_is_an_error_with_its_line_number(data_paths, corpus):
    build_index(data_paths, corpus[:4])
    text = data_paths.documents.read_text("utf-8")
    data_paths.documents.write_text(text[: len(text) - 200], encoding="utf-8")
    with pytest.raises(DocumentsError, match=r"documents.jsonl:4: "):
        index_documents(data_paths, workers=0)
    with SearchService.open(data_paths) as service:
        assert service.stats().reports == 4


def test_dropping_more_than_half_of_the_reports_needs_force(data_paths, corpus):
    build_index(data_paths, corpus[:6])
    write_reports(data_paths, corpus[:2])  # four of six would go
    with pytest.raises(DataLossRefused, match="drop 4 of the 6 indexed reports"):
        index_documents(data_paths, workers=0)
    with pytest.raises(DataLossRefused):
        index_documents(data_paths, rebuild=True, workers=0)
    with SearchService.open(data_paths) as service:
        assert service.stats().reports == 6
    write_reports(data_paths, corpus[:3])  # three of six: half is allowed
    assert index_documents(data_paths, workers=0).deleted == 3
    write_reports(data_paths, corpus[:1])
    assert index_documents(data_paths, workers=0, force=True).deleted == 2


def test_a_damaged_index_still_guards_against_loss_by_its_manifest(data_paths, corpus):
    build_index(data_paths, corpus[:6])
    zero_postings(generation(data_paths))
    write_reports(data_paths, corpus[:1])
    with pytest.raises(DataLossRefused, match="drop 5 of the 6"):
        index_documents(data_paths, workers=0)


def revised(report, number: int):
    last = report.sections[-1]
    text = f"{last.text}（第{number}次修订）"
    return dataclasses.replace(
        report, sections=[*report.sections[:-1], dataclasses.replace(last, text=text)]
    )


def test_updates_that_replace_most_reports_purge_the_deleted_documents(data_paths, corpus):
    reports = corpus[:40]
    build_index(data_paths, reports)
    write_reports(data_paths, [revised(r, 1) if n < 4 else r for n, r in enumerate(reports)])
    assert not index_documents(data_paths, workers=0).rebuilt  # a few replaced: an update
    messages: list[str] = []
    write_reports(data_paths, [revised(r, 2) for r in reports])
    summary = index_documents(data_paths, workers=0, progress=messages.append)
    assert summary.rebuilt and any("purge" in message for message in messages)
    with SearchService.open(data_paths) as service:
        live = sum(len(r.sections) + 1 for r in reports)
        assert service._generation.index.doc_count_all() <= live / (1 - PURGE_SHARE)
        assert service.search(SearchRequest(query="第2次修订")).total == len(reports)
