"""The direct segment writer produces what Whoosh's own writer does for the same documents."""

from __future__ import annotations

import dataclasses
from array import array
from pathlib import Path
from pickle import loads

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from cppcc_search.models import Report
from indexer.index import schema
from indexer.index.documents import report_documents
from indexer.index.schema import build_schema
from indexer.index.segments import (
    WHOOSH_BLOCK,
    _pickled_values,
    build_segments,
    commit_segments,
)
from indexer.whoosh_internals import _block_pickle, posting_blocks
from tests.indexer.reports import chinese_report, corpus_reports, english_report

SEGMENT_EXTENSIONS = (".pst", ".trm")


def sample_reports(shared_dir: Path) -> list[Report]:
    chinese = corpus_reports(shared_dir)[:4]
    english = english_report(
        "en-1",
        2023,
        [
            (
                "I. Work review",
                "review",
                "New energies and new energy vehicles. Elderly care, care.",
            ),
            ("II. Main tasks", "tasks", "The main tasks: energy, ecology; the elderly."),
        ],
    )
    sparse = dataclasses.replace(
        chinese_report(
            "sparse", ["", "，。！ 2024 ...新能源"], [None, "一、标题"], title="无委员会的报告"
        ),
        date=None,
        year=None,
        committee=None,
        level=None,
    )
    return [*chinese, english, sparse]


def documents(reports: list[Report]) -> list[dict]:
    return [doc for report in reports for doc in report_documents(report)]


def whoosh_built(directory: Path, docs: list[dict]) -> None:
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = ix.writer(compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()


def directly_built(
    directory: Path, docs: list[dict], limit_bytes: int = 1 << 40, whoosh_bytes: bool = False
) -> list:
    schema = build_schema()
    whoosh_index.create_in(str(directory), schema)
    storage = FileStorage(str(directory))
    segments = build_segments(storage, schema, iter(docs), limit_bytes, whoosh_bytes)
    commit_segments(storage, schema, segments)
    return segments


def index_contents(directory: Path) -> dict:
    """Everything a reader can see: terms with statistics and postings, stored fields, columns."""
    ix = whoosh_index.open_dir(str(directory))
    schema = ix.schema
    with ix.reader() as reader:
        contents: dict = {"doc_count": reader.doc_count_all(), "terms": {}, "columns": {}}
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            matcher = reader.postings(fieldname, tbytes)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            contents["terms"][(fieldname, tbytes)] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
                postings,
            )
        contents["stored"] = list(reader.all_stored_fields())
        contents["lengths"] = {
            name: (
                reader.field_length(name),
                [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())],
            )
            for name in schema.scorable_names()
        }
        for name in schema.names():
            if schema[name].column_type and reader.has_column(name):
                contents["columns"][name] = list(reader.column_reader(name))
    return contents


def segment_files(directory: Path) -> dict[str, bytes]:
    return {
        path.suffix: path.read_bytes()
        for path in directory.iterdir()
        if path.suffix in SEGMENT_EXTENSIONS
    }


@pytest.fixture(scope="module")
def docs(shared_dir: Path) -> list[dict]:
    return documents(sample_reports(shared_dir))


def test_same_postings_statistics_stored_fields_and_columns(tmp_path, docs):
    (tmp_path / "whoosh").mkdir()
    whoosh_built(tmp_path / "whoosh", docs)
    (tmp_path / "direct").mkdir()
    directly_built(tmp_path / "direct", docs)
    expected = index_contents(tmp_path / "whoosh")
    found = index_contents(tmp_path / "direct")
    assert found["doc_count"] == expected["doc_count"] == len(docs)
    assert found["terms"].keys() == expected["terms"].keys()
    for key, value in expected["terms"].items():
        assert found["terms"][key] == value, key
    assert found["stored"] == expected["stored"]
    assert found["lengths"] == expected["lengths"]
    assert found["columns"] == expected["columns"]
    assert len(expected["terms"]) > 1000 and expected["columns"]


def test_posting_and_term_files_are_byte_identical_when_asked_for_whoosh_bytes(
    tmp_path, docs, monkeypatch
):
    """Whoosh compresses every block and stores float weights; asked to do the same, the
    writer's files are Whoosh's.

    Without the analysis kept for repeated titles: Whoosh's writer would then hold the same
    value object for every section of a report, which pickle writes once and refers back to.
    """
    monkeypatch.setattr(schema, "_SHORT_TEXT", 0)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "direct").mkdir()
    whoosh_built(tmp_path / "whoosh", docs)
    directly_built(tmp_path / "direct", docs, whoosh_bytes=True)
    expected = segment_files(tmp_path / "whoosh")
    assert expected.keys() == set(SEGMENT_EXTENSIONS)
    assert segment_files(tmp_path / "direct") == expected


