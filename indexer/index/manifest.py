"""A generation's manifest: the format it was written in and a checksum of every file in it.

``manifest.json`` is rewritten after every commit, last, atomically. ``index`` verifies it before
it writes: a missing, truncated or scribbled file (or one nobody listed) marks the generation as
damaged and the indexer rebuilds it from ``documents.jsonl``; ``index --check`` reports it. An
index written in another format (or before manifests existed) is rebuilt too.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
# The on-disk format this code writes and reads. 6: a trigram sketch column of each section's
# body (indexer.index.sketch). 5: posting blocks pickled with protocol 4
# (docnum deltas and counts as packed arrays) and a words_literal column. 4: a hyphenated word
# is indexed as its parts and joined ("new-energy": new, energy, newenergy), not whole;
# report_id is a column. 3: bigram fields index every Chinese character as a term of its own
# (2: only each run's last), and generations carry a manifest.
FORMAT_VERSION = 6
_CHUNK = 1 << 20
# Files Whoosh or we write and remove while a generation is in use, never part of a version.
_TRANSIENT_SUFFIXES = (".tmp", ".lock", "WRITELOCK")


@dataclass
class Health:
    """What verifying a generation found."""

    generation: str
    format: int | None
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.format == FORMAT_VERSION

    def format_line(self) -> str:
        """One line for the command line."""
        if self.ok:
            return (
                f"index {self.generation} is healthy: {self.files} files, "
                f"{self.bytes / 1e6:.1f} MB, checksums verified"
            )
        if self.format != FORMAT_VERSION and not self.problems:
            return (
                f"index {self.generation} was written in format {self.format or 'unknown'} "
                f"(this version reads {FORMAT_VERSION}): `cppcc-search index` rebuilds it"
            )
        shown = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        return f"index {self.generation} is damaged: {shown}{more}: `cppcc-search index` repairs it"


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _listed_files(gen_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in gen_dir.iterdir()
        if path.is_file()
        and path.name != MANIFEST_NAME
        and not path.name.startswith(".")
        and not path.name.endswith(_TRANSIENT_SUFFIXES)
    )


def read_manifest(gen_dir: Path) -> dict | None:
    """The manifest of a generation, or None when it has none or it cannot be read."""
    try:
        data = json.loads((gen_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def write_manifest(gen_dir: Path, reports: int) -> None:
    """List every file of the generation with its size and checksum, and how many reports it
    holds (atomically, last).

    Files already listed with the same size and modification time keep their checksum: an
    update hashes only the segments it wrote.
    """
    previous = (read_manifest(gen_dir) or {}).get("files", {})
    files = {}
    for path in _listed_files(gen_dir):
        stat = path.stat()
        known = previous.get(path.name)
        if known and known.get("size") == stat.st_size and known.get("mtime") == stat.st_mtime_ns:
            files[path.name] = known
        else:
            files[path.name] = {
                "size": stat.st_size,
                "mtime": stat.st_mtime_ns,
                "sha256": file_digest(path),
            }
    data = {"format": FORMAT_VERSION, "reports": reports, "files": files}
    tmp = gen_dir / f".{MANIFEST_NAME}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, gen_dir / MANIFEST_NAME)


def verify_generation(gen_dir: Path, checksums: bool = True) -> Health:
    """Check a generation against its manifest: every listed file present with its size (and,
    with ``checksums``, its bytes), and no table of contents left unlisted (an update that
    was interrupted after its commit: what it removed is missing too)."""
    manifest = read_manifest(gen_dir)
    health = Health(generation=gen_dir.name, format=manifest.get("format") if manifest else None)
    if manifest is None:
        health.problems.append("no readable manifest.json")
        return health
    for name, entry in sorted(manifest["files"].items()):
        path = gen_dir / name
        try:
            size = path.stat().st_size
        except OSError:
            health.problems.append(f"{name} is missing")
            continue
        health.files += 1
        health.bytes += size
        if size != entry.get("size"):
            health.problems.append(f"{name} has {size} bytes, not {entry.get('size')}")
        elif checksums and file_digest(path) != entry.get("sha256"):
            health.problems.append(f"{name} does not match its checksum")
    unlisted = [
        path.name
        for path in _listed_files(gen_dir)
        if path.suffix == ".toc" and path.name not in manifest["files"]
    ]
    health.problems.extend(f"{name} is not in the manifest" for name in unlisted)
    return health
