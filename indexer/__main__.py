"""``python -m indexer DATA_DIR [--rebuild] [--force] [--workers N]``: index a data directory.

The same as ``cppcc-search index``, as a process of its own (the tests kill it mid-way).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cppcc_search.errors import CppccSearchError
from cppcc_search.settings import DataPaths
from indexer.index.build import index_documents


def main(argv: list[str] | None = None) -> int:
    """Index DATA_DIR/documents.jsonl; one clear line on stderr on failure."""
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rebuild", action="store_true", help="build aside and swap atomically")
    parser.add_argument(
        "--force", action="store_true", help="index even if that drops most indexed reports"
    )
    parser.add_argument("--workers", type=int, default=None, help="analysis processes")
    args = parser.parse_args(argv)
    try:
        summary = index_documents(
            DataPaths(args.data_dir),
            rebuild=args.rebuild,
            progress=lambda message: print(message, flush=True),
            workers=args.workers,
            force=args.force,
        )
    except CppccSearchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary.format(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