def test_compressed_blocks_and_stored_fields_read_as_whooshs_own(tmp_path):
    """Blocks of WHOOSH_BLOCK postings or more, and every document's stored fields, are
    compressed by FAST_DEFLATE (ISA-L), not Whoosh's zlib: Whoosh reads them all the same."""
    sections = [
        (f"Part {i}", "review", f"Energy and care, section {i}: new energy vehicles {i % 7}.")
        for i in range(3 * WHOOSH_BLOCK)
    ]
    docs = documents([english_report("en-many", 2023, sections)])
    (tmp_path / "whoosh").mkdir()
    whoosh_built(tmp_path / "whoosh", docs)
    (tmp_path / "direct").mkdir()
    directly_built(tmp_path / "direct", docs)
    assert index_contents(tmp_path / "direct") == index_contents(tmp_path / "whoosh")
    ix = whoosh_index.open_dir(str(tmp_path / "direct"))
    with ix.reader() as reader:
        refs = posting_blocks(reader, reader.postings("body", b"energi"))
    assert refs and all(ref.compressed for ref in refs)


def test_a_memory_limit_splits_the_documents_into_segments_in_order(tmp_path, docs):
    (tmp_path / "one").mkdir()
    (tmp_path / "split").mkdir()
    directly_built(tmp_path / "one", docs)
    segments = directly_built(tmp_path / "split", docs, limit_bytes=200_000)
    assert len(segments) > 2
    assert sum(segment.doc_count_all() for segment in segments) == len(docs)
    one, split = index_contents(tmp_path / "one"), index_contents(tmp_path / "split")
    assert split["stored"] == one["stored"]  # same documents, same order
    assert split["terms"].keys() == one["terms"].keys()
    for key, value in one["terms"].items():
        assert [p[0] for p in split["terms"][key][-1]] == [p[0] for p in value[-1]], key


def test_no_documents_make_an_empty_index(tmp_path):
    (tmp_path / "empty").mkdir()
    assert directly_built(tmp_path / "empty", []) == []
    ix = whoosh_index.open_dir(str(tmp_path / "empty"))
    assert ix.doc_count_all() == 0


def test_a_resident_budget_ends_a_segment_before_writing_it_would_pass_the_limit(monkeypatch):
    from types import SimpleNamespace

    from indexer.index import segments

    mb = 2**20
    held = {"resident": 700 * mb}
    monkeypatch.setattr(segments, "resident_bytes", lambda: held["resident"])
    budget = segments.ResidentBudget(1536 * mb)
    builder = SimpleNamespace(memory_bytes=800 * mb)

    def checks() -> list[bool]:
        return [budget.full(builder) for _ in range(segments.ResidentBudget.CHECK_EVERY)]

    assert not any(checks())  # 700 MB held + 800 MB to write: under 1.5 GB
    held["resident"] = 800 * mb
    assert sum(checks()) == 1  # checked once every CHECK_EVERY documents
    builder.memory_bytes = 10 * mb  # below the smallest segment: never ends it
    assert not any(checks())


def test_resident_bytes_reads_this_process():
    import resource

    from indexer.index.segments import resident_bytes

    now = resident_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert now is not None and 0 < now <= peak * 1.01


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.binary(max_size=300), max_size=40),
    picked=st.lists(st.integers(min_value=0, max_value=39), max_size=60),
    cut=st.integers(min_value=0, max_value=60),
)
def test_pickled_values_unpickle_as_the_tuple_of_each_blocks_values(values, picked, cut):
    """A block's values spliced from PickledValues are what pickling their bytes gives, for
    values of one-byte and four-byte lengths, in any order of the postings."""
    rows = np.array([row for row in picked if row < len(values)], dtype=np.int64)
    blob = np.frombuffer(b"".join(values), dtype=np.uint8)
    value_ends = np.cumsum([len(value) for value in values], dtype=np.uint64)
    pickled = _pickled_values(blob, value_ends, rows)
    wanted = [values[row] for row in rows.tolist()]
    cut = min(cut, len(wanted))
    for first, last in ((0, cut), (cut, len(wanted))):
        ids, weights = array("H", [1, 2]), None
        block = _block_pickle(ids, weights, pickled, first, last)
        assert loads(block) == (ids, weights, tuple(wanted[first:last]))
