"""Each Whoosh internal the indexer relies on still means what indexer/whoosh_internals.py says.

Run on a new whoosh-reloaded release before raising its bound in pyproject.toml. The writing side
(TermWriter, write_term_blocks, abandon_document, latest_toc_generation) is checked byte for byte
against Whoosh's own writer in tests/indexer/index/test_segments.py.
"""

from __future__ import annotations

import gc
import mmap
import warnings
from importlib.metadata import version
from itertools import accumulate
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F
from whoosh.util.numeric import length_to_byte

from indexer import whoosh_internals as internals
from indexer.index.documents import report_documents
from indexer.index.schema import build_schema
from tests.indexer.reports import chinese_report, english_report, segment_per_report

REPORTS = [
    english_report("en", 2023, [("Energy", "review", "New energy. " * 300 + "Elderly care.")]),
    chinese_report(
        "zh", ["新能源汽车", "养老服务和新能源", ""], [None, "一、工作回顾", "二、任务"]
    ),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory):
    """An index of two reports written by Whoosh's own writer, with one document deleted, so
    the readers see deletions, several blocks and every column kind."""
    directory = tmp_path_factory.mktemp("whoosh")
    index = whoosh_index.create_in(str(directory), build_schema())
    writer = index.writer(compound=False)
    for report in REPORTS * 40:  # more postings than one block (128) holds
        for doc in report_documents(report):
            writer.add_document(**doc)
    writer.commit()
    writer = index.writer(compound=False)
    writer.delete_document(1)
    writer.commit()
    return whoosh_index.open_dir(str(directory))


def test_the_installed_release_is_the_one_pyproject_allows():
    assert version("whoosh-reloaded") == "2.7.5"


def walked(matcher) -> list[tuple[int, float, bytes]]:
    postings = []
    while matcher.is_active():
        postings.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return postings


@pytest.mark.parametrize(
    ("fieldname", "text"), [("body", "energi"), ("cjk", "能源"), ("kind", "section")]
)
def test_blocks_hold_what_walking_the_matcher_finds(ix, fieldname, text):
    with ix.reader() as reader:
        btext = ix.schema[fieldname].to_bytes(text)
        matcher, deleted = internals.live_matcher(reader, reader.postings(fieldname, btext))
        refs = internals.posting_blocks(reader, matcher)
        assert refs is not None
        from_blocks = []
        for ref in refs:
            deltas, stored = internals.read_block(reader, ref)
            ids = list(accumulate(deltas))
            assert len(ids) == ref.count and ids[-1] == ref.last
            weights = [1.0] * ref.count if stored is None else stored
            if isinstance(stored, float):
                weights = [stored] * ref.count
            from_blocks += zip(ids, map(float, weights), strict=True)
        expected = walked(reader.postings(fieldname, btext))
        walked_ids, walked_weights = internals.walk_postings(reader.postings(fieldname, btext))
    assert deleted == frozenset({1})
    assert len(refs) > 1 or fieldname != "kind"  # 160 sections: two blocks
    live = [(doc, w) for doc, w in from_blocks if doc not in deleted]
    assert live == [(doc, float(w)) for doc, w, _ in expected]
    assert list(zip(walked_ids, walked_weights, strict=True)) == [(d, w) for d, w, _ in expected]
    assert len(from_blocks) == len(expected) + (1 if any(d == 1 for d, _ in from_blocks) else 0)


def test_length_bytes_are_the_lengths_the_scorer_reads(ix):
    with ix.reader() as reader:
        for fieldname in ("body", "cjk", "section_title"):
            raw = internals.field_length_bytes(reader, fieldname)
            assert raw is not None and len(raw) == reader.doc_count_all()
            for doc in range(reader.doc_count_all()):
                assert raw[doc] == length_to_byte(reader.doc_field_length(doc, fieldname, 0))


def test_a_mapped_column_file_holds_the_column_values(ix):
    with ix.reader() as reader:
        column = reader.column_reader("cjk", translate=False)
        path, base, offsets, lengths = internals.varbytes_column_file(reader, "cjk", column)
        assert Path(path).is_file()
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            for doc in range(reader.doc_count_all()):
                start = base + offsets[doc]
                assert mapped[start : start + lengths[doc]] == column[doc]
            mapped.close()


