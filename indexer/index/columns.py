"""Per-document column values (facets and sort keys), read from an index and saved beside it.

The search service counts facets over these (indexer.search.facets). Each column is its
distinct values (sorted, None first) and one code per document: a facet count is then a
``numpy.bincount`` over the matching documents' codes, a filter a table lookup, and a sort by
year or date a sort of codes, all in C, however many sections match. Reading them from
Whoosh's column files takes about a second per 100k documents, so the indexer saves them once
per index version (``columns-<version>.pickle`` in the generation directory) and a server
starts without reading them.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from indexer.index.schema import COLUMN_FIELDS, KIND_REPORT, KIND_SECTION, NUMERIC_COLUMNS
from indexer.whoosh_internals import varbytes_values

COLUMN_FILE_PREFIX = "columns-"
_FORMAT = 3  # bump when the saved dict changes shape; an unknown format is read afresh


class Column:
    """One column: ``labels`` are its distinct values, None first (code 0, present or not),
    the rest ascending, so codes sort as the values do; ``codes`` the label of each document."""

    __slots__ = ("codes", "labels")

    def __init__(self, labels: list[Any], codes: np.ndarray) -> None:
        self.labels = labels
        self.codes = codes

    @classmethod
    def of(cls, values: Iterable[Any]) -> Column:
        """The column of one value per document (None for none)."""
        values = list(values)
        labels = [None, *sorted({v for v in values if v is not None})]
        code_of = {label: code for code, label in enumerate(labels)}
        codes = np.fromiter(map(code_of.__getitem__, values), np.int32, len(values))
        return cls(labels, codes)

    def __getitem__(self, doc: int) -> Any:
        return self.labels[self.codes[doc]]

    def __len__(self) -> int:
        return len(self.codes)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Column)
            and self.labels == other.labels
            and np.array_equal(self.codes, other.codes)
        )

    __hash__ = None  # type: ignore[assignment]

    def codes_of(self, allowed: Iterable[Any]) -> np.ndarray:
        """A lookup table by code: True for the labels among the allowed values."""
        wanted = set(allowed)
        return np.fromiter((label in wanted for label in self.labels), bool, len(self.labels))


@dataclass(eq=False)
class Columns:
    """Columns by name, the live section and report documents (ascending), and the years the
    sections span (sorted)."""

    values: dict[str, Column]
    sections: np.ndarray
    reports: list[int]
    years: list[int]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Columns)
            and self.values == other.values
            and np.array_equal(self.sections, other.sections)
            and (self.reports, self.years) == (other.reports, other.years)
        )


def column_file(directory: Path, version: int) -> Path:
    """Where the saved columns of one index version live."""
    return directory / f"{COLUMN_FILE_PREFIX}{version}.pickle"


def read_columns(reader: Any) -> Columns:
    """Read every column of an index reader (0 and "" read as None, except ordinals)."""
    values: dict[str, Column] = {}
    for name in COLUMN_FIELDS:
        column = _column_values(reader, name)
        if name != "ordinal":  # 0 and "" stand for "none" in year and string columns
            column = [v if v else None for v in column]
        values[name] = Column.of(column)
    kinds = values["kind"]
    live = np.fromiter(reader.all_doc_ids(), np.int64)
    sections = live[kinds.codes[live] == _code(kinds, KIND_SECTION)]
    reports = live[kinds.codes[live] == _code(kinds, KIND_REPORT)].tolist()
    years = values["year"]
    held = np.unique(years.codes[sections])
    return Columns(values, sections, reports, [years.labels[c] for c in held.tolist() if c])


def _code(column: Column, label: Any) -> int:
    """The code of a label (-1, matching nothing, when no document has it)."""
    return column.labels.index(label) if label in column.labels else -1


def save_columns(path: Path, columns: Columns) -> None:
    """Write the columns atomically (as a plain dict of lists and arrays: readers never
    unpickle our classes)."""
    data = {
        "format": _FORMAT,
        "values": {name: (c.labels, c.codes) for name, c in columns.values.items()},
        "sections": columns.sections,
        "reports": columns.reports,
        "years": columns.years,
    }
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def load_saved_columns(path: Path) -> Columns | None:
    """The columns the indexer saved for an index version, or None (then read_columns)."""
    try:
        data = pickle.loads(path.read_bytes())  # written by our own indexer, like the index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    values = {name: Column(labels, codes) for name, (labels, codes) in data["values"].items()}
    return Columns(values, data["sections"], data["reports"], data["years"])


def save_newest_columns(gen_dir: Path) -> None:
    """Save the columns of the generation's newest index version; drop older files."""
    ix = whoosh_index.open_dir(str(gen_dir))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        version = reader.generation()
        save_columns(column_file(gen_dir, version), read_columns(reader))
    keep = column_file(gen_dir, version).name
    for old in gen_dir.glob(f"{COLUMN_FILE_PREFIX}*.pickle"):
        if old.name != keep:
            old.unlink(missing_ok=True)


def _column_values(reader: Any, name: str) -> list[Any]:
    """A column's value for every document number of the reader, segment by segment.

    A segment where no document had a value has no column at all, and Whoosh's multi-segment
    column reader skips it (shifting every later document); such a segment reads as empty.
    """
    values: list[Any] = []
    empty = 0 if name in NUMERIC_COLUMNS else ""
    for sub, _ in reader.leaf_readers():
        count = sub.doc_count_all()
        part = _segment_column(sub, name) if sub.has_column(name) else []
        values.extend(part[:count])
        values.extend([empty] * (count - len(part[:count])))
    return values


def _segment_column(sub: Any, name: str) -> list[Any]:
    """One segment's column values, as iterating its column reader gives them.

    A column of byte strings is read at once and each distinct value translated once (a
    column holds few: kinds, years, committees), not value by value through Whoosh's readers,
    which was most of the time a rebuild spends after its workers end.
    """
    column = sub.column_reader(name)
    raw = varbytes_values(column)
    if raw is None:
        return list(column)
    translate = sub.schema[name].from_column_value
    translated = {value: translate(value) for value in set(raw)}
    return list(map(translated.__getitem__, raw))
