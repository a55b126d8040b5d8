"""The reports an index writer reads: ``documents.jsonl`` as lines, each parsed where it is used.

A rebuild hands each worker process a share of the file's lines and the worker reads and parses
them itself, so the process that starts the workers never holds the reports: a forked worker's
resident memory counts every page its parent held, and the archive's text alone is gigabytes at
a million sections. Finding the lines takes one pass that reads each report's id only (its
first key, as ``cppcc_search.models.write_documents`` writes it; any other line is parsed), so a
repeated id keeps its first report, as when the whole file is loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cppcc_search.models import DocumentsFileError, Report, parse_report_line

_ID_FIRST = re.compile(rb'\{"id": ("(?:[^"\\]|\\.)*")')


@dataclass(frozen=True)
class DocumentLines:
    """Some lines of a documents file: (line number, byte offset, byte length) each, in order,
    and the id of each line's report."""

    path: Path
    lines: tuple[tuple[int, int, int], ...]
    ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.lines)

    def sizes(self) -> list[int]:
        """Each report's size in bytes (analysis time follows it)."""
        return [length for _, _, length in self.lines]

    def part(self, start: int, end: int) -> DocumentLines:
        return DocumentLines(self.path, self.lines[start:end], self.ids[start:end])

    def __iter__(self) -> Iterator[Report]:
        """The reports, read and parsed one at a time (DocumentsFileError for a broken one)."""
        with self.path.open("rb") as handle:
            for number, offset, length in self.lines:
                handle.seek(offset)
                yield _report(self.path, number, handle.read(length))


def document_lines(path: Path) -> tuple[DocumentLines, int]:
    """The lines of a documents file holding reports (first of each id), and how many repeat
    an earlier id. Raises DocumentsFileError for a line that is not a report with an id."""
    lines = []
    ids: list[str] = []
    seen: set[str] = set()
    repeated = 0
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                report_id = _report_id(path, number, line)
                if report_id in seen:
                    repeated += 1
                else:
                    seen.add(report_id)
                    ids.append(report_id)
                    lines.append((number, offset, len(line)))
            offset += len(line)
    return DocumentLines(path, tuple(lines), tuple(ids)), repeated


def _report_id(path: Path, number: int, line: bytes) -> str:
    found = _ID_FIRST.match(line)
    try:
        if found:
            return str(json.loads(found.group(1)))
        return str(json.loads(line)["id"])
    except (ValueError, KeyError, TypeError) as error:
        raise DocumentsFileError(f"{path}:{number}: not a report: {error}") from error


def _report(path: Path, number: int, line: bytes) -> Report:
    return parse_report_line(line, f"{path}:{number}")