def test_a_column_that_is_not_a_plain_file_is_refused(ix):
    with ix.reader() as reader:
        stored = reader.column_reader("year")  # a numeric column, not VarBytes
        with pytest.raises(LookupError):
            internals.varbytes_column_file(reader, "year", stored)


def test_bm25f_field_b_and_toc_generation(ix):
    plain, per_field = BM25F(B=0.6), BM25F(B=0.6, body_B=0.3)
    assert not internals.has_field_b(plain) and internals.field_b(plain, "body") == 0.6
    assert internals.has_field_b(per_field) and internals.field_b(per_field, "body") == 0.3
    assert internals.latest_toc_generation(FileStorage(ix.storage.folder), "MAIN") == 2
    assert internals.latest_toc_generation(FileStorage(ix.storage.folder), "OTHER") == -1


def two_segment_index(directory: Path):
    """An index of two segments (two commits, no merging), files outside a compound file."""
    return segment_per_report(directory, REPORTS)


def test_open_searcher_reads_every_segment(tmp_path):
    index = two_segment_index(tmp_path)
    with internals.open_searcher(index) as searcher, index.searcher() as whooshs:
        assert len(searcher.reader().leaf_readers()) == 2
        assert searcher.doc_count() == whooshs.doc_count()
        assert searcher.up_to_date()


def test_a_segment_gone_mid_open_leaves_no_file_open(tmp_path):
    """Whoosh's own reader() would retry and leave the first segment's terms file to a later
    garbage collection (a ResourceWarning, an error under this suite's filters); ours closes it
    and raises, so the caller opens the index again."""
    index = two_segment_index(tmp_path)
    segments = index._read_toc().segments
    for path in tmp_path.glob(f"*{segments[1].segment_id()}*"):
        path.unlink()  # as a merge by another writer removes a segment it merged away
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(FileNotFoundError):
            internals.open_searcher(index)
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_the_terms_table_takes_terms_only_in_increasing_byte_order(tmp_path):
    """TermWriter.add_terms writes Whoosh's ordered terms table without its per-key checks: it
    refuses what OrderedHashWriter.add would refuse (tests/indexer/index/test_segments.py
    compares what it writes with Whoosh's own files)."""
    schema = build_schema()
    whoosh_index.create_in(str(tmp_path), schema)
    storage = FileStorage(str(tmp_path))
    codec = internals.W3Codec()
    writer = internals.TermWriter(codec, storage, codec.new_segment(storage, "MAIN"))
    writer.start_field("kind", schema["kind"])
    info = bytes(internals.TERM_INFO.itemsize)
    with pytest.raises(ValueError, match="increasing"):
        writer.add_terms([b"report", b"part"], info * 2)
    writer.add_terms([b"part", b"report"], info * 2)
    with pytest.raises(ValueError, match="increasing"):
        writer.add_terms([b"report"], info)  # not after the last one added
    with pytest.raises(ValueError, match="term infos"):
        writer.add_terms([b"section"], info * 2)
    writer.finish_field()
    writer.close()


@pytest.mark.parametrize("name", ["kind", "report_id", "committee", "cjk"])
def test_a_varbytes_column_read_at_once_holds_what_iterating_it_gives(ix, name):
    with ix.reader() as reader:
        for sub, _ in reader.leaf_readers():
            raw = sub.column_reader(name, translate=False)
            assert internals.varbytes_values(raw) == list(raw)
            translated = sub.column_reader(name)  # what indexer.index.columns reads
            assert internals.varbytes_values(translated) == list(raw)
            assert len(list(raw)) == sub.doc_count_all() and any(list(raw))


def test_a_column_of_another_kind_is_not_read_as_varbytes(ix):
    with ix.reader() as reader:
        sub = next(iter(reader.leaf_readers()))[0]
        assert internals.varbytes_values(sub.column_reader("year")) is None
