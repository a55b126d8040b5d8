"""Documents read as lines: the same reports as loading the file, the first of each id."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cppcc_search.models import DocumentsFileError, read_documents, write_documents
from indexer.index.generations import read_pointer
from indexer.index.parallel import vocabulary_text
from indexer.index.sources import document_lines
from indexer.index.vocabulary import VOCABULARY_NAME, build_vocabulary
from tests.indexer.reports import ENERGY_REPORTS, build_index, chinese_report


def test_lines_hold_the_reports_of_the_file_first_of_each_id(tmp_path):
    path = tmp_path / "documents.jsonl"
    odd_id = dataclasses.replace(ENERGY_REPORTS[0], id='say "hi" \\ 你好')
    again = dataclasses.replace(ENERGY_REPORTS[1], title="a second copy")
    write_documents(path, [*ENERGY_REPORTS, odd_id, again])
    # A line written with its keys in another order is found by parsing it.
    reordered = json.dumps(dict(reversed(list(chinese_report("zh", ["新能源"]).to_dict().items()))))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + reordered + "\n")
    lines, repeated = document_lines(path)
    assert repeated == 1
    assert [r.id for r in lines] == [r.id for r in ENERGY_REPORTS] + [odd_id.id, "zh"]
    assert list(lines)[: len(ENERGY_REPORTS)] == list(read_documents(path))[: len(ENERGY_REPORTS)]
    first, second = lines.part(0, 2), lines.part(2, len(lines))
    assert [r.id for r in first] + [r.id for r in second] == [r.id for r in lines]
    assert sum(lines.sizes()) < path.stat().st_size


def test_a_broken_line_names_its_line_number(tmp_path):
    path = tmp_path / "documents.jsonl"
    write_documents(path, ENERGY_REPORTS)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "x", "url": \n')
    lines, _ = document_lines(path)  # the id is found; the report is read later
    # Worded as read_documents words it (cppcc_search.models.parse_report_line).
    with pytest.raises(DocumentsFileError, match=rf":{len(ENERGY_REPORTS) + 1}: not JSON"):
        list(lines)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    with pytest.raises(DocumentsFileError, match=rf":{len(ENERGY_REPORTS) + 2}: not a report"):
        document_lines(path)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_rebuild_in_workers_counts_the_vocabulary_of_one_pass(data_paths, workers):
    reports = ENERGY_REPORTS * 3
    reports = [dataclasses.replace(r, id=f"{r.id}-{n}") for n, r in enumerate(reports)]
    build_index(data_paths, reports, rebuild=True, workers=workers)
    gen_dir = data_paths.index_dir / read_pointer(data_paths.index_dir)
    saved = json.loads((gen_dir / VOCABULARY_NAME).read_text(encoding="utf-8"))
    expected = build_vocabulary(map(vocabulary_text, reports))
    assert list(saved.items()) == list(expected.items())
