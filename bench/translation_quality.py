"""Query translation quality and cost: report-level recall and precision against substring truth.

One index holds the 72 Chinese government work reports of ../shared/corpus, the demo site's 13
documents (10 Chinese, 3 English) and the real English Changzhou report. The term pairs are the
policy table (cppcc_search/lexicon/policy_terms.tsv).

* English → Chinese: each English term of the table is searched through the SearchService; the
  truth is the set of the 72 gov-zh reports whose text holds one of its Chinese terms, and the
  found set is the gov-zh reports among the matches.
* Chinese → English: each Chinese term is searched; the truth is the English reports (demo and
  Changzhou) whose text holds one of its English terms (as whole words, any case, a plural
  ending allowed), the found set the English reports among the matches.

Two lexicons: the shipped one (every pair in the table), and a held-out test: the pairs whose
English term falls in the held-out fifth (by a hash, fixed) are removed from the table and searched
with what is left (the rest of the table and CC-CEDICT) — how the translation does on terms it was
not given, like another term list. The fifth's worst terms are printed (and were read while the
dictionary rules were developed, so it is not a pristine test set).

Then the cost: lexicon load (table, dictionary), translation per query, and first-time search time
of distinct queries expanded, not expanded and typed by hand with OR, over the same index (or, with
--sections N, over the 72 reports replicated to N sections as bench/bench_index.py does).

    .venv/bin/python bench/translation_quality.py [--workdir DIR] [--speed-queries 60] [--quoted]
    .venv/bin/python bench/translation_quality.py --sections 100000 --workdir DIR
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.lexicon.cedict import Cedict  # noqa: E402
from cppcc_search.lexicon.pairs import TermPair, policy_pairs  # noqa: E402
from cppcc_search.models import Report, write_documents  # noqa: E402
from cppcc_search.settings import DataPaths  # noqa: E402
from extraction.pipeline import extract_page  # noqa: E402
from indexer.index.build import index_documents  # noqa: E402
from indexer.search import expansion  # noqa: E402
from indexer.search.lexicon import Lexicon  # noqa: E402
from indexer.search.querylang import parse_query  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402
from indexer.search.types import SearchRequest  # noqa: E402
from tests.extraction.support import CHANGZHOU_URL, render_changzhou_page  # noqa: E402
from tests.indexer.reports import build_index, corpus_reports  # noqa: E402

SHARED = REPO_ROOT.parent / "shared"
HELD_OUT_FIFTH = 0  # pairs whose English term hashes to this remainder (mod 5) are held out
QUOTED = False  # --quoted: search each multi-word term as a "phrase" (default: as typed)


def held_out(pair: TermPair) -> bool:
    """The fixed fifth of the pairs kept out of the table for the held-out test."""
    digest = hashlib.sha1(pair.english.lower().encode("utf-8")).digest()
    return digest[0] % 5 == HELD_OUT_FIFTH


# -- the archive --------------------------------------------------------------------------------


def demo_reports() -> list[Report]:
    """The demo site's documents, extracted as the pipeline would."""
    reports = []
    for path in sorted((REPO_ROOT / "demo" / "site").glob("**/t2*.html")):
        url = "http://demo.test/" + path.relative_to(REPO_ROOT / "demo" / "site").as_posix()
        report = extract_page(path.read_bytes(), url).report
        if report is not None:
            reports.append(report)
    return reports


def changzhou_report() -> Report:
    report = extract_page(render_changzhou_page(SHARED), CHANGZHOU_URL).report
    assert report is not None, "the Changzhou page gave no report"
    return report


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Score:
    terms: int = 0
    answered: int = 0  # terms that found something
    recall: float = 0.0
    precision: float = 0.0
    found_all: int = 0
    true_all: int = 0
    hit_all: int = 0

    def add(self, truth: set[str], found: set[str]) -> None:
        hits = len(truth & found)
        self.terms += 1
        self.recall += hits / len(truth)
        if found:  # precision is undefined for a term that finds nothing (its recall is 0)
            self.precision += hits / len(found)
            self.answered += 1
        self.true_all += len(truth)
        self.found_all += len(found)
        self.hit_all += hits

    def row(self, label: str) -> str:
        if not self.terms:
            return f"| {label} | 0 | | | | |"
        micro_p = self.hit_all / self.found_all if self.found_all else 0.0
        precision = self.precision / self.answered if self.answered else 0.0
        return (
            f"| {label} | {self.terms} ({self.terms - self.answered} found nothing) | "
            f"{self.recall / self.terms:.3f} | {precision:.3f} | "
            f"{self.hit_all / self.true_all:.3f} | {micro_p:.3f} |"
        )


