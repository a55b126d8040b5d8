"""The document model shared by extraction, indexing and the web app.

One report per line in ``documents.jsonl``; its JSON is ``dataclasses.asdict`` of :class:`Report`.
The field list is a contract (see ``docs/contracts.md``): add nothing here without updating it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from cppcc_search.errors import CppccSearchError

PART_KINDS = ("review", "plan", "other")
LEVELS = ("national", "provincial", "municipal", "county")
LANGUAGES = ("zh", "en")
DOC_TYPES = (
    "work report",
    "proposal work report",
    "government work report",
    "resolution",
    "news",
    "other",
)
# The document types that are reports (a body's own text), not news about one.
REPORT_TYPES = DOC_TYPES[:4]
# Who issues reports: a CPPCC committee, a people's government, a people's congress, a Party
# committee, or a body this product cannot place (docs/bodies.md).
BODY_KINDS = ("cppcc", "government", "npc", "party", "other")


@dataclass
class Section:
    """One heading of a report and the text under it, up to the next heading."""

    ordinal: int
    level: int
    title: str | None
    part: str | None
    part_kind: str
    period_year: int | None
    text: str
    kind: str | None = None  # the section kind (cppcc_search.kinds); None when untitled
    # The first year of a part that covers several ("过去五年", "2018—2022年"); null for one year.
    # Last, with a default, so documents written before it existed still read.
    period_start: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        """A section from its JSON (TypeError naming the field when a value has the wrong type)."""
        data = _object(data, "a section")
        return cls(
            ordinal=_whole(data, "ordinal"),
            level=_whole(data, "level"),
            title=_optional_text(data, "title"),
            part=_optional_text(data, "part"),
            part_kind=_optional_text(data, "part_kind") or "other",
            period_year=_optional_whole(data, "period_year"),
            text=_optional_text(data, "text") or "",
            kind=_optional_text(data, "kind"),
            period_start=_optional_whole(data, "period_start"),
        )


@dataclass
class Report:
    """A published report (or article) and its sections in document order."""

    id: str
    url: str
    urls: list[str]
    title: str
    date: str | None
    year: int | None
    language: str
    doc_type: str
    committee: str | None
    level: str | None
    speaker: str | None
    meeting_date: str | None
    encoding: str | None
    # The issuing body (cppcc_search.bodies); files written before bodies existed read as
    # None and [].
    body_id: str | None = None
    body_kind: str | None = None
    body_name: str | None = None  # in Chinese for a known body; as written (or a host) if not
    region: list[str] = field(default_factory=list)
    series_id: str | None = None
    versions: list[str] = field(default_factory=list)  # the same report in other languages
    sections: list[Section] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A report from its JSON (TypeError, naming the field, when a value has the wrong type;
        KeyError when ``id`` or ``url`` is missing)."""
        data = _object(data, "a report")
        url = _text(data, "url")
        sections = data.get("sections") or []
        if not isinstance(sections, list):
            raise TypeError(f"sections is {_kind(sections)}, not a list")
        return cls(
            id=_text(data, "id"),
            url=url,
            urls=_text_list(data, "urls") or [url],
            title=_optional_text(data, "title") or "",
            date=_optional_text(data, "date"),
            year=_optional_whole(data, "year"),
            language=_optional_text(data, "language") or "zh",
            doc_type=_optional_text(data, "doc_type") or "other",
            committee=_optional_text(data, "committee"),
            level=_optional_text(data, "level"),
            speaker=_optional_text(data, "speaker"),
            meeting_date=_optional_text(data, "meeting_date"),
            encoding=_optional_text(data, "encoding"),
            body_id=_optional_text(data, "body_id"),
            body_kind=_optional_text(data, "body_kind"),
            body_name=_optional_text(data, "body_name"),
            region=_text_list(data, "region"),
            series_id=_optional_text(data, "series_id"),
            versions=_text_list(data, "versions"),
            sections=[_section(s, n) for n, s in enumerate(sections)],
        )

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives (lists copied, sections as dicts), built field by
        field: asdict deep-copies every value of every section through a recursive Python walk,
        twice a report when indexing (its record and its content hash)."""
        data = {name: _copied(getattr(self, name)) for name in _REPORT_FIELDS}
        data["sections"] = [
            {name: getattr(section, name) for name in _SECTION_FIELDS} for section in self.sections
        ]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    def body_text(self) -> str:
        """Titles plus texts of all sections: the whole report body."""
        parts: list[str] = []
        for section in self.sections:
            if section.title:
                parts.append(section.title)
            if section.text:
                parts.append(section.text)
        return "\n".join(parts)

    def content_hash(self) -> str:
        """A digest of everything the index stores, so a changed report is re-indexed."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()


