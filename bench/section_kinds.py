"""Section kinds against hand labels: accuracy overall, per kind and per split, and `other` share.

Run as ``python bench/section_kinds.py [SHARED_DIR] [--errors]``: classifies every labelled
section (tests/cppcc_search/kinds/labelled_sections.txt) in report order, as the extractor will,
prints the figures, and exits 1 if one misses the issue's targets (2 if ../shared is missing).
``--errors`` also lists every section the classifier gets wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.kinds import classify_report, vocabulary  # noqa: E402
from cppcc_search.kinds.classify import strip_enumerator  # noqa: E402
from tests.cppcc_search.kinds.labelled import LabelledReport, load  # noqa: E402

# The targets.
MIN_ACCURACY = 0.90
MAX_NUMBERED_OTHER = 0.15


@dataclass(frozen=True)
class Outcome:
    """One labelled section and what the classifier said."""

    report: str
    split: str
    family: str
    language: str
    title: str
    numbered: bool
    expected: str
    got: str


def outcomes(labelled: list[LabelledReport]) -> list[Outcome]:
    """Classify every labelled report and pair each titled section's label with the result."""
    out = []
    for item in labelled:
        got = classify_report(item.report)
        for section, expected, kind in zip(item.report.sections, item.labels, got, strict=True):
            if expected is None or section.title is None or kind is None:
                continue
            title = section.title.strip()
            out.append(
                Outcome(
                    report=item.id,
                    split=item.split,
                    family=item.source.split("/")[0].split(":")[0],
                    language=item.report.language,
                    title=title,
                    numbered=strip_enumerator(title) != title,
                    expected=expected,
                    got=kind,
                )
            )
    return out


def pair_agreement(labelled: list[LabelledReport]) -> tuple[int, int]:
    """Sections of translations whose kind is the original's kind: (agreeing, compared)."""
    by_id = {item.id: item for item in labelled}
    agreeing = compared = 0
    for item in labelled:
        original = by_id.get(item.pair or "")
        if original is None:
            continue
        ours = [k for k in classify_report(item.report) if k is not None]
        theirs = [k for k in classify_report(original.report) if k is not None]
        for a, b in zip(ours, theirs, strict=False):
            compared += 1
            agreeing += a == b
    return agreeing, compared


def review_plan_agreement(labelled: list[LabelledReport]) -> tuple[int, int]:
    """Pairs of a review and a plan section of one report labelled with one area: how many the
    classifier also gives one kind (agreeing, compared). Part headings and overviews are left out.
    """
    agreeing = compared = 0
    for item in labelled:
        got = classify_report(item.report)
        sides: dict[str, dict[str, list[str]]] = {"review": {}, "plan": {}}
        for section, label, kind in zip(item.report.sections, item.labels, got, strict=True):
            if label in (None, "overview") or section.level < 2 or kind is None:
                continue
            if section.part_kind in sides:
                sides[section.part_kind].setdefault(label, []).append(kind)
        for label in sides["review"].keys() & sides["plan"].keys():
            for a in sides["review"][label]:
                for b in sides["plan"][label]:
                    compared += 1
                    agreeing += a == b
    return agreeing, compared


def _ratio(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a"


def report(
    results: list[Outcome],
    translations: tuple[int, int],
    review_plan: tuple[int, int],
    show_errors: bool,
) -> bool:
    """Print the figures; True when the targets are met."""
    correct = sum(r.expected == r.got for r in results)
    print(f"labelled sections: {len(results)} in {len({r.report for r in results})} reports")
    print(f"accuracy.overall: {_ratio(correct, len(results))}")
    for name, key in (("split", "split"), ("language", "language"), ("source", "family")):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for r in results:
            groups[getattr(r, key)].append(r)
        for value in sorted(groups):
            group = groups[value]
            hits = sum(r.expected == r.got for r in group)
            print(f"accuracy.{name}.{value}: {_ratio(hits, len(group))}")
    print("per kind (recall = labelled sections found; precision = assignments right):")
    expected_counts = Counter(r.expected for r in results)
    got_counts = Counter(r.got for r in results)
    hits_by_kind = Counter(r.expected for r in results if r.expected == r.got)
    for code in vocabulary().codes:
        if not expected_counts[code] and not got_counts[code]:
            continue
        recall = _ratio(hits_by_kind[code], expected_counts[code])
        precision = _ratio(hits_by_kind[code], got_counts[code])
        print(f"  {code:24} recall {recall:20} precision {precision}")
    numbered = [r for r in results if r.numbered]
    in_other = sum(r.got == "other" for r in numbered)
    print(f"numbered_sections_in_other: {_ratio(in_other, len(numbered))}")
    print(f"translation_pairs_agreeing: {_ratio(*translations)}")
    print(f"review_plan_pairs_agreeing: {_ratio(*review_plan)}")
    if show_errors:
        print("errors (expected -> got):")
        for r in results:
            if r.expected != r.got:
                print(f"  [{r.report}] {r.title[:60]}  {r.expected} -> {r.got}")
    accuracy = correct / len(results) if results else 0.0
    other_share = in_other / len(numbered) if numbered else 0.0
    met = accuracy >= MIN_ACCURACY and other_share < MAX_NUMBERED_OTHER
    print(f"section kinds: {'pass' if met else 'FAIL'}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--errors", action="store_true", help="list every wrong section")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"section kinds: ../shared is missing ({args.shared})", file=sys.stderr)
        return 2
    labelled = load(args.shared)
    met = report(
        outcomes(labelled),
        pair_agreement(labelled),
        review_plan_agreement(labelled),
        args.errors,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