def found_reports(
    service: SearchService, query: str, among: set[str], expand: bool = True
) -> set[str]:
    """The reports of ``among`` holding a section the query matches (every page)."""
    query = f'"{query}"' if QUOTED and " " in query else query
    found: set[str] = set()
    page = 1
    while True:
        request = SearchRequest(query=query, per_page=1000, page=page, expand=expand)
        response = service.search(request)
        found |= {hit.report_id for hit in response.results}
        if page >= response.pages:
            return found & among
        page += 1


def containing_chinese(reports: list[Report], terms: set[str]) -> set[str]:
    """Substring truth: the reports whose text holds one of the Chinese terms."""
    return {r.id for r in reports if any(t in r.body_text() for t in terms)}


def containing_english(reports: list[Report], terms: set[str]) -> set[str]:
    """Substring truth for English: the term as whole words, any case ("land" is not in
    "island"), a plural ending allowed."""
    patterns = [re.compile(rf"\b{re.escape(fold_english(t))}(?:s|es)?\b") for t in terms]
    return {r.id for r in reports if any(p.search(fold_english(r.body_text())) for p in patterns)}


def fold_english(text: str) -> str:
    return text.lower().replace("’", "'")


def evaluate(
    service: SearchService,
    pairs: list[TermPair],
    chinese: list[Report],
    english: list[Report],
    expand: bool = True,
) -> tuple[Score, Score]:
    """English → Chinese and Chinese → English scores over the pairs (terms with truth only)."""
    by_english: dict[str, set[str]] = {}
    by_chinese: dict[str, set[str]] = {}
    for pair in pairs:
        by_english.setdefault(pair.english, set()).add(pair.chinese)
        by_chinese.setdefault(pair.chinese, set()).add(pair.english)
    zh_ids, en_ids = {r.id for r in chinese}, {r.id for r in english}
    to_chinese, to_english = Score(), Score()
    for term, renderings in sorted(by_english.items()):
        truth = containing_chinese(chinese, renderings)
        if truth:
            to_chinese.add(truth, found_reports(service, term, zh_ids, expand))
    for term, renderings in sorted(by_chinese.items()):
        truth = containing_english(english, renderings)
        if truth:
            to_english.add(truth, found_reports(service, term, en_ids, expand))
    return to_chinese, to_english


def misses(
    service: SearchService, pairs: list[TermPair], chinese: list[Report], limit: int = 12
) -> list[str]:
    """English terms whose search missed or overshot most (for reading, not scoring)."""
    zh_ids = {r.id for r in chinese}
    lines = []
    for pair in pairs:
        truth = containing_chinese(chinese, {pair.chinese})
        if not truth:
            continue
        found = found_reports(service, pair.english, zh_ids)
        recall = len(truth & found) / len(truth)
        precision = len(truth & found) / len(found) if found else 0.0
        if recall < 0.9 or precision < 0.8:
            lines.append(
                f"  {pair.english!r} → {pair.chinese}: recall {recall:.2f} precision "
                f"{precision:.2f} (truth {len(truth)}, found {len(found)})"
            )
    return lines[:limit]


# -- cost ---------------------------------------------------------------------------------------


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def speed(service: SearchService, pairs: list[TermPair], count: int) -> None:
    """Lexicon load, translation per query, first-time search expanded and not (ms)."""
    lexicon = Lexicon(policy_pairs(), Cedict)
    table_ms = timed(lambda: Lexicon(policy_pairs(), Cedict))
    dictionary_ms = timed(lexicon.dictionary)
    print(f"lexicon load: table {table_ms:.0f} ms; CC-CEDICT on first need {dictionary_ms:.0f} ms")
    rng = random.Random(12)
    english = sorted({p.english for p in pairs})
    chinese = sorted({p.chinese for p in pairs})
    queries = rng.sample(english, count // 2) + rng.sample(chinese, count - count // 2)
    rng.shuffle(queries)
    # A warm process (jieba's dictionary, the lexicon read), cold queries: each is new to it.
    service.search(SearchRequest(query="warm-up 暖机 machinery 机械"))
    plain: list[float] = []
    expanded: list[float] = []
    by_hand: list[float] = []
    translating: list[float] = []
    for query in queries:
        for expand, samples in ((False, plain), (True, expanded)):
            service.clear_query_cache()
            request = SearchRequest(query=query, expand=expand)
            samples.append(timed(lambda r=request: service.search(r)))
        # The same alternatives typed by hand ("new energy" OR 新能源), searched untranslated:
        # what the search itself costs, without the lookups that chose the renderings.
        translations = service.search(SearchRequest(query=query, per_page=1)).translations
        typed = " OR ".join(
            f'"{text}"' if " " in text else text
            for text in [query, *(r for t in translations for r in t.renderings)]
        )
        service.clear_query_cache()
        request = SearchRequest(query=typed, expand=False)
        by_hand.append(timed(lambda r=request: service.search(r)))
        service.clear_query_cache()
        parsed = parse_query(query)
        # The translation step alone, its index lookups included (a private hook: a benchmark).
        translating.append(
            service._with_searcher(
                lambda s, c, v, p=parsed: timed(
                    lambda: expansion.expand_query(s, p, SearchRequest(), v.memo, lexicon)
                )
            )
        )
    slowest = sorted(zip(expanded, queries, strict=True), reverse=True)[:3]
    print("slowest expanded: " + ", ".join(f"{q} {ms:.0f} ms" for ms, q in slowest))
    for label, samples in (
        ("translation (lexicon lookups + counting renderings)", translating),
        ("search, not expanded", plain),
        ("search, expanded", expanded),
        ("search of the same alternatives typed with OR, not expanded", by_hand),
    ):
        p50, p95 = percentiles(samples)
        print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(samples)} distinct queries")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