# Every field of a section is a string, a number or None; a report's, those, lists of strings
# and its sections.
_SECTION_FIELDS = tuple(f.name for f in fields(Section))
_REPORT_FIELDS = tuple(f.name for f in fields(Report) if f.name != "sections")


def _copied(value: Any) -> Any:
    """A list copied (as asdict copies it, so the dict shares nothing mutable with the
    report), anything else as it is."""
    return list(value) if isinstance(value, list) else value


def _kind(value: Any) -> str:
    """How a JSON value reads to a person: "a list", "a number", "text"."""
    kinds = {
        str: "text",
        bool: "true or false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return kinds.get(type(value), "a list" if isinstance(value, list) else "an object")


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"{what} must be a JSON object, not {_kind(data)}")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    if key not in data:
        raise KeyError(key)
    value = data[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "id":
        return str(value)  # numeric ids read as their text
    if not isinstance(value, str):
        raise TypeError(f"{key} is {_kind(value)}, not text")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} is {_kind(value)}, not text")
    return value


def _optional_whole(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{key} is {_kind(value)}, not a whole number")
    return value


def _whole(data: dict[str, Any], key: str) -> int:
    value = _optional_whole(data, key)
    if value is None:
        raise KeyError(key)
    return value


def _text_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"{key} must be a list of text")
    return list(value)


def _section(data: Any, number: int) -> Section:
    try:
        return Section.from_dict(data)
    except (KeyError, TypeError) as error:
        detail = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise TypeError(f"section {number}: {detail}") from None


def read_documents(path: Path) -> Iterator[Report]:
    """Yield the reports of a ``documents.jsonl`` file, in file order.

    A line that is not a report raises DocumentsFileError naming the file, the line and, when
    it has one, the report's id; a truncated last line is such a line.
    """
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield parse_report_line(line, f"{path}:{line_number}")


def parse_report_line(line: str | bytes, where: str) -> Report:
    """One line of a documents file as a report; DocumentsFileError naming ``where`` (file and
    line) and, when it has one, the report's id, for a line that is not a report."""
    try:
        data = json.loads(line)
    except ValueError as error:
        whole = line.endswith(b"\n" if isinstance(line, bytes) else "\n")  # type: ignore[arg-type]
        cut = "" if whole else " (the line is cut short: a truncated file?)"
        raise DocumentsFileError(f"{where}: not JSON{cut}: {error}") from None
    report_id = data.get("id") if isinstance(data, dict) else None
    label = f"report {report_id!r}" if report_id is not None else "not a report"
    try:
        return Report.from_dict(data)
    except KeyError as error:
        raise DocumentsFileError(f"{where}: {label}: missing {error}") from None
    except (TypeError, ValueError) as error:
        raise DocumentsFileError(f"{where}: {label}: {error}") from None


def write_documents(path: Path, reports: Iterable[Report]) -> int:
    """Write reports as JSON lines atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".documents-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for report in reports:
                handle.write(report.to_json())
                handle.write("\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


class DocumentsFileError(CppccSearchError, ValueError):
    """A documents.jsonl line that is not a report."""
