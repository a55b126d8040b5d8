"""Promise against delivery against hand alignments: precision@1 of the follow-up aligner.

Run as ``python bench/followup.py [SHARED_DIR] [--errors]``: aligns every labelled pair of gov-zh
reports (tests/cppcc_search/followup_labelled.txt) as /api/followup does
(indexer.search.followup.followup), prints the figures per split and exits 1 below the floor
(2 if ../shared is missing). ``--errors`` lists every task whose first passage is not labelled.

precision@1: of the tasks that some review passage reports on, the share whose first passage is
one labelled for it ('=' or '~'; a task the aligner leaves without passages counts as wrong);
strict: the first passage is one labelled '=' (about the task), over the tasks that have one.
Tasks labelled 'none' are counted apart: how many the aligner also leaves without passages.
The random baseline is the precision@1 of picking one review passage at random.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.followup import plan_tasks, review_passages  # noqa: E402
from indexer.search.followup import followup, plan_year  # noqa: E402
from tests.cppcc_search.followup_labelled import (  # noqa: E402
    LabelledTask,
    LoadedPair,
    is_labelled,
    load,
    squash,
)

# The target; the floor the tests hold the aligner to is pinned at the measured figure.
TARGET = 0.8
FLOOR = 0.85


@dataclass(frozen=True)
class Outcome:
    """One labelled task and the aligner's answer."""

    pair: str
    split: str
    task: str
    labelled: bool  # some passage reports on it
    has_primary: bool
    top: str | None  # the first passage's text
    top_title: str | None
    right: bool  # the first passage is labelled ('=' or '~')
    strict: bool  # the first passage is labelled '='
    chance: float  # precision@1 of a random review passage


def outcomes(pairs: list[LoadedPair]) -> list[Outcome]:
    """Align every labelled pair and score each task's first passage."""
    results = []
    for item in pairs:
        answer = followup(item.report, item.following)
        by_title = {squash(p["plan"]["title"] or ""): p["review"] for p in answer.pairs}
        tasks = {squash(t.title) for t in plan_tasks(item.report)}
        year = plan_year(item.report)
        passages = review_passages(item.following, year)
        for task in item.labels.tasks:
            key = squash(task.title)
            if key not in tasks:
                raise SystemExit(f"{item.labels.name}: no plan task {task.title!r}")
            review = by_title.get(key, [])
            top = review[0] if review else None
            results.append(_outcome(item, task, top, passages))
    return results


def _outcome(item: LoadedPair, task: LabelledTask, top: dict | None, passages: list) -> Outcome:
    right = top is not None and is_labelled(task.passages, top["title"], top["passage"])
    strict = top is not None and is_labelled(task.primary, top["title"], top["passage"])
    hits = sum(is_labelled(task.passages, p.title, p.text) for p in passages)
    return Outcome(
        pair=item.labels.name,
        split=item.labels.split,
        task=task.title,
        labelled=bool(task.passages),
        has_primary=bool(task.primary),
        top=top["passage"] if top else None,
        top_title=top["title"] if top else None,
        right=right,
        strict=strict,
        chance=hits / len(passages) if passages else 0.0,
    )


def _ratio(hits: float, total: int) -> str:
    return f"{hits / total:.3f} ({hits:g}/{total})" if total else "n/a"


def precision(results: list[Outcome]) -> float:
    labelled = [r for r in results if r.labelled]
    return sum(r.right for r in labelled) / len(labelled) if labelled else 0.0


def report(results: list[Outcome], show_errors: bool) -> bool:
    """Print the figures; True when precision@1 over every labelled task meets the floor."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for r in results:
        groups["all"].append(r)
        groups[r.split].append(r)
        groups[f"pair {r.pair}"].append(r)
    print(f"labelled tasks: {len(results)} in {len({r.pair for r in results})} pairs")
    for name in ["all", "dev", "heldout", *sorted(k for k in groups if k.startswith("pair"))]:
        group = groups.get(name, [])
        labelled = [r for r in group if r.labelled]
        primary = [r for r in labelled if r.has_primary]
        empty = [r for r in labelled if r.top is None]
        print(
            f"{name}: precision@1 {_ratio(sum(r.right for r in labelled), len(labelled))}"
            f" strict {_ratio(sum(r.strict for r in primary), len(primary))}"
            f" random {sum(r.chance for r in labelled) / max(1, len(labelled)):.3f}"
            f" left without passages {len(empty)}"
        )
    nothing = [r for r in results if not r.labelled]
    print(
        f"tasks nothing reports on: {len(nothing)}, left without passages by the aligner: "
        f"{sum(r.top is None for r in nothing)}"
    )
    if show_errors:
        print("first passage not labelled:")
        for r in results:
            if r.labelled and not r.right:
                top = f"{r.top_title} | {(r.top or '')[:50]}"
                print(f"  [{r.pair} {r.split}] {r.task[:40]} -> {top}")
    figure = precision(results)
    met = figure >= FLOOR
    print(
        f"follow-up precision@1 {figure:.3f} (floor {FLOOR}, target {TARGET}): "
        f"{'pass' if met else 'FAIL'}"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--errors", action="store_true", help="list every task answered wrong")
    args = parser.parse_args(argv)
    if not (args.shared / "sites" / "gov-zh").is_dir():
        print(f"follow-up: ../shared is missing ({args.shared})", file=sys.stderr)
        return 2
    return 0 if report(outcomes(load(args.shared)), args.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