# -- main ---------------------------------------------------------------------------------------

HEADER = (
    "| lexicon · direction | terms | recall (mean) | precision (mean) | recall (pooled) "
    "| precision (pooled) |"
)
RULE = "| --- | --- | --- | --- | --- | --- |"


def speed_at_scale(workdir: Path, sections: int, count: int) -> int:
    """The cost part alone, over the Chinese reports replicated as bench/bench_index.py does."""
    from bench.bench_index import finer_sections, replicated

    paths = DataPaths(workdir / f"replicated-{sections}").ensure()
    if not paths.index_dir.exists():
        reports = replicated([finer_sections(r) for r in corpus_reports(SHARED)], sections)
        started = time.perf_counter()
        write_documents(paths.documents, reports)
        index_documents(paths, rebuild=True)
        print(
            f"index: {sum(len(r.sections) for r in reports):,} sections "
            f"({time.perf_counter() - started:.0f} s)"
        )
    with SearchService.open(paths) as service:
        print(f"index: {service.stats().sections:,} sections")
        speed(service, policy_pairs(), count)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, help="where to build the index (default: a temp dir)"
    )
    parser.add_argument("--speed-queries", type=int, default=60)
    parser.add_argument(
        "--quoted", action="store_true", help='search multi-word terms as "phrases"'
    )
    parser.add_argument(
        "--sections",
        type=int,
        default=0,
        help="only the cost, over the 72 reports replicated to about this many sections",
    )
    args = parser.parse_args()
    global QUOTED
    QUOTED = args.quoted
    if not SHARED.is_dir():
        print(f"../shared is missing ({SHARED}): nothing to measure", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="translation-quality-"))
    if args.sections:
        return speed_at_scale(workdir, args.sections, args.speed_queries)
    gov = corpus_reports(SHARED)
    demo = demo_reports()
    english = [r for r in demo if r.language == "en"] + [changzhou_report()]
    chinese = gov
    paths = DataPaths(workdir / "data").ensure()
    started = time.perf_counter()
    build_index(paths, gov + demo + english[-1:], rebuild=True)
    print(
        f"index: {len(gov)} gov-zh + {len(demo)} demo + Changzhou reports "
        f"({time.perf_counter() - started:.1f} s)"
    )
    table = policy_pairs()
    kept = [p for p in table if not held_out(p)]
    test = [p for p in table if held_out(p)]
    print(
        f"pairs: {len(table)} ({len({p.english for p in table})} English terms, "
        f"{len({p.chinese for p in table})} Chinese); held out {len(test)}"
    )
    print(HEADER)
    print(RULE)
    with SearchService.open(paths) as service:
        for label, expand in (("none (expand off)", False), ("shipped", True)):
            to_zh, to_en = evaluate(service, table, chinese, english, expand)
            print(to_zh.row(f"{label} · en→zh, all pairs"))
            print(to_en.row(f"{label} · zh→en, all pairs"))
    with SearchService.open(paths, lexicon=Lexicon(kept, Cedict)) as service:
        to_zh, to_en = evaluate(service, test, chinese, english)
        print(to_zh.row("held-out fifth removed · en→zh, held-out pairs"))
        print(to_en.row("held-out fifth removed · zh→en, held-out pairs"))
        print("held-out English terms below recall 0.9 or precision 0.8:")
        print("\n".join(misses(service, test, chinese)) or "  none")
    with SearchService.open(paths) as service:
        speed(service, table, args.speed_queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
