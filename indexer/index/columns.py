"""Per-document column values (facets and sort keys), read from an index and saved beside it.

The search service counts facets over these lists (indexer.search.facets). Reading them from
Whoosh's column files takes about a second per 100k documents, so the indexer saves them once
per index version (``columns-<version>.pickle`` in the generation directory) and a server
starts without reading them.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from indexer.index.schema import COLUMN_FIELDS, KIND_REPORT, KIND_SECTION, NUMERIC_COLUMNS

COLUMN_FILE_PREFIX = "columns-"
_FORMAT = 2  # bump when the saved dict changes shape; an unknown format is read afresh


@dataclass
class Columns:
    """Column values by document number, the live section and report documents, and the
    years the sections span (sorted)."""

    values: dict[str, list[Any]]
    sections: list[int]
    reports: list[int]
    years: list[int]


def column_file(directory: Path, version: int) -> Path:
    """Where the saved columns of one index version live."""
    return directory / f"{COLUMN_FILE_PREFIX}{version}.pickle"


def read_columns(reader: Any) -> Columns:
    """Read every column of an index reader (0 and "" read as None, except ordinals)."""
    values: dict[str, list[Any]] = {}
    for name in COLUMN_FIELDS:
        shared: dict[Any, Any] = {}  # one object per distinct value: compact pickles
        column = _column_values(reader, name)
        if name == "ordinal":
            values[name] = [shared.setdefault(v, v) for v in column]
        else:  # 0 and "" stand for "none" in year and string columns
            values[name] = [shared.setdefault(v, v) if v else None for v in column]
    kinds = values["kind"]
    live = list(reader.all_doc_ids())
    sections = [doc for doc in live if kinds[doc] == KIND_SECTION]
    reports = [doc for doc in live if kinds[doc] == KIND_REPORT]
    years = sorted({y for y in map(values["year"].__getitem__, sections) if y is not None})
    return Columns(values=values, sections=sections, reports=reports, years=years)


def save_columns(path: Path, columns: Columns) -> None:
    """Write the columns atomically (as a plain dict: readers never unpickle our classes)."""
    data = {
        "format": _FORMAT,
        "values": columns.values,
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
    return Columns(data["values"], data["sections"], data["reports"], data["years"])


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
        part = list(sub.column_reader(name)) if sub.has_column(name) else []
        values.extend(part[:count])
        values.extend([empty] * (count - len(part[:count])))
    return values
