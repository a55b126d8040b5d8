"""Time one process writing one index segment: adding documents, then writing the segment.

The parts of a rebuild that indexer/segments.py does in each worker process, measured without
workers (so the two phases separate cleanly), on the 72 real reports of ../shared/corpus
replicated to ``--sections``. With ``--profile`` it prints the top functions of each phase.
Not a test: nothing here asserts a time.

    .venv/bin/python bench/bench_build.py --sections 10000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.filedb.filestore import FileStorage  # noqa: E402

from bench.bench_index import finer_sections, replicated  # noqa: E402
from indexer.index.documents import report_documents  # noqa: E402
from indexer.index.schema import build_schema  # noqa: E402
from indexer.index.segments import SegmentBuilder  # noqa: E402
from tests.indexer.reports import corpus_reports  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=10000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    shared = REPO_ROOT.parent / "shared"
    reports = replicated([finer_sections(r) for r in corpus_reports(shared)], args.sections)
    documents = [doc for report in reports for doc in report_documents(report)]
    sections = sum(len(r.sections) for r in reports)
    print(f"{len(reports)} reports, {sections} sections (the corpus replicated; text repeats)")
    gc.disable()  # as the index workers run (indexer.index.parallel)
    with tempfile.TemporaryDirectory() as directory:
        schema = build_schema()
        whoosh_index.create_in(directory, schema)
        builder = SegmentBuilder(FileStorage(directory), schema)

        def add() -> None:
            for doc in documents:
                builder.add_document(doc)

        for name, phase in (("add documents", add), ("write segment", builder.finish)):
            profile = cProfile.Profile() if args.profile else None
            started, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.runcall(phase)
            else:
                phase()
            # CPU time too: on a shared machine, wall time is mostly other people's work.
            print(
                f"{name:14} {time.perf_counter() - started:7.1f} s "
                f"({time.process_time() - cpu:.1f} s of CPU)"
            )
            if profile:
                pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    held = builder.memory_bytes / 2**20
    print(f"postings held  {held:7.0f} MB (estimate); peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
