"""The document model read back from documents.jsonl: every wrong value named by line and report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cppcc_search.models import DocumentsFileError, Report, Section, read_documents, write_documents

GOOD = Report(
    id="r1",
    url="http://x.cn/a.html",
    urls=["http://x.cn/a.html"],
    title="报告",
    date="2024-01-02",
    year=2024,
    language="zh",
    doc_type="work report",
    committee=None,
    level=None,
    speaker=None,
    meeting_date=None,
    encoding="utf-8",
    sections=[Section(0, 0, None, None, "other", None, "正文")],
)


def written(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "documents.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_reports_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "documents.jsonl"
    write_documents(path, [GOOD, GOOD])
    assert list(read_documents(path)) == [GOOD, GOOD]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ["a", "list"]}, r":2: report 'r1': title is a list, not text"),
        ({"year": "2024"}, r":2: report 'r1': year is text, not a whole number"),
        ({"year": True}, r":2: report 'r1': year is true or false, not a whole number"),
        ({"sections": {"0": {}}}, r":2: report 'r1': sections is an object, not a list"),
        ({"sections": [{"ordinal": 0}]}, r":2: report 'r1': section 0: missing 'level'"),
        ({"sections": [1]}, r":2: report 'r1': section 0: a section must be a JSON object"),
        ({"urls": "http://x.cn/a.html"}, r":2: report 'r1': urls must be a list of text"),
        ({"url": None}, r":2: report 'r1': url is null, not text"),
    ],
)
def test_a_wrongly_typed_field_names_the_line_the_report_and_the_field(
    tmp_path: Path, change: dict, message: str
) -> None:
    bad = {**GOOD.to_dict(), **change}
    path = written(tmp_path, [GOOD.to_json() + "\n", json.dumps(bad, ensure_ascii=False) + "\n"])
    with pytest.raises(DocumentsFileError, match=message):
        list(read_documents(path))


def test_a_truncated_last_line_says_so_with_its_number(tmp_path: Path) -> None:
    line = GOOD.to_json()
    path = written(tmp_path, [line + "\n", line + "\n", line[: len(line) // 2]])
    with pytest.raises(DocumentsFileError, match=r"documents.jsonl:3: not JSON \(the line is cut"):
        list(read_documents(path))


def test_a_line_that_is_no_object_is_not_a_report(tmp_path: Path) -> None:
    path = written(tmp_path, ["[1, 2]\n"])
    with pytest.raises(
        DocumentsFileError, match=r":1: not a report: a report must be a JSON object"
    ):
        list(read_documents(path))


def test_older_files_without_optional_fields_still_read(tmp_path: Path) -> None:
    minimal = {"id": 7, "url": "http://x.cn/b.html", "sections": [{"ordinal": 0, "level": 0}]}
    path = written(tmp_path, [json.dumps(minimal) + "\n"])
    (report,) = read_documents(path)
    assert report.id == "7" and report.urls == ["http://x.cn/b.html"]
    assert report.language == "zh" and report.sections[0].text == ""


def test_a_file_written_before_bodies_and_kinds_still_reads(tmp_path: Path) -> None:
    old = GOOD.to_dict()
    for name in ("body_id", "body_kind", "body_name", "region", "series_id", "versions"):
        del old[name]
    del old["sections"][0]["kind"]
    (report,) = read_documents(written(tmp_path, [json.dumps(old, ensure_ascii=False) + "\n"]))
    assert (report.body_id, report.body_kind) == (None, None)
    assert (report.region, report.versions) == ([], [])
    assert report.sections[0].kind is None


def test_body_fields_of_the_wrong_type_are_named(tmp_path: Path) -> None:
    bad = GOOD.to_dict() | {"region": "江苏省"}
    with pytest.raises(DocumentsFileError, match="region must be a list of text"):
        list(read_documents(written(tmp_path, [json.dumps(bad, ensure_ascii=False) + "\n"])))
