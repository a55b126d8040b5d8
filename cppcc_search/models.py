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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(
            ordinal=int(data["ordinal"]),
            level=int(data["level"]),
            title=data.get("title"),
            part=data.get("part"),
            part_kind=data.get("part_kind") or "other",
            period_year=data.get("period_year"),
            text=data.get("text") or "",
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
    sections: list[Section] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            id=str(data["id"]),
            url=data["url"],
            urls=list(data.get("urls") or [data["url"]]),
            title=data.get("title") or "",
            date=data.get("date"),
            year=data.get("year"),
            language=data.get("language") or "zh",
            doc_type=data.get("doc_type") or "other",
            committee=data.get("committee"),
            level=data.get("level"),
            speaker=data.get("speaker"),
            meeting_date=data.get("meeting_date"),
            encoding=data.get("encoding"),
            sections=[Section.from_dict(s) for s in data.get("sections") or []],
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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


def read_documents(path: Path) -> Iterator[Report]:
    """Yield the reports of a ``documents.jsonl`` file, in file order."""
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield Report.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as error:
                raise DocumentsFileError(f"{path}:{line_number}: not a report: {error}") from error


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


class DocumentsFileError(ValueError):
    """A documents.jsonl line that is not a report."""
