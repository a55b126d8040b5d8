"""The bodies an index holds (``bodies.json`` in each generation), and finding them by name.

The indexer writes every body with its names in both languages, kind, level, region, parent and
report count, plus the names of the region codes its facet uses; the search service reads the
file once per generation, so labels and name lookups never rescan the documents.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cppcc_search.bodies import body_for_name, body_from_id, normalise_name
from cppcc_search.bodies.divisions import divisions
from cppcc_search.bodies.names import english_place
from cppcc_search.bodies.places import resolve_place
from cppcc_search.models import Report

BODIES_NAME = "bodies.json"
# The fields /api/bodies lists, in order (docs/contracts.md).
PUBLIC_FIELDS = ("id", "name_zh", "name_en", "kind", "level", "region", "parent", "reports")


def region_codes(report: Report) -> list[str]:
    """The division codes of a report's region, from the top."""
    return divisions().region_codes(report.region) if report.region else []


def build_bodies(reports: Iterable[Report]) -> dict[str, Any]:
    """``{bodies: [...], regions: {code: {zh, en}}}`` for the reports' bodies."""
    entries: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    names: dict[str, set[str]] = {}
    for report in reports:
        if not report.body_id:
            continue
        counts[report.body_id] += 1
        names.setdefault(report.body_id, set()).update(
            name for name in (report.committee, report.body_name) if name
        )
        if report.body_id not in entries:
            body = body_from_id(report.body_id, report.body_name, report.level)
            entry = body.to_dict()
            entry["region"] = entry["region"] or list(report.region)
            entry["codes"] = entry["codes"] or region_codes(report)
            entries[report.body_id] = entry
    for body_id, entry in entries.items():
        entry["reports"] = counts[body_id]
        entry["names"] = sorted(names[body_id] - {entry["name_zh"], entry["name_en"]})
        entry["parent"] = _parent(entry, entries)
    codes = {code for entry in entries.values() for code in entry["codes"]}
    table = divisions()
    regions = {
        code: {"zh": table.by_code[code].name, "en": english_place(table.by_code[code])}
        for code in sorted(codes)
        if code in table.by_code
    }
    bodies = sorted(entries.values(), key=lambda e: (-e["reports"], e["id"]))
    return {"bodies": bodies, "regions": regions}


def _parent(entry: dict[str, Any], entries: dict[str, dict[str, Any]]) -> str | None:
    """The nearest body of the same kind above this one that the archive holds."""
    if entry["level"] == "national":
        return None
    for code in reversed(entry["codes"][:-1]):
        candidate = f"{entry['kind']}-{code}"
        if candidate in entries:
            return candidate
    national = f"{entry['kind']}-national"
    return national if national in entries and entry["codes"] else None


def write_bodies(gen_dir: Path, data: dict[str, Any]) -> None:
    """Write ``bodies.json`` atomically into a generation directory."""
    tmp = gen_dir / f".{BODIES_NAME}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, gen_dir / BODIES_NAME)


@dataclass
class BodyRegistry:
    """The bodies of one generation, by id and by every name they are known by."""

    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: dict[str, dict[str, str]] = field(default_factory=dict)
    _by_name: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for body_id, entry in self.bodies.items():
            for name in (body_id, entry["name_zh"], entry["name_en"], *entry.get("names", ())):
                ids = self._by_name.setdefault(normalise_name(name), [])
                if body_id not in ids:
                    ids.append(body_id)

    def label(self, body_id: str) -> dict[str, str] | None:
        """A body's names, ``{zh, en}``."""
        entry = self.bodies.get(body_id)
        return {"zh": entry["name_zh"], "en": entry["name_en"]} if entry else None

    def public(self) -> list[dict[str, Any]]:
        """Every body as /api/bodies lists it."""
        return [{key: entry.get(key) for key in PUBLIC_FIELDS} for entry in self.bodies.values()]

    def ids_for(self, text: str) -> list[str]:
        """The bodies a filter value denotes: an id, any of a body's names (in any term or
        spelling), or a place (every body there); [] when it denotes none in the index."""
        text = text.strip()
        if text in self.bodies:
            return [text]
        found = self._by_name.get(normalise_name(text))
        if found:
            return list(found)
        body = body_for_name(text)
        if body is not None:
            return [body.id] if body.id in self.bodies else []
        division = resolve_place(text)
        if division is None:
            return []
        return [i for i, e in self.bodies.items() if e["codes"] and e["codes"][-1] == division.code]

    def region_codes_for(self, text: str) -> list[str]:
        """The region codes a filter value denotes: a code, a region's name, or a place."""
        text = text.strip()
        if text in self.regions:
            return [text]
        wanted = normalise_name(text)
        found = [
            code
            for code, label in self.regions.items()
            if wanted in (normalise_name(label["zh"]), normalise_name(label["en"]))
        ]
        if found:
            return found
        division = resolve_place(text)
        return [division.code] if division is not None and division.code in self.regions else []


def read_bodies(gen_dir: Path) -> BodyRegistry:
    """The bodies of a generation (an empty registry when the file is absent or unreadable:
    an index written before bodies existed)."""
    try:
        data = json.loads((gen_dir / BODIES_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BodyRegistry()
    return registry_of(data)


def registry_of(data: Any) -> BodyRegistry:
    """The registry of :func:`build_bodies`' data, as stored (empty when it is not that)."""
    if not isinstance(data, dict):
        return BodyRegistry()
    bodies = {e["id"]: e for e in data.get("bodies", []) if isinstance(e, dict) and "id" in e}
    return BodyRegistry(bodies=bodies, regions=dict(data.get("regions") or {}))
